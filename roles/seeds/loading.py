"""Loading the seed content (`manage.py load_seeds`, `make run`), idempotent and never over an
editor's work: a field that no longer holds what the loader last wrote (SeedRecord), or an object
an editor deleted, is kept and reported unless `force=True`. Nothing is ever deleted."""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction

from roles.editorial.translation_status import record_written, texts_in
from roles.models import (
    Duty,
    Quality,
    Role,
    RoleQuality,
    RoleScenario,
    RoleVersion,
    Scenario,
    SeedRecord,
    Source,
    Term,
    Workplace,
)
from roles.models.content import PARKING
from roles.seeds.files import Item, SeedError, read_seed_files
from roles.texts import clean_text
from roles.versions import publishing

# Relation fields of the seed files: the model they point to and that model's key field.
MANY = {"sources": (Source, "key"), "workplaces": (Workplace, "slug")}
ONE = {"leads_to": (Role, "key")}


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    # Loaded before, no longer in the seed files: left in place for an editor to delete.
    removed: list[str] = field(default_factory=list)
    # Published roles that had no version yet: their first version, from the seed content.
    published: list[str] = field(default_factory=list)


def load_seeds(*, directory: Path | None = None, force: bool = False) -> SeedReport:
    """Load every seed file of `directory` (settings.SEEDS_DIR by default) in one transaction."""
    data = read_seed_files(Path(directory or settings.SEEDS_DIR))
    loader = _Loader(force=force)
    try:
        # One revision for what a load writes, so the history starts with the seed content.
        with transaction.atomic(), reversion.create_revision():
            reversion.set_comment("Loaded from the seed files")
            loader.load(data)
            loader.report.published = publish_first_versions()
    except (ValidationError, DatabaseError) as error:
        messages = getattr(error, "messages", None) or [str(error)]
        raise SeedError(f"{loader.where}: {' '.join(messages)}") from error
    return loader.report


def publish_first_versions() -> list[str]:
    """Give every published role without a version its first one. Later changes to a role, from
    the seed files or from editors, are published by an editor (admin: "Save and publish")."""
    have = set(RoleVersion.objects.values_list("role_key", flat=True).distinct())
    published = []
    for role in Role.objects.published().exclude(key__in=have):
        version = publishing.publish(role)
        published.append(f"{version} (role {role.key})")
    return published


def _fingerprint(value: Any) -> str:
    encoded = json.dumps(value, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]


def _normalise(value: Any) -> Any:
    if isinstance(value, list):
        return sorted(value)
    if isinstance(value, str):
        return clean_text(value)
    return value


