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

from kb.pagecache.store import VERSION_KEY
from tests.system.conftest import pg_restore, wait_until
from tests.system.load import Load, percentile, summary

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


# --- A database that hangs -----------------------------------------------------------------------

FREEZE_SECONDS = 20
CACHED = ["/nb/roles/agent/", "/el/qualities/patience/", "/da/", "/nb/search/?q=kunder"]


@pytest.fixture
def site_with_redis(own_pg_cluster, seeded_dump, redis_server, start_gunicorn):
    """gunicorn as in production (its default worker model, 2 processes), with Redis."""
    database_url = own_pg_cluster.create_database("kb", template="template0")
    pg_restore(seeded_dump, database_url)
    return own_pg_cluster, start_gunicorn(database_url, workers=2, REDIS_URL=redis_server.url)


def test_while_the_database_hangs_kept_pages_answer_the_rest_503_and_it_recovers(
    site_with_redis, redis_server, reader
):
    """PostgreSQL frozen (SIGSTOP) for 20 s under a bounded load: 3 clients reading kept pages, 2
    asking for pages that need the database (a search never asked before), 1 polling /healthz."""
    cluster, app = site_with_redis
    for path in CACHED:
        for _ in range(2):
            assert reader.get(f"{app.url}{path}").status == 200, path
        assert reader.get(f"{app.url}{path}").header("X-Cache") == "hit", path
    kinds = {
        "kept page": (3, 0.02, lambda: CACHED[int(time.monotonic() * 1000) % len(CACHED)]),
        "database page": (2, 0.05, lambda: fresh("/da/search/?q=kunder")),
        "healthz": (1, 0.5, lambda: "/healthz"),
    }
    with Load(app.url, kinds, timeout=FREEZE_SECONDS + 5) as load:
        time.sleep(3)
        with cluster.frozen():
            frozen = time.monotonic()
            time.sleep(FREEZE_SECONDS / 2)
            # As when it expires (VERSION_SECONDS): the version is then the one each process knows.
            assert redis_server.command("DEL", f":1:{VERSION_KEY}") == b":1\r\n"
            time.sleep(FREEZE_SECONDS / 2)
            thawed = time.monotonic()
        time.sleep(12)
    log = app.log.read_text()
    report = {kind: summary(load.of(kind, frozen, thawed)) for kind in kinds}
    answered = [a for a in load.answers if frozen <= a.started + a.seconds < thawed]
    print(f"\nWhile PostgreSQL was frozen for {FREEZE_SECONDS} s ({len(answered)} answered then):")
    for kind, line in report.items():
        print(f"  {kind}: {line}")
    print(f"After: {summary(load.of('database page', thawed))}")
    print("Log:", *outage_lines(log), sep="\n  ")

    def while_frozen(kind: str, since: float = frozen) -> list:
        """Requests sent and answered while PostgreSQL was frozen (a few sent before SIGCONT were
        answered after it: with a 200 if they were trying the database then)."""
        return [a for a in load.of(kind, since, thawed) if a.started + a.seconds < thawed]

    # Every request was answered, none after the client's timeout.
    assert all(answer.status for answer in load.answers), report
    # Kept pages, all of them, while the database was frozen.
    kept = while_frozen("kept page")
    assert len(kept) > 100 and all(a.status == 200 for a in kept), report
    assert all(a.header("X-Cache") == "hit" for a in kept), report
    assert percentile([a.seconds for a in kept], 0.5) < 0.5, report
    # Pages that need the database: 503 with Retry-After, at once but for the few that waited
    # for the database before it was taken for away, or tried it again after the back-off
    # (DATABASE_QUERY_TIMEOUT, 5 s).
    refused = while_frozen("database page")
    assert refused and all(a.status == 503 for a in refused), report
    assert all(a.header("Retry-After") == "30" for a in refused), report
    assert max(a.seconds for a in load.of("database page", frozen, thawed)) < 8, report
    assert percentile([a.seconds for a in refused], 0.5) < 0.5, report
    # /healthz says what is down, within the same limits.
    health = while_frozen("healthz", frozen + 6)
    assert health and all(a.status == 503 for a in health), report
    assert max(a.seconds for a in load.of("healthz", frozen, thawed)) < 8, report
    # Recovered by itself: every page within 10 s of PostgreSQL running again.
    after = load.of("database page", thawed + 10) + load.of("healthz", thawed + 10)
    assert after and all(a.status == 200 for a in after), summary(after)
    assert app.alive(), app.failure("died")
    assert "WORKER TIMEOUT" not in log and "Traceback" not in log, app.failure("logged errors")
    # One line when the database went away and one when it was back, per process.
    lines = outage_lines(log)
    assert 1 <= len([line for line in lines if "database unreachable" in line]) <= 2, lines
    assert 1 <= len([line for line in lines if "database back" in line]) <= 2, lines


def outage_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if " unreachable (" in line or " back after " in line]
