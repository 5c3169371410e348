"""What a role page shows, read as plain rows: one query for the role, then one per list, each
compiled once (roles.models.compiled). The rows read like the models they come from (`title_<code>`,
`title` in the active language along the fallback chain, `duties.all()`, `get_absolute_url()`),
so the page's templates, its JSON-LD and the "edited since" check (roles.versions.publishing
.snapshot) read them as they read the models. Each list holds what Role.objects.content() holds,
in the same order: a published version stores exactly what the page showed."""

from django.utils.functional import cached_property

from roles.models.compiled import Compiled
from roles.models.content import (
    Duty,
    Quality,
    Role,
    RoleQuality,
    RoleScenario,
    Scenario,
    Source,
    Workplace,
)
from roles.models.versions import RoleVersion
from roles.texts import columns, text

ROLE_TEXTS = ("title", "summary", "body", "career")
SCENARIO_TEXTS = ("title", "situation", "steps", "avoid")
CODES = ("isco08", "esco_uri", "onet_soc")


class Listing(list):
    """A list a row holds, read as a prefetched relation is: `role.duties.all()`."""

    def all(self):
        return self


class Row:
    """One row, read like its model: each column an attribute, and each translated field in
    `texts` (`title`) the text shown in the active language, along the fallback chain."""

    texts: tuple[str, ...] = ()

    def __init__(self, **values):
        self.__dict__.update(values)

    def __getattr__(self, name):
        # Only reached for what was not read: a translated field by its own name, or a column of
        # a language outside the page's fallback chain (missing, as in a QuerySet.only() read).
        if name in type(self).texts:
            return text(self, name).value
        raise AttributeError(name)


class PageRole(Row):
    texts = ROLE_TEXTS
    # roles.addresses.reverse_permalink and the templates ask for the model's name.
    _meta = Role._meta
    get_absolute_url = Role.get_absolute_url


class PageDuty(Row):
    texts = ("text",)


class PageQuality(Row):
    texts = ("name",)
    get_absolute_url = Quality.get_absolute_url


class PageNote(Row):
    """A role's note on one of its qualities (RoleQuality), with `quality`."""

    texts = ("note",)


class PageScenario(Row):
    texts = SCENARIO_TEXTS
    get_absolute_url = Scenario.get_absolute_url


class PageScenarioLink(Row):
    """RoleScenario, with `scenario`."""


class PageWorkplace(Row):
    texts = ("name",)
    get_absolute_url = Workplace.get_absolute_url


class PageSource(Row):
    texts = ("title",)

    @cached_property
    def _languages(self):
        return dict(Source._meta.get_field("language").choices)

    def get_language_display(self):
        return self._languages.get(self.language, self.language)


def _related(row: dict, prefix: str) -> dict:
    """The columns of `row` read through a relation ("quality__slug"), by their own names."""
    return {
        name.removeprefix(prefix): value for name, value in row.items() if name.startswith(prefix)
    }


def _own(row: dict) -> dict:
    return {name: value for name, value in row.items() if "__" not in name}


# The reads: values_list() QuerySets filtered on their argument (the role's key, else its id).


def _role(key, language, published_only):
    queryset = Role.objects.filter(key=key)
    if published_only:
        queryset = queryset.published()
    return queryset.values_list(
        "pk", "key", "level", "published", "leads_to_id", *CODES, *columns(ROLE_TEXTS, language)
    )


def _ladder(role_id, language, _variant):
    # Every other role: the steps before this one, after it, and the top of its ladder.
    return (
        Role.objects.exclude(pk=role_id)
        .order_by("level", "key")
        .values_list(
            "pk", "key", "level", "published", "leads_to_id", *columns(("title",), language)
        )
    )


def _duties(role_id, language, _variant):
    return (
        Duty.objects.filter(role_id=role_id)
        .order_by("order")
        .values_list("key", *columns(("text",), language))
    )


