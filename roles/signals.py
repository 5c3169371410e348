"""Keep what is derived from the content in step with every save, whatever saves it: admin, seed
loads, imports, restores. (The one place the project uses signals: too many paths write content to
call these from each.)

- The search index: roles/search.py.
- The page cache's content version: roles/page_cache.py.
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from roles import page_cache, search

# Written by the app itself, never shown on a page as such.
NOT_CONTENT = {"SearchEntry", "SearchWord", "SeedRecord", "ContentVersion", "VersionText"}


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search.reindex(instance)


def _deleted(sender, instance, **kwargs):
    search.forget(instance)


def _changed(sender, **kwargs):
    # Raw saves too: fixtures, and django-reversion's revert().
    page_cache.bump()


def _links_changed(sender, instance, action, **kwargs):
    if instance._meta.app_label == "roles" and action.startswith("post_"):
        page_cache.bump()


def connect() -> None:
    for model in search.KINDS.values():
        post_save.connect(_saved, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"search-delete-{model.__name__}")
    for model in apps.get_app_config("roles").get_models():
        if model.__name__ not in NOT_CONTENT:
            uid = f"page-cache-{model.__name__}"
            post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(_links_changed, dispatch_uid="page-cache-links")
