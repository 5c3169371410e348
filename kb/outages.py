"""The database or the shared cache away: each process remembers it for a short back-off, so that
requests do not each wait on it, then lets one request try again. It logs one line when a service
goes away and one when it is back, with what was refused meanwhile; the errors themselves are
expected while it is away and are not logged one by one (QuietOutages).

The database's side is in kb/postgresql/ (the client's limits and the short-circuit) and in
kb.http.views.server_error (the 503 page, which counts); the cache's in kb/pagecache/store.py
(every cache call goes through store.shared)."""

import logging
import threading
import time

import psycopg
import redis
from django.conf import settings
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)


def now() -> float:
    """The clock of outages and their back-offs (time.monotonic)."""
    return time.monotonic()


class Outage:
    """Whether a service this process depends on is away: a circuit breaker, per process.

    While the service is up, every call tries it. After a failure, calls are refused for
    OUTAGE_BACKOFF_SECONDS; then one call is let through (a probe): if it succeeds the service is
    up again, if it fails the back-off starts again."""

    def __init__(self, name: str, *, refusals: str, level: int = logging.ERROR):
        self.name, self.refusals, self.level = name, refusals, level
        self._lock = threading.Lock()
        self.down_since: float | None = None  # now() of the first failure
        self.refused = 0  # since it went away
        self._retry_at = 0.0

    @property
    def down(self) -> bool:
        return self.down_since is not None

    def admits(self) -> bool:
        """Whether to try the service now: always while it is up; while it is away, once per
        back-off (that call is the probe)."""
        if self.down_since is None:  # the common case, without the lock
            return True
        with self._lock:
            if self.down_since is None:
                return True
            moment = now()
            if moment < self._retry_at:
                return False
            self._retry_at = moment + settings.OUTAGE_BACKOFF_SECONDS
            return True

    def give_back(self) -> None:
        """The try admits() allowed was not made after all: the next call may make it."""
        with self._lock:
            self._retry_at = 0.0

    def failed(self, error: BaseException) -> None:
        """The service did not answer: it is away for another back-off. The first failure logs."""
        with self._lock:
            moment = now()
            self._retry_at = moment + settings.OUTAGE_BACKOFF_SECONDS
            if self.down_since is not None:
                return
            self.down_since, self.refused = moment, 0
        logger.log(
            self.level,
            "%s unreachable (%s): not tried again for %s s at a time",
            self.name,
            describe(error),
            settings.OUTAGE_BACKOFF_SECONDS,
        )

    def succeeded(self, *, asked: float | None = None) -> None:
        """The service answered (a call made at now() = `asked`). If it was away, it is back:
        logged with what was refused. An answer to a call made before it went away says nothing
        about now."""
        if self.down_since is None:
            return
        with self._lock:
            if self.down_since is None or (asked is not None and asked < self.down_since):
                return
            seconds, refused = now() - self.down_since, self.refused
            self.down_since, self.refused = None, 0
        logger.warning(
            "%s back after %.1f s; %d %s meanwhile", self.name, seconds, refused, self.refusals
        )

    def count(self) -> None:
        """Something was answered without the service (a 503 page, a cache call skipped)."""
        with self._lock:
            self.refused += 1

    def reset(self) -> None:
        """Forget any outage (tests)."""
        with self._lock:
            self.down_since, self.refused, self._retry_at = None, 0, 0.0


database = Outage("database", refusals="requests answered 503")
cache = Outage("cache", refusals="cache calls made without it", level=logging.WARNING)


def describe(error: BaseException) -> str:
    """An error in one line: its type and the first line of its message."""
    message = str(error).strip().splitlines()
    return f"{type(error).__name__}: {message[0]}" if message else type(error).__name__


# SQLSTATEs that say the server cannot serve this connection at all: connection exceptions (08),
# shutting down or starting up (57P01-57P03), no connection slots left (53300).
UNREACHABLE_STATES = {"57P01", "57P02", "57P03", "53300"}
CONNECTION_ERRORS = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


def database_unreachable(error: BaseException) -> bool:
    """Whether a database error means the database cannot be reached: refused, timed out, or the
    connection lost. Not a statement the server cancelled (statement_timeout, lock_timeout), a
    deadlock or a bad query: those are errors of their own, logged with their tracebacks."""
    if not isinstance(error, CONNECTION_ERRORS):
        return False
    # Django's error wraps the driver's, which knows the SQLSTATE the server sent, if any.
    driver = error.__cause__ if isinstance(error.__cause__, psycopg.Error) else error
    state = getattr(driver, "sqlstate", None)
    if state is None:
        # No answer from the server: the client's own error (or another driver's, or SQLite's).
        return True
    return state.startswith("08") or state in UNREACHABLE_STATES


def cache_unreachable(error: BaseException) -> bool:
    """Whether a cache error means the cache server cannot be reached (refused, timed out, the
    connection lost, still loading its data): not a value that cannot be read, which is one
    key's problem."""
    return isinstance(error, (OSError, redis.ConnectionError, redis.TimeoutError))


class QuietOutages(logging.Filter):
    """On django.request: a request refused because the database is away is not logged with its
    traceback (hundreds a second during an outage); Outage logs the outage once, and counts."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return error is None or not database_unreachable(error)


class _Waits:
    limited = False


def limit_database_waits(limited: bool = True) -> None:
    """From now on this process gives up on a database that does not answer: gunicorn's workers
    (kb/gunicorn.conf.py) do, management commands (migrations, imports) do not."""
    _Waits.limited = limited


def database_waits_limited() -> bool:
    return _Waits.limited
