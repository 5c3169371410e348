"""The search index's tables: each object's searchable text per language, and the lexicon of
words for typo tolerance."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """One object's searchable text in one language (kb/search/index.py keeps these up to date).
    On PostgreSQL, `document` holds the text-search vector (title weighted above body, accents
    removed), indexed per language over public entries."""

    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("object"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    public = models.BooleanField(_("public"), default=False)
    title = models.TextField(_("title"))
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("address"), max_length=300)
    document = SearchVectorField(null=True)

    class Meta:
        db_table = "roles_searchentry"  # the table it had in the roles app
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "language"], name="search_entry_unique"
            ),
        ]
        indexes = [models.Index(fields=["language", "public"], name="search_entry_language")]

    def __str__(self):
        return f"{self.kind} {self.object_id} [{self.language}]"


class SearchWord(models.Model):
    """A word of a public text in this language, in lower case (PostgreSQL only): the lexicon for
    typo tolerance. A misspelt query word is compared (pg_trgm, indexed) with these few thousand
    words rather than with every text, then searched for as spelt here."""

    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    word = models.CharField(_("word"), max_length=60)
    # What the misspelt words are compared with.
    folded = models.CharField(_("word without accents"), max_length=60)

    class Meta:
        db_table = "roles_searchword"
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        constraints = [
            models.UniqueConstraint(fields=["language", "word"], name="search_word_unique"),
        ]

    def __str__(self):
        return f"{self.word} [{self.language}]"
