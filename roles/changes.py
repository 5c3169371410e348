"""`content_changed`: the one signal for what is derived from the content (the search index, the
page cache). It is sent once per transaction, when it commits, and says what changed."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

# Receivers get `changes`, a Changes.
content_changed = Signal()


class Tracked:
    """Mixed into every model whose rows the pages show: saving or deleting one changes the
    content."""


@dataclass
class Changes:
    """What one transaction changed: the keys of the rows saved or deleted, by model, and the
    models written in bulk (rows not known)."""

    rows: dict[type, set] = field(default_factory=lambda: defaultdict(set))
    bulk: set[type] = field(default_factory=set)

    @property
    def models(self) -> set[type]:
        return set(self.rows) | self.bulk

    def send(self) -> None:
        content_changed.send(sender=Changes, changes=self)


def record(model: type, pk=None, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Note a change to a row of `model` (or to rows not known, pk=None): it is sent with the rest
    of the transaction's changes when the transaction commits, at once outside one."""
    connection = connections[using]
    pending = getattr(connection, "content_changes", None)
    waiting = (
        pending is not None
        and connection.in_atomic_block
        and any(func == pending.send for _ids, func, _robust in connection.run_on_commit)
    )
    if not waiting:  # the transaction's first change (an earlier one committed or rolled back)
        pending = connection.content_changes = Changes()
    if pk is None:
        pending.bulk.add(model)
    else:
        pending.rows[model].add(pk)
    if not waiting:
        transaction.on_commit(pending.send, using=using, robust=True)


def _saved_or_deleted(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    # Raw saves too: fixtures, and django-reversion's revert().
    record(sender, instance.pk, using=using)


def _linked(sender, instance, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action.startswith("post_"):
        record(type(instance), instance.pk, using=using)


def watch() -> None:
    """Connect every Tracked model's saves, deletes and many-to-many links."""
    for model in apps.get_models():
        if issubclass(model, Tracked):
            uid = f"content-{model._meta.label_lower}"
            post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(_saved_or_deleted, sender=model, dispatch_uid=f"{uid}-delete")
            for many in model._meta.local_many_to_many:
                m2m_changed.connect(
                    _linked, sender=many.remote_field.through, dispatch_uid=f"{uid}-{many.name}"
                )
