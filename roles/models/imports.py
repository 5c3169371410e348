"""Translators' uploads between the preview and the confirm step: kept in the database, so that
every server process can read them, tied to the user who uploaded them, and expiring."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PendingImportQuerySet(models.QuerySet):
    def expired(self):
        age = timedelta(seconds=settings.TRANSLATION_UPLOAD_SECONDS)
        return self.filter(created_at__lt=timezone.now() - age)


class PendingImport(models.Model):
    """A translation file read and previewed, not applied yet: its entries as parsed, so that the
    confirm step neither receives nor parses the file again."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now, db_index=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    format = models.CharField(_("format"), max_length=8)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    entries = models.JSONField(_("entries"))

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")
        # Only the import pages use it: no add, change, delete or view permissions to hand out.
        default_permissions = ()

    def __str__(self):
        return f"{self.file_name} ({self.language}, {self.created_at:%Y-%m-%d %H:%M})"

    @property
    def expired(self) -> bool:
        age = timedelta(seconds=settings.TRANSLATION_UPLOAD_SECONDS)
        return self.created_at < timezone.now() - age
