"""gunicorn's settings for `make serve` and production (gunicorn -c kb/gunicorn.conf.py kb.wsgi),
each overridable from the environment: BIND, WEB_CONCURRENCY, GUNICORN_THREADS, ACCESS_LOG."""

import multiprocessing
import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Sync workers: pages are short CPU-bound renders. One per core plus one covers the moments a
# worker waits on the database.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Not preloaded: `kill -HUP` (systemctl reload) then starts workers that load the new code whole.
preload_app = False
# gunicorn's control socket is not used; two instances run by one user would share its path.
control_socket_disable = True
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
    """A fresh worker loads what every request reuses before it takes its first (kb/warmup.py)."""
    from kb.warmup import warm_up

    warm_up()
