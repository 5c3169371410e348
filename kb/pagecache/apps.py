from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PageCacheConfig(AppConfig):
    name = "kb.pagecache"
    label = "pagecache"
    verbose_name = _("Page cache")

    def ready(self):
        from kb.pagecache import store
        from roles.changes import content_changed

        content_changed.connect(store.content_changed, dispatch_uid="page-cache")
