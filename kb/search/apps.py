"""The search app: its index follows the content (roles.changes.content_changed)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from roles.changes import content_changed


class SearchConfig(AppConfig):
    name = "kb.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self):
        from kb.search import index

        content_changed.connect(index.on_content_changed, dispatch_uid="search-index")
