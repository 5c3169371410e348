"""`content_changed`: the one signal for what is derived from the content (the search index, the
page cache). It is sent once per transaction, when it commits, and says what changed."""

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.core import checks
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Receivers get `changes`, a Changes.
content_changed = Signal()


class Tracked:
    """Mixed into every model whose rows the pages show: saving or deleting one changes the
    content. Its default manager's QuerySet is a TrackedQuerySet (a system check says so)."""


class TrackedQuerySet(models.QuerySet):
    """Bulk writes send no model signals: they record the rows they write themselves."""

    def update(self, **kwargs):
        keys = list(self.values_list("pk", flat=True))  # one query more, for derived data
        changed = super().update(**kwargs)
        if changed:
            record(self.model, *keys, using=self.db)
        return changed

    def bulk_create(self, objs, *args, **kwargs):
        made = super().bulk_create(objs, *args, **kwargs)
        keys = [obj.pk for obj in made]
        if made:  # a database that does not return new keys: rows not known
            record(self.model, *(keys if None not in keys else ()), using=self.db)
        return made

    def bulk_update(self, objs, *args, **kwargs):
        changed = super().bulk_update(objs, *args, **kwargs)
        if changed:
            record(self.model, *(obj.pk for obj in objs), using=self.db)
        return changed


@dataclass
class Changes:
    """What one transaction on the database `using` changed: the keys of the rows saved or
    deleted, by model, and the models written in bulk (rows not known)."""

    using: str = DEFAULT_DB_ALIAS
    rows: dict[type, set] = field(default_factory=lambda: defaultdict(set))
    bulk: set[type] = field(default_factory=set)

    def send(self) -> None:
        # One receiver failing (a search index that cannot be written) must not keep the others
        # (the page cache) from following the change: the change itself is committed.
        for receiver, error in content_changed.send_robust(sender=Changes, changes=self):
            if isinstance(error, Exception):
                logger.error("%s failed to follow a change", receiver.__qualname__, exc_info=error)


def record(model: type, *keys, using: str = DEFAULT_DB_ALIAS) -> None:
    """Note a change to these rows of `model` (no keys: rows not known): it is sent with the rest of
    the transaction's changes when the transaction commits, at once outside one. Rows of a
    savepoint rolled back after the transaction's first change are still named: harmless, as what
    follows a change reads the rows as they are."""
    connection = connections[using]
    pending = getattr(connection, "content_changes", None)
    waiting = (
        pending is not None
        and connection.in_atomic_block
        and any(func == pending.send for _ids, func, _robust in connection.run_on_commit)
    )
    if not waiting:  # the transaction's first change (an earlier one committed or rolled back)
        pending = connection.content_changes = Changes(using=using)
    if keys:
        pending.rows[model].update(keys)
    else:
        pending.bulk.add(model)
    if not waiting:
        transaction.on_commit(pending.send, using=using, robust=True)


def _saved_or_deleted(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    # Raw saves too: fixtures, and django-reversion's revert().
    record(sender, instance.pk, using=using)


def _linked(sender, instance, action, model, pk_set, using=DEFAULT_DB_ALIAS, **kwargs):
    """A many-to-many link added or removed changes the rows at both of its ends."""
    if not action.startswith("post_"):
        return
    record(type(instance), instance.pk, using=using)
    if issubclass(model, Tracked) and pk_set:  # none for clear(): the other ends are not known
        record(model, *pk_set, using=using)


def tracked_models(app_configs=None) -> list[type]:
    configs = app_configs or apps.get_app_configs()
    return [
        model for config in configs for model in config.get_models() if issubclass(model, Tracked)
    ]


def watch() -> None:
    """Connect every Tracked model's saves, deletes and many-to-many links."""
    for model in tracked_models():
        uid = f"content-{model._meta.label_lower}"
        post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_saved_or_deleted, sender=model, dispatch_uid=f"{uid}-delete")
        for many in model._meta.local_many_to_many:
            m2m_changed.connect(
                _linked, sender=many.remote_field.through, dispatch_uid=f"{uid}-{many.name}"
            )


def check_bulk_writes(app_configs=None, **kwargs) -> list[checks.Error]:
    """A Tracked model whose manager's QuerySet is not a TrackedQuerySet would change the content
    unseen with update() and bulk_create()."""
    return [
        checks.Error(
            f"{model._meta.label} is Tracked, but its default manager's QuerySet is not a "
            "TrackedQuerySet: its bulk writes would not be recorded.",
            hint="Give it a manager made from roles.changes.TrackedQuerySet or a subclass.",
            obj=model,
            id="roles.E001",
        )
        for model in tracked_models(app_configs)
        if not isinstance(model._default_manager.get_queryset(), TrackedQuerySet)
    ]
