"""Atom feeds of the published versions, per language: one for the whole site
(/<language>/feed.atom) and one per role (/<language>/roles/<key>/feed.atom). Each publication is
an entry (its number, its date, what changed in the feed's language, its pinned link), and so is
each withdrawal. Written by Django's syndication framework; kept by the page cache like any
public page, and made stale when a version is published or withdrawn (RoleVersion is Tracked)."""

import functools
import operator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_safe

from kb.pagecache.store import release, shared, tracking
from roles.models import Role, RoleVersion
from roles.models.content import RoleKey
from roles.sharing.metadata import SITE_NAME
from roles.texts import text
from roles.versions import pinned

# The newest publications and withdrawals a feed lists: readers poll it, so older ones are read
# already; the role's page of versions lists them all.
ENTRIES = 50

# The <updated> of a feed with no entry yet (a site with nothing published): a fixed instant, not
# the time of the request, so that the feed and its ETag stay the same until something is.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Entry:
    """One publication or withdrawal, as the feed lists it."""

    version: RoleVersion
    withdrawal: bool
    at: datetime
    role_name: str = ""  # the role's title as the version holds it
    title: str = ""
    summary: str = ""
    url: str = ""  # the pinned version, absolute, in the feed's language


@dataclass
class Subject:
    """What one request's feed is about: its title, its page, and its entries."""

    title: str
    page_url: str
    feed_url: str
    entries: list[Entry] = field(default_factory=list)
    empty_updated: datetime = NEVER


def events(versions) -> list[Entry]:
    """The newest ENTRIES publications and withdrawals among `versions`, newest first (a
    withdrawal before its publication at the same instant): two queries."""
    versions = versions.defer("page_fingerprints", "withdrawal_reason")
    published = versions.order_by("-published_at", "-pk")[:ENTRIES]
    withdrawn = versions.exclude(withdrawn_at=None).order_by("-withdrawn_at", "-pk")[:ENTRIES]
    found = [Entry(version, False, version.published_at) for version in published]
    found += [Entry(version, True, version.withdrawn_at) for version in withdrawn]
    found.sort(key=_newest_first, reverse=True)
    return found[:ENTRIES]


def _newest_first(entry: Entry) -> tuple:
    version = entry.version
    return (entry.at, entry.withdrawal, version.role_key, version.number)


def predecessors(entries: list[Entry]) -> dict[tuple[str, int], RoleVersion]:
    """Every listed version and the one before each publication, by (role key, number): one
    query for those not listed already."""
    known = {(entry.version.role_key, entry.version.number): entry.version for entry in entries}
    wanted = {
        (entry.version.role_key, entry.version.number - 1)
        for entry in entries
        if not entry.withdrawal and entry.version.number > 1
    } - known.keys()
    if wanted:
        query = functools.reduce(
            operator.or_, (Q(role_key=key, number=number) for key, number in sorted(wanted))
        )
        earlier = RoleVersion.objects.filter(query).defer("page_fingerprints", "withdrawal_reason")
        known.update({(version.role_key, version.number): version for version in earlier})
    return known


def version_title(version: RoleVersion, store: dict[str, str]) -> str:
    """The role's title as the version holds it, in the active language or its fallback."""
    return pinned.Pinned(store, {"title": version.content.get("title", {})}).title


def summary(entry: Entry, before: RoleVersion | None, store: dict[str, str]) -> str:
    """An entry's summary as HTML: what changed since the version before (in the active
    language), or the withdrawal."""
    version = entry.version
    context = {"version": version, "withdrawal": entry.withdrawal, "before": before}
    if entry.withdrawal:
        date = formats.date_format(timezone.localtime(entry.at), "DATE_FORMAT")
        context["withdrawn_on"] = date
    elif before is None:  # the first version: what the role is, for a reader meeting it here
        shown = pinned.Pinned(store, {"summary": version.content.get("summary", {})})
        context["role_summary"] = shown.summary
    else:
        changes = pinned.changes(before.content, version.content, store)
        context["changes"] = changes
        context["elsewhere"] = not changes and before.fingerprint != version.fingerprint
    return render_to_string("roles/feeds/entry_summary.html", context).strip()


def fill(entries: list[Entry], request) -> list[Entry]:
    """Give each entry its title, summary and address in the active language. A version never
    changes, so neither do its entries: they are kept (per release and language, as the page
    cache keeps parts) and only those not kept yet are written, reading the versions before them
    and their texts (two queries). A feed made stale by a publish writes one entry anew."""
    language = get_language()
    keys = [_entry_key(entry, language) for entry in entries]
    kept = shared("get_many", keys, default={}) if settings.PAGE_CACHE and keys else {}
    new = {}
    for entry, key in zip(entries, keys, strict=True):
        if _is_entry(value := kept.get(key)):
            entry.role_name, entry.title, entry.summary = value
        else:
            new[key] = entry
    write(list(new.values()))
    if settings.PAGE_CACHE and new:
        values = {key: (e.role_name, e.title, e.summary) for key, e in new.items()}
        shared("set_many", values, settings.PAGE_CACHE_SECONDS)
    for entry in entries:
        entry.url = request.build_absolute_uri(entry.version.get_absolute_url())
    return entries


