"""Files for translators' own tools: content texts exported to PO or XLIFF 2.0, and imported back
from either (read by file_formats). An import changes all or nothing: any error (malformed file,
unknown identifier or field, changed source text, a text the database would refuse) changes
nothing. Imported texts are unreviewed."""

import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import polib
import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from roles.completeness import text_fields
from roles.editorial import identifiers, translation_status
from roles.editorial.file_formats import (
    XLIFF_NS,
    Errors,
    ParsedFile,
    read,
)
from roles.editorial.file_formats import TranslationFileError as TranslationFileError
from roles.editorial.translation_status import MISSING, OUTDATED, REVIEWED, UNREVIEWED
from roles.languages import translation_languages
from roles.models import Duty, Origin, RoleQuality
from roles.texts import clean_text

# What an export can be limited to: the states a translator has work in.
ONLY = (MISSING, OUTDATED, UNREVIEWED)
FORMATS = ("po", "xliff")
PROJECT = "Customer service roles (content)"
# What identifiers.identify() reads besides the object itself.
RELATED = {Duty: ("role",), RoleQuality: ("role", "quality")}
XLIFF_STATES = {
    MISSING: "initial",
    OUTDATED: "initial",
    UNREVIEWED: "translated",
    REVIEWED: "reviewed",
}


@dataclass(frozen=True)
class Unit:
    """One text to translate: a field of an object, in the source and the target language."""

    obj: models.Model
    field: str
    context: str
    source: str
    target: str
    state: str


@dataclass(frozen=True)
class Change:
    identifier: str
    field: str
    old: str
    new: str


@dataclass
class ImportReport:
    language: str
    dry_run: bool
    format: str = "po"
    changes: list[Change] = field(default_factory=list)
    # Translations kept as they are, but no longer outdated: the translator checked them
    # against the new source text (an outdated entry imported without its fuzzy flag).
    confirmed: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def applied(self) -> bool:
        return not self.dry_run and bool(self.changes or self.confirmed)


def _check_language(language: str) -> None:
    if language not in translation_languages():
        allowed = ", ".join(translation_languages())
        raise ValueError(
            _(
                "Cannot make a translation file for %(language)r: the languages are %(allowed)s "
                "(%(source)s is the source language)."
            )
            % {"language": language, "allowed": allowed, "source": settings.LANGUAGE_CODE}
        )


def _objects() -> dict[str, models.Model]:
    """Every object with translated texts, by identifier, in the order editors think of them."""
    return {
        identifiers.identify(obj): obj
        for model in translation_status.TRANSLATED_MODELS
        for obj in model.objects.select_related(*RELATED.get(model, ()))
    }


def units(*, language: str, only: str | None = None) -> list[Unit]:
    """The texts of `language` that have a source text, limited to one state if `only`."""
    _check_language(language)
    if only is not None and only not in ONLY:
        raise ValueError(
            _("Cannot export only %(only)r: choose one of %(choices)s.")
            % {"only": only, "choices": ", ".join(ONLY)}
        )
    objects = _objects()
    every = translation_status.statuses(objects.values())
    result = []
    for identifier, obj in objects.items():
        for name in text_fields(type(obj)):
            source = translation_status.value(obj, name, settings.LANGUAGE_CODE)
            status = every.get((obj, name, language))
            if not source or status is None or (only and status.state != only):
                continue
            result.append(
                Unit(
                    obj=obj,
                    field=name,
                    context=f"{identifier}:{name}",
                    source=clean_text(source),
                    target=clean_text(translation_status.value(obj, name, language)),
                    state=status.state,
                )
            )
    return result


def export_po(*, language: str, only: str | None = None) -> polib.POFile:
    """A PO file of the texts of `language` (ValueError for the default or an unknown one)."""
    found = units(language=language, only=only)
    now = timezone.now().strftime("%Y-%m-%d %H:%M%z")
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": PROJECT,
        "POT-Creation-Date": now,
        "PO-Revision-Date": now,
        "Last-Translator": "",
        "Language-Team": get_language_info(language)["name"],
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Source-Language": settings.LANGUAGE_CODE,
    }
    for unit in found:
        po.append(
            polib.POEntry(
                msgctxt=unit.context,
                msgid=unit.source,
                msgstr=unit.target,
                # Fuzzy, so that translators' tools show outdated translations as needing work.
                flags=["fuzzy"] if unit.state == OUTDATED else [],
                tcomment=f"status: {unit.state}",
                comment=(
                    f"source-fingerprint: {translation_status.fingerprint(unit.source)}\n"
                    f"target-fingerprint: {translation_status.fingerprint(unit.target)}"
                ),
            )
        )
    return po


