"""Sharing a role: the embeddable card (the one page other sites may frame), oEmbed, the kit for
employers with the role's links in every language, and its QR code."""

import io
import re
from xml.etree import ElementTree

import pytest
import zxingcpp
from PIL import Image, ImageDraw

pytestmark = pytest.mark.django_db


def test_the_card_may_be_framed_and_nothing_else_may(client, seeded):
    for _ in range(2):  # rendered, then from the page cache
        card = client.get("/embed/roles/agent/?lang=da")
        assert card.status_code == 200
        assert "X-Frame-Options" not in card
        assert "frame-ancestors https:" in card["Content-Security-Policy"]
        assert "unsafe-inline" not in card["Content-Security-Policy"]
    assert card["X-Cache"] == "hit"
    for url in ("/da/roles/agent/", "/da/", "/api/v1/roles/", "/oembed?url=x", "/admin/login/"):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url


@pytest.mark.parametrize("code", ["nb", "el", "da"])
def test_the_card_shows_the_role_in_the_chosen_language(client, seeded, code):
    from roles.models import Role

    agent = Role.objects.get(key="agent")
    page = client.get(f"/embed/roles/agent/?lang={code}").content.decode()
    assert f'<html lang="{code}">' in page
    assert getattr(agent, f"title_{code}") in page
    assert f'href="http://testserver/{code}/roles/agent/" target="_blank" rel="noopener"' in page
    assert 'name="robots" content="noindex"' in page
    assert "site.js" not in page  # self-contained: its own small stylesheet, no script
    assert page.count("<li>") >= 5


def test_the_card_shows_a_few_duties_and_qualities_and_the_link_to_the_whole_role(client, seeded):
    from roles.sharing.embeds import CARD_DUTIES, CARD_QUALITIES

    for address in ("/embed/roles/manager/?lang=el", "/embed/roles/manager/v/1/?lang=el"):
        page = client.get(address).text
        duties = re.search(r'<ul class="duties">(.*?)</ul>', page, re.S).group(1)
        qualities = re.search(r'<ul class="tags">(.*?)</ul>', page, re.S).group(1)
        assert duties.count("<li>") == CARD_DUTIES, address
        assert qualities.count("<li>") == CARD_QUALITIES, address
        assert '<p class="more"><a href="http://testserver/el/roles/manager/' in page, address


def test_the_cards_preview_shows_it_in_a_frame_of_the_suggested_size(client, seeded):
    for address, card in (
        ("/embed/roles/agent/preview/?lang=da", "/embed/roles/agent/?lang=da"),
        ("/embed/roles/agent/v/1/preview/?lang=el", "/embed/roles/agent/v/1/?lang=el"),
    ):
        response = client.get(address)
        assert response.status_code == 200, address
        page = response.text
        assert f'<iframe src="http://testserver{card}" width="420" height="520"' in page, address
        assert 'name="robots" content="noindex"' in page
        assert response["X-Frame-Options"] == "DENY"  # the preview is no card to frame
        # The site frames its own card: the card lets it.
        assert "'self'" in client.get(card)["Content-Security-Policy"].split("frame-ancestors")[1]
    assert 'lang="el"' in client.get("/embed/roles/agent/v/1/preview/?lang=el").text
    assert client.get("/embed/roles/chef/preview/?lang=da").status_code == 404
    assert client.get("/embed/roles/agent/v/9/preview/?lang=da").status_code == 404
    assert client.get("/embed/roles/agent/preview/?lang=fr").status_code == 400
    assert client.post("/embed/roles/agent/preview/?lang=da").status_code == 405


def test_the_preview_path_names_the_cards_preview():
    from roles.sharing.embeds import preview_path

    assert preview_path("agent", "da") == "/embed/roles/agent/preview/?lang=da"
    assert preview_path("agent", "el", 2) == "/embed/roles/agent/v/2/preview/?lang=el"


def test_the_cards_language_is_negotiated_and_a_bad_one_refused(client, seeded):
    greek = client.get("/embed/roles/manager/", HTTP_ACCEPT_LANGUAGE="el")
    assert '<html lang="el">' in greek.content.decode()
    assert client.get("/embed/roles/manager/?lang=fr").status_code == 400
    assert client.get("/embed/roles/chef/?lang=da").status_code == 404


