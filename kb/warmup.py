"""What a fresh gunicorn worker does before its first request (kb/gunicorn.conf.py): it loads what
every later request reuses, so that requests under load do not wait behind it (the load benchmark
saw a fresh worker's first page take about 80 ms, against 1 ms after)."""

import logging

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import get_resolver, reverse
from django.utils import translation

from kb.pagecache import store
from roles.languages import languages

logger = logging.getLogger(__name__)


def warm_up() -> None:
    # The database connection is not opened: it is replaced every CONN_MAX_AGE seconds anyway.
    store.release()  # the release fingerprint: hashes every code, template and catalogue file
    get_resolver().url_patterns  # noqa: B018 (imports the views and builds the URLconf)
    templates = sorted(
        str(path.relative_to(settings.BASE_DIR / "templates"))
        for path in (settings.BASE_DIR / "templates").rglob("*.html")
        if "admin" not in path.parts
    )
    for code in languages():
        with translation.override(code):  # loads the language's catalogue
            reverse("roles:home")  # and its URL prefix
    for name in templates:
        try:
            get_template(name)  # compiled once, kept by the cached template loader
        except (TemplateDoesNotExist, TemplateSyntaxError):
            logger.warning("warm-up: template %s not loaded", name, exc_info=True)
    # A cache server that is away is no reason not to start (pages are kept in each process's
    # memory meanwhile, and the outage logged once).
    store.shared("get", store.VERSION_KEY, local=False)
