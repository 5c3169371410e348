"""The state of every translated text: missing, unreviewed, reviewed or outdated (the source text
changed after it was written or reviewed: worked out per field from fingerprints, so no signal can
miss it). Texts in the default language are the source: unreviewed or reviewed, never outdated."""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from roles.completeness import text_fields
from roles.languages import languages
from roles.models import Duty, Quality, Role, RoleQuality, Scenario, Source, TextStatus, Workplace
from roles.texts import clean_text

MISSING, UNREVIEWED, REVIEWED, OUTDATED = "missing", "unreviewed", "reviewed", "outdated"
STATES = (MISSING, OUTDATED, UNREVIEWED, REVIEWED)
# The models whose texts are translated, in the order editors think of them.
TRANSLATED_MODELS = (Role, Duty, Quality, RoleQuality, Scenario, Workplace, Source)


def fingerprint(text: str | None) -> str:
    return hashlib.sha256(clean_text(text or "").encode()).hexdigest()[:16]


def value(obj: models.Model, field: str, language: str) -> str:
    return getattr(obj, build_localized_fieldname(field, language)) or ""


@dataclass(frozen=True)
class Status:
    state: str
    changed_at: object = None
    changed_by: object = None


def rows_about(record: type[models.Model], objects: Iterable[models.Model], *related: str):
    """(model, row) for each row of `record` (a model with content_type and object_id, such as
    TextStatus) about these objects: one query per model."""
    by_model = defaultdict(list)
    for obj in objects:
        by_model[type(obj)].append(obj.pk)
    for model, pks in by_model.items():
        kind = ContentType.objects.get_for_model(model)
        rows = record.objects.filter(content_type=kind, object_id__in=pks).select_related(*related)
        for row in rows:
            yield model, row


def _rows(objects: list[models.Model]) -> dict:
    """The TextStatus rows of these objects (one query per model), by (pk, field, language)."""
    return {
        (model, row.object_id, row.field, row.language): row
        for model, row in rows_about(TextStatus, objects, "changed_by")
    }


def _state(obj, field, language, row) -> Status:
    text = value(obj, field, language)
    if not text:
        return Status(MISSING)
    if row is None or (row.text_fingerprint and row.text_fingerprint != fingerprint(text)):
        return Status(UNREVIEWED)
    if language != settings.LANGUAGE_CODE and row.source_fingerprint != fingerprint(
        value(obj, field, settings.LANGUAGE_CODE)
    ):
        return Status(OUTDATED, row.changed_at, row.changed_by)
    return Status(row.state, row.changed_at, row.changed_by)


def statuses(objects: Iterable[models.Model]) -> dict:
    """{(obj, field, language): Status} for every text of these objects, in a query per model.
    A text empty in every language is left out: there is nothing to translate."""
    objects = list(objects)
    rows = _rows(objects)
    result = {}
    for obj in objects:
        for field in text_fields(type(obj)):
            if not any(value(obj, field, code) for code in languages()):
                continue
            for code in languages():
                row = rows.get((type(obj), obj.pk, field, code))
                result[obj, field, code] = _state(obj, field, code, row)
    return result


def status_of(obj: models.Model, field: str, language: str) -> str:
    return statuses([obj]).get((obj, field, language), Status(MISSING)).state


@transaction.atomic
def record_written(obj: models.Model, texts: Iterable[tuple[str, str]], *, user=None) -> None:
    """Texts (field, language) of `obj` were written or changed: they are unreviewed, made
    against the current source text."""
    record_written_many([(obj, texts)], user=user)


@transaction.atomic
def record_written_many(written: Iterable[tuple[models.Model, Iterable]], *, user=None) -> None:
    """record_written() for many objects at once (an import): a few queries in all."""
    _record(written, state=TextStatus.State.UNREVIEWED, user=user)


@transaction.atomic
def mark_reviewed(obj: models.Model, language: str, *, user=None, fields=None) -> int:
    """Mark the non-empty texts of `obj` in `language` reviewed; return how many."""
    fields = [f for f in (fields or text_fields(type(obj))) if value(obj, f, language)]
    _record([(obj, [(f, language) for f in fields])], state=TextStatus.State.REVIEWED, user=user)
    return len(fields)


