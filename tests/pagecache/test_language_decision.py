"""One decision of a request's language, read by the view, the page cache's key and the
Content-Language header alike (roles.languages.request_language), so that no mix of cookie,
Accept-Language and `?lang=` can leave a page in one language under another's key.

The attack it closes: right after a save, `Cookie: django_language=el` with `Accept-Language: da`
kept the API's Danish answer under the Greek key; the next Greek reader got Danish."""

import itertools
import json
import re

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

CODES = [code for code, _name in settings.LANGUAGES]
COOKIES = [None, *CODES]
HEADERS = [None, "xx", *CODES]  # "xx": a language the site does not have
QUERIES = [None, *CODES]


def expected(kind: str, cookie, header, query) -> str:
    """The language the answer must be in: what the address says; for the API, cards and
    oEmbed `?lang=`, then Accept-Language; for a permalink the cookie, then Accept-Language."""
    if kind == "by-query":
        chosen = query or header
    else:
        chosen = cookie or header
    return chosen if chosen in CODES else settings.LANGUAGE_CODE


def body_language(response) -> str:
    content = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        data = json.loads(content)
        if "language" in data:
            return data["language"]
        # oEmbed: the card's address names its language.
        return re.search(r"lang=(\w+)", data["html"]).group(1)
    return re.search(r'<html lang="(\w+)"', content).group(1)


ADDRESSES = {
    "by-query": [
        "/api/v1/roles/agent/",
        "/embed/roles/agent/",
        "/oembed?url=http%3A%2F%2Ftestserver%2Froles%2Fagent%2F",
    ],
}


def reader(cookie, header) -> tuple[Client, dict]:
    """A new reader with the switcher's cookie and the Accept-Language header given (or none)."""
    client = Client()
    if cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    return client, ({"HTTP_ACCEPT_LANGUAGE": header} if header else {})


def combinations():
    return list(itertools.product(COOKIES, HEADERS, QUERIES))


@pytest.mark.parametrize("address", ADDRESSES["by-query"])
def test_no_mix_of_cookie_header_and_query_poisons_the_api_cards_or_oembed(seeded, address):
    """Every combination, asked twice in two orders against one page cache: each answer, kept or
    fresh, is in the language the request decides, and says so in Content-Language."""
    wrong = []
    for round_ in (combinations(), list(reversed(combinations()))):
        for cookie, header, query in round_:
            client, extra = reader(cookie, header)
            separator = "&" if "?" in address else "?"
            url = f"{address}{separator}lang={query}" if query else address
            response = client.get(url, **extra)
            assert response.status_code == 200, (url, cookie, header)
            want = expected("by-query", cookie, header, query)
            got = (body_language(response), response["Content-Language"])
            if got != (want, want):
                wrong.append((url, cookie, header, response.get("X-Cache"), got, want))
    assert wrong == []


@pytest.mark.parametrize("address", ["/roles/agent/", "/qualities/patience/"])
def test_a_permalink_follows_the_cookie_then_the_header_whatever_was_kept_before(seeded, address):
    wrong = []
    for round_ in (combinations(), list(reversed(combinations()))):
        for cookie, header, query in round_:
            client, extra = reader(cookie, header)
            url = f"{address}?lang={query}" if query else address
            response = client.get(url, **extra)
            want = expected("permalink", cookie, header, query)
            if not response["Location"].startswith(f"/{want}/"):
                wrong.append((url, cookie, header, response["Location"], want))
    assert wrong == []


@pytest.mark.parametrize("code", CODES)
def test_a_page_with_its_language_in_the_address_ignores_cookie_and_header(seeded, code):
    for cookie, header, _query in combinations():
        client, extra = reader(cookie, header)
        response = client.get(f"/{code}/roles/agent/", **extra)
        assert (body_language(response), response["Content-Language"]) == (code, code)
