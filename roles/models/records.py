"""Records about the content: each translated text's review state, former slugs, and what the
seed loader last wrote."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from roles.changes import Tracked, TrackedQuerySet
from roles.languages import languages


class TextStatus(Tracked, models.Model):
    """The review state of one translated text: a field of an object, in one language. A text with
    no row is unreviewed, an empty text is missing; a changed source text makes the translation
    outdated (roles/editorial/translation_status.py)."""

    class State(models.TextChoices):
        UNREVIEWED = "unreviewed", _("unreviewed")
        REVIEWED = "reviewed", _("reviewed")

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, verbose_name=_("kind")
    )
    object_id = models.PositiveBigIntegerField(_("object"))
    field = models.CharField(_("field"), max_length=40)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    # The default-language text the translation was written or reviewed against.
    source_fingerprint = models.CharField(_("source fingerprint"), max_length=16, blank=True)
    # The text itself when its state was recorded: a text changed by any other route (a restore,
    # a script) is unreviewed again.
    text_fingerprint = models.CharField(_("text fingerprint"), max_length=16, blank=True)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    objects = TrackedQuerySet.as_manager()

    class Meta:
        verbose_name = _("text status")
        verbose_name_plural = _("text statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "language"], name="text_status_unique"
            ),
        ]
        # Per language: who may write its texts, and who may mark them reviewed.
        permissions = [
            *[(f"translate_{code}", f"Can edit the {code} texts") for code in languages()],
            *[(f"review_{code}", f"Can mark the {code} texts reviewed") for code in languages()],
            ("publish", "Can publish and unpublish content"),
        ]

    def __str__(self):
        return f"{self.field} [{self.language}]: {self.state}"


class FormerSlug(Tracked, models.Model):
    """A slug an object had before it was renamed: its old links answer 301 to the new one."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, verbose_name=_("kind")
    )
    object_id = models.PositiveBigIntegerField(_("object"))
    slug = models.SlugField(_("slug"), max_length=80)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TrackedQuerySet.as_manager()

    class Meta:
        verbose_name = _("former slug")
        verbose_name_plural = _("former slugs")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "slug"], name="former_slug_unique"),
        ]

    def __str__(self):
        return self.slug


class SeedRecord(models.Model):
    """What `load_seeds` last wrote to one object: a fingerprint per field. A field that no longer
    matches its fingerprint was changed by an editor, and the loader keeps it (unless --force)."""

    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(_("key"), max_length=200)
    fingerprints = models.JSONField(_("fingerprints"), default=dict)
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)

    class Meta:
        verbose_name = _("seed record")
        verbose_name_plural = _("seed records")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="seed_record_unique"),
        ]

    def __str__(self):
        return f"{self.kind} {self.key}"
