"""The page cache in front of the site, for anonymous readers."""

from django.core.exceptions import DisallowedHost
from django.db import DatabaseError

from kb.pagecache import store


class PageCacheMiddleware:
    """Answer anonymous readers from the page cache, and keep the pages it does not have yet. A hit
    is answered before sessions, languages and views run; X-Cache says hit or miss. Kept pages are
    answered compressed when the reader accepts it (Brotli, else gzip: encodings.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            key = store.key_for(request)
            response = store.get(request, key) if key else None
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
        if request.method == "GET" and store.storable(request, response):
            response = store.put(request, key, response)  # in the encoding the reader accepts
            response["X-Cache"] = "miss"
        return response
