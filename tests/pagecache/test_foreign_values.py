"""Whatever another program (or an older release) left under the page cache's keys in the shared
cache, well-formed for pickle but not the store's own shape, is a miss and then replaced, never a
500 (issue 17)."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from kb.pagecache import store

pytestmark = pytest.mark.django_db

PAGE = "/nb/roles/agent/"

# Each takes the current content version: some are shaped like a kept page up to one part.
FOREIGN_PAGES = {
    "a dict": lambda version: {"version": version, "status": 200, "content": b"<p>x</p>"},
    "a string": lambda version: "kept page",
    "four characters": lambda version: "abcd",
    "bytes": lambda version: b"\x00\x01",
    "a number": lambda version: 42,
    "a list of four": lambda version: [version, 200, [], b"x"],
    "a status that is no number": lambda version: (version, "two hundred", [], b"x"),
    "a status out of range": lambda version: (version, 999, [], b"x"),
    "headers that are a string": lambda version: (version, 200, "X-Cache: hit", b"x"),
    "headers that are a dict": lambda version: (version, 200, {"Content-Type": "x"}, b"x"),
    "a header that is no pair": lambda version: (version, 200, [("Content-Type",)], b"x"),
    "a header with a line break": lambda version: (version, 200, [("X-A", "1\r\nX-B: 2")], b"x"),
    "a body that is text": lambda version: (version, 200, [], "<p>x</p>"),
    "a body that is a dict": lambda version: (version, 200, [], {"a": 1}),
    "four parts (an older layout)": lambda version: (version, 200, [], b"x"),
    "encodings that are text": lambda version: (version, 200, [], b"x", "more"),
    "encodings that are a list": lambda version: (version, 200, [], b"x", [("br", '"e"', b"x")]),
    "an encoding that is no triple": lambda version: (version, 200, [], b"x", (("br", b"x"),)),
    "an encoding that is a list": lambda version: (version, 200, [], b"x", (["br", '"e"', b"x"],)),
    "an encoded body that is text": lambda version: (version, 200, [], b"x", (("br", '"e"', "x"),)),
    "an ETag that is bytes": lambda version: (version, 200, [], b"x", (("br", b'"e"', b"x"),)),
    "six parts": lambda version: (version, 200, [], b"x", (), "more"),
}


@pytest.fixture
def shared(settings):
    settings.REDIS_URL = "redis://shared"  # the shared-cache path; local memory stands in here


@pytest.mark.parametrize("foreign", FOREIGN_PAGES.values(), ids=FOREIGN_PAGES.keys())
def test_a_foreign_value_under_a_pages_key_is_a_miss_then_replaced(client, seeded, shared, foreign):
    key = store.key_for(RequestFactory().get(PAGE))
    cache.set(key, foreign(store.current_version()))
    # Read as a reader who accepts compression: the kept encodings are read too.
    response = client.get(PAGE, HTTP_ACCEPT_ENCODING="br, gzip")
    assert (response.status_code, response["X-Cache"]) == (200, "miss")
    assert client.get(PAGE, HTTP_ACCEPT_ENCODING="br, gzip")["X-Cache"] == "hit"


@pytest.mark.parametrize("foreign", ["12345", {"value": 1}, -7, True, 3.5, [1], b"1"], ids=repr)
def test_a_foreign_value_under_the_versions_key_is_replaced(client, seeded, shared, foreign):
    assert client.get(PAGE)["X-Cache"] == "miss"
    cache.set(store.VERSION_KEY, foreign)
    response = client.get(PAGE)
    assert (response.status_code, response["X-Cache"]) == (200, "hit")
    assert cache.get(store.VERSION_KEY) == store._stored_version()


FOREIGN_PARTS = {
    "nothing but text": "<p>x</p>",
    "a dict without the parts": {"head": "", "sections": ""},
    "parts that are plain text": {"head": "<b>x</b>", "body": "<p>x</p>"},
    "parts that are bytes": {"head": b"", "body": b""},
    "a list": ["head", "body"],
}


@pytest.mark.parametrize("foreign", FOREIGN_PARTS.values(), ids=FOREIGN_PARTS.keys())
def test_a_foreign_value_under_a_role_pages_kept_part_is_rendered_anew(client, seeded, foreign):
    from django.utils.translation import override

    from roles.models import Role

    agent = Role.objects.get(key="agent")
    with override("nb"):
        key = store._part_key(RequestFactory().get(PAGE), "role", (agent.pk, False))
    cache.set(key, foreign)
    # A new address: the page cache misses, and the view reads the kept part.
    page = client.get(f"{PAGE}?from=posting").content.decode()
    assert 'id="at-a-glance"' in page and "&lt;p&gt;x" not in page
