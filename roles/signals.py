"""Keep the search index in step with every save, whatever saves it: admin, seed loads, imports,
restores. (The one place the project uses signals: too many paths write content to call
reindex() from each.)"""

from django.db.models.signals import post_delete, post_save

from roles import search


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search.reindex(instance)


def _deleted(sender, instance, **kwargs):
    search.forget(instance)


def connect() -> None:
    for model in search.KINDS.values():
        post_save.connect(_saved, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"search-delete-{model.__name__}")