def test_oembed_turns_a_role_link_into_the_card(client, seeded):
    for url, lang in (
        ("http://testserver/da/roles/agent/", "da"),
        ("http://testserver/roles/agent/", "nb"),
    ):
        data = client.get("/oembed", {"url": url}).json()
        assert data["version"] == "1.0" and data["type"] == "rich"
        assert data["width"] == 420 and data["height"] == 520
        assert f'src="http://testserver/embed/roles/agent/?lang={lang}"' in data["html"]
        assert data["html"].startswith("<iframe ") and "title=" in data["html"]
    small = client.get(
        "/oembed",
        {"url": "http://testserver/el/roles/manager/", "maxwidth": "300", "maxheight": "250"},
    ).json()
    assert (small["width"], small["height"]) == (300, 250)
    xml = client.get("/oembed", {"url": "http://testserver/el/roles/manager/", "format": "xml"})
    root = ElementTree.fromstring(xml.content)
    assert root.tag == "oembed" and root.findtext("type") == "rich"
    assert xml["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({}, 400, "missing_url"),
        ({"url": "https://elsewhere.example/da/roles/agent/"}, 404, "not_found"),
        ({"url": "http://testserver/da/qualities/patience/"}, 404, "not_found"),
        ({"url": "http://testserver/da/roles/chef/"}, 404, "not_found"),
        (
            {"url": "http://testserver/da/roles/agent/", "format": "pdf"},
            501,
            "format_not_implemented",
        ),
        ({"url": "http://testserver/da/roles/agent/", "maxwidth": "x"}, 400, "bad_size"),
        ({"url": "http://testserver/da/roles/agent/", "maxwidth": "10"}, 404, "too_small"),
        ({"url": "javascript:alert(1)"}, 404, "not_found"),
        ({"url": "http://testserver/da/roles/agent/v/9/"}, 404, "not_found"),
        ({"url": f"http://testserver/roles/agent/v/{10**30}/"}, 404, "not_found"),
        ({"url": "http://testserver/da/roles/agent/v/"}, 404, "not_found"),
    ],
)
def test_oembed_errors_are_json(client, seeded, params, status, code):
    response = client.get("/oembed", params)
    assert response.status_code == status and response.json()["error"] == code


def test_role_pages_announce_oembed(client, seeded):
    page = client.get("/el/roles/agent/").content.decode()
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page)
    assert link
    href = link.group(1).replace("&amp;", "&")
    assert client.get(href).json()["html"].count("lang=el") == 1


def test_the_kit_for_employers_works_without_javascript(client, seeded, languages):
    page = client.get("/nb/roles/agent/for-employers/").content.decode()
    panel = page[page.index('<article class="employers">') :]
    for code in languages:
        assert f'href="http://testserver/{code}/roles/agent/"' in panel
    assert 'value="http://testserver/roles/agent/"' in panel  # the permalink, selectable
    assert 'href="http://testserver/roles/agent/#duties"' in panel
    assert "<svg " in panel and 'href="/roles/agent/qr.svg"' in panel
    assert "&lt;iframe src=&quot;http://testserver/embed/roles/agent/?lang=nb" in panel
    assert 'href="/embed/roles/agent/preview/?lang=nb"' in panel


