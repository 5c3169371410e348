"""The texts the checks read, as Units: the seed files' (file:line), the interface catalogues'
(locale/<lang>/LC_MESSAGES/*.po, file:line) and the database's (object field [lang]); and the
termbase, from glossary.yaml or from the database."""

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import polib
import yaml
from django.conf import settings
from django.db import models
from modeltranslation.utils import build_localized_fieldname

from roles.completeness import NOT_TEXT, text_fields
from roles.editorial.checks.rules import Unit
from roles.editorial.checks.terms import Concept, Entry, lines
from roles.languages import languages
from roles.texts import clean_text

# The language of the interface's msgids.
INTERFACE_SOURCE = "en"


def _label(path: Path) -> str:
    """A path as the command prints it: relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def seed_units(
    directory: Path, names: Iterable[str], only: Iterable[str] | None = None
) -> Iterator[Unit]:
    """Every text of the seed files `names` of `directory`: each mapping of language codes to
    texts, at its line."""
    codes = languages()
    for name in names:
        path = directory / name
        if not path.exists():
            continue
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        for field, texts in _texts(root, None, set(codes)):
            yield from _units(
                {code: clean_text(value) for code, (value, _line) in texts.items()},
                {code: f"{_label(path)}:{line}" for code, (_value, line) in texts.items()},
                field=field,
                only=only,
            )


def _texts(node, key, codes: set) -> Iterator[tuple[str, dict]]:
    """(field, {language: (text, line)}) for each translated text under a YAML node."""
    if isinstance(node, yaml.MappingNode):
        keys = [k.value for k, _v in node.value if isinstance(k, yaml.ScalarNode)]
        if keys and set(keys) <= codes and key not in NOT_TEXT:
            yield (
                key,
                {
                    k.value: (v.value, v.start_mark.line + 1 + (1 if v.style == "|" else 0))
                    for k, v in node.value
                    if isinstance(v, yaml.ScalarNode) and v.value
                },
            )
            return
        for k, v in node.value:
            yield from _texts(v, getattr(k, "value", None), codes)
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            yield from _texts(child, key, codes)


def _units(texts: dict[str, str], where: dict[str, str], *, field: str, only, **extra):
    """A Unit for each language's text, each translation against the default language's."""
    source_language = settings.LANGUAGE_CODE
    source = texts.get(source_language, "")
    for code, text in texts.items():
        if not text or (only and code not in only):
            continue
        translation = code != source_language
        yield Unit(
            where=where[code],
            language=code,
            text=text,
            source=source if translation else "",
            source_language=source_language,
            others={
                other: value
                for other, value in texts.items()
                if translation and other not in (code, source_language) and value
            },
            field=field or "",
            **extra,
        )


def catalogue_units(directory: Path, only: Iterable[str] | None = None) -> Iterator[Unit]:
    """Every translated interface string of the PO files of `directory` (locale/)."""
    for code in languages():
        if only and code not in only:
            continue
        for path in sorted((directory / code / "LC_MESSAGES").glob("*.po")):
            for entry in polib.pofile(str(path)):
                if entry.obsolete or entry.fuzzy:  # gettext uses neither
                    continue
                where = f"{_label(path)}:{entry.linenum}"
                ignored = ignored_checks(entry.comment)
                if entry.msgid_plural:
                    for index, text in sorted(entry.msgstr_plural.items()):
                        source = entry.msgid if index == 0 else entry.msgid_plural
                        yield from _interface_unit(where, code, text, source, ignored)
                else:
                    yield from _interface_unit(where, code, entry.msgstr, entry.msgid, ignored)


# A string whose text must show what a check looks for (the quotes check's explanation names the
# quotation marks) says so where it is written, in a comment for translators that reaches every
# catalogue: "# Translators: checks-ignore: quotes (why)".
CHECKS_IGNORE = re.compile(r"checks-ignore:\s*([\w-]+(?:\s*,\s*[\w-]+)*)")


def ignored_checks(comment: str) -> frozenset[str]:
    return frozenset(
        check.strip()
        for found in CHECKS_IGNORE.finditer(comment or "")
        for check in found[1].split(",")
    )


def _interface_unit(where, code, text, source, ignored) -> Iterator[Unit]:
    if text:
        yield Unit(
            where=where,
            language=code,
            text=text,
            source=source,
            source_language=INTERFACE_SOURCE,
            interface=True,
            ignored=ignored,
        )


def database_units(
    objects: Iterable[models.Model], only: Iterable[str] | None = None, *, named: bool = True
) -> Iterator[Unit]:
    """Every text of these objects, named `role:agent summary [el]` (as translator files do);
    unnamed, the object's kind and id (a form's own checks need no name, and a duty's name reads
    its role)."""
    from roles.editorial.identifiers import identify

    for obj in objects:
        name = identify(obj) if named else f"{obj._meta.model_name}:{obj.pk}"
        for field in text_fields(type(obj)):
            texts = {
                code: getattr(obj, build_localized_fieldname(field, code)) or ""
                for code in languages()
            }
            yield from _units(
                texts,
                {code: f"{name} {field} [{code}]" for code in texts},
                field=field,
                only=only,
                obj=obj,
            )


def content_objects() -> list[models.Model]:
    """Every translated object, with what identify() reads."""
    from roles.editorial.translation_status import TRANSLATED_MODELS
    from roles.models import Duty, RoleQuality

    related = {Duty: ["role"], RoleQuality: ["role", "quality"]}
    return [
        obj
        for model in TRANSLATED_MODELS
        for obj in model.objects.select_related(*related.get(model, [])).order_by("pk")
    ]


def glossary_from_values(terms: Iterable[tuple[str, dict]]) -> list[Concept]:
    """The termbase from (concept, {column: value}) pairs, as the seed files give it."""
    return [_concept(key, values) for key, values in terms]


def glossary_from_database() -> list[Concept]:
    from django.urls import reverse

    from roles.models import Term

    concepts = []
    for term in Term.objects.all():
        values = {f.attname: getattr(term, f.attname) for f in term._meta.concrete_fields}
        url = reverse("admin:roles_term_change", args=[term.pk])
        concepts.append(_concept(term.concept, values, url))
    return concepts


def _concept(key: str, values: dict, url: str = "") -> Concept:
    entries = {
        INTERFACE_SOURCE: Entry(
            term=values.get("english") or "", forms=tuple(lines(values.get("english_forms")))
        )
    }
    for code in languages():
        entries[code] = Entry(
            term=values.get(f"term_{code}") or "",
            forms=tuple(lines(values.get(f"forms_{code}"))),
            forbidden=tuple(lines(values.get(f"forbidden_{code}"))),
            note=values.get(f"note_{code}") or "",
        )
    return Concept(key, entries, url)
