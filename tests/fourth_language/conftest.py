"""These tests need the site with a fourth language (tests.fourth_language.settings): the main run
leaves them to tests/test_fourth_language.py, which runs them in a process of their own."""

import os

import pytest

FOURTH_LANGUAGE = os.environ.get("DJANGO_SETTINGS_MODULE") == "tests.fourth_language.settings"

if not FOURTH_LANGUAGE:
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(autouse=True)
def _fourth_language_only():
    """A test named on the command line is collected all the same: it is skipped, not failed."""
    if not FOURTH_LANGUAGE:
        pytest.skip("run by tests/test_fourth_language.py (the site with a fourth language)")
