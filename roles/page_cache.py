"""Whole public pages kept in the shared cache for anonymous readers, per address (and so per
language: every page's address carries its language).

Pages are kept under the content's version (ContentVersion). Every change to the content, whatever
makes it (admin, seed loads, imports, restores, recoveries), raises that version in the same
transaction (roles/signals.py), so once the change is committed every kept page is stale, on every
app instance at once. Stale pages are never read again and expire after PAGE_CACHE_SECONDS.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.http import HttpResponse

from roles.models import ContentVersion

logger = logging.getLogger(__name__)

# Never kept: the admin, the health check, language switching, and robots.txt (the benchmark's
# floor of Django's own cost).
SKIPPED = ("/healthz", "/i18n/", "/language/", "/robots.txt")


def bump() -> None:
    """Make every kept page stale (when the surrounding transaction commits)."""
    if not ContentVersion.objects.filter(pk=1).update(value=F("value") + 1):
        ContentVersion.objects.get_or_create(pk=1)


def current_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM roles_contentversion WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def key_for(request) -> str | None:
    """The cache key of this request's page, or None if the page is not to be kept or read."""
    if not settings.PAGE_CACHE or request.method not in ("GET", "HEAD"):
        return None
    path = request.path
    if path.startswith(SKIPPED) or path.startswith(f"/{settings.ADMIN_PATH}"):
        return None
    # Editors (anyone with a session) see drafts and their own pages; nothing is kept for them.
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
        return None
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"page:{current_version()}:{digest}"


def storable(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def get(key: str) -> HttpResponse | None:
    try:
        kept = cache.get(key)
    except Exception:  # the cache server is away: serve pages uncached  # noqa: BLE001
        logger.warning("page cache unavailable", exc_info=True)
        return None
    if kept is None:
        return None
    status, headers, content = kept
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def put(key: str, response) -> None:
    headers = [(name, value) for name, value in response.items() if name != "X-Cache"]
    kept = (response.status_code, headers, response.content)
    try:
        cache.set(key, kept, settings.PAGE_CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("page cache unavailable", exc_info=True)
