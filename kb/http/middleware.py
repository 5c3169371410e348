"""Site-wide middleware: the health check before the Host check, malformed admin input, the
headers Django does not set, and the locale middleware without redirects to a 404."""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.middleware import locale
from django.utils import translation
from django.utils.cache import patch_vary_headers
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


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's, with the site's one decision of a request's language (request_language: the
    API, cards and oEmbed go by `?lang=`, not by the cookie), so that the view, the page cache's
    key and Content-Language always agree. And a 404 that a page answered itself stays a 404:
    Django sends any 404 on a path without a language to the same path under the language's
    prefix, if that path is a page's; for a language-neutral permalink to a missing role
    (/roles/nosuch/) that is a redirect to a 404. Only a path that matched no page is sent on."""

    def process_request(self, request):
        super().process_request(request)
        language = request_language(request)
        if language != request.LANGUAGE_CODE:
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
