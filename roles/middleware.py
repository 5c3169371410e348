import ipaddress

from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import BadRequest, DisallowedHost
from django.db import DatabaseError

from roles import page_cache

USERNAME_KEPT = AccessAttempt._meta.get_field("username").max_length


class HealthCheckMiddleware:
    """Answer /healthz before the Host header is checked: load balancers probe by address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            from roles.views import healthz

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


class PageCacheMiddleware:
    """Answer anonymous readers from the page cache, and keep the pages it does not have yet.

    A hit is answered before sessions, languages and views run; X-Cache says hit or miss.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            key = page_cache.key_for(request)
            response = page_cache.get(request, key) if key else None
        except (DisallowedHost, DatabaseError):
            # A bad Host header, or the database away: the inner layers answer (the 400 page, the
            # 503 page), with the security headers of the middleware below this one.
            key = None
        if key is None:
            return self.get_response(request)
        if response is not None:
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if request.method == "GET" and page_cache.storable(response):
            page_cache.put(request, key, response)
            response["X-Cache"] = "miss"
        return response


def client_ip(request) -> str:
    """The reader's address for login throttling: behind PROXY_COUNT proxies, the address the
    nearest trusted proxy saw (the last entries of X-Forwarded-For are the proxies' own).

    An entry that is not an address (a request that went round the proxy, or a PROXY_COUNT higher
    than the proxies there are, hands over what the client wrote) is not used: the database would
    refuse it (PostgreSQL's inet), a 500 on a failed login."""
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.PROXY_COUNT:
        forwarded = [ip.strip() for ip in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [ip for ip in forwarded if ip]
        if len(forwarded) >= settings.PROXY_COUNT and _is_address(forwarded[-settings.PROXY_COUNT]):
            return forwarded[-settings.PROXY_COUNT]
    return remote


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return "%" not in value  # no zone (fe80::1%eth0): PostgreSQL's inet has none


def login_username(request, credentials=None):
    """The user name django-axes counts failed logins under: the one typed, cut to the length axes
    keeps. (Axes stored it whole: PostgreSQL refused a longer one, which no account has, with a 500;
    django-axes issue 1381.)"""
    typed = (credentials or request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return typed[:USERNAME_KEPT] if isinstance(typed, str) else typed
