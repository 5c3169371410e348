"""A cache that dies: Redis killed (SIGKILL) for about 12 s under load, then started again. Pages
the page cache does not hold are rendered as fast as with Redis (at least 70 % of the throughput),
the outage is logged once when it starts and once when it ends per process (no line per request),
and the page cache works again by itself once Redis is back. The figures are printed
(docs/BENCHMARKS.md, "Outages (issue 17)").

gunicorn as in production (its default worker model, 2 processes) with Redis, on a copy of the
session's seeded database; wrk asks for the agent's role page under an address never asked before
every time (`?n=…`), so that every request renders the page and tries to keep it.
"""

import time
import uuid

import pytest

from tests.system.conftest import need, temporary_folder, wait_until
from tests.system.load import wrk

# One worker runs every system test: they share the static files collected once.
pytestmark = [pytest.mark.system, pytest.mark.xdist_group("system")]

PAGE = "/nb/roles/agent/"
SECONDS = 4  # of wrk, each time


@pytest.fixture
def site(pg_cluster, seeded_database, redis_server, start_gunicorn):
    database_url = pg_cluster.create_database(
        f"sys_cache_{uuid.uuid4().hex[:8]}", template=seeded_database
    )
    return start_gunicorn(database_url, workers=2, REDIS_URL=redis_server.url)


def test_a_dead_cache_costs_pages_little_is_logged_once_and_comes_back(site, redis_server, reader):
    app = site
    need("wrk")
    assert reader.get(f"{app.url}{PAGE}").header("X-Cache") == "miss"
    assert reader.get(f"{app.url}{PAGE}").header("X-Cache") == "hit"

    with temporary_folder("wrk") as folder:
        wrk(f"{app.url}{PAGE}", seconds=1, folder=folder)  # warm-up
        normal = [wrk(f"{app.url}{PAGE}", seconds=SECONDS, folder=folder) for _ in range(2)]
        redis_server.kill()
        killed = time.monotonic()
        # The first request of each process after the kill meets the outage; the rest skip Redis.
        without = [wrk(f"{app.url}{PAGE}", seconds=SECONDS, folder=folder) for _ in range(2)]
        page_without = reader.get(f"{app.url}{PAGE}")
        time.sleep(max(0.0, 12 - (time.monotonic() - killed)))
        redis_server.start()
        restarted = time.monotonic()
        again = wrk(f"{app.url}{PAGE}", seconds=SECONDS, folder=folder)

    # Kept again: a miss keeps the page, and a later request is a hit (each process tries Redis
    # again after its back-off, OUTAGE_BACKOFF_SECONDS, 5 s, which has passed during wrk).
    def kept_again() -> bool:
        return reader.get(f"{app.url}{PAGE}").header("X-Cache") == "hit"

    wait_until(kept_again, timeout=10, interval=0.5, message="no hit 10 s after Redis came back")
    recovered = time.monotonic() - restarted
    log = app.log.read_text()
    lines = [line for line in log.splitlines() if line.startswith("cache ")]
    ratio = sum(run.requests for run in without) / sum(run.requests for run in normal)
    print(f"\nUncached {PAGE}, wrk 8 connections, {SECONDS} s each:")
    for run in normal:
        print(f"  Redis up:      {run}")
    for run in without:
        print(f"  Redis killed:  {run}")
    print(f"  Redis back:    {again}")
    print(f"  ratio killed/up: {ratio:.0%}; kept again {recovered:.1f} s after the restart")
    print(f"Log: {len(log.splitlines())} lines, {log.count('Traceback')} tracebacks", *lines,
          sep="\n  ")  # fmt: skip

    assert page_without.status == 200 and page_without.header("X-Cache") == "miss"
    for run in (*normal, *without, again):
        assert run.requests and run.not_2xx == 0 and run.socket_errors == 0, run
    assert ratio >= 0.7, f"{ratio:.0%} of the throughput with Redis"
    assert app.alive(), app.failure("died")
    assert "Traceback" not in log, app.failure("logged a traceback")
    # One line when Redis went away and one when it was back, per process: not one per request.
    assert 1 <= len([line for line in lines if "cache unreachable" in line]) <= 2, lines
    assert 1 <= len([line for line in lines if "cache back after" in line]) <= 2, lines