def _record(written, *, state, user) -> None:
    written = [(obj, list(texts)) for obj, texts in written]
    written = [(obj, texts) for obj, texts in written if texts]
    if not written:
        return
    kinds = ContentType.objects.get_for_models(*{type(obj) for obj, _texts in written})
    changed_by = user if user is not None and user.is_authenticated else None
    pks = defaultdict(set)
    for obj, _texts in written:
        pks[kinds[type(obj)]].add(obj.pk)
    existing = {
        (row.content_type_id, row.object_id, row.field, row.language): row
        for kind, ids in pks.items()
        for row in TextStatus.objects.filter(content_type=kind, object_id__in=ids)
    }
    new, updated = [], []
    now = timezone.now()
    for obj, texts in written:
        kind = kinds[type(obj)]
        for field, language in texts:
            row = existing.get((kind.pk, obj.pk, field, language))
            if row is None:
                row = TextStatus(
                    content_type=kind, object_id=obj.pk, field=field, language=language
                )
                existing[kind.pk, obj.pk, field, language] = row
                new.append(row)
            elif row not in updated:
                updated.append(row)
            row.state, row.changed_by, row.changed_at = state, changed_by, now
            row.source_fingerprint = fingerprint(value(obj, field, settings.LANGUAGE_CODE))
            row.text_fingerprint = fingerprint(value(obj, field, language))
    TextStatus.objects.bulk_create(new, batch_size=500)
    TextStatus.objects.bulk_update(
        updated,
        ["state", "source_fingerprint", "text_fingerprint", "changed_by", "changed_at"],
        batch_size=500,
    )


def texts_in(model: type[models.Model], columns: Iterable[str]) -> list[tuple[str, str]]:
    """The (field, language) texts that these column names hold (none for untranslated models)."""
    if model not in TRANSLATED_MODELS:
        return []
    by_column = {
        build_localized_fieldname(field, code): (field, code)
        for field in text_fields(model)
        for code in languages()
    }
    return [by_column[column] for column in columns if column in by_column]


def changed_texts(before: dict[str, str], obj: models.Model) -> list[tuple[str, str]]:
    """The (field, language) texts of `obj` that differ from `before` ({column: text})."""
    changed = []
    for field in text_fields(type(obj)):
        for code in languages():
            column = build_localized_fieldname(field, code)
            if column in before and fingerprint(before[column]) != fingerprint(
                value(obj, field, code)
            ):
                changed.append((field, code))
    return changed


def snapshot(obj: models.Model) -> dict[str, str]:
    """Every translated text of `obj`, by column, to compare with after a save."""
    return {
        build_localized_fieldname(field, code): value(obj, field, code)
        for field in text_fields(type(obj))
        for code in languages()
    }


@dataclass
class LanguageReport:
    language: str
    total: int
    counts: dict[str, int]
    missing: list
    outdated: list
    unreviewed: list

    def percent(self, state: str) -> int:
        return round(100 * self.counts.get(state, 0) / self.total) if self.total else 0

    @property
    def complete(self) -> int:
        return 100 - self.percent(MISSING) if self.total else 0


def dashboard() -> list[LanguageReport]:
    """Per language: how many texts are missing, unreviewed, reviewed and outdated, and which
    (in the order of TRANSLATED_MODELS, then of each model's rows and fields)."""
    objects = [obj for model in TRANSLATED_MODELS for obj in model.objects.all()]
    every = statuses(objects)
    reports = []
    for code in languages():
        counts: dict[str, int] = defaultdict(int)
        missing, outdated, unreviewed = [], [], []
        for (obj, field, language), status in every.items():
            if language != code:
                continue
            counts[status.state] += 1
            if status.state == MISSING:
                missing.append((obj, field))
            elif status.state == OUTDATED:
                outdated.append((obj, field))
            elif status.state == UNREVIEWED:
                unreviewed.append((obj, field))
        reports.append(
            LanguageReport(code, sum(counts.values()), dict(counts), missing, outdated, unreviewed)
        )
    return reports