def modules(svg: str) -> tuple[int, set]:
    """The dark modules of segno's SVG path ("M x y" then runs of "h n" / "m dx dy")."""
    size = int(re.search(r'width="(\d+)"', svg).group(1)) // 4
    path = re.search(r' d="([^"]+)"', svg).group(1)
    dark, x, y = set(), 0.0, 0.0
    for command, numbers in re.findall(r"([Mmh])([-\d. ]+)", path):
        values = [float(n) for n in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            for column in range(int(x), int(x + values[0])):
                dark.add((column, int(y)))
            x += values[0]
    return size, dark


def decode(svg: str) -> str:
    size, dark = modules(svg)
    image = Image.new("L", (size * 8, size * 8), 255)
    drawing = ImageDraw.Draw(image)
    for column, row in dark:
        drawing.rectangle([column * 8, row * 8, column * 8 + 7, row * 8 + 7], fill=0)
    found = zxingcpp.read_barcodes(image)
    assert found, "no QR code found"
    return found[0].text


def test_the_qr_code_decodes_to_the_roles_link(client, seeded):
    page = client.get("/da/roles/manager/for-employers/").content.decode()
    inline = page[page.index('<svg width="') : page.index("</svg>") + 6]
    assert decode(inline) == "http://testserver/roles/manager/"
    download = client.get("/roles/manager/qr.svg")
    assert download["Content-Type"] == "image/svg+xml"
    assert decode(download.content.decode()) == "http://testserver/roles/manager/"
    ElementTree.parse(io.BytesIO(download.content))  # a well-formed SVG file
    assert client.get("/roles/chef/qr.svg").status_code == 404


# A published version's card: what a pinned link in a job posting shows, and never changes.


def republish_agent_with_a_new_greek_title():
    from roles.models import Role
    from roles.versions import publishing

    agent = Role.objects.get(key="agent")
    old = agent.title_el
    agent.title_el = "Εκπρόσωπος υποστήριξης πελατών"
    agent.save()
    publishing.publish(agent)
    return old


def test_a_versions_card_shows_the_role_as_published_then(client, seeded):
    old = republish_agent_with_a_new_greek_title()

    for _ in range(2):  # rendered, then from the page cache
        card = client.get("/embed/roles/agent/v/1/?lang=el")
        assert card.status_code == 200
        assert "X-Frame-Options" not in card
        assert "frame-ancestors https:" in card["Content-Security-Policy"]
    page = card.content.decode()
    assert old in page and "Εκπρόσωπος υποστήριξης πελατών" not in page
    assert 'class="version-line">Έκδοση 1, ' in page
    assert 'href="http://testserver/el/roles/agent/v/1/" target="_blank"' in page
    assert page.count("<li>") >= 5
    assert "Εκπρόσωπος υποστήριξης πελατών" in client.get("/embed/roles/agent/v/2/?lang=el").text
    assert client.get("/embed/roles/agent/v/3/?lang=el").status_code == 404
    assert client.get(f"/embed/roles/agent/v/{10**30}/").status_code == 404
    assert client.get("/embed/roles/agent/v/1/?lang=fr").status_code == 400


def test_a_withdrawn_versions_card_says_so(client, seeded):
    from roles.models import RoleVersion
    from roles.versions import publishing

    republish_agent_with_a_new_greek_title()
    publishing.withdraw(RoleVersion.objects.of("agent").get(number=1), user=None, reason="Wrong.")

    card = client.get("/embed/roles/agent/v/1/?lang=nb")
    assert card.status_code == 410
    assert "X-Frame-Options" not in card  # still shown in the posting's iframe, saying why not
    assert "Versjon 1 av denne rollen ble trukket tilbake" in card.text
    assert 'href="http://testserver/nb/roles/agent/v/2/"' in card.text
    response = client.get("/oembed", {"url": "http://testserver/nb/roles/agent/v/1/"})
    assert response.status_code == 404


def test_oembed_turns_a_pinned_link_into_the_versions_card(client, seeded):
    old = republish_agent_with_a_new_greek_title()

    for url, lang in (
        ("http://testserver/el/roles/agent/v/1/", "el"),
        ("http://testserver/roles/agent/v/1/", "el"),
    ):
        data = client.get("/oembed", {"url": url}, HTTP_ACCEPT_LANGUAGE="el").json()
        assert data["title"] == old
        assert f'src="http://testserver/embed/roles/agent/v/1/?lang={lang}"' in data["html"]


def test_version_pages_announce_oembed(client, seeded):
    page = client.get("/da/roles/agent/v/1/").content.decode()
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page)
    assert link
    href = link.group(1).replace("&amp;", "&")
    assert "/embed/roles/agent/v/1/?lang=da" in client.get(href).json()["html"]


def test_the_kit_gives_the_pinned_card_too(client, seeded):
    page = client.get("/nb/roles/agent/for-employers/?kit=da").content.decode()
    code = re.search(r'<textarea id="embed-code-pinned"[^>]*>(.*?)</textarea>', page, re.S)
    assert code
    assert "http://testserver/embed/roles/agent/v/1/?lang=da" in code.group(1)
    assert 'href="/embed/roles/agent/v/1/preview/?lang=da"' in page  # the card in its frame


def test_editors_previewing_a_draft_get_its_card_qr_code_and_oembed(editor_client, seeded):
    from django.test import Client

    from roles.models import Role

    client = Client()  # a reader (editor_client is the test client, logged in)
    Role.objects.filter(key="associate").update(published=False)
    addresses = [
        "/embed/roles/associate/?lang=nb",
        "/embed/roles/associate/preview/?lang=nb",
        "/roles/associate/qr.svg",
        "/oembed?url=http://testserver/nb/roles/associate/",
    ]
    for address in addresses:
        assert client.get(address).status_code == 404, address  # readers: no such role
        response = editor_client.get(address)
        assert response.status_code == 200, address
        assert "private" in response["Cache-Control"], address  # for no shared cache
        assert client.get(address).status_code == 404, address  # nor kept for readers
    # Each link the draft's pages give its editor opens.
    page = editor_client.get("/nb/roles/associate/").text
    page += editor_client.get("/nb/roles/associate/for-employers/").text
    # (oEmbed's discovery links are absolute.)
    hrefs = re.findall(
        r'href="((?:http://testserver)?/(?:embed|roles/associate/qr|oembed)[^"]*)"', page
    )
    assert len(hrefs) >= 4  # the card's preview, the QR code, oEmbed in JSON and XML
    for href in hrefs:
        href = href.replace("&amp;", "&")
        assert editor_client.get(href).status_code == 200, href