def export_xliff(*, language: str, only: str | None = None) -> str:
    """The same texts as export_po, as an XLIFF 2.0 document."""
    found = units(language=language, only=only)
    ET.register_namespace("", XLIFF_NS)
    root = ET.Element(
        f"{{{XLIFF_NS}}}xliff",
        {"version": "2.0", "srcLang": settings.LANGUAGE_CODE, "trgLang": language},
    )
    file = ET.SubElement(root, f"{{{XLIFF_NS}}}file", {"id": "content"})
    for unit in found:
        # XLIFF ids are NMTOKENs (no "/"): `name` holds the PO msgctxt, the id has "." for "/".
        element = ET.SubElement(
            file,
            f"{{{XLIFF_NS}}}unit",
            {"id": unit.context.replace("/", "."), "name": unit.context},
        )
        notes = ET.SubElement(element, f"{{{XLIFF_NS}}}notes")
        ET.SubElement(notes, f"{{{XLIFF_NS}}}note", {"category": "status"}).text = unit.state
        ET.SubElement(
            notes, f"{{{XLIFF_NS}}}note", {"category": "source-fingerprint"}
        ).text = translation_status.fingerprint(unit.source)
        ET.SubElement(
            notes, f"{{{XLIFF_NS}}}note", {"category": "target-fingerprint"}
        ).text = translation_status.fingerprint(unit.target)
        segment = ET.SubElement(
            element, f"{{{XLIFF_NS}}}segment", {"state": XLIFF_STATES[unit.state]}
        )
        ET.SubElement(segment, f"{{{XLIFF_NS}}}source").text = unit.source
        if unit.target:
            ET.SubElement(segment, f"{{{XLIFF_NS}}}target").text = unit.target
    ET.indent(root)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{ET.tostring(root, encoding="unicode")}\n'


def short(text: str, length: int = 60) -> str:
    """A text on one line, cut to `length` characters, for reports."""
    text = " ".join(text.split())
    return text if len(text) <= length else f"{text[: length - 1]}…"


def _check_entries(parsed: ParsedFile, report: ImportReport, objects: dict) -> None:
    """Fill the report with what the file would change; TranslationFileError if it can't."""
    language, errors, seen = report.language, Errors(), set()
    every = translation_status.statuses(objects.values())
    for entry in parsed.entries:
        where = parsed.where(entry)
        if not entry.context:
            message = (
                _("%(where)s: no msgctxt (identifier) for %(text)r.")
                if parsed.format == "po"
                else _("%(where)s: no name (identifier) for %(text)r.")
            )
            errors.add(message % {"where": where, "text": short(entry.source)})
            continue
        identifier, _sep, name = entry.context.rpartition(":")
        obj = objects.get(identifier)
        if obj is None:
            errors.add(
                _("%(where)s: unknown identifier %(identifier)r.")
                % {"where": where, "identifier": identifier or entry.context}
            )
            continue
        if name not in text_fields(type(obj)):
            errors.add(
                _("%(where)s: %(identifier)s has no translated text %(field)r.")
                % {"where": where, "identifier": identifier, "field": name}
            )
            continue
        if entry.context in seen:
            errors.add(
                _("%(where)s: %(context)s appears twice.")
                % {"where": where, "context": entry.context}
            )
            continue
        seen.add(entry.context)
        source = translation_status.value(obj, name, settings.LANGUAGE_CODE)
        recorded = entry.source_fingerprint
        if entry.source != clean_text(source) or (
            recorded and recorded != translation_status.fingerprint(source)
        ):
            errors.add(
                _(
                    "%(where)s: the source text of %(context)s changed since the file was "
                    "exported (now %(text)r): export it again and merge the file with it."
                )
                % {"where": where, "context": entry.context, "text": short(source)}
            )
            continue
        if entry.fuzzy:
            report.fuzzy.append(entry.context)
            continue
        new = clean_text(entry.target)
        if not new:
            report.empty.append(entry.context)
            continue
        old = translation_status.value(obj, name, language)
        if new == clean_text(old):
            status = every.get((obj, name, language))
            if status is not None and status.state == OUTDATED:
                report.confirmed.append(entry.context)
            else:
                report.unchanged += 1
            continue
        exported = entry.target_fingerprint
        if exported and exported != translation_status.fingerprint(old):
            errors.add(
                _(
                    "%(where)s: the translation of %(context)s was changed after the file was "
                    "exported (now %(text)r): export it again so that no change is lost."
                )
                % {"where": where, "context": entry.context, "text": short(old)}
            )
            continue
        column = build_localized_fieldname(name, language)
        try:
            obj._meta.get_field(column).clean(new, obj)
        except ValidationError as error:
            errors.add(
                _("%(where)s: %(context)s: %(problem)s")
                % {"where": where, "context": entry.context, "problem": " ".join(error.messages)}
            )
            continue
        report.changes.append(Change(identifier, name, old, new))
    errors.check()


