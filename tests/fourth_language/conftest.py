"""These tests need the site with a fourth language (tests.fourth_language.settings): the main run
leaves them to tests/test_fourth_language.py, which runs them in a process of their own."""

import os

if os.environ.get("DJANGO_SETTINGS_MODULE") != "tests.fourth_language.settings":
    collect_ignore_glob = ["test_*.py"]
