import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from roles.seeding import load_seeds

SEEDS = Path(settings.SEEDS_DIR)


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
    """The real seed content, loaded."""
    return load_seeds()


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
