"""Every URL pattern of the site, read from the resolver, each with an address that reaches it.

The fuzz (test_fuzz.py) sends inputs to each pattern listed here, so a pattern added to any
URLconf is fuzzed without anyone listing it; a test checks that each address reaches its own
pattern. A pattern is named by its route as Django's ResolverMatch.route joins it, with the
language prefix written `{lang}/`: "{lang}/roles/<slug:key>/v/<int:number>/".

An address is a template whose slots (`{key}`, `{number}`…) are the pattern's parameters, filled
from the seed content by `fill` (or with mangled values by the fuzz).
"""

import functools
import re
from dataclasses import dataclass
from urllib.parse import unquote

from django.conf import settings
from django.urls import LocalePrefixPattern, URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern
from django.utils.translation import override

LANG = "{lang}/"
# What a slot is filled with for an address that works: objects of the seed content (a slot
# not named here holds "1"). The catch-alls' slots (`url`, `rest`) name no page: their 404.
SLUGS = {"qualities": "patience", "scenarios": "wrong-price", "workplaces": "retail"}
VALUES = {
    "lang": "el",
    "code": "el",
    "language": "el",
    "key": "agent",
    "number": "1",
    "object_id": "1",
    "content_type_id": "1",
    "id": "1",
    "field": "name",
    "app_label": "roles",
    "url": "nope/",
    "rest": "nope",
}
# Slots that hold a language code.
LANGUAGE_SLOTS = {"lang", "code", "language"}

_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)|\((?P<unnamed>[^?][^)]*)\)")
_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Target:
    route: str  # the pattern, as ResolverMatch.route names it, with "{lang}/" for the prefix
    template: str  # an address of the pattern, with its parameters as slots: "/{lang}/roles/{key}/"
    numeric: frozenset[str]  # the slots a number fills

    @property
    def admin(self) -> bool:
        return self.route.startswith(settings.ADMIN_PATH)

    @property
    def slots(self) -> list[str]:
        return slots(self.template)


def slots(template: str) -> list[str]:
    """The names of a template's slots, in order."""
    return _SLOT.findall(template)


def fill(template: str, **values: str) -> str:
    """The template with each slot filled: from `values`, else from the seed content."""

    def value(match):
        name = match[1]
        if name in values:
            return values[name]
        if name == "slug":
            before = template[: match.start()].rstrip("/").rsplit("/", 1)[-1]
            return SLUGS[before]
        return VALUES.get(name, "1")

    return _SLOT.sub(value, template)


@functools.cache
def targets() -> tuple[Target, ...]:
    """Every URL pattern of the root URLconf, in its order."""
    return tuple(
        Target(route, *_numbered("/" + template)) for route, template in _walk(get_resolver())
    )


def _walk(resolver: URLResolver):
    """Each pattern under `resolver`: its route joined as URLResolver.resolve joins it, and its
    template with unnamed regex groups still unnumbered."""
    for entry in resolver.url_patterns:
        route, template = _part(entry.pattern)
        if isinstance(entry, URLPattern):
            yield route, template
        else:
            for sub_route, sub_template in _walk(entry):
                yield URLResolver._join_route(route, sub_route), template + sub_template


def _part(pattern) -> tuple[str, str]:
    """A pattern's route and its template: `<int:number>` is `{number#d}`, `(\\d+)` is `{#d}`."""
    if isinstance(pattern, LocalePrefixPattern):
        return LANG, LANG
    text = str(pattern)
    if isinstance(pattern, RoutePattern):
        return text, _ROUTE_PARAMETER.sub(_route_slot, text)
    template = _REGEX_GROUP.sub(_regex_slot, text.removeprefix("^").removesuffix("$"))
    return text, re.sub(r"\\(.)", r"\1", template)  # "\\." is a "."


def _route_slot(match) -> str:
    return "{" + match["name"] + ("#d" if match["converter"] == "int" else "") + "}"


def _regex_slot(match) -> str:
    if match["name"]:
        return "{" + match["name"] + "}"
    return "{#d}" if match["unnamed"] == r"\d+" else "{#}"


def _numbered(template: str) -> tuple[str, frozenset[str]]:
    """The template with unnamed groups named `arg0`, `arg1`…, and the slots numbers fill."""
    numeric = set()
    count = iter(range(100))

    def slot(match):
        name = match["name"] or f"arg{next(count)}"
        if match["digits"]:
            numeric.add(name)
        return "{" + name + "}"

    return re.sub(r"\{(?P<name>\w*)(?:#(?P<digits>d?))?\}", slot, template), frozenset(numeric)


def pattern_of(target: str) -> str | None:
    """The route of the pattern a request for `target` (path and query as sent) reaches, or None:
    the path percent-decoded as a WSGI server and Django decode it, the language prefix active."""
    path = unquote(target.partition("?")[0], errors="replace")
    prefix = path.lstrip("/").split("/", 1)[0]
    language = prefix if prefix in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with override(language):
        try:
            match = resolve(path)
        except (Resolver404, ValueError):
            return None
    route = match.route
    if language == prefix and route.startswith(f"{prefix}/"):
        route = LANG + route.removeprefix(f"{prefix}/")
    return route