class _Loader:
    def __init__(self, *, force: bool):
        self.force = force
        self.report = SeedReport()
        self.records = {(r.kind, r.key): r for r in SeedRecord.objects.all()}
        self.loaded = {key: dict(record.fingerprints) for key, record in self.records.items()}
        self.parking = PARKING
        self.where = "seeds"  # the entry being written, for errors the database raises

    def load(self, data) -> None:
        self.objects("source", Source, "key", data.sources)
        self.objects("workplace", Workplace, "slug", data.workplaces)
        roles = self.objects("role", Role, "key", data.roles, skip=("leads_to",))
        for item in data.roles:
            if item.key not in roles:  # deleted in admin
                continue
            self.where = item.where
            self.sync("role", item.key, roles[item.key], {"leads_to": item.values["leads_to"]})
            self.ordered("duty", Duty, roles[item.key], item.children)
        qualities = self.objects("quality", Quality, "slug", data.qualities)
        scenarios = self.objects("scenario", Scenario, "slug", data.scenarios, skip=("roles",))
        for role in roles.values():
            links = [
                Item(quality.key, link.values, where=link.where)
                for quality in data.qualities
                for link in quality.children
                if link.key == role.key
            ]
            self.ordered("role-quality", RoleQuality, role, links, "quality", qualities)
            links = [
                Item(scenario.key, {}, where=scenario.where)
                for scenario in data.scenarios
                if role.key in scenario.values["roles"]
            ]
            self.ordered("role-scenario", RoleScenario, role, links, "scenario", scenarios)
        if data.terms:  # the termbase (a seeds folder may have none)
            self.objects("term", Term, "concept", data.terms)
        for identity, record in self.records.items():
            if record.pk is None or record.fingerprints != self.loaded.get(identity):
                record.save()

    def record(self, kind: str, key: str) -> SeedRecord:
        if (kind, key) not in self.records:
            self.records[kind, key] = SeedRecord(kind=kind, key=key, fingerprints={})
        return self.records[kind, key]

    def read(self, obj: models.Model, name: str) -> Any:
        if name in MANY:
            return sorted(getattr(obj, name).values_list(MANY[name][1], flat=True))
        if name in ONE:
            related = getattr(obj, name)
            return getattr(related, ONE[name][1]) if related else None
        value = getattr(obj, name)
        if value is None:  # an empty translation is NULL or ""
            return ""
        return clean_text(value) if isinstance(value, str) else value

    def save(self, obj: models.Model, columns: list[str] | None = None) -> None:
        """Validate as a form would (lengths, formats, choices), then save. The database checks the
        constraints; what it refuses becomes a SeedError too."""
        obj.full_clean(validate_unique=False, validate_constraints=False)
        if columns is None:
            obj.save()
        else:
            if any(f.name == "updated_at" for f in obj._meta.fields):
                columns.append("updated_at")
            obj.save(update_fields=columns)

    def write(self, obj: models.Model, changes: dict[str, Any]) -> None:
        columns = []
        for name, value in changes.items():
            if name in MANY:
                continue
            if name in ONE:
                model, key_field = ONE[name]
                value = model.objects.get(**{key_field: value}) if value else None
            setattr(obj, name, value)
            columns.append(name)
        if columns:
            self.save(obj, columns)
        for name, value in changes.items():
            if name in MANY:
                model, key_field = MANY[name]
                getattr(obj, name).set(model.objects.filter(**{f"{key_field}__in": value}))

    def sync(self, kind: str, key: str, obj: models.Model, wanted: dict[str, Any]) -> dict:
        """Write the seed values an editor has not changed; return what was written."""
        record = self.record(kind, key)
        changes = {}
        for name, value in wanted.items():
            seeded = _fingerprint(_normalise(value))
            present = self.read(obj, name)
            current = _fingerprint(present)
            # A field the loader never wrote may be filled if it is still empty.
            last = record.fingerprints.get(name, current if present in ("", None, []) else None)
            if current == seeded:
                record.fingerprints[name] = seeded
            elif self.force or last == current:
                changes[name] = value
                record.fingerprints[name] = seeded
            else:
                self.report.kept.append(f"{kind} {key}: {name} (changed in admin)")
        if changes:
            # A new position is given by the caller, which moves a role's objects together.
            self.write(obj, {name: value for name, value in changes.items() if name != "order"})
            record_written(obj, texts_in(type(obj), changes))
            if f"{kind} {key}" not in self.report.created:  # completing what this load made
                self.report.updated.append(f"{kind} {key}: {', '.join(changes)}")
        return changes

    def create(self, kind: str, identity: str, model, values: dict, **fixed) -> models.Model:
        scalars = {n: v for n, v in values.items() if n not in MANY and n not in ONE}
        obj = model(**fixed, **scalars)
        self.save(obj)
        self.write(obj, {n: v for n, v in values.items() if n in MANY})
        record_written(obj, texts_in(model, [n for n, v in values.items() if v]))
        record = self.record(kind, identity)
        record.fingerprints = {n: _fingerprint(_normalise(v)) for n, v in values.items()}
        self.report.created.append(f"{kind} {identity}")
        return obj

    def deleted_by_editor(self, kind: str, key: str) -> bool:
        """An object the loader made before and that is gone was deleted in admin."""
        if (kind, key) in self.loaded and not self.force:
            self.report.kept.append(f"{kind} {key} (deleted in admin, not recreated)")
            return True
        return False

    def objects(self, kind, model, key_field, items, *, skip=()) -> dict[str, models.Model]:
        existing = {getattr(obj, key_field): obj for obj in model.objects.all()}
        for item in items:
            self.where = item.where
            values = {n: v for n, v in item.values.items() if n not in skip}
            if item.key in existing:
                self.sync(kind, item.key, existing[item.key], values)
            elif not self.deleted_by_editor(kind, item.key):
                existing[item.key] = self.create(
                    kind, item.key, model, values, **{key_field: item.key}
                )
        listed = {item.key for item in items}
        for key in sorted(existing.keys() - listed):
            if (kind, key) in self.loaded:
                self.report.removed.append(f"{kind} {key}")
        return existing

    def ordered(self, kind, model, role, items, target=None, targets=None) -> None:
        """Objects listed in order under a role: its duties (found by their key), and its links to
        qualities and scenarios (found by the `target` they point to, one of `targets`)."""
        existing = {}
        for obj in model.objects.filter(role=role).select_related(*filter(None, [target])):
            existing[getattr(obj, target).slug if target else obj.key] = obj
        # Seeded objects no longer in the files stay, after the listed ones, if the loader
        # still owns their position.
        listed = {item.key for item in items}
        leftovers = []
        for key in sorted(existing.keys() - listed, key=lambda k: existing[k].order):
            identity = f"{role.key}/{key}"
            if (kind, identity) in self.loaded:
                self.report.removed.append(f"{kind} {identity}")
                order = self.loaded[kind, identity].get("order")
                if order == _fingerprint(existing[key].order):
                    leftovers.append(Item(key, {}, where=self.where))
        moves = []
        for position, item in enumerate([*items, *leftovers], start=1):
            identity = f"{role.key}/{item.key}"
            self.where = item.where
            values = {"order": position, **item.values}
            if item.key in existing:
                if "order" in self.sync(kind, identity, existing[item.key], values):
                    moves.append((existing[item.key], position, identity))
                continue
            if target and item.key not in targets:  # its quality or scenario was deleted in admin
                continue
            if self.deleted_by_editor(kind, identity):
                continue
            self.parking += 1
            fixed = {"role": role, "order": self.parking}
            if target:
                fixed[target] = targets[item.key]
            else:
                fixed["key"] = item.key
            rest = {name: value for name, value in values.items() if name != "order"}
            obj = self.create(kind, identity, model, rest, **fixed)
            moves.append((obj, position, identity))
        self.move(kind, model, role, moves)

    def move(self, kind, model, role, moves: list[tuple[models.Model, int, str]]) -> None:
        """Give objects their new positions without ever holding one position twice."""
        if not moves:
            return
        for obj, _position, _identity in moves:
            self.parking += 1
            model.objects.filter(pk=obj.pk).update(order=self.parking)
        moved = [obj.pk for obj, _position, _identity in moves]
        taken = set(
            model.objects.filter(role=role).exclude(pk__in=moved).values_list("order", flat=True)
        )
        for obj, position, identity in moves:
            if position in taken:
                # An editor put another object here: keep theirs, append this one.
                position = max(taken) + 1
                self.report.kept.append(
                    f"{kind} {identity}: placed at {position}, its place is taken in admin"
                )
            taken.add(position)
            model.objects.filter(pk=obj.pk).update(order=position)
            self.record(kind, identity).fingerprints["order"] = _fingerprint(position)
            # The revision keeps the place given, not the parking place the object was saved at.
            obj.order = position
            if reversion.is_active():
                reversion.add_to_revision(obj)
