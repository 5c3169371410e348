"""The site with a fourth language, Swedish: kb.settings plus what docs/ADDING-A-LANGUAGE.md says
to add to it. Used only by tests/test_fourth_language.py, which makes the migration that adds
Swedish's columns (modeltranslation adds them when the models are imported, so the new language
needs a process of its own) and runs tests/fourth_language/ against it."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kb.settings import *  # noqa: F403
from kb.settings import (
    DATABASES,
    LANGUAGES,
    MODELTRANSLATION_FALLBACK_LANGUAGES,
    OPEN_GRAPH_LOCALES,
    SEARCH_CONFIGS,
)
from tests import fourth_language

# The steps of docs/ADDING-A-LANGUAGE.md: the language, its Open Graph locale, its text-search
# configuration and its place in the fallback chains.
LANGUAGES = [*LANGUAGES, ("sv", _("Swedish"))]
OPEN_GRAPH_LOCALES = {**OPEN_GRAPH_LOCALES, "sv": "sv_SE"}
SEARCH_CONFIGS = {**SEARCH_CONFIGS, "sv": "swedish"}
# Scandinavian readers read each other's languages: a Danish reader sees a Swedish text before
# the Norwegian one (which the test of fallback notices naming Swedish needs).
MODELTRANSLATION_FALLBACK_LANGUAGES = {
    **MODELTRANSLATION_FALLBACK_LANGUAGES,
    "da": ("sv", "nb"),
    "sv": ("da", "nb"),
}

# The project's migrations: copies of each app's, where makemigrations adds Swedish's (its
# columns, and the fields that name a language gain it among their choices), in packages the
# driving test made (never the apps' own folders).
MIGRATIONS = os.environ.get("KB_FOURTH_LANGUAGE_MIGRATIONS", "")
if not MIGRATIONS:
    raise ImproperlyConfigured(
        "tests.fourth_language.settings is run by tests/test_fourth_language.py, which sets "
        "KB_FOURTH_LANGUAGE_MIGRATIONS to the folder of its copy of the migrations."
    )
sys.path.insert(0, MIGRATIONS)
MIGRATION_MODULES = fourth_language.MIGRATION_MODULES

# A test database of its own, beside the main run's (test_<name>, test_<name>_gw0…).
DATABASES = {
    "default": {
        **DATABASES["default"],
        "TEST": {"NAME": f"test_{DATABASES['default']['NAME']}_fourth_language"}
        if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3"
        else {},
    }
}
