"""Kept pages are compressed once, when kept, with Brotli and gzip, and answered in the encoding the
reader accepts (issue 18, part 2); pages with a session or a CSRF token never are (BREACH)."""

import gzip
from unittest import mock

import brotli
import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import path

from kb.pagecache import encodings

pytestmark = pytest.mark.django_db

ROLE = "/nb/roles/agent/"
BOTH = "gzip, deflate, br"


def decoded(response) -> bytes:
    coding = response.get("Content-Encoding")
    body = response.content
    return {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[coding](body)


def varies(response) -> set[str]:
    return {name.strip().lower() for name in response.get("Vary", "").split(",")}


def test_a_kept_page_is_answered_in_brotli_when_accepted_on_the_miss_and_the_hit(client, seeded):
    plain = Client().get("/da/roles/agent/?plain=1")  # another address: its own kept page
    first = client.get("/da/roles/agent/", HTTP_ACCEPT_ENCODING=BOTH)
    second = client.get("/da/roles/agent/", HTTP_ACCEPT_ENCODING=BOTH)
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    for response in (first, second):
        assert response["Content-Encoding"] == "br"
        assert int(response["Content-Length"]) == len(response.content)
        assert "accept-encoding" in varies(response)
        assert decoded(response) == plain.content
        assert len(response.content) < len(plain.content) / 3
    assert first["ETag"] == second["ETag"] and first["ETag"].endswith('-br"')


def test_gzip_is_answered_to_readers_without_brotli(client, seeded):
    client.get(ROLE)
    response = client.get(ROLE, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response["X-Cache"] == "hit" and response["Content-Encoding"] == "gzip"
    assert decoded(response) == client.get(ROLE).content
    assert response["ETag"].endswith('-gzip"')


def test_readers_who_accept_no_compression_get_the_page_as_it_was_rendered(client, seeded):
    client.get(ROLE, HTTP_ACCEPT_ENCODING=BOTH)
    for header in (None, "identity", "deflate", "gzip;q=0, br;q=0", "*;q=0"):
        extra = {} if header is None else {"HTTP_ACCEPT_ENCODING": header}
        response = client.get(ROLE, **extra)
        assert response["X-Cache"] == "hit"
        assert "Content-Encoding" not in response, header
        assert response.content.startswith(b"<!DOCTYPE html>")
        assert int(response["Content-Length"]) == len(response.content)
        # A shared cache must not give this answer to readers who accept Brotli, nor the reverse.
        assert "accept-encoding" in varies(response)


@pytest.mark.parametrize(
    ("header", "coding"),
    [
        ("br", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=1.0, br;q=0.5", "gzip"),
        ("br;q=0.8, gzip;q=0.8", "br"),
        ("*", "br"),
        ("gzip;q=0, *", "br"),
        ("br;q=0, *;q=0.1", "gzip"),
        ("GZIP", "gzip"),
        ("x-gzip", "gzip"),
        ("gzip;q=nonsense, br;q=0", None),
        ("", None),
    ],
)
def test_the_encoding_follows_the_readers_preferences(header, coding):
    assert (encodings.preferred(header) or (None,))[0] == coding


def test_the_home_page_the_sitemap_and_the_api_are_compressed(client, seeded):
    for address in ("/el/", "/sitemap.xml", "/api/v1/roles/agent/?lang=da", "/embed/roles/agent/"):
        plain = client.get(address)
        for coding in ("br", "gzip"):
            response = client.get(address, HTTP_ACCEPT_ENCODING=coding)
            assert response["X-Cache"] == "hit", address
            assert response["Content-Encoding"] == coding, address
            assert decoded(response) == plain.content
            assert response["Content-Type"] == plain["Content-Type"]


def test_a_hit_compresses_nothing(client, seeded):
    client.get(ROLE)
    with (
        mock.patch("brotli.compress", side_effect=AssertionError("compressed on a hit")),
        mock.patch("gzip.compress", side_effect=AssertionError("compressed on a hit")),
    ):
        assert client.get(ROLE, HTTP_ACCEPT_ENCODING=BOTH)["Content-Encoding"] == "br"
        assert client.get(ROLE, HTTP_ACCEPT_ENCODING="gzip")["Content-Encoding"] == "gzip"


def test_with_a_shared_cache_a_compressed_hit_is_one_round_trip(client, seeded, settings):
    from django.core.cache import cache

    settings.REDIS_URL = "redis://shared"  # local memory stands in for Redis
    client.get(ROLE, HTTP_ACCEPT_ENCODING=BOTH)
    with mock.patch("kb.pagecache.store.cache", wraps=cache) as spy:
        response = client.get(ROLE, HTTP_ACCEPT_ENCODING=BOTH)
    assert (response["X-Cache"], response["Content-Encoding"]) == ("hit", "br")
    assert [call[0] for call in spy.method_calls] == ["get_many"]


def test_a_head_request_has_the_headers_of_the_get(client, seeded):
    get = client.get(ROLE, HTTP_ACCEPT_ENCODING=BOTH)
    head = client.head(ROLE, HTTP_ACCEPT_ENCODING=BOTH)
    assert head.status_code == 200 and head["X-Cache"] == "hit"
    for name in ("Content-Encoding", "Content-Length", "ETag", "Vary", "Content-Type"):
        assert head[name] == get[name], name
    assert head.content == b""


def test_a_304_confirms_only_the_encoding_the_reader_has(client, seeded):
    etag = client.get(ROLE, HTTP_ACCEPT_ENCODING="br")["ETag"]
    same = client.get(ROLE, HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=etag)
    assert same.status_code == 304 and same["ETag"] == etag
    assert "accept-encoding" in varies(same)
    other = client.get(ROLE, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200 and other["Content-Encoding"] == "gzip"
    plain = client.get(ROLE, HTTP_IF_NONE_MATCH=etag)
    assert plain.status_code == 200 and "Content-Encoding" not in plain


def test_editors_pages_are_never_compressed(editor_client, seeded):
    response = editor_client.get(ROLE, HTTP_ACCEPT_ENCODING=BOTH)
    assert response.status_code == 200 and "Content-Encoding" not in response
    assert "X-Cache" not in response


def test_the_admins_pages_with_their_csrf_token_are_never_compressed(client, seeded):
    response = client.get("/admin/login/", HTTP_ACCEPT_ENCODING=BOTH)
    assert b"csrfmiddlewaretoken" in response.content
    assert "Content-Encoding" not in response


def test_images_and_uncompressible_answers_are_sent_as_they_are(client, seeded):
    client.get("/nb/roles/agent/og.png")
    image = client.get("/nb/roles/agent/og.png", HTTP_ACCEPT_ENCODING=BOTH)
    assert image["X-Cache"] == "hit" and "Content-Encoding" not in image
    assert "accept-encoding" not in varies(image)


def test_without_the_page_cache_nothing_is_compressed(client, seeded, settings):
    settings.PAGE_CACHE = False
    assert "Content-Encoding" not in client.get(ROLE, HTTP_ACCEPT_ENCODING=BOTH)


# A page with a form (a CSRF token) and a tiny page, in a URLconf of their own.


def form(request):
    return HttpResponse(f"<form>{get_token(request)}</form>" + "<p>Text</p>" * 100)


def tiny(request):
    return HttpResponse("<p>Tiny</p>")


urlpatterns = [
    path("form/", form),
    path("tiny/", tiny),
]


@pytest.fixture
def with_other_pages(settings):
    settings.ROOT_URLCONF = __name__


def test_a_page_with_a_csrf_token_is_neither_kept_nor_compressed(client, with_other_pages):
    for csrf_cookie in ("", "a" * 32):
        client.cookies["csrftoken"] = csrf_cookie
        for _ in range(2):
            response = client.get("/form/", HTTP_ACCEPT_ENCODING=BOTH)
            assert response.status_code == 200
            assert "X-Cache" not in response and "Content-Encoding" not in response


def test_a_tiny_page_is_kept_as_it_is(client, with_other_pages):
    client.get("/tiny/")
    response = client.get("/tiny/", HTTP_ACCEPT_ENCODING=BOTH)
    assert response["X-Cache"] == "hit" and response.content == b"<p>Tiny</p>"
    assert "Content-Encoding" not in response and "accept-encoding" not in varies(response)
