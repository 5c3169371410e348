"""Whole public pages kept for anonymous readers, per address and code release, each with the
content version it was rendered from: a committed change (roles.changes) draws a new version, and
every kept page on every app instance is stale at once."""

import functools
import hashlib
import logging
import secrets
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, transaction
from django.http import BadHeaderError, HttpResponse
from django.utils.cache import patch_vary_headers, set_response_etag
from django.utils.translation import get_language, get_language_from_path

from kb import outages
from kb.pagecache import encodings
from kb.pagecache.models import ContentVersion
from roles.languages import request_language

logger = logging.getLogger(__name__)

# Never kept: the admin, the health check, language switching, and robots.txt (the benchmark's
# floor of Django's own cost).
SKIPPED = ("/healthz", "/i18n/", "/language/", "/robots.txt")


VERSION_KEY = "content-version"
# With a shared cache, the version is read from it (no database trip for a kept page); it is
# written there when a change commits, and read again from the database at the latest after this
# many seconds (a change made outside the app, such as a restored dump, shows within it).
VERSION_SECONDS = 30


def on_content_changed(sender, *, changes, **kwargs):
    """Any committed change to the content makes every kept page stale."""
    bump(using=changes.using)


def bump(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Make every kept page stale (inside a transaction: once it commits)."""
    # Random, not a count: a database restored from a dump never meets pages kept for other
    # content under the same number.
    value = secrets.randbits(62)
    versions = ContentVersion.objects.using(using)
    if not versions.filter(pk=1).update(value=value):
        versions.update_or_create(pk=1, defaults={"value": value})
    if settings.REDIS_URL:
        transaction.on_commit(lambda: _share_version(value), using=using)


def _share_version(value: int) -> None:
    shared("set", VERSION_KEY, value, VERSION_SECONDS, local=False)


# While the shared cache is away, pages and parts are kept in this process's memory instead, as
# they are without REDIS_URL (the content version is then read from the database).
_local = LocMemCache("kb-pagecache-while-the-cache-is-away", {})


def shared(method: str, *args, default=None, local: bool = True):
    """cache.<method>(*args), or, while the cache server is away, `default` (with local=True,
    this process's memory's answer). After a failure the cache is not tried for
    OUTAGE_BACKOFF_SECONDS, then one call tries it again (kb.outages.cache), so that a lost Redis
    costs requests nothing; the outage is logged once, when it starts and when it ends. Every use
    of the cache goes through here; the content version never uses the process's memory, which
    other processes' changes do not reach."""
    if outages.cache.admits():
        asked = outages.now()
        try:
            value = getattr(cache, method)(*args)
        except Exception as error:  # any cache backend's errors
            if not outages.cache_unreachable(error):
                # Not an outage (a value that cannot be pickled or read back): the page is served
                # without the cache, and the error logged with its traceback.
                logger.exception("page cache: %s failed", method)
                return default
            outages.cache.failed(error)
        else:
            outages.cache.succeeded(asked=asked)
            return value
    outages.cache.count()
    if not local or not settings.REDIS_URL:
        return default
    return getattr(_local, method)(*args)


@functools.cache
def release() -> str:
    """A fingerprint of the code, templates, translations, fonts and static files, and of the
    settings kept pages' headers carry (Cache-Control): pages kept by an older release (before an
    upgrade) or under other settings are never served by a newer one."""
    digest = hashlib.sha256()
    edge = (
        "EDGE_CACHE_SECONDS",
        "EDGE_STALE_WHILE_REVALIDATE_SECONDS",
        "EDGE_STALE_IF_ERROR_SECONDS",
    )
    digest.update(repr([getattr(settings, name) for name in edge]).encode())
    root = Path(settings.BASE_DIR)
    files = [
        *root.glob("kb/**/*.py"),
        *root.glob("roles/**/*.py"),
        *root.glob("roles/**/*.ttf"),  # the Open Graph images' fonts
        *root.glob("templates/**/*.html"),
        *root.glob("locale/*/LC_MESSAGES/*.mo"),
        Path(settings.STATIC_ROOT) / "staticfiles.json",
    ]
    for path in sorted(files):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def current_version() -> int:
    """The content version: from the shared cache when there is one, else the database."""
    if settings.REDIS_URL:
        return _version_in_cache(shared("get", VERSION_KEY, local=False))
    return _database_version()


def _version_in_cache(value) -> int:
    """The version the shared cache holds, if `value` (read from it) is one; else the
    database's, written to the cache for the next requests."""
    if _is_version(value):
        _Known.version = value
        return value
    # Something else under the version's key (another program's value) is replaced.
    return _database_version(share="add" if value is None else "set")


class _Known:
    """The last content version this process read: while the database cannot be reached, pages
    kept for it are still served (no change to the content can be committed meanwhile)."""

    version: int | None = None


def forget() -> None:
    """Forget the last version read, and what was kept in this process's memory while the cache
    was away (tests)."""
    _Known.version = None
    _local.clear()


def _database_version(*, share: str = "") -> int:
    """The version in the database, written to the shared cache with `share` ("add" or "set")
    if given; while the database cannot be reached, the last one this process read, not shared
    (another process may know a newer one). An error if it has read none."""
    if outages.database.down and _Known.version is not None:
        # Not this request's to try the database again: the requests that need it do.
        return _Known.version
    try:
        value = _stored_version()
    except DatabaseError as error:
        if _Known.version is None or not outages.database_unreachable(error):
            raise
        return _Known.version
    _Known.version = value
    if share:
        # add, unless replacing a foreign value: a change committed meanwhile has written the
        # newer version.
        shared(share, VERSION_KEY, value, VERSION_SECONDS, local=False)
    return value


def _is_version(value) -> bool:
    return type(value) is int and value >= 0


def _stored_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {ContentVersion._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def request_version(request) -> int:
    """The content version, read once per request."""
    if not hasattr(request, "content_version"):
        request.content_version = current_version()
    return request.content_version


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
    # The query as the views read it, in a fixed order of names, without campaign parameters.
    query = [(n, v) for n, values in request.GET.lists() if not tracking(n) for v in values]
    query.sort(key=lambda pair: pair[0])
    address = f"{request.scheme}://{request.get_host()}{path}?{urlencode(query)}"
    if not get_language_from_path(path):
        # An address without a language answers in the one the request decides (the view reads
        # the same decision): the cookie and Accept-Language for a permalink, `?lang=` and
        # Accept-Language for the API, cards and oEmbed.
        address += f"#{request_language(request)}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"page:{release()}:{digest}"


def tracking(parameter: str) -> bool:
    """Campaign parameters that job boards add to links (utm_source…): no page reads them, so a
    link with them is the same page as without."""
    return parameter.startswith("utm_") or parameter in ("fbclid", "gclid", "msclkid")


def _part_key(request, name: str, parts: tuple) -> str | None:
    if not settings.PAGE_CACHE:
        return None
    parts = (request.scheme, request.get_host(), get_language(), *parts)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"part:{name}:{release()}:{request_version(request)}:{digest}"


def read_part(request, name: str, *parts):
    """A part of a page kept for this content version, host and language, or None: pages the
    page cache does not answer (editors', new addresses, the first after a change) reuse it."""
    key = _part_key(request, name, parts)
    return None if key is None else shared("get", key)


def keep_part(request, name: str, *parts, value):
    """Keep `value` as read_part(request, name, *parts) will find it; returns it."""
    key = _part_key(request, name, parts)
    if key is not None:
        shared("set", key, value, settings.PAGE_CACHE_SECONDS)
    return value


def storable(request, response) -> bool:
    """Whether the response may be kept for every anonymous reader of its address: a 200 that sets
    no cookie, holds no CSRF token (Django marks a request whose token a page used) and is not
    private. Only such pages are kept, and only kept pages are compressed (encodings.py: a secret
    in a compressed page could be guessed from its length, BREACH)."""
    if "CSRF_COOKIE_NEEDS_UPDATE" in request.META:
        return False
    cache_control = response.get("Cache-Control", "")
    # Kept pages are found by address and, for language-neutral addresses, the reader's language
    # (key_for): a response that depends on any other request header is not kept. Cookie: readers
    # without a session all get the same page.
    varies = {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}
    return (
        not varies - {"cookie", "accept-encoding", "accept-language"}
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def get(request, key: str) -> HttpResponse | None:
    """The page kept under `key` if it was rendered from the current content version, which it
    reads too (request.content_version): with Redis, both in one round trip. A database error
    propagates (the 503 page), unless this process knows the version already; while the cache
    server is away, pages are kept in this process's memory (shared)."""
    if settings.REDIS_URL:
        found = shared("get_many", [VERSION_KEY, key], default={})
        version, kept = _version_in_cache(found.get(VERSION_KEY)), found.get(key)
    else:
        version, kept = _database_version(), shared("get", key)
    request.content_version = version
    return None if kept is None else _response(kept, version, encodings.accepted(request))


def _response(kept, version: int, accepted: tuple[str, ...]) -> HttpResponse | None:
    """The response put() kept as `kept`, if it is one and was kept for `version`, in the first
    of the `accepted` encodings it was kept in (else as it was rendered). Anything else under a
    page's key (another program's value, a layout of an older release) is a miss, and the page
    rendered then takes its place."""
    if type(kept) is not tuple:
        return None
    try:
        kept_version, status, headers, content, encoded = kept
        if kept_version != version or not isinstance(content, bytes | bytearray):
            return None
        if not isinstance(headers, list | tuple) or type(encoded) is not tuple:
            return None
        variant = encodings.choose(encoded, accepted)
        response = HttpResponse(content if variant is None else variant[2], status=status)
        for name, value in headers:
            response[name] = value
        if variant is not None:
            encodings.label(response, variant)
    except (TypeError, ValueError, BadHeaderError):
        return None
    return response


def put(request, key: str, response):
    """Keep the response under `key`, with the content version read before it was rendered, and
    its compressed bodies (encodings.py); returns it in the encoding the request accepts."""
    if not response.has_header("ETag"):
        set_response_etag(response)  # once, rather than on every hit
    encoded = encodings.compress(response)
    if encoded:
        patch_vary_headers(response, ("Accept-Encoding",))
    headers = [(name, value) for name, value in response.items() if name != "X-Cache"]
    kept = (request_version(request), response.status_code, headers, response.content, encoded)
    shared("set", key, kept, settings.PAGE_CACHE_SECONDS)
    variant = encodings.choose(encoded, encodings.accepted(request))
    if variant is not None:
        response.content = variant[2]
        encodings.label(response, variant)
    return response