def _qualities(role_id, language, _variant):
    return (
        RoleQuality.objects.filter(role_id=role_id, quality__published=True)
        .order_by("order")
        .values_list(
            "quality__slug",
            *columns(("name",), language, "quality__"),
            *columns(("note",), language),
        )
    )


def _scenarios(role_id, language, _variant):
    return (
        RoleScenario.objects.filter(role_id=role_id, scenario__published=True)
        .order_by("order")
        .values_list("scenario__slug", *columns(SCENARIO_TEXTS, language, "scenario__"))
    )


def _workplaces(role_id, language, _variant):
    return (
        Workplace.objects.published()
        .filter(roles=role_id)
        .order_by("slug")
        .values_list("slug", *columns(("name",), language))
    )


def _sources(role_id, language, _variant):
    return (
        Source.objects.filter(role=role_id)
        .order_by("key")
        .values_list("key", "language", *columns(("title",), language))
    )


def _version(key, _language, _variant):
    return RoleVersion.objects.newest_first(key).values_list(
        "pk", "role_key", "number", "published_at", "page_fingerprints"
    )[:1]


# Placeholders: no role has this key or id.
_KEY, _ID = "\x00role-key\x00", -739_104_265

ROLE = Compiled(_role, placeholder=_KEY)
LADDER = Compiled(_ladder, placeholder=_ID)
DUTIES = Compiled(_duties, placeholder=_ID)
QUALITIES = Compiled(_qualities, placeholder=_ID)
SCENARIOS = Compiled(_scenarios, placeholder=_ID)
WORKPLACES = Compiled(_workplaces, placeholder=_ID)
SOURCES = Compiled(_sources, placeholder=_ID)
VERSION = Compiled(_version, placeholder=_KEY)


class PageVersion(Row):
    """The role's current published version, as its page names it."""

    get_absolute_url = RoleVersion.get_absolute_url


def current_version(key: str, language: str) -> PageVersion | None:
    """RoleVersion.objects.current_of(key), as the role page reads it: one query."""
    rows = VERSION.rows(key, language)
    return PageVersion(**rows[0]) if rows else None


def role(key: str, language: str, *, published_only: bool) -> PageRole | None:
    """The role with `key` (only if published, with `published_only`), with its texts in
    `language` and its fallbacks: one query. content() adds what its page lists."""
    rows = ROLE.rows(key, language, published_only)
    return PageRole(**rows[0]) if rows else None


def content(role: PageRole, language: str) -> PageRole:
    """Read onto `role` what its page lists, one query each: its duties, qualities, scenarios,
    workplaces and sources, and the roles before and after it on the ladder (`leads_to`, a chain
    to the top; `leads_from`, the published ones)."""
    pk = role.pk
    ladder = {pk: role, **{row["pk"]: PageRole(**row) for row in LADDER.rows(pk, language)}}
    for step in ladder.values():
        step.leads_to = ladder.get(step.leads_to_id)
    role.leads_from = Listing(
        step for step in ladder.values() if step.leads_to_id == pk and step.published
    )
    role.duties = Listing(PageDuty(**row) for row in DUTIES.rows(pk, language))
    role.role_qualities = qualities(pk, language)
    role.role_scenarios = scenarios(pk, language)
    role.workplaces = Listing(PageWorkplace(**row) for row in WORKPLACES.rows(pk, language))
    role.sources = Listing(PageSource(**row) for row in SOURCES.rows(pk, language))
    return role


def qualities(pk: int, language: str) -> Listing:
    """The qualities the role `pk` lists, with its notes on them, in its order: one query."""
    return Listing(
        PageNote(quality=PageQuality(**_related(row, "quality__")), **_own(row))
        for row in QUALITIES.rows(pk, language)
    )


def scenarios(pk: int, language: str) -> Listing:
    """The published scenarios the role `pk` lists, in its order: one query."""
    return Listing(
        PageScenarioLink(scenario=PageScenario(**_related(row, "scenario__")))
        for row in SCENARIOS.rows(pk, language)
    )
