import logging
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import translation

from roles.seeds.loading import load_seeds

SEEDS = Path(settings.SEEDS_DIR)


class _Database:
    """What each worker's test database holds outside the tests' transactions: the seed content,
    loaded once per session (its report), or None once a transactional test has flushed it."""

    seeds = None


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
        or (marker and marker.kwargs.get("transaction"))
    )


def _uses_database(request) -> bool:
    return bool(
        request.node.get_closest_marker("django_db")
        or {"db", "transactional_db", "live_server"} & set(request.fixturenames)
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


@pytest.fixture(autouse=True)
def _commits(request, monkeypatch):
    """A test's own transaction never commits, so on_commit callbacks would never run: run each
    when the block that registered it ends, as a commit would in production (derived data, such as
    the search index and the page cache, follow each change as they do there)."""
    if not _uses_database(request) or _transactional(request.node):
        yield
        return
    request.getfixturevalue("db")
    connection = connections[DEFAULT_DB_ALIAS]
    depth = len(connection.atomic_blocks)  # the test's own blocks
    ours = set(connection.savepoint_ids)

    def run_pending():
        while pending := [entry for entry in connection.run_on_commit if entry[0] - ours]:
            connection.run_on_commit = [e for e in connection.run_on_commit if e not in pending]
            for _ids, func, robust in pending:
                try:
                    func()
                except Exception:
                    if not robust:
                        raise
                    logging.getLogger("django.db.backends.base").exception("on_commit failed")

    exit_atomic = transaction.Atomic.__exit__
    on_commit = type(connection).on_commit

    def __exit__(self, exc_type, exc_value, traceback):
        result = exit_atomic(self, exc_type, exc_value, traceback)
        if self.using in (None, DEFAULT_DB_ALIAS) and len(connection.atomic_blocks) == depth:
            run_pending()
        return result

    def run_on_commit(self, func, robust=False):
        on_commit(self, func, robust)
        if self is connection and len(connection.atomic_blocks) == depth:
            # Outside any block of the code under test: autocommit would commit at once.
            connection.run_on_commit[-1] = ({"autocommit"}, func, robust)
            run_pending()

    monkeypatch.setattr(transaction.Atomic, "__exit__", __exit__)
    monkeypatch.setattr(type(connection), "on_commit", run_on_commit)
    yield


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Plain static storage: the manifest of hashed names exists only after collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Kept pages belong to one test: the content version starts again with each test's data."""
    cache.clear()
    yield
    cache.clear()


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
