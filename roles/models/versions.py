"""Published versions of roles and the texts they hold (published by roles/versions/)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roles.addresses import page_url
from roles.changes import Tracked
from roles.models.content import RoleKey
from roles.models.fields import UnixTextField
from roles.models.querysets import RoleVersionQuerySet, VersionTextQuerySet


class VersionText(models.Model):
    """A text some published version holds, stored once however many versions hold it: versions
    refer to their texts by digest, so publishing a role again stores only the changed texts."""

    digest = models.CharField(_("digest"), max_length=64, primary_key=True)
    text = models.TextField(_("text"))

    objects = VersionTextQuerySet.as_manager()

    class Meta:
        verbose_name = _("text of a published version")
        verbose_name_plural = _("texts of published versions")

    def __str__(self):
        return self.text[:80]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("The texts of published versions are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The texts of published versions are never deleted.")


class RoleVersion(Tracked, models.Model):
    """A role as readers saw it when it was published, in every language: numbered, immutable,
    with a permalink of its own. Found by the role's key, which never changes, so its links outlive
    the role; never edited or deleted, but an editor may withdraw it (it then answers 410)."""

    role_key = models.SlugField(_("role"), max_length=20, choices=RoleKey.choices)
    number = models.PositiveIntegerField(_("version"))
    # Its texts, duties, qualities, scenarios, workplaces, career ladder and codes, each text a
    # VersionText digest (roles/versions/publishing.py).
    content = models.JSONField(_("content"), editable=False)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, editable=False)
    # Per language, the fingerprint of what the role's page showed in it: "edited since".
    page_fingerprints = models.JSONField(
        _("fingerprints per language"), default=dict, editable=False
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawal_reason = UnixTextField(_("reason for the withdrawal"), blank=True)

    objects = RoleVersionQuerySet.as_manager()

    # The only fields a saved version may change: those of its withdrawal.
    WITHDRAWAL_FIELDS = frozenset({"withdrawn_at", "withdrawn_by", "withdrawal_reason"})

    class Meta:
        ordering = ["role_key", "-number"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints = [
            models.UniqueConstraint(fields=["role_key", "number"], name="role_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="role_version_from_one"),
        ]

    def __str__(self):
        return f"{self.get_role_key_display()}, v{self.number}"

    def save(self, *args, update_fields=None, **kwargs):
        if not self._state.adding and (
            update_fields is None
            or not self.WITHDRAWAL_FIELDS.issuperset(update_fields)
            or self.withdrawn_at is None
        ):
            raise ValueError("A published version is never changed, except to withdraw it.")
        super().save(*args, update_fields=update_fields, **kwargs)

    def get_absolute_url(self):
        return page_url("roles:role-version", key=self.role_key, number=self.number)

    def delete(self, *args, **kwargs):
        raise ValueError("A published version is never deleted; withdraw it instead.")

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None
