import logging
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import TestCase
from django.utils import translation
from pytest_django.fixtures import validate_django_db

from kb import outages
from kb.pagecache import store as page_cache
from roles.seeds.loading import load_seeds

SEEDS = Path(settings.SEEDS_DIR)


class _Database:
    """What each worker's test database holds outside the tests' transactions: the seed content,
    loaded once per session (its report), or None once a transactional test has flushed it."""

    seeds = None


def _transactional(item) -> bool:
    """Whether pytest-django runs the test without a transaction of its own (and flushes after)."""
    marker = item.get_closest_marker("django_db")
    flags = validate_django_db(marker) if marker else (False, False)  # transaction, reset_sequences
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())) or any(flags[:2]))


TRANSACTIONAL_FIXTURES = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def _uses_database(request) -> bool:
    return bool(
        request.node.get_closest_marker("django_db")
        or {"db", *TRANSACTIONAL_FIXTURES} & set(request.fixturenames)
    )


def _wipe_content() -> None:
    """Delete every content row: a test without `seeded` starts from an empty site."""
    models = [
        model
        for label in ("roles", "search", "pagecache", "reversion")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    with transaction.atomic():  # foreign keys are checked at commit, so the order does not matter
        for model in models:
            model.objects.all()._raw_delete(model.objects.db)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The seed content is loaded once per worker and committed; each test rolls back to it."""
    with django_db_blocker.unblock():
        _wipe_content()  # a database kept from an earlier run (--reuse-db) loads afresh
        _Database.seeds = load_seeds()


def pytest_collection_modifyitems(items):
    """Transactional tests (the browser's) flush the database: they run last, so the tests before
    them share the seed content loaded once."""
    items.sort(key=_transactional)


@pytest.fixture(autouse=True)
def _database_content(request):
    """A test that asks for `seeded` finds the seed content; any other test finds none."""
    if not _uses_database(request):
        yield
        return
    request.getfixturevalue("db")  # the test's transaction (none for a transactional test)
    if _Database.seeds is not None and "seeded" not in request.fixturenames:
        _wipe_content()  # rolled back with the test's transaction
        if _transactional(request.node):
            _Database.seeds = None
    yield
    if _transactional(request.node):
        _Database.seeds = None  # the test committed its writes, and its database is flushed


class _Commits:
    """A test's own transaction never commits, so on_commit callbacks would never run. This runs
    them as production would: when the outermost block the code under test opens ends well (they
    are dropped when it fails), and at once for code outside any block (autocommit)."""

    def __init__(self, connection):
        self.connection = connection
        self.depth = len(connection.atomic_blocks)  # the test's own blocks
        self.paused = False  # while django_capture_on_commit_callbacks captures them
        self.running = False  # a callback's own blocks end inside it: they wait for it

    def at_test_level(self, connection) -> bool:
        return (
            connection is self.connection  # this thread's, this database's
            and len(connection.atomic_blocks) == self.depth
            and not self.paused
            and not self.running
        )

    def block_ended(self, connection, failed: bool) -> None:
        if not self.at_test_level(connection):
            return
        if failed or connection.needs_rollback:
            connection.run_on_commit = []
        while connection.run_on_commit:
            _ids, func, robust = connection.run_on_commit.pop(0)
            self.run(func, robust)

    def run(self, func, robust: bool) -> None:
        self.running = True
        try:
            func()
        except Exception:
            if not robust:
                raise
            logging.getLogger("django.db.backends.base").exception("on_commit callback failed")
        finally:
            self.running = False
        self.block_ended(self.connection, failed=False)  # what the callback itself registered


@pytest.fixture(autouse=True)
def _commits(request, monkeypatch):
    if not _uses_database(request) or _transactional(request.node):
        yield None
        return
    request.getfixturevalue("db")
    commits = _Commits(connections[DEFAULT_DB_ALIAS])
    exit_atomic = transaction.Atomic.__exit__
    on_commit = type(commits.connection).on_commit

    def __exit__(block, exc_type, exc_value, traceback):
        exit_atomic(block, exc_type, exc_value, traceback)
        commits.block_ended(transaction.get_connection(block.using), failed=exc_type is not None)

    def run_on_commit(connection, func, robust=False):
        if commits.at_test_level(connection):
            commits.run(func, robust)
        else:
            on_commit(connection, func, robust)

    monkeypatch.setattr(transaction.Atomic, "__exit__", __exit__)
    monkeypatch.setattr(type(commits.connection), "on_commit", run_on_commit)
    yield commits


@pytest.fixture
def django_capture_on_commit_callbacks(_commits):
    """pytest-django's fixture, with _Commits paused while it captures."""

    @contextmanager
    def capture(*, using=DEFAULT_DB_ALIAS, execute=False):
        connection = connections[using]
        start = len(connection.run_on_commit)
        if _commits:
            _commits.paused = True
        try:
            with TestCase.captureOnCommitCallbacks(using=using, execute=execute) as callbacks:
                yield callbacks
        finally:
            del connection.run_on_commit[start:]  # captured: run by the capture, or not at all
            if _commits:
                _commits.paused = False

    return capture


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Plain static storage: the manifest of hashed names exists only after collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Signing in to the admin takes a password only, as in local development (`make run`), so
    # that tests of the admin sign in with force_login or the login page; tests/twofactor/
    # requires the second factor (on in production) and tests it.
    settings.ADMIN_REQUIRE_2FA = False


@pytest.fixture(autouse=True)
def _empty_cache():
    """Kept pages belong to one test: the content version starts again with each test's data."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_outage():
    """An outage a test makes ends with it (kb.outages: the database or the cache taken for away,
    waits limited as in gunicorn's workers; the page cache's last version and what it kept in
    memory while the cache was away)."""
    yield
    outages.database.reset()
    outages.cache.reset()
    outages.limit_database_waits(False)
    page_cache.forget()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts, and ends, in the default language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def languages():
    return [code for code, _name in settings.LANGUAGES]


@pytest.fixture
def seeded(db):
    """The real seed content, loaded: once per session, or again after a transactional test."""
    return _Database.seeds or load_seeds()


@pytest.fixture
def seeds_copy(tmp_path):
    """A copy of seeds/ that a test may change."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("alice", "alice@example.com", "pw-alice-1")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
