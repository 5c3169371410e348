"""The termbase (each concept's preferred term per language) and the check warnings an editor
dismissed for one text (roles/editorial/checks)."""

import re

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from roles.models.fields import UnixTextField


def validate_forms(value: str) -> None:
    """One form per line, each with two letters at least: a form of "*" alone, or of one letter,
    would be found in every text."""
    for number, line in enumerate(value.splitlines(), start=1):
        if line.strip() and len(re.sub(r"[\W\d_]", "", line)) < 2:
            raise ValidationError(
                _("Line %(number)d, “%(line)s”: a form needs two letters at least."),
                code="form",
                params={"number": number, "line": line.strip()},
            )


class Term(models.Model):
    """A concept the site names the same way everywhere. Its texts are translated fields
    (roles/translation.py): the preferred term, the forms that recognise it in a text, the
    variants that must not be used, and a note for translators, per language."""

    concept = models.SlugField(
        _("concept"),
        max_length=80,
        unique=True,
        # Translators: checks-ignore: glossary-forbidden (a concept's key, written as it is)
        help_text=_("A stable key, such as “call-centre”."),
    )
    english = models.CharField(
        _("English term"),
        max_length=120,
        blank=True,
        help_text=_("The term in the interface's English, which the interface strings translate."),
    )
    english_forms = UnixTextField(
        _("English forms"),
        blank=True,
        validators=[validate_forms],
        help_text=_("How the English term is recognised, one form per line (as for the forms)."),
    )
    term = models.CharField(_("preferred term"), max_length=120, blank=True)
    forms = UnixTextField(
        _("forms"),
        blank=True,
        validators=[validate_forms],
        help_text=_(
            "How the term is recognised in a text, one form per line; “*” stands for any letters "
            "at a word’s end (endings) or start (compounds). Case and accents do not count. "
            "Empty: the preferred term itself."
        ),
    )
    forbidden = UnixTextField(
        _("variants not to use"),
        blank=True,
        validators=[validate_forms],
        help_text=_("Variants that must not be used, one per line, written as the forms are."),
    )
    note = UnixTextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["concept"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")

    def __str__(self):
        return self.term or self.english or self.concept


@reversion.register()
class CheckDismissal(models.Model):
    """A warning an editor dismissed for one text as it reads now (its fingerprint): when the
    text changes, the check looks again. Kept in the object's revisions with the reason."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, verbose_name=_("kind")
    )
    object_id = models.PositiveBigIntegerField(_("object"))
    field = models.CharField(_("field"), max_length=40)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    check_id = models.CharField(_("check"), max_length=40)
    text_fingerprint = models.CharField(_("text fingerprint"), max_length=16)
    reason = models.TextField(_("reason"))
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dismissed by"),
    )
    dismissed_at = models.DateTimeField(_("dismissed"), auto_now_add=True)

    class Meta:
        verbose_name = _("dismissed warning")
        verbose_name_plural = _("dismissed warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "language", "check_id"],
                name="check_dismissal_unique",
            ),
        ]

    def __str__(self):
        return f"{self.check_id}: {self.field} [{self.language}]"
