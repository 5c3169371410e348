"""The content version that kept pages are stored under."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """One row: a number drawn anew when a change to the content commits (kb/pagecache/store.py).
    Pages are kept under it, so a change makes every kept page stale at once, on every instance."""

    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        db_table = "roles_contentversion"  # the table it had in the roles app
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self):
        return str(self.value)