def write(entries: list[Entry]) -> None:
    """Give each entry its title and summary in the active language: two queries."""
    if not entries:
        return
    versions = predecessors(entries)
    store = pinned.load(versions.values(), get_language())  # only the texts shown
    for entry in entries:
        version = entry.version
        entry.role_name = version_title(version, store)
        values = {"role": entry.role_name, "number": version.number}
        if entry.withdrawal:
            entry.title = gettext("%(role)s, version %(number)s withdrawn") % values
        else:
            entry.title = gettext("%(role)s, version %(number)s") % values
        before = None if entry.withdrawal else versions.get((version.role_key, version.number - 1))
        entry.summary = summary(entry, before, store)


def _entry_key(entry: Entry, language: str) -> str:
    # The time zone too: a withdrawal's summary names its date in it.
    version, kind = entry.version, "withdrawal" if entry.withdrawal else "publication"
    parts = (release(), settings.TIME_ZONE, language, version.role_key, version.number, kind)
    return "feed-entry:" + ":".join(map(str, parts))


def _is_entry(value) -> bool:
    """Whether a value read from the cache is an entry's (role name, title, summary): anything
    else under its key (another program's value) is written anew."""
    return type(value) is tuple and len(value) == 3 and all(type(part) is str for part in value)


def feed_title(name: str) -> str:
    return gettext("%(name)s: published versions") % {"name": name}


class VersionsAtom(Atom1Feed):
    """Django's Atom 1.0 writer; a feed with no entry gives the <updated> it is told
    (`empty_updated`), where Django's would give the time of the request."""

    def latest_post_date(self):
        return super().latest_post_date() if self.items else self.feed["empty_updated"]


class VersionsFeed(Feed):
    """The parts both feeds share: entries from Subject.entries, the site as every entry's
    author (the publisher, not the editors: their names are not shown to readers)."""

    feed_type = VersionsAtom

    def title(self, subject: Subject) -> str:
        return feed_title(subject.title)

    def subtitle(self, subject: Subject) -> str:
        return gettext("Published versions and withdrawals, each with what changed.")

    def link(self, subject: Subject) -> str:
        return subject.page_url

    def feed_url(self, subject: Subject) -> str:
        return subject.feed_url

    def feed_guid(self, subject: Subject) -> str:
        return subject.feed_url

    def author_name(self) -> str:
        return str(SITE_NAME)

    def feed_extra_kwargs(self, subject: Subject) -> dict:
        return {"empty_updated": subject.empty_updated}

    def items(self, subject: Subject) -> list[Entry]:
        return subject.entries

    def item_title(self, entry: Entry) -> str:
        return entry.title  # Atom's <title> is text: the writer escapes it

    def item_description(self, entry: Entry) -> str:
        return entry.summary

    def item_link(self, entry: Entry) -> str:
        return entry.url

    def item_guid(self, entry: Entry) -> str:
        # The pinned version's address; its withdrawal is another entry with an id of its own.
        return f"{entry.url}#withdrawn" if entry.withdrawal else entry.url

    def item_pubdate(self, entry: Entry) -> datetime:
        return entry.at

    def item_updateddate(self, entry: Entry) -> datetime:
        return entry.at

    def item_author_name(self, entry: Entry) -> str:
        return self.author_name()


class SiteFeed(VersionsFeed):
    def get_object(self, request) -> Subject:
        return Subject(
            title=str(SITE_NAME),
            page_url=reverse("roles:home"),
            feed_url=request.build_absolute_uri(reverse("roles:site-feed")),
            entries=fill(events(RoleVersion.objects.all()), request),
        )


class RoleFeed(VersionsFeed):
    def get_object(self, request, key: str) -> Subject:
        """A role's feed, while the role is published or has versions: a role unpublished or
        deleted since keeps its feed, as its versions keep their links."""
        if key not in RoleKey.values:
            raise Http404
        role = Role.objects.published().filter(key=key).first()
        entries = events(RoleVersion.objects.of(key))
        if role is None and not entries:
            raise Http404
        fill(entries, request)
        # The role's title as it is now; for a role no longer published, as its newest version
        # listed holds it.
        name = text(role, "title").value if role is not None else entries[0].role_name
        return Subject(
            title=name,
            page_url=reverse("roles:role-versions" if entries else "roles:role-detail", args=[key]),
            feed_url=request.build_absolute_uri(reverse("roles:role-feed", args=[key])),
            entries=entries,
            empty_updated=role.created_at if role is not None else NEVER,
        )


SITE_FEED = SiteFeed()
ROLE_FEED = RoleFeed()


def _only_tracking(request) -> None:
    """No feed reads a query: an address with one (other than campaign parameters, which the
    page cache ignores too) is no feed's."""
    if any(not tracking(name) for name in request.GET):
        raise Http404


@require_safe
def site_feed(request):
    """Every role's publications and withdrawals, in the address's language."""
    _only_tracking(request)
    return SITE_FEED(request)


@require_safe
def role_feed(request, key):
    """One role's publications and withdrawals, in the address's language."""
    _only_tracking(request)
    return ROLE_FEED(request, key=key)
