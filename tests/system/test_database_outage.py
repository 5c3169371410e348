"""A lost database: readers get a 503 in their language (never a 500), the health check says what
is down, and the app comes back by itself when PostgreSQL does, without a restart.

gunicorn (2 workers, production settings, local-memory cache) runs against a PostgreSQL cluster of
the test's own, which the test stops (pg_ctl stop -m fast) and starts again on the same port.
Its database is the session's seeded one (migrate, load_seeds), restored from a pg_dump: quicker
than seeding again.
"""

import json
import time
import uuid

import pytest

from tests.system.conftest import pg_restore, wait_until

# One worker runs every system test: they share the static files collected once.
pytestmark = [pytest.mark.system, pytest.mark.xdist_group("system")]

REQUESTS_PER_CHECK = 6  # enough for both workers to answer


def fresh(path: str) -> str:
    """The address with a query string never asked before: not in the page cache."""
    return f"{path}{'&' if '?' in path else '?'}fresh={uuid.uuid4().hex}"


@pytest.fixture
def site(own_pg_cluster, seeded_dump, start_gunicorn):
    database_url = own_pg_cluster.create_database("kb", template="template0")
    pg_restore(seeded_dump, database_url)
    return own_pg_cluster, start_gunicorn(database_url, workers=2)


def test_it_answers_503_while_the_database_is_down_and_recovers_without_a_restart(site, reader):
    cluster, app = site
    assert reader.get(f"{app.url}/nb/roles/agent/").status == 200
    health = reader.get(f"{app.url}/healthz")
    assert health.status == 200, health.body
    assert json.loads(health.body) == {"status": "ok", "database": "ok", "cache": "ok"}

    cluster.stop("fast")
    replies = []
    for _ in range(REQUESTS_PER_CHECK):
        page = reader.get(f"{app.url}{fresh('/da/search/?q=kunder')}")
        assert page.status == 503, (page.status, page.body[:500])
        assert page.header("Retry-After") == "30"
        assert page.header("Cache-Control") == "no-store"
        assert 'lang="da"' in page.body
        health = reader.get(f"{app.url}/healthz")
        assert health.status == 503, health.body
        assert json.loads(health.body) == {
            "status": "unavailable",
            "database": "unavailable",
            "cache": "ok",
        }
        # A page kept in the cache before the outage: the cache's key needs the content version,
        # which is in the database, so it is a 503 as well (never a 500).
        replies.append(reader.get(f"{app.url}/nb/roles/agent/"))
        replies.append(reader.get(f"{app.url}/el/qualities/patience/"))
    assert {reply.status for reply in replies} <= {200, 503}
    assert app.alive(), app.failure("died during the outage")

    cluster.start()
    started = time.monotonic()

    def recovered() -> bool:
        statuses = [reader.get(f"{app.url}/healthz").status for _ in range(REQUESTS_PER_CHECK)]
        statuses += [
            reader.get(f"{app.url}{fresh('/da/search/?q=kunder')}").status
            for _ in range(REQUESTS_PER_CHECK)
        ]
        return all(status == 200 for status in statuses)

    wait_until(
        recovered,
        timeout=10,
        interval=0.5,
        message=lambda: app.failure("still failing 10 s after PostgreSQL came back"),
    )
    assert time.monotonic() - started < 10
    for path in ("/nb/roles/agent/", "/el/qualities/patience/", "/da/"):
        for _ in range(REQUESTS_PER_CHECK):
            assert reader.get(f"{app.url}{path}").status == 200, path
