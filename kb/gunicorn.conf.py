"""gunicorn's settings for `make serve` and production (gunicorn -c kb/gunicorn.conf.py kb.wsgi),
each overridable from the environment: BIND, WEB_CONCURRENCY, GUNICORN_THREADS, ACCESS_LOG."""

import multiprocessing
import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# A process per core plus one, each with a few threads: pages are short CPU-bound renders, and a
# thread that waits on a database that hangs (DATABASE_QUERY_TIMEOUT at most) leaves the others to
# answer from the page cache. With one thread per process (sync workers), every process would
# wait, and no page would be answered at all.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
worker_class = "gthread"
# Not preloaded: `kill -HUP` (systemctl reload) then starts workers that load the new code whole.
preload_app = False
# gunicorn's control socket is not used; two instances run by one user would share its path.
control_socket_disable = True
# A worker process that stops answering gunicorn for this long is replaced. With threads, one slow
# request does not stop its process: its waits on the database end after DATABASE_QUERY_TIMEOUT,
# and nginx gives up on it after its proxy_read_timeout (docs/DEPLOY.md).
timeout = 30
graceful_timeout = 20
# A worker is replaced after this many requests (with jitter so they do not all restart at once),
# a guard against slow memory growth. Not lower: a fresh worker's first answers are slow, and at
# 5,000 the load benchmark saw a restart every few seconds and p99 ten times the median.
max_requests = 200_000
max_requests_jitter = 20_000
accesslog = os.environ.get("ACCESS_LOG") or None  # "-" for standard output
errorlog = "-"
# Behind a proxy on the same machine, trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def post_worker_init(worker):
    """A fresh worker loads what every request reuses before it takes its first (kb/warmup.py),
    and gives up on a database that does not answer (kb.outages; management commands wait)."""
    from kb.outages import limit_database_waits
    from kb.warmup import warm_up

    limit_database_waits()
    warm_up()
