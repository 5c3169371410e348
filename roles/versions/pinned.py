"""Reading a published version: the role as it was then, and what has changed since. Texts are
fetched by digest, for any number of versions in one query, into objects that read like the
models (`title_<code>`), so the `text` tag and its fallback notes work unchanged."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, Value
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from roles.models import Quality, Role, RoleVersion, Scenario, Source, VersionText, Workplace
from roles.texts import text
from roles.versions.publishing import (
    ROLE_TEXTS,
    SCENARIO_TEXTS,
    is_text,
    shown_in,
    with_unix_line_ends,
)


def digests(content, language: str | None = None) -> set[str]:
    """Every text digest in a version's content; in `language`, only those a page in it shows
    (its own texts, else its fallbacks')."""
    if is_text(content):
        if language is None:
            return set(content.values())
        shown = shown_in(content, language)
        return {shown} if shown else set()
    if isinstance(content, dict):
        return set().union(*(digests(item, language) for item in content.values()))
    if isinstance(content, list):
        return set().union(*(digests(item, language) for item in content))
    return set()


def load(versions: Iterable[RoleVersion], language: str | None = None) -> dict[str, str]:
    """The texts of `versions` (in `language`, only those shown in it), by digest, in one
    query."""
    wanted = set().union(*(digests(version.content, language) for version in versions))
    if not wanted:
        return {}
    return dict(VersionText.objects.filter(digest__in=wanted).values_list("digest", "text"))


class Pinned:
    """An object as a version holds it: `<field>_<code>` for each language it was written in,
    and `<field>` in the active language along the fallback chain, as the models read."""

    def __init__(self, store: dict[str, str], fields: dict[str, dict[str, str]], **attributes):
        self._fields = tuple(fields)
        for name, languages in fields.items():
            for code, key in languages.items():
                setattr(self, build_localized_fieldname(name, code), store.get(key, ""))
        for name, value in attributes.items():
            setattr(self, name, value)

    def __getattr__(self, name):
        # Only reached for attributes not set: a translated field in a language it lacks ("")
        # or the field itself, read in the active language.
        fields = self.__dict__.get("_fields", ())
        if name in fields:
            return text(self, name).value
        if any(name.startswith(f"{f}_") for f in fields):
            return ""
        raise AttributeError(name)


def _url(view: str, **kwargs) -> str:
    try:
        return reverse(view, kwargs=kwargs)
    except NoReverseMatch:
        return ""


# The pages a version links to: (kind, the model, its key field, the view, the view's argument).
PAGES = (
    ("role", Role, "key", "roles:role-detail", "key"),
    ("quality", Quality, "slug", "roles:quality-detail", "slug"),
    ("scenario", Scenario, "slug", "roles:scenario-detail", "slug"),
    ("workplace", Workplace, "slug", "roles:workplace-detail", "slug"),
)


def named_pages(version: RoleVersion) -> dict[str, set[str]]:
    """The keys of the roles and the slugs of the qualities, scenarios and workplaces that a
    version names, by kind; the version's own role among them."""
    content = version.content
    roles = {version.role_key} | {item["key"] for item in content.get("leads_from", [])}
    if content.get("leads_to"):
        roles.add(content["leads_to"]["key"])
    named = {"role": roles}
    for kind, section in (
        ("quality", "qualities"),
        ("scenario", "scenarios"),
        ("workplace", "workplaces"),
    ):
        named[kind] = {item["slug"] for item in content.get(section, [])}
    return named


def live_pages(version: RoleVersion, user) -> set[tuple[str, str]]:
    """Which of the pages a version names still open for `user`, as (kind, key or slug) pairs,
    in one query: a version outlives what it names, and must not link to a page that is gone."""
    named = named_pages(version)
    queries = [
        model.objects.visible_to(user)
        .filter(**{f"{field}__in": named[kind]})
        .order_by()
        # Read by name: the order of the columns in the SQL may vary between processes.
        .annotate(page_kind=Value(kind), page_key=F(field))
        .values("page_kind", "page_key")
        for kind, model, field, _view, _argument in PAGES
        if named[kind]
    ]
    if not queries:
        return set()
    rows = queries[0].union(*queries[1:], all=True)
    return {(row["page_kind"], row["page_key"]) for row in rows}


def _live_url(live: set[tuple[str, str]], kind: str, key: str) -> str:
    """The page of `key` if it still opens, else "" (the template then shows the name alone)."""
    if (kind, key) not in live:
        return ""
    _kind, _model, _field, view, argument = next(page for page in PAGES if page[0] == kind)
    return _url(view, **{argument: key})


@dataclass
class PinnedRole:
    """A role as one version holds it, ready for the version page."""

    version: RoleVersion
    role: Pinned
    duties: list[Pinned]
    qualities: list[tuple[Pinned, Pinned]]  # (the quality, the role's note on it)
    scenarios: list[Pinned]
    workplaces: list[Pinned]
    leads_to: Pinned | None
    leads_from: list[Pinned]
    sources: list[Pinned]
    codes: dict[str, str] = field(default_factory=dict)

    # The occupation codes as the role's fields are named (for occupation_codes.role_codes).
    @property
    def isco08(self) -> str:
        return self.codes.get("isco08", "")

    @property
    def esco_uri(self) -> str:
        return self.codes.get("esco_uri", "")

    @property
    def onet_soc(self) -> str:
        return self.codes.get("onet_soc", "")

    @classmethod
    def of(
        cls, version: RoleVersion, store: dict[str, str], live: set[tuple[str, str]]
    ) -> "PinnedRole":
        """The version's role; it links only to the pages in `live` (see live_pages)."""
        content = version.content

        def role_link(item):
            url = _live_url(live, "role", item["key"])
            return Pinned(store, {"title": item["title"]}, key=item["key"], url=url)

        def source(item):
            name = dict(Source._meta.get_field("language").choices).get(item["language"], "")
            return Pinned(
                store, {"title": item["title"]}, language_name=name, key=item.get("key", "")
            )

        return cls(
            version=version,
            role=Pinned(store, {name: content.get(name, {}) for name in ROLE_TEXTS}),
            duties=[
                Pinned(store, {"text": duty["text"]}, key=duty["key"])
                for duty in content.get("duties", [])
            ],
            qualities=[
                (
                    Pinned(
                        store,
                        {"name": item["name"]},
                        slug=item["slug"],
                        url=_live_url(live, "quality", item["slug"]),
                    ),
                    Pinned(store, {"note": item["note"]}),
                )
                for item in content.get("qualities", [])
            ],
            scenarios=[
                ScenarioSnapshot(
                    store,
                    {name: item.get(name, {}) for name in SCENARIO_TEXTS},
                    slug=item["slug"],
                    url=_live_url(live, "scenario", item["slug"]),
                )
                for item in content.get("scenarios", [])
            ],
            workplaces=[
                Pinned(
                    store,
                    {"name": item["name"]},
                    slug=item["slug"],
                    url=_live_url(live, "workplace", item["slug"]),
                )
                for item in content.get("workplaces", [])
            ],
            leads_to=role_link(content["leads_to"]) if content.get("leads_to") else None,
            leads_from=[role_link(item) for item in content.get("leads_from", [])],
            sources=[source(item) for item in content.get("sources", [])],
            codes=content.get("codes", {}),
        )


class ScenarioSnapshot(Pinned):
    """A scenario as a version holds it; links to the scenario's page as it is now, if open."""

    def get_absolute_url(self):
        return self.url


# What changed since a version ------------------------------------------------------------------


@dataclass
class Change:
    """What changed in one section of the role page."""

    section: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    reordered: bool = False
    # Whether the items are the names of fields (shown as they are) rather than texts (quoted).
    fields: bool = False

    def __bool__(self):
        return bool(self.added or self.removed or self.changed or self.reordered)


FIELD_NAMES = {
    "title": _("title"),
    "summary": _("summary"),
    "body": _("description"),
    "career": _("career path"),
}
CODE_NAMES = {"isco08": "ISCO-08", "esco_uri": "ESCO", "onet_soc": "O*NET-SOC"}


def _shown(digest: str, store: dict[str, str], limit: int = 90) -> str:
    """A text shown in the summary, shortened for a list."""
    return Truncator(store.get(digest, "")).chars(limit)


# The list sections of a role: (section heading, content key, the items' key, their label).
LISTS = [
    (_("Duties"), "duties", "key", "text"),
    (_("Qualities"), "qualities", "slug", "name"),
    (_("Scenarios"), "scenarios", "slug", "title"),
    (_("Where the role works"), "workplaces", "slug", "name"),
    (_("Sources"), "sources", "key", "title"),
]


def _compare(section, before: list, after: list, *, key: str, label: str, store) -> Change:
    """Added, removed, changed and reordered items of a list, matched by their stable key."""
    old = {item[key]: item for item in before}
    new = {item[key]: item for item in after}
    change = Change(str(section))
    change.added = [_shown(new[k][label], store) for k in new if k not in old]
    change.removed = [_shown(old[k][label], store) for k in old if k not in new]
    change.changed = [_shown(new[k][label], store) for k in new if k in old and new[k] != old[k]]
    change.reordered = [k for k in old if k in new] != [k for k in new if k in old]
    return change


def changes(before: dict, after: dict, store: dict[str, str]) -> list[Change]:
    """What a reader of the active language sees changed from the content `before` to the
    content `after`, section by section. Sections without a change are left out; changes in
    texts this language does not show (other languages) are not listed."""
    language = get_language()
    before, after = (with_unix_line_ends(content, store) for content in (before, after))
    before, after = shown_in(before, language), shown_in(after, language)
    texts = Change(str(_("About the role")), fields=True)
    texts.changed = [
        str(FIELD_NAMES[name]) for name in ROLE_TEXTS if before.get(name) != after.get(name)
    ]
    lists = [
        _compare(
            heading, before.get(name, []), after.get(name, []), key=key, label=label, store=store
        )
        for heading, name, key, label in LISTS
    ]
    # The career ladder: the role it leads to and the roles leading to it.
    career = _compare(
        _("Career path"),
        [before["leads_to"]] if before.get("leads_to") else [],
        [after["leads_to"]] if after.get("leads_to") else [],
        key="key",
        label="title",
        store=store,
    )
    earlier = _compare(
        "",
        before.get("leads_from", []),
        after.get("leads_from", []),
        key="key",
        label="title",
        store=store,
    )
    career.added += earlier.added
    career.removed += earlier.removed
    career.changed += earlier.changed
    career.reordered = earlier.reordered
    codes = Change(str(_("Occupation codes")), fields=True)
    # No codes at all is {}, which shown_in() reads as a text in no language, "".
    old_codes, new_codes = before.get("codes") or {}, after.get("codes") or {}
    codes.changed = [
        name for code, name in CODE_NAMES.items() if old_codes.get(code) != new_codes.get(code)
    ]
    return [section for section in [texts, *lists, career, codes] if section]


def version_or_404(key: str, number: int) -> RoleVersion:
    """The role's published version `number` (withdrawn or not), or a 404."""
    return get_object_or_404(RoleVersion.objects.of(key).numbered(number))