def _apply(changes, confirmed, language, objects, user) -> None:
    """Write the changes: one bulk update per kind of object and set of columns, each object added
    to the revision once (its many-to-many links read in one query per kind), and record the texts
    as unreviewed."""
    by_object: dict[str, list[str]] = defaultdict(list)
    for change in changes:
        obj = objects[change.identifier]
        setattr(obj, build_localized_fieldname(change.field, language), change.new)
        by_object[change.identifier].append(change.field)
    groups: dict[tuple, list[models.Model]] = defaultdict(list)
    for identifier, names in by_object.items():
        obj = objects[identifier]
        columns = [build_localized_fieldname(name, language) for name in names]
        # The texts are now the translators' own: no longer stated from a source article.
        origin = build_localized_fieldname("origin", language)
        if hasattr(obj, origin):
            setattr(obj, origin, Origin.TEAM)
            columns.append(origin)
        # updated_at moves too: admin forms opened before the import then refuse to overwrite it.
        for auto in obj._meta.concrete_fields:
            if getattr(auto, "auto_now", False):
                auto.pre_save(obj, add=False)
                columns.append(auto.name)
        groups[(type(obj), tuple(sorted(columns)))].append(obj)
    # The parts before the wholes (duties before their role): a role's revision follows its
    # duties, and finds those already added instead of reading and serializing them again.
    order = translation_status.TRANSLATED_MODELS
    for model, columns in sorted(groups, key=lambda key: -order.index(key[0])):
        group = groups[(model, columns)]
        model.objects.bulk_update(group, columns)
        prefetch_related_objects(group, *[f.name for f in model._meta.many_to_many])
        for obj in group:
            reversion.add_to_revision(obj)
    written = [
        (objects[identifier], [(name, language) for name in names])
        for identifier, names in by_object.items()
    ]
    for context in confirmed:
        identifier, _sep, name = context.rpartition(":")
        written.append((objects[identifier], [(name, language)]))
    translation_status.record_written_many(written, user=user)


def import_entries(parsed: ParsedFile, *, dry_run: bool, user=None) -> ImportReport:
    """Check a parsed file against the database and, unless `dry_run`, apply it in one
    transaction. Raises TranslationFileError (and changes nothing) if anything in it is wrong."""
    language = parsed.language
    report = ImportReport(language=language, dry_run=dry_run, format=parsed.format)
    with transaction.atomic():
        objects = _objects()
        _check_entries(parsed, report, objects)
        if not dry_run and (report.changes or report.confirmed):
            with reversion.create_revision(atomic=False):
                if user is not None and user.is_authenticated:
                    reversion.set_user(user)
                # A note the history tells in each reader's language (roles.editorial.diffs).
                note = {"imported": {"language": language, "format": parsed.format}}
                reversion.set_comment(json.dumps([note]))
                _apply(report.changes, report.confirmed, language, objects, user)
    return report


def import_file(*, path_or_text: Path | str, dry_run: bool, user=None) -> ImportReport:
    """Read a PO or XLIFF file (a Path, or the file's text as a str) without the upload limits,
    then import_entries() it."""
    return import_entries(read(path_or_text, limits=False), dry_run=dry_run, user=user)
