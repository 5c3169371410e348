"""The database or the cache away (kb/outages.py, kb/postgresql/): a process remembers it for a
back-off instead of trying it on every request, logs one line when it goes and one when it is back
(with a count), and keeps tracebacks for the errors that are not outages."""

import re
from unittest import mock

import dj_database_url
import psycopg
import pytest
from django.db import IntegrityError, OperationalError, connection
from django.db.utils import ConnectionHandler
from django.test import Client

from kb import outages

pytestmark = pytest.mark.django_db

LOST = OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="kb.postgresql is PostgreSQL's backend"
)


class Clock:
    """kb.outages.now(), moved on by the test."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    with mock.patch("kb.outages.now", Clock()) as fake:
        yield fake


@pytest.fixture
def service(settings):
    settings.OUTAGE_BACKOFF_SECONDS = 5
    return outages.Outage("thing", refusals="calls refused")


def test_a_service_that_failed_is_tried_again_once_per_back_off(service, clock):
    assert service.admits()
    service.failed(ConnectionRefusedError("refused"))
    assert service.down and not service.admits()
    clock.advance(4.9)
    assert not service.admits()
    clock.advance(0.2)
    assert service.admits()  # the probe
    assert not service.admits()  # the only one
    service.failed(ConnectionRefusedError("refused"))
    clock.advance(5)
    assert service.admits()
    service.succeeded(asked=clock.now)
    assert not service.down and service.admits() and service.admits()


def test_an_outage_is_logged_once_when_it_starts_and_once_when_it_ends(service, clock, caplog):
    for _ in range(3):
        service.failed(ConnectionRefusedError("refused"))
        service.admits()
    for _ in range(7):
        service.count()
    clock.advance(12)
    service.succeeded()
    service.succeeded()
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("ERROR", "thing unreachable (ConnectionRefusedError: refused): not tried again for 5 s "
                  "at a time"),
        ("WARNING", "thing back after 12.0 s; 7 calls refused meanwhile"),
    ]  # fmt: skip
    assert not any(record.exc_info for record in caplog.records)


def test_an_answer_to_a_call_made_before_the_outage_does_not_end_it(service, clock):
    asked = clock.now
    clock.advance(1)
    service.failed(ConnectionRefusedError("refused"))
    service.succeeded(asked=asked)
    assert service.down


def wrapped(driver_error: psycopg.Error) -> OperationalError:
    """Django's error for the driver's, as django.db.utils.DatabaseErrorWrapper raises it."""
    error = OperationalError(str(driver_error))
    error.__cause__ = driver_error
    return error


@pytest.mark.parametrize(
    "error, unreachable",
    [
        (LOST, True),
        (psycopg.OperationalError("connection refused"), True),  # no SQLSTATE: the client's
        (psycopg.errors.AdminShutdown("terminating connection"), True),
        (psycopg.errors.CannotConnectNow("the database system is starting up"), True),
        (psycopg.errors.TooManyConnections("sorry, too many clients already"), True),
        (wrapped(psycopg.errors.AdminShutdown("terminating connection")), True),
        (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), False),
        (wrapped(psycopg.errors.QueryCanceled("statement timeout")), False),
        (wrapped(psycopg.errors.LockNotAvailable("lock timeout")), False),
        (wrapped(psycopg.errors.DeadlockDetected("deadlock detected")), False),
        (IntegrityError("duplicate key"), False),
        (ValueError("not a database error"), False),
    ],
)
def test_which_database_errors_are_outages(error, unreachable):
    assert outages.database_unreachable(error) is unreachable


# --- The 503s and the logs ------------------------------------------------------------------------


@pytest.fixture
def reader():
    return Client(raise_request_exception=False)


def test_requests_refused_while_the_database_is_away_are_counted_not_logged(seeded, reader, caplog):
    with mock.patch("kb.pagecache.store._stored_version", side_effect=LOST):
        # What kb.postgresql does when a connection attempt fails or a wait ends unanswered.
        outages.database.failed(LOST)
        try:
            statuses = [
                reader.get(f"/{code}/roles/agent/").status_code
                for code in ("nb", "el", "da")
                for _ in range(3)
            ]
            outages.database.succeeded()  # and when the database answers again
        finally:
            outages.database.reset()
    assert statuses == [503] * 9
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2, messages
    assert messages[0].startswith("database unreachable (OperationalError: connection to server")
    assert re.fullmatch(
        r"database back after [\d.]+ s; 9 requests answered 503 meanwhile", messages[1]
    )
    assert not any(record.exc_info for record in caplog.records)


def test_a_lost_connection_nobody_had_noticed_is_one_line_without_a_traceback(
    seeded, reader, caplog
):
    with mock.patch("kb.pagecache.store._stored_version", side_effect=LOST):
        assert reader.get("/da/roles/agent/").status_code == 503
    assert [record.getMessage() for record in caplog.records] == [
        f"database error, answered 503: OperationalError: {LOST}"
    ]
    assert not any(record.exc_info for record in caplog.records)


@pytest.mark.parametrize(
    "error, status",
    [(wrapped(psycopg.errors.QueryCanceled("canceling statement due to statement timeout")), 503),
     (ValueError("a bug"), 500)],
)  # fmt: skip
def test_errors_that_are_not_outages_keep_their_tracebacks(seeded, reader, caplog, error, status):
    with mock.patch("roles.views.pages.occupation", side_effect=error):
        assert reader.get("/da/roles/agent/").status_code == status
    logged = [record for record in caplog.records if record.name == "django.request"]
    assert len(logged) == 1 and logged[0].exc_info[1] is error
    assert not outages.database.down


# --- The backend's limits (PostgreSQL) ------------------------------------------------------------


def backend(url: str = "postgres://kb:pw@db.example:5432/kb"):
    """kb.postgresql's DatabaseWrapper for `url`, as the settings configure it (not connected)."""
    from django.conf import settings

    options = {**settings.DATABASES["default"].get("OPTIONS", {})}
    config = dj_database_url.parse(url)
    config.update(ENGINE="kb.postgresql", OPTIONS={"connect_timeout": 3, **options})
    return ConnectionHandler({"default": config})["default"]


