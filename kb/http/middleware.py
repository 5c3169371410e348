"""Site-wide middleware: the health check before the Host check, malformed admin input, the
headers Django does not set, what shared caches may keep (Cache-Control), and the locale
middleware without redirects to a 404."""

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.exceptions import BadRequest
from django.middleware import locale
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language, get_language_from_path

from kb.http.views import healthz
from roles.languages import request_language


class HealthCheckMiddleware:
    """Answer /healthz before the Host header is checked: load balancers probe by address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return healthz(request)
        return self.get_response(request)


class AdminInputMiddleware:
    """Inputs Django's admin would answer with a 500 are refused with 400: a NUL character in a
    form or filter (no text holds one; PostgreSQL refuses it in a query), and a bulk action's
    object ids that are not numbers (every id in this admin is one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(f"/{settings.ADMIN_PATH}") and _malformed(request):
            raise BadRequest("A malformed admin request.")  # the site's 400 page
        return self.get_response(request)


def _malformed(request) -> bool:
    data = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    ids = request.POST.getlist("_selected_action") if request.method == "POST" else []
    if not all(pk.isascii() and pk.isdigit() for pk in ids):
        return True
    return any(
        "\x00" in value for query in data for _name, values in query.lists() for value in values
    )


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class CacheControlMiddleware:
    """Cache-Control on every answer that has none of its own: public pages for shared caches (a
    CDN, nginx's proxy_cache: docs/DEPLOY.md) for EDGE_CACHE_SECONDS, then served stale while one
    request fetches them again (EDGE_STALE_WHILE_REVALIDATE_SECONDS) or while the site is down
    (EDGE_STALE_IF_ERROR_SECONDS); browsers ask again every time (max-age=0, answered by a 304).
    Everything else is private (below: `shared`). It runs inside the page cache, so kept pages
    carry the header and a hit computes nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        decided = response.get("Cache-Control", "")
        if "private" in decided or "no-store" in decided or "no-cache" in decided:
            return response  # the view's (a draft's preview, the health check, the admin)
        if request.method not in ("GET", "HEAD") or response.status_code >= 400:
            response["Cache-Control"] = "no-store"  # forms' answers, errors
        elif not shared(request, response):
            # An editor's page, a redirect to the reader's language, a page with a cookie.
            patch_cache_control(response, private=True, no_cache=True)
        elif settings.EDGE_CACHE_SECONDS <= 0:
            patch_cache_control(response, no_cache=True)
        elif not decided:
            response["Cache-Control"] = f"public, max-age=0, {edge_lifetimes()}"
        else:  # the view's own max-age stays (an image's hour)
            patch_cache_control(response, public=True)
            response["Cache-Control"] += f", {edge_lifetimes()}"
        return response


def edge_lifetimes() -> str:
    return (
        f"s-maxage={settings.EDGE_CACHE_SECONDS}, "
        f"stale-while-revalidate={settings.EDGE_STALE_WHILE_REVALIDATE_SECONDS}, "
        f"stale-if-error={settings.EDGE_STALE_IF_ERROR_SECONDS}"
    )


# What a page that any reader may get from a shared cache may vary on: the cache keeps one copy per
# value of these request headers (nginx does; other caches may keep none).
SHAREABLE_VARY = {"cookie", "accept-language", "accept-encoding"}


def shared(request, response) -> bool:
    """Whether any reader may get this answer from a shared cache: a 200 (or a view's own 304 for
    one) to a reader without a session, that sets no cookie, holds no CSRF token, and is no page of
    the admin's."""
    varies = {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}
    return (
        response.status_code in (200, 304)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and "CSRF_COOKIE_NEEDS_UPDATE" not in request.META  # a page with a form's token
        and not response.cookies
        and not varies - SHAREABLE_VARY
        and not request.path.startswith(f"/{settings.ADMIN_PATH}")
    )


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's, with the site's one decision of a request's language (request_language: the
    API, cards and oEmbed go by `?lang=`, not by the cookie), so that the view, the page cache's
    key and Content-Language always agree. And a 404 that a page answered itself stays a 404:
    Django sends any 404 on a path without a language to the same path under the language's
    prefix, if that path is a page's; for a language-neutral permalink to a missing role
    (/roles/nosuch/) that is a redirect to a 404. Only a path that matched no page is sent on."""

    def process_request(self, request):
        # Django's, deciding once (Django's asks the cookie and Accept-Language, then this asked
        # again: a seventh of robots.txt's cost in the app).
        language = request_language(request)
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
        if (
            i18n_patterns_used
            and not prefixed_default_language
            and not get_language_from_path(request.path_info)
        ):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if response.status_code == 404 and request.resolver_match is not None:
            # What Django's does when it does not redirect.
            if not get_language_from_path(request.path_info):
                patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", get_language())
            return response
        return super().process_response(request, response)
