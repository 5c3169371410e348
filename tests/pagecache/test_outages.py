"""The page cache while the database or the cache server is away: kept pages are served without
the database, and a lost cache server costs requests nothing (it is not tried again before its
back-off ends, pages and parts are kept in the process's memory meanwhile) and is logged once."""

import re
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError

from kb import outages
from kb.pagecache import store
from roles.models import Duty

pytestmark = pytest.mark.django_db

LOST = OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")
PAGE = "/nb/roles/agent/"


@pytest.fixture(params=["redis", "memory"])
def shared(request, settings):
    """The page cache with a shared cache (local memory standing in for Redis), or without."""
    if request.param == "redis":
        settings.REDIS_URL = "redis://shared"
    return request.param == "redis"


# --- The database away ----------------------------------------------------------------------------


def test_kept_pages_are_served_while_the_database_is_away(client, seeded, shared):
    first = client.get(PAGE)
    assert first["X-Cache"] == "miss"
    cache.delete(store.VERSION_KEY)  # as when it expires in Redis (VERSION_SECONDS)
    with mock.patch("kb.pagecache.store._stored_version", side_effect=LOST):
        kept = client.get(PAGE)
    assert (kept.status_code, kept["X-Cache"]) == (200, "hit")
    assert kept.content == first.content


def test_a_page_kept_before_a_change_is_not_served_while_the_database_is_away(
    client, seeded, shared, django_capture_on_commit_callbacks
):
    assert client.get(PAGE)["X-Cache"] == "miss"
    duty = Duty.objects.filter(role__key="agent").first()
    duty.text_nb = "Ringe kunden tilbake samme dag"
    with django_capture_on_commit_callbacks(execute=True):
        duty.save()
    assert client.get("/nb/")["X-Cache"] == "miss"  # this process reads the new version
    cache.delete(store.VERSION_KEY)
    with mock.patch("kb.pagecache.store._stored_version", side_effect=LOST):
        # The kept agent page is of the version before: not served. (Here the view can still
        # read the content: in an outage, it is a 503.)
        response = client.get(PAGE)
    assert response["X-Cache"] == "miss"
    assert "Ringe kunden tilbake samme dag" in response.content.decode()


def test_while_the_database_is_taken_for_away_a_kept_page_does_not_try_it(
    client, seeded, django_assert_num_queries
):
    assert client.get(PAGE)["X-Cache"] == "miss"
    outages.database.failed(LOST)  # as kb.postgresql does when a connection attempt fails
    try:
        with django_assert_num_queries(0):  # the requests that need the database try it
            assert client.get(PAGE)["X-Cache"] == "hit"
    finally:
        outages.database.reset()


# --- The cache away -------------------------------------------------------------------------------


class Clock:
    """kb.outages.now(), moved on by the test."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    with mock.patch("kb.outages.now", Clock()) as fake:
        yield fake


@pytest.fixture
def lost_cache():
    """A cache server that refuses every call (each call to it is in .method_calls)."""
    refused = ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    broken = mock.Mock(name="cache")
    for method in ("get", "get_many", "set", "add", "delete"):
        getattr(broken, method).side_effect = refused
    with mock.patch("kb.pagecache.store.cache", broken):
        yield broken


def test_a_lost_cache_is_not_tried_again_before_its_back_off_ends(
    client, seeded, shared, settings, clock, lost_cache
):
    settings.OUTAGE_BACKOFF_SECONDS = 5
    for _ in range(4):
        assert client.get(PAGE).status_code == 200
        assert client.get("/da/search/", {"q": "kunder"}).status_code == 200
    assert len(lost_cache.method_calls) == 1  # the first call met the outage; no other tried
    clock.now += 5
    assert client.get(PAGE).status_code == 200
    assert len(lost_cache.method_calls) == 2  # one call tried it again


def test_while_the_cache_is_away_this_process_keeps_pages_and_parts(
    client, seeded, settings, lost_cache, django_capture_on_commit_callbacks
):
    settings.REDIS_URL = "redis://shared"
    assert client.get(PAGE)["X-Cache"] == "miss"
    assert client.get(PAGE)["X-Cache"] == "hit"
    # Edits are still seen at once: the version is read from the database meanwhile.
    duty = Duty.objects.filter(role__key="agent").first()
    duty.text_nb = "Svare kunden innen en time"
    with django_capture_on_commit_callbacks(execute=True):
        duty.save()
    fresh = client.get(PAGE)
    assert fresh["X-Cache"] == "miss" and "Svare kunden innen en time" in fresh.content.decode()
    assert client.get(PAGE)["X-Cache"] == "hit"


def test_a_lost_cache_is_logged_once_when_it_goes_and_once_when_it_is_back(
    client, seeded, shared, clock, caplog
):
    with mock.patch("kb.pagecache.store.cache") as broken:
        broken.get_many.side_effect = broken.get.side_effect = ConnectionRefusedError("refused")
        for _ in range(5):
            assert client.get(PAGE).status_code == 200
    clock.now += 5
    assert client.get(PAGE).status_code == 200
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2, messages
    assert messages[0] == (
        "cache unreachable (ConnectionRefusedError: refused): not tried again for 5 s at a time"
    )
    assert re.fullmatch(
        r"cache back after 5.0 s; \d+ cache calls made without it meanwhile", messages[1]
    )
    assert not any(record.exc_info for record in caplog.records)


def test_healthz_says_the_cache_is_away_and_does_not_wait_on_it(client, lost_cache):
    for _ in range(3):
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json() == {
            "status": "unavailable",
            "database": "ok",
            "cache": "unavailable",
        }
    assert len(lost_cache.method_calls) == 1


def test_a_value_the_cache_cannot_keep_is_not_taken_for_an_outage(client, seeded, caplog):
    import pickle

    with mock.patch.object(cache, "set", side_effect=pickle.PicklingError("cannot pickle")):
        assert client.get(PAGE).status_code == 200
    assert not outages.cache.down
    assert "page cache: set failed" in caplog.text and "PicklingError" in caplog.text
    assert client.get(PAGE)["X-Cache"] == "miss"  # tried again at once, and kept this time
    assert client.get(PAGE)["X-Cache"] == "hit"
