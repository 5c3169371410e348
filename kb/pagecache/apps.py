"""The page cache app: kept pages go stale when the content changes (roles.changes)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from roles.changes import content_changed


class PageCacheConfig(AppConfig):
    name = "kb.pagecache"
    label = "pagecache"
    verbose_name = _("Page cache")

    def ready(self):
        from kb.pagecache import store

        content_changed.connect(store.on_content_changed, dispatch_uid="page-cache")
