"""Kept pages compressed once, when they are kept, with Brotli and gzip, and answered in the
encoding the reader accepts: a hit chooses among bodies compressed already and compresses nothing.

Only the page cache's pages are compressed: anonymous, with no cookie, session or CSRF token
(store.storable). A page holding a secret must not be compressed, since the length of a compressed
page that also reflects what an attacker sends gives the secret away (BREACH)."""

import functools
import gzip

import brotli
from django.http import HttpResponse

# Smaller bodies are sent as they are: a few bytes saved would not pay for the header's.
MIN_BYTES = 200
# Compressing is paid by the request that keeps the page (a new search, the first request after
# an edit): Brotli's 6 and gzip's 6 take under a millisecond each for a role page, where Brotli's
# 10 or 11 take 8-20 ms (and a search's page is often read once) for 6-8 % fewer bytes
# (docs/BENCHMARKS.md). gzip's 9 saves nothing over its 6 on these pages.
BROTLI_QUALITY = 6
GZIP_LEVEL = 6
# The codings kept, in the order they are preferred when the reader accepts several equally.
CODINGS = ("br", "gzip")

COMPRESSIBLE = {
    "application/json",
    "application/javascript",
    "application/xml",
    "image/svg+xml",
}


def compressible(response: HttpResponse) -> bool:
    content_type = response.get("Content-Type", "").partition(";")[0].strip().lower()
    return (
        len(response.content) >= MIN_BYTES
        and not response.has_header("Content-Encoding")
        and (
            content_type.startswith("text/")
            or content_type in COMPRESSIBLE
            or content_type.endswith(("+json", "+xml"))
        )
    )


def compress(response: HttpResponse) -> tuple:
    """The response's body in each coding, as (coding, ETag, body) triples: those smaller than
    the body itself; none if it is not worth compressing."""
    if not compressible(response):
        return ()
    content = response.content
    bodies = {
        "br": brotli.compress(content, quality=BROTLI_QUALITY),
        "gzip": gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0),
    }
    etag = response["ETag"]
    return tuple(
        (coding, tagged(etag, coding), body)
        for coding, body in bodies.items()
        if len(body) < len(content)
    )


def tagged(etag: str, coding: str) -> str:
    """The ETag of the body in `coding`: another representation has another tag (RFC 9110
    8.8.3), so that a 304 never confirms a body of another encoding."""
    if etag.endswith('"'):
        return f'{etag[:-1]}-{coding}"'
    return f"{etag}-{coding}"


def accepted(request) -> tuple[str, ...]:
    return preferred(request.META.get("HTTP_ACCEPT_ENCODING", ""))


@functools.lru_cache(maxsize=128)
def preferred(accept_encoding: str) -> tuple[str, ...]:
    """The kept codings the Accept-Encoding header accepts, the most wanted first (higher q, then
    Brotli before gzip); q=0 refuses a coding, and "*" stands for those not named."""
    weights = {}
    for item in accept_encoding.lower().split(","):
        name, *parameters = (part.strip() for part in item.split(";"))
        if not name:
            continue
        weight = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[name] = weight
    weights.setdefault("gzip", weights.get("x-gzip", weights.get("*", 0.0)))
    weights.setdefault("br", weights.get("*", 0.0))
    wanted = [coding for coding in CODINGS if weights[coding] > 0]  # False for nan
    return tuple(sorted(wanted, key=lambda coding: -weights[coding]))


def choose(encoded: tuple, accepted: tuple[str, ...]) -> tuple | None:
    """The first accepted of the kept (coding, ETag, body) triples, or None for the body as it
    was rendered. A triple of another shape is a ValueError (the kept page is a miss)."""
    for coding in accepted:
        for variant in encoded:
            if type(variant) is not tuple or len(variant) != 3:
                raise ValueError("not a kept encoding")
            if variant[0] == coding:
                if not isinstance(variant[1], str) or not isinstance(variant[2], bytes):
                    raise ValueError("not a kept encoding")
                return variant
    return None


def label(response: HttpResponse, variant: tuple) -> None:
    """The headers of the body in the variant's coding (its body is the response's)."""
    coding, etag, body = variant
    response["Content-Encoding"] = coding
    response["Content-Length"] = str(len(body))
    response["ETag"] = etag
