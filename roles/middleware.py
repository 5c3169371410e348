from django.conf import settings
from django.core.exceptions import DisallowedHost

from roles import page_cache


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
        except DisallowedHost:  # a bad Host header: the view's 400 page, never kept
            key = None
        if key is None:
            return self.get_response(request)
        response = page_cache.get(key)
        if response is not None:
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if request.method == "GET" and page_cache.storable(response):
            page_cache.put(key, response)
            response["X-Cache"] = "miss"
        return response


def client_ip(request) -> str:
    """The reader's address for login throttling: behind PROXY_COUNT proxies, the address the
    nearest trusted proxy saw (the last entries of X-Forwarded-For are the proxies' own)."""
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.PROXY_COUNT:
        forwarded = [ip.strip() for ip in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [ip for ip in forwarded if ip]
        if len(forwarded) >= settings.PROXY_COUNT:
            return forwarded[-settings.PROXY_COUNT]
    return remote
