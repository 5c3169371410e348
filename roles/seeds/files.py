"""Reading and validating the seed files of seeds/ (format: seeds/README.md), all before anything
is written: a file that does not parse, a text without the default language, or an unknown
language, key or origin is a SeedError that names the file and line."""

import copy
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from roles import occupation_codes as codes
from roles.languages import languages
from roles.models import Origin, RoleKey
from roles.texts import clean_text

FILES = ("sources.yaml", "workplaces.yaml", "roles.yaml", "qualities.yaml", "scenarios.yaml")
GLOSSARY = "glossary.yaml"  # the termbase, loaded last

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class SeedError(Exception):
    """A seed file is malformed; the message names the file and the line."""


class _Mapping(dict):
    line = 0


class _Sequence(list):
    line = 0


class _LineLoader(yaml.SafeLoader):
    """A safe loader that notes the line of every mapping and list and refuses duplicate keys."""


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text", key_node.start_mark
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


def _construct_sequence(loader, node):
    sequence = _Sequence(loader.construct_object(child, deep=True) for child in node.value)
    sequence.line = node.start_mark.line + 1
    return sequence


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


@dataclass
class Item:
    """One object to load: its key, plain values, translated texts and references."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)
    children: list["Item"] = field(default_factory=list)
    where: str = ""  # file and line, for errors found while writing


@dataclass
class SeedData:
    sources: list[Item]
    workplaces: list[Item]
    roles: list[Item]
    qualities: list[Item]
    scenarios: list[Item]
    terms: list[Item] = field(default_factory=list)


@functools.lru_cache(maxsize=32)
def _parsed(text: str):
    """A seed file's YAML, parsed once per process for the same text (every load of the same
    files, as tests do, would parse it again: a few tenths of a second each time)."""
    return yaml.load(text, Loader=_LineLoader)  # a SafeLoader


class _File:
    def __init__(self, directory: Path, name: str):
        self.path = directory / name
        self.label = f"{directory.name}/{name}"

    def load(self, top: str) -> list:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SeedError(f"{self.label}: the file is missing") from None
        except UnicodeDecodeError as error:
            raise SeedError(f"{self.label}: not valid UTF-8 ({error.reason})") from None
        try:
            document = copy.deepcopy(_parsed(text))
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"{self.label}:{mark.line + 1}:{mark.column + 1}" if mark else self.label
            problem = getattr(error, "problem", None) or str(error)
            raise SeedError(f"{where}: not valid YAML: {problem}") from None
        if not isinstance(document, dict) or top not in document:
            raise SeedError(f"{self.label}:1: expected a mapping with the key {top!r}")
        items = document[top]
        if not isinstance(items, list):
            raise SeedError(f"{self.label}:{getattr(document, 'line', 1)}: {top!r} must be a list")
        for item in items:
            if not isinstance(item, dict):
                self.fail(items, f"every entry of {top!r} must be a mapping")
        return items

    def fail(self, node, message: str):
        raise SeedError(f"{self.label}:{getattr(node, 'line', 0)}: {message}")


class _Reader:
    """Reads the fields of one entry, naming the entry and line in every error."""

    def __init__(self, file: _File, entry: dict, what: str):
        self.file = file
        self.entry = entry
        self.what = what
        self.languages = languages()

    @property
    def where(self) -> str:
        return f"{self.file.label}:{getattr(self.entry, 'line', 0)}"

    def fail(self, message: str, node=None):
        self.file.fail(node if node is not None else self.entry, f"{self.what}: {message}")

    def key(self, name: str) -> str:
        value = self.entry.get(name)
        if not isinstance(value, str) or not SLUG.match(value):
            self.fail(f"{name!r} must be lower-case ASCII words joined by hyphens, not {value!r}")
        return value

    def string(self, name: str, *, required: bool = True, pattern: str | None = None) -> str:
        value = self.entry.get(name)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{name!r} must be a non-empty string")
        if pattern and not re.fullmatch(pattern, value):
            self.fail(f"{name!r} has the wrong format: {value!r}")
        return value.strip()

    def integer(self, name: str) -> int:
        value = self.entry.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.fail(f"{name!r} must be a whole number from 1 up, not {value!r}")
        return value

    def boolean(self, name: str, default: bool) -> bool:
        value = self.entry.get(name, default)
        if not isinstance(value, bool):
            self.fail(f"{name!r} must be true or false, not {value!r}")
        return value

    def language(self, name: str) -> str:
        value = self.entry.get(name)
        if value not in self.languages:
            self.fail(f"{name!r} must be one of {', '.join(self.languages)}, not {value!r}")
        return value

    def texts(self, name: str, *, required: bool) -> dict[str, str]:
        """A translated text: one column value per language of settings (empty if absent)."""
        value = self.entry.get(name)
        if value is None and not required:
            value = {}
        if not isinstance(value, dict):
            self.fail(f"{name!r} must be a mapping from language code to text")
        for code, text in value.items():
            if code not in self.languages:
                self.fail(f"{name!r} has an unknown language {code!r}", value)
            if not isinstance(text, str):
                self.fail(f"{name!r} in {code!r} must be text, not {text!r}", value)
        default = self.languages[0]
        if required and not (value.get(default) or "").strip():
            self.fail(f"{name!r} has no text in the default language ({default})", value)
        return {f"{name}_{code}": clean_text(value.get(code) or "") for code in self.languages}

    def origin(self) -> dict[str, str]:
        value = self.entry.get("origin") or {}
        if not isinstance(value, dict):
            self.fail("'origin' must be a mapping from language code to an origin")
        allowed = Origin.values
        for code, origin in value.items():
            if code not in self.languages:
                self.fail(f"'origin' has an unknown language {code!r}", value)
            if origin not in allowed:
                self.fail(f"'origin' in {code!r} must be one of {', '.join(allowed)}", value)
        return {f"origin_{code}": value.get(code, Origin.TEAM.value) for code in self.languages}

    def references(self, name: str, known, what: str, *, required: bool = False) -> list[str]:
        value = self.entry.get(name)
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"{name!r} must be a list of keys")
        if required and not value:
            self.fail(f"{name!r} must name at least one {what}")
        for reference in value:
            if reference not in known:
                self.fail(f"{name!r} names an unknown {what} {reference!r}", value)
        if len(set(value)) != len(value):
            self.fail(f"{name!r} names the same {what} twice", value)
        return list(value)


def _unique(file: _File, seen: set, key: str, entry) -> None:
    if key in seen:
        file.fail(entry, f"the key {key!r} is used twice")
    seen.add(key)


def read_seed_files(directory: Path) -> SeedData:
    """Parse and check every seed file; raise SeedError at the first problem."""
    file = _File(directory, "sources.yaml")
    sources, seen = [], set()
    for entry in file.load("sources"):
        reader = _Reader(file, entry, f"source {entry.get('key')!r}")
        key = reader.key("key")
        _unique(file, seen, key, entry)
        path = reader.string("file")
        if not (directory / path).is_file():
            reader.fail(f"the article {path!r} is not in {directory.name}/")
        values = {
            "file": path,
            "language": reader.language("language"),
            "original_title": reader.string("original_title"),
            **reader.texts("title", required=True),
            **reader.origin(),
        }
        sources.append(Item(key, values, where=reader.where))
    source_keys = {item.key for item in sources}

    file = _File(directory, "workplaces.yaml")
    workplaces, seen = [], set()
    for entry in file.load("workplaces"):
        reader = _Reader(file, entry, f"workplace {entry.get('slug')!r}")
        key = reader.key("slug")
        _unique(file, seen, key, entry)
        values = {
            "published": reader.boolean("published", True),
            **reader.texts("name", required=True),
            **reader.texts("description", required=False),
            **reader.origin(),
            "sources": reader.references("sources", source_keys, "source"),
        }
        workplaces.append(Item(key, values, where=reader.where))
    workplace_keys = {item.key for item in workplaces}

    file = _File(directory, "roles.yaml")
    roles, seen = [], set()
    entries = file.load("roles")
    role_keys = {entry.get("key") for entry in entries if isinstance(entry.get("key"), str)}
    role_keys &= set(RoleKey.values)
    for entry in entries:
        reader = _Reader(file, entry, f"role {entry.get('key')!r}")
        key = reader.key("key")
        if key not in RoleKey.values:
            reader.fail(f"'key' must be one of {', '.join(RoleKey.values)}")
        _unique(file, seen, key, entry)
        leads_to = entry.get("leads_to")
        if leads_to is not None and (
            not isinstance(leads_to, str) or leads_to not in role_keys or leads_to == key
        ):
            reader.fail(f"'leads_to' must be the key of another role, not {leads_to!r}")
        values = {
            "level": reader.integer("level"),
            "isco08": reader.string("isco08", required=False, pattern=codes.ISCO08),
            "esco_uri": reader.string("esco", required=False, pattern=codes.ESCO_OCCUPATION),
            "onet_soc": reader.string("onet_soc", required=False, pattern=codes.ONET_SOC),
            "published": reader.boolean("published", True),
            **reader.texts("title", required=True),
            **reader.texts("summary", required=False),
            **reader.texts("body", required=False),
            **reader.texts("career", required=False),
            **reader.origin(),
            "leads_to": leads_to,
            "workplaces": reader.references("workplaces", workplace_keys, "workplace"),
            "sources": reader.references("sources", source_keys, "source"),
        }
        role = Item(key, values, where=reader.where)
        duties = entry.get("duties") or []
        if not isinstance(duties, list):
            reader.fail("'duties' must be a list")
        duty_keys: set = set()
        for order, duty_entry in enumerate(duties, start=1):
            if not isinstance(duty_entry, dict):
                reader.fail("every duty must be a mapping", duties)
            duty = _Reader(file, duty_entry, f"role {key!r}: duty {duty_entry.get('key')!r}")
            duty_key = duty.key("key")
            _unique(file, duty_keys, duty_key, duty_entry)
            role.children.append(
                Item(
                    duty_key,
                    {
                        "order": order,
                        **duty.texts("text", required=True),
                        **duty.origin(),
                        "sources": duty.references("sources", source_keys, "source"),
                    },
                    where=duty.where,
                )
            )
        roles.append(role)

    file = _File(directory, "qualities.yaml")
    qualities, seen = [], set()
    for entry in file.load("qualities"):
        reader = _Reader(file, entry, f"quality {entry.get('slug')!r}")
        key = reader.key("slug")
        _unique(file, seen, key, entry)
        quality = Item(
            key,
            {
                "published": reader.boolean("published", True),
                **reader.texts("name", required=True),
                **reader.texts("description", required=False),
                "esco_skill_uri": reader.string(
                    "esco_skill", required=False, pattern=codes.ESCO_SKILL
                ),
                **reader.origin(),
                "sources": reader.references("sources", source_keys, "source"),
            },
            where=reader.where,
        )
        links = entry.get("roles") or []
        if not isinstance(links, list):
            reader.fail("'roles' must be a list")
        linked: set = set()
        for link_entry in links:
            if not isinstance(link_entry, dict):
                reader.fail("every entry of 'roles' must be a mapping", links)
            link = _Reader(file, link_entry, f"quality {key!r}: role {link_entry.get('role')!r}")
            role_key = link_entry.get("role")
            if not isinstance(role_key, str) or role_key not in role_keys:
                link.fail(f"'role' must be one of {', '.join(sorted(role_keys))}")
            _unique(file, linked, role_key, link_entry)
            quality.children.append(
                Item(
                    role_key,
                    {**link.texts("note", required=False), **link.origin()},
                    where=link.where,
                )
            )
        qualities.append(quality)

    file = _File(directory, "scenarios.yaml")
    scenarios, seen = [], set()
    for entry in file.load("scenarios"):
        reader = _Reader(file, entry, f"scenario {entry.get('slug')!r}")
        key = reader.key("slug")
        _unique(file, seen, key, entry)
        scenarios.append(
            Item(
                key,
                {
                    "published": reader.boolean("published", True),
                    **reader.texts("title", required=True),
                    **reader.texts("situation", required=True),
                    **reader.texts("steps", required=True),
                    **reader.texts("avoid", required=False),
                    **reader.origin(),
                    "roles": reader.references("roles", role_keys, "role", required=True),
                    "sources": reader.references("sources", source_keys, "source"),
                },
                where=reader.where,
            )
        )

    return SeedData(sources, workplaces, roles, qualities, scenarios, read_glossary(directory))


# A termbase entry's fields per language, and their columns in the Term model.
TERM_FIELDS = {"term": "term", "forms": "forms", "forbidden": "forbidden", "note": "note"}


def read_glossary(directory: Path) -> list[Item]:
    """The termbase of glossary.yaml (format: seeds/README.md), as Term values; none if the
    directory has no glossary."""
    file = _File(directory, GLOSSARY)
    if not file.path.exists():
        return []
    terms, seen = [], set()
    for entry in file.load("terms"):
        reader = _Reader(file, entry, f"term {entry.get('concept')!r}")
        key = reader.key("concept")
        _unique(file, seen, key, entry)
        unknown = set(entry) - {"concept", "en", *reader.languages}
        if unknown:
            reader.fail(f"unknown key {sorted(unknown)[0]!r}")
        english = _term_entry(reader, "en")
        values = {"english": english["term"], "english_forms": english["forms"]}
        for code in reader.languages:
            for name, value in _term_entry(reader, code).items():
                values[f"{TERM_FIELDS[name]}_{code}"] = value
        if not values[f"term_{reader.languages[0]}"]:
            reader.fail(f"no term in the default language ({reader.languages[0]})")
        terms.append(Item(key, values, where=reader.where))
    return terms


def _term_entry(reader: _Reader, code: str) -> dict[str, str]:
    """One language's entry of a concept: forms and forbidden variants as lines."""
    value = reader.entry.get(code) or {}
    if not isinstance(value, dict) or set(value) - set(TERM_FIELDS):
        reader.fail(f"{code!r} must be a mapping of {', '.join(TERM_FIELDS)}", value)
    result = {}
    for name in TERM_FIELDS:
        item = value.get(name) or ""
        if name in ("forms", "forbidden"):
            if isinstance(item, str):
                item = [item] if item else []
            if not isinstance(item, list) or not all(isinstance(v, str) for v in item):
                reader.fail(f"{code!r}: {name!r} must be a list of texts", value)
            item = "\n".join(v.strip() for v in item if v.strip())
        elif not isinstance(item, str):
            reader.fail(f"{code!r}: {name!r} must be text", value)
        result[name] = clean_text(item)
    return result
