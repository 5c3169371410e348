"""The Atom feeds of published versions: the site's and each role's, per language. Read back with
a real feed parser (feedparser) and checked against RFC 4287's rules on the XML itself."""

import html
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import feedparser
import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from roles import feeds
from roles.models import Duty, Role, RoleVersion
from roles.versions import publishing

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RFC_3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
LANGUAGES = ("nb", "el", "da")
ALTERNATE = re.compile(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"')


def agent() -> Role:
    return Role.objects.get(key="agent")


def publish_agent_again(*, title_suffix: str = " (2027)", codes=LANGUAGES) -> RoleVersion:
    """Version 2 (or the next) of the agent: its title changed in `codes`, a duty changed in nb."""
    role = agent()
    for code in codes:
        setattr(role, f"title_{code}", getattr(role, f"title_{code}") + title_suffix)
    role.save()
    duty = Duty.objects.filter(role=role).order_by("order").first()
    duty.text_nb = "Svare på e-post innen én arbeidsdag"
    duty.save()
    return publishing.publish(role)


def withdraw(version: RoleVersion) -> RoleVersion:
    return publishing.withdraw(version, user=None, reason="Feil lønnsnivå")


def parsed(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def absolute_iri(value: str) -> bool:
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


def check_rfc_4287(content: bytes) -> ET.Element:
    """RFC 4287's rules for atom:feed and atom:entry (section 4.1), on the XML as written."""
    root = ET.fromstring(content)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
    assert absolute_iri(root.find(f"{ATOM}id").text)
    assert RFC_3339.match(root.find(f"{ATOM}updated").text)
    rels = {link.get("rel", "alternate") for link in root.findall(f"{ATOM}link")}
    assert {"self", "alternate"} <= rels
    entries = root.findall(f"{ATOM}entry")
    feed_author = root.find(f"{ATOM}author")
    ids = []
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        ids.append(entry.find(f"{ATOM}id").text)
        assert absolute_iri(ids[-1])
        assert RFC_3339.match(entry.find(f"{ATOM}updated").text)
        for published in entry.findall(f"{ATOM}published"):
            assert RFC_3339.match(published.text)
        alternates = [
            link
            for link in entry.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        assert alternates and all(absolute_iri(link.get("href")) for link in alternates)
        # An author on the feed, or on every entry (here both): a name each.
        author = entry.find(f"{ATOM}author") or feed_author
        assert author is not None and author.find(f"{ATOM}name").text.strip()
        # A summary without content is allowed only with an alternate link: both here.
        assert entry.find(f"{ATOM}summary").text.strip()
    assert len(set(ids)) == len(ids)  # no two entries share an id
    if entries:
        newest = max(entry.find(f"{ATOM}updated").text for entry in entries)
        assert root.find(f"{ATOM}updated").text == newest
    return root


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_site_feed_lists_each_published_version_in_its_language(client, seeded, code):
    feed = parsed(client.get(f"/{code}/feed.atom"))
    root = check_rfc_4287(client.get(f"/{code}/feed.atom").content)
    assert root.get(XML_LANG) == code
    assert feed.feed.language == code
    assert feed.feed.link == f"http://testserver/{code}/"
    assert len(feed.entries) == RoleVersion.objects.count() == 3
    with translation.override(code):
        site = gettext("Customer service knowledge base")
        first = gettext("First published version.")
    for entry in feed.entries:
        key = re.search(r"/roles/(\w+)/v/1/$", entry.link)[1]
        assert entry.link == f"http://testserver/{code}/roles/{key}/v/1/"
        assert entry.id == entry.link
        assert entry.author == site
        assert [link.rel for link in entry.links] == ["alternate"]
        version = RoleVersion.objects.get(role_key=key, number=1)
        assert entry.updated_parsed[:6] == version.published_at.astimezone(UTC).timetuple()[:6]
        assert first in entry.summary
        # …and what the role is, for a reader who meets it in the feed.
        summary = getattr(Role.objects.get(key=key), f"summary_{code}")
        assert html.escape(summary.split("\n")[0], quote=False) in entry.summary
        # The title is the role's as the version holds it, in the feed's language.
        assert entry.title.startswith(getattr(Role.objects.get(key=key), f"title_{code}"))


def test_the_feed_follows_the_newest_entry(client, seeded):
    newest = RoleVersion.objects.order_by("-published_at").first()
    response = client.get("/nb/feed.atom")
    assert parsedate_to_datetime(response["Last-Modified"]) == newest.published_at.replace(
        microsecond=0
    )
    assert parsed(response).entries[0].id.endswith(f"/nb/roles/{newest.role_key}/v/1/")


def test_a_new_version_says_what_changed_in_the_feeds_language(client, seeded):
    publish_agent_again(codes=("nb",))
    with translation.override("nb"):
        changed = pgettext("version summary", "changed")
        since = gettext("What has changed since version %(number)s") % {"number": 1}
    newest = parsed(client.get("/nb/roles/agent/feed.atom")).entries[0]
    assert newest.link == "http://testserver/nb/roles/agent/v/2/"
    assert newest.title.startswith(agent().title_nb)
    assert since in newest.summary and changed in newest.summary
    assert "Svare på e-post innen én arbeidsdag" in newest.summary
    # Greek readers saw neither change: their entry says the changes are elsewhere.
    with translation.override("el"):
        elsewhere = gettext(
            "In this language, nothing has changed since version %(number)s: the changes are "
            "in the other languages."
        ) % {"number": 1}
    greek = parsed(client.get("/el/roles/agent/feed.atom")).entries[0]
    assert greek.link == "http://testserver/el/roles/agent/v/2/"
    assert greek.summary == f"<p>{elsewhere}</p>"


def test_a_withdrawal_is_an_entry_of_its_own(client, seeded):
    version = withdraw(publish_agent_again())
    for url in ("/da/feed.atom", "/da/roles/agent/feed.atom"):
        response = client.get(url)
        check_rfc_4287(response.content)
        entries = parsed(response).entries
        pinned = "http://testserver/da/roles/agent/v/2/"
        withdrawal, publication = entries[0], entries[1]
        assert withdrawal.id == f"{pinned}#withdrawn" and withdrawal.link == pinned
        assert publication.id == pinned and publication.link == pinned
        assert withdrawal.updated_parsed[:6] == version.withdrawn_at.astimezone(UTC).timetuple()[:6]
        with translation.override("da"):
            title = gettext("%(role)s, version %(number)s withdrawn") % {
                "role": agent().title_da,
                "number": 2,
            }
        assert withdrawal.title == title
        # The editor's reason is theirs, not the readers'.
        assert "lønnsnivå" not in response.content.decode()


def test_a_role_unpublished_since_keeps_its_feed(client, seeded):
    title = agent().title_el
    Role.objects.filter(key="agent").update(published=False)
    feed = parsed(client.get("/el/roles/agent/feed.atom"))
    assert feed.feed.title.startswith(title)  # as its newest version holds it
    assert feed.feed.link == "http://testserver/el/roles/agent/v/"


def test_a_published_role_without_versions_has_an_empty_feed(client, db):
    role = Role.objects.create(key="agent", title_nb="Agent", level=1, published=True)
    response = client.get("/nb/roles/agent/feed.atom")
    feed = parsed(response)
    root = check_rfc_4287(response.content)
    assert feed.entries == []
    assert datetime.fromisoformat(root.find(f"{ATOM}updated").text) == role.created_at
    assert feed.feed.link == "http://testserver/nb/roles/agent/"
    # A draft without versions has none; the site's feed is empty, its date fixed.
    Role.objects.filter(pk=role.pk).update(published=False)
    assert client.get("/nb/roles/agent/feed.atom").status_code == 404
    site = client.get("/nb/feed.atom")
    assert check_rfc_4287(site.content).find(f"{ATOM}updated").text.startswith("1970-01-01")
    assert parsed(site).entries == []


@pytest.mark.parametrize(
    "url",
    [
        "/nb/roles/nosuch/feed.atom",  # no such role
        "/nb/roles/AGENT/feed.atom",
        "/xx/feed.atom",  # no such language
        "/nb/feed.atom?page=2",  # no feed reads a query
        "/nb/roles/agent/feed.atom?format=rss",
        "/nb/roles/agent/feed.atom/",
    ],
)
def test_bad_addresses_are_404(client, seeded, url):
    assert client.get(url).status_code == 404


def test_campaign_parameters_are_ignored_and_only_get_and_head_are_answered(client, seeded):
    # Without a language, as every page: to the reader's.
    assert client.get("/feed.atom", headers={"accept-language": "el"}).url == "/el/feed.atom"
    plain = client.get("/nb/feed.atom")
    assert client.get("/nb/feed.atom?utm_source=newsletter").content == plain.content
    assert client.head("/nb/roles/agent/feed.atom").status_code == 200
    assert client.post("/nb/feed.atom").status_code == 405


@pytest.mark.parametrize("url", ["/nb/feed.atom", "/el/roles/agent/feed.atom"])
def test_an_unchanged_feed_answers_304(client, seeded, url):
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    since = {"if-modified-since": first["Last-Modified"]}
    assert client.get(url, headers=since).status_code == 304
    publish_agent_again()
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 200
    assert client.get(url, headers=since).status_code == 200


def test_feeds_are_kept_in_the_page_cache_until_a_version_is_published_or_withdrawn(
    client, seeded, django_assert_num_queries
):
    assert client.get("/nb/roles/agent/feed.atom")["X-Cache"] == "miss"
    with django_assert_num_queries(1):  # the content version only
        assert client.get("/nb/roles/agent/feed.atom")["X-Cache"] == "hit"
    version = publish_agent_again()
    published = client.get("/nb/roles/agent/feed.atom")
    assert published["X-Cache"] == "miss"
    assert parsed(published).entries[0].id.endswith("/nb/roles/agent/v/2/")
    assert client.get("/nb/roles/agent/feed.atom")["X-Cache"] == "hit"
    withdraw(version)
    withdrawn = client.get("/nb/roles/agent/feed.atom")
    assert withdrawn["X-Cache"] == "miss"
    assert parsed(withdrawn).entries[0].id.endswith("/nb/roles/agent/v/2/#withdrawn")


@pytest.mark.parametrize("code", LANGUAGES)
def test_pages_link_to_the_feeds_in_their_language(client, seeded, code):
    home = ALTERNATE.findall(client.get(f"/{code}/").content.decode())
    assert home == [f"/{code}/feed.atom"]
    for page in ("roles/agent/", "roles/agent/v/", "roles/agent/v/1/"):
        links = ALTERNATE.findall(client.get(f"/{code}/{page}").content.decode())
        assert links == [f"/{code}/feed.atom", f"/{code}/roles/agent/feed.atom"], page
    for link in links:
        parsed(client.get(link))


@pytest.mark.parametrize("code", LANGUAGES)
def test_readers_see_a_link_to_the_feeds(client, seeded, code):
    """Browsers do not show <link rel="alternate">: the footer links to the site's feed, and a
    role's list of versions to the role's."""
    visible = re.compile(r'<a href="([^"]+)" type="application/atom\+xml">')
    assert visible.findall(client.get(f"/{code}/about/").content.decode()) == [f"/{code}/feed.atom"]
    versions = client.get(f"/{code}/roles/agent/v/").content.decode()
    assert visible.findall(versions) == [f"/{code}/roles/agent/feed.atom", f"/{code}/feed.atom"]


def test_the_site_feed_reads_the_same_number_of_queries_however_many_versions(
    client, seeded, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE = False
    with django_assert_max_num_queries(3):  # publications, withdrawals, texts
        client.get("/nb/feed.atom")
    for round_ in range(3):
        withdraw(publish_agent_again(title_suffix=f" {round_}"))
        manager = Role.objects.get(key="manager")
        manager.title_nb += f" {round_}"
        manager.save()
        publishing.publish(manager)
    with django_assert_max_num_queries(4):  # and the versions before the ones listed
        feed = parsed(client.get("/nb/feed.atom"))
    assert len(feed.entries) == 3 + 6 + 3


def test_entries_are_kept_so_a_publish_writes_only_the_new_one(client, seeded, monkeypatch):
    written = []
    summary = feeds.summary
    monkeypatch.setattr(
        feeds, "summary", lambda entry, *args: written.append(entry) or summary(entry, *args)
    )
    first = client.get("/el/feed.atom").content
    assert len(written) == 3
    publish_agent_again()
    written.clear()
    feed = parsed(client.get("/el/feed.atom"))
    assert [entry.version.number for entry in written] == [2]
    assert len(feed.entries) == 4
    # The entries kept read as they were written.
    assert first.split(b"<entry>", 1)[1] in client.get("/el/feed.atom").content
    # In another language they are written in it.
    written.clear()
    client.get("/da/feed.atom")
    assert len(written) == 4
