from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "kb.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self):
        from kb.search import index
        from roles.changes import content_changed

        content_changed.connect(index.content_changed, dispatch_uid="search-index")
