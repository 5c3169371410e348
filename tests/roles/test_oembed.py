"""oEmbed 1.0 (oembed.com) as consumers read it: micawber, an oEmbed consumer library, finds the
provider from a role page's discovery link and fetches the card; the statuses are the spec's
(2.3.5: 404 when there is no answer for the URL, none within maxwidth × maxheight included; 501
for a format not implemented), and the answer never exceeds maxwidth or maxheight."""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit, urlunsplit
from xml.etree import ElementTree

import pytest
from django.test import Client
from micawber import Provider, ProviderRegistry
from micawber.exceptions import ProviderHTTPException

from roles.sharing import embeds

pytestmark = pytest.mark.django_db


class DiscoveryLinks(HTMLParser):
    """The oEmbed discovery links of a page: {type: href}."""

    def __init__(self):
        super().__init__()
        self.links = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate" and "oembed" in attrs.get("type", ""):
            self.links[attrs["type"]] = attrs["href"]


def discovered(client, page: str) -> dict:
    parser = DiscoveryLinks()
    parser.feed(client.get(page).content.decode())
    return parser.links


class ThroughTheTestClient(Provider):
    """micawber's provider, fetching through Django's test client instead of the network: the
    rest (parameters, parsing, errors) is micawber's own."""

    def __init__(self, client, endpoint):
        super().__init__(endpoint)
        self.client = client

    def fetch(self, url):
        response = self.client.get(url)
        if response.status_code != 200:
            raise ProviderHTTPException(url, response.status_code)
        return response.content.decode(response.charset or "utf-8")


def consumer(client, page: str) -> ProviderRegistry:
    """A micawber registry that knows this site's provider only from the page's discovery link."""
    href = discovered(client, page)["application/json+oembed"]
    endpoint = urlunsplit(urlsplit(href)._replace(query=""))
    registry = ProviderRegistry()
    registry.register(
        re.escape("http://testserver/") + r"\S+", ThroughTheTestClient(client, endpoint)
    )
    return registry


@pytest.mark.parametrize("page", ["/el/roles/agent/", "/da/roles/manager/v/1/"])
def test_discovery_links_are_absolute(client, seeded, page):
    links = discovered(client, page)
    assert set(links) == {"application/json+oembed", "text/xml+oembed"}
    for kind, href in links.items():
        parts = urlsplit(href)
        assert (parts.scheme, parts.netloc, parts.path) == ("http", "testserver", "/oembed"), href
        query = parse_qs(parts.query)
        assert query["url"] == [f"http://testserver{page}"]
        assert query["format"] == [kind.split("/")[1].removesuffix("+oembed")]


def test_micawber_discovers_the_provider_and_embeds_the_card(client, seeded):
    page = "http://testserver/el/roles/agent/"
    registry = consumer(client, "/el/roles/agent/")

    data = registry.request(page)

    assert data["version"] == "1.0" and data["type"] == "rich"
    assert (data["width"], data["height"]) == (embeds.CARD_WIDTH, embeds.CARD_HEIGHT)
    assert data["html"].startswith('<iframe src="http://testserver/embed/roles/agent/?lang=el"')
    assert f'width="{embeds.CARD_WIDTH}" height="{embeds.CARD_HEIGHT}"' in data["html"]
    assert data["provider_url"] == "http://testserver/el/"
    # A link pasted in a text becomes the card.
    assert data["html"] in registry.parse_text(f"Our role:\n\n{page}\n")


def test_micawber_gets_a_card_within_its_maxwidth(client, seeded):
    registry = consumer(client, "/da/roles/manager/")

    # micawber asks for maxheight = maxwidth × 16/9 when given only maxwidth.
    data = registry.request("http://testserver/da/roles/manager/", maxwidth=300)

    assert (data["width"], data["height"]) == (300, embeds.CARD_HEIGHT)
    assert 'width="300" height="520"' in data["html"]


def test_micawber_is_told_there_is_no_card_that_small(client, seeded):
    registry = consumer(client, "/da/roles/manager/")
    with pytest.raises(ProviderHTTPException) as refused:
        registry.request("http://testserver/da/roles/manager/", maxwidth=embeds.MIN_WIDTH - 1)
    assert refused.value.status == 404


@pytest.mark.parametrize(
    ("maxwidth", "maxheight", "size"),
    [
        ("", "", (420, 520)),
        ("1000", "99999999999999999999", (420, 520)),
        ("420", "520", (420, 520)),
        (str(embeds.MIN_WIDTH), str(embeds.MIN_HEIGHT), (embeds.MIN_WIDTH, embeds.MIN_HEIGHT)),
        ("300", "250", (300, 250)),
    ],
)
def test_the_answer_never_exceeds_maxwidth_or_maxheight(client, seeded, maxwidth, maxheight, size):
    url = "http://testserver/nb/roles/agent/"
    for fmt in ("json", "xml"):
        response = client.get(
            "/oembed", {"url": url, "format": fmt, "maxwidth": maxwidth, "maxheight": maxheight}
        )
        assert response.status_code == 200
        if fmt == "json":
            data = response.json()
        else:
            assert response["Content-Type"] == "text/xml; charset=utf-8"
            root = ElementTree.fromstring(response.content)
            data = {child.tag: child.text for child in root}
        assert (int(data["width"]), int(data["height"])) == size
        assert f'width="{size[0]}" height="{size[1]}"' in data["html"]


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        # 501 Not Implemented: "the provider cannot return a response in the requested format".
        ({"format": "pdf"}, 501, "format_not_implemented"),
        ({"format": "JSON"}, 501, "format_not_implemented"),
        # 404: no card fits within what the consumer allows.
        ({"maxwidth": str(embeds.MIN_WIDTH - 1)}, 404, "too_small"),
        ({"maxheight": str(embeds.MIN_HEIGHT - 1)}, 404, "too_small"),
        ({"maxwidth": "0", "maxheight": "0"}, 404, "too_small"),
        # Not a size at all: a bad request.
        ({"maxwidth": "-1"}, 400, "bad_size"),
        ({"maxwidth": "1e9"}, 400, "bad_size"),
        ({"maxwidth": " 300"}, 400, "bad_size"),
        ({"maxheight": "3_00"}, 400, "bad_size"),
        ({"maxheight": "٣٠٠"}, 400, "bad_size"),  # Arabic-Indic digits, which int() reads
    ],
)
def test_errors_have_the_specs_statuses(client, seeded, params, status, code):
    response = client.get("/oembed", {"url": "http://testserver/da/roles/agent/", **params})
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == code


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_other_methods_are_not_allowed_rather_than_forbidden(seeded, method):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(
        "/oembed?url=http%3A%2F%2Ftestserver%2Fnb%2Froles%2Fagent%2F"
    )
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD"}