def test_a_web_workers_connections_ask_postgresql_to_cancel_slow_statements(settings):
    settings.DATABASE_QUERY_TIMEOUT = 5
    assert "options" not in backend().get_connection_params()  # management commands wait
    outages.limit_database_waits()
    params = backend().get_connection_params()
    assert params["options"] == "-c statement_timeout=4000 -c lock_timeout=2500"
    assert params["connect_timeout"] == 3


def test_the_settings_give_postgresql_connections_their_limits():
    import subprocess
    import sys

    script = "import kb.settings as s; d = s.DATABASES['default']; print(d['ENGINE'], d['OPTIONS'])"
    env = {"SECRET_KEY": "s" * 50, "DATABASE_URL": "postgres://u:p@db:5432/kb?connect_timeout=9",
           "PATH": "/usr/bin:/bin"}  # fmt: skip
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("kb.postgresql {")
    assert "'connect_timeout': 9," in result.stdout  # the URL's own parameters win
    assert "'keepalives': 1" in result.stdout and "'tcp_user_timeout'" in result.stdout


@postgresql_only
def test_a_database_that_does_not_answer_is_given_up_and_then_not_asked_again(settings):
    settings.DATABASE_QUERY_TIMEOUT = 1
    outages.limit_database_waits()
    other = ConnectionHandler({"default": connection.settings_dict})["default"]
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        with other.cursor() as cursor:
            # The server's own limit off, so that only the client's can end the wait.
            cursor.execute("SET statement_timeout = 0")
            with pytest.raises(OperationalError, match="no answer from the database in 1 s"):
                cursor.execute("SELECT pg_sleep(5)")
        assert outages.database.down
        other.close()
        with pytest.raises(OperationalError, match="not tried again yet"):
            other.ensure_connection()
        outages.database.reset()
        with other.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        outages.database.reset()
        other.close()
        with connection.cursor() as cursor:  # the server still sleeps in the abandoned query
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


@postgresql_only
def test_a_statement_postgresql_cancels_is_not_an_outage(settings):
    settings.DATABASE_QUERY_TIMEOUT = 2  # statement_timeout: 1 s
    outages.limit_database_waits()
    other = ConnectionHandler({"default": connection.settings_dict})["default"]
    try:
        with other.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone() == ("1s",)
            with pytest.raises(OperationalError, match="statement timeout"):
                cursor.execute("SELECT pg_sleep(3)")
        assert not outages.database.down
    finally:
        other.close()


@postgresql_only
def test_only_an_answer_from_the_server_ends_an_outage(settings, clock):
    settings.OUTAGE_BACKOFF_SECONDS = 5
    other = ConnectionHandler({"default": connection.settings_dict})["default"]
    other.ensure_connection()
    try:
        outages.database.failed(LOST)
        clock.advance(5)
        other.connection.autocommit = False  # the try of this back-off, which reads nothing
        assert outages.database.down
        with other.cursor() as cursor:  # so the try is still to be made
            cursor.execute("SELECT 1")
        assert not outages.database.down
    finally:
        outages.database.reset()
        other.close()
