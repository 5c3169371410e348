"""What a fresh gunicorn worker does before its first request (kb/gunicorn.conf.py): it loads what
every later request reuses, so that requests under load do not wait behind it (the load benchmark
saw a fresh worker's first page take about 80 ms, against 1 ms after)."""

import logging
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import get_resolver, reverse
from django.utils import translation
from jinja2 import TemplateSyntaxError as TemplateSyntaxErrorJinja2

from kb.pagecache import store
from roles.languages import languages

logger = logging.getLogger(__name__)


def warm_up() -> None:
    # The database connection is not opened: it is replaced every CONN_MAX_AGE seconds anyway.
    store.release()  # the release fingerprint: hashes every code, template and catalogue file
    get_resolver().url_patterns  # noqa: B018 (imports the views and builds the URLconf)
    for code in languages():
        with translation.override(code):  # loads the language's catalogue
            reverse("roles:home")  # and its URL prefix
    for engine, name in templates():
        try:
            get_template(name, using=engine)  # compiled once, and kept by the engine
        except (TemplateDoesNotExist, TemplateSyntaxError, TemplateSyntaxErrorJinja2):
            logger.warning("warm-up: template %s not loaded", name, exc_info=True)
    # A cache server that is away is no reason not to start (pages are kept in each process's
    # memory meanwhile, and the outage logged once).
    store.shared("get", store.VERSION_KEY, local=False)


def templates() -> list[tuple[str, str]]:
    """The site's templates (not the admin's) as (the engine's name, the template's name): each
    engine's from its own folders (settings.TEMPLATES)."""
    found = []
    folders = {
        Path(folder): engine["NAME"] if "NAME" in engine else engine["BACKEND"].split(".")[-2]
        for engine in settings.TEMPLATES
        for folder in engine.get("DIRS", [])
    }
    for folder, engine in folders.items():
        inner = [other for other in folders if other != folder and other.is_relative_to(folder)]
        for path in sorted(folder.rglob("*.html")):
            if "admin" in path.parts or any(path.is_relative_to(other) for other in inner):
                continue
            found.append((engine, str(path.relative_to(folder))))
    return found
    # A cache server that is away is no reason not to start (pages are kept in each process's
    # memory meanwhile, and the outage logged once).
    store.shared("get", store.VERSION_KEY, local=False)
