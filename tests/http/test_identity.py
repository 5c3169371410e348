"""The site's identity: the icons browsers ask for, the web manifest, the footer's links and the
stylesheet's size budget (static/brand/, templates/includes/site_footer.html)."""

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
PAGES = [
    "/{lang}/",
    "/{lang}/roles/agent/",
    "/{lang}/roles/agent/for-employers/",
    "/{lang}/qualities/patience/",
    "/{lang}/scenarios/",
    "/{lang}/about/",
    "/{lang}/search/?q=kunde",
]
STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "site.css"


class Links(HTMLParser):
    """The head's <link>s, and the footer's links and current language."""

    def __init__(self):
        super().__init__()
        self.head: list[dict] = []
        self.footer: list[dict] = []
        self.footer_current: list[str] = []
        self._in_footer = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.head.append(attrs)
        elif tag == "footer":
            self._in_footer = True
        elif self._in_footer and tag == "a":
            self.footer.append(attrs)
        elif self._in_footer and "aria-current" in attrs:
            self.footer_current.append(attrs.get("lang"))

    def handle_endtag(self, tag):
        if tag == "footer":
            self._in_footer = False

    def rel(self, rel: str) -> list[dict]:
        return [link for link in self.head if link.get("rel") == rel]


def links(client, url, status=200) -> Links:
    response = client.get(url)
    assert response.status_code == status, url
    parsed = Links()
    parsed.feed(response.content.decode())
    return parsed


def static_file(url: str) -> Path | None:
    found = finders.find(url.removeprefix(settings.STATIC_URL).removeprefix("/"))
    return Path(found) if found else None


def test_favicon_ico_answers_at_the_root_with_an_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    assert response.content == static_file(static("brand/favicon.ico")).read_bytes()
    assert "max-age=" in response["Cache-Control"]
    assert client.head("/favicon.ico").status_code == 200
    assert client.post("/favicon.ico").status_code == 405


def test_the_icon_holds_16_32_and_48_pixel_images():
    from PIL import Image

    with Image.open(static_file(static("brand/favicon.ico"))) as icon:
        assert {(16, 16), (32, 32), (48, 48)} <= icon.info["sizes"]
    with Image.open(static_file(static("brand/apple-touch-icon.png"))) as touch:
        assert touch.size == (180, 180)
        assert touch.mode == "RGB"  # opaque: a home screen shows no transparency


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_links_the_icons_and_the_manifest(client, seeded, page, lang):
    head = links(client, page.format(lang=lang))

    assert [link["href"] for link in head.rel("icon")] == [
        reverse("favicon"),
        static("brand/icon.svg"),
    ]
    assert [link["href"] for link in head.rel("apple-touch-icon")] == [
        static("brand/apple-touch-icon.png")
    ]
    assert [link["href"] for link in head.rel("manifest")] == [static("brand/site.webmanifest")]
    for link in head.rel("icon") + head.rel("apple-touch-icon") + head.rel("manifest"):
        if link["href"] != reverse("favicon"):
            assert static_file(link["href"]), link["href"]


def test_an_error_page_links_the_icons_too(client):
    head = links(client, "/nb/no-such-page/", status=404)

    assert head.rel("icon") and head.rel("apple-touch-icon") and head.rel("manifest")


def test_the_manifest_is_valid_and_its_icons_exist():
    manifest_path = static_file(static("brand/site.webmanifest"))
    manifest = json.loads(manifest_path.read_text())

    assert manifest["name"] and manifest["short_name"]
    assert len(manifest["short_name"]) <= 20
    assert manifest["display"] == "browser"
    assert manifest["start_url"] == "/"
    for key in ("theme_color", "background_color"):
        assert manifest[key].startswith("#") and len(manifest[key]) == 7
    sizes = set()
    for icon in manifest["icons"]:
        # Relative to the manifest, as browsers resolve them.
        file = manifest_path.parent / icon["src"]
        assert file.is_file(), icon["src"]
        assert icon["type"] == {".svg": "image/svg+xml", ".png": "image/png"}[file.suffix]
        sizes.add(icon["sizes"])
    assert {"any", "192x192", "512x512"} <= sizes


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_footer_links_about_sources_api_sitemap_and_every_language(client, seeded, lang):
    page = links(client, f"/{lang}/roles/agent/")
    hrefs = [link["href"] for link in page.footer]

    about = f"/{lang}/about/"
    assert about in hrefs
    assert f"{about}#sources" in hrefs
    assert "/api/v1/" in hrefs
    assert "/sitemap.xml" in hrefs
    # The same page in each other language, through the switcher that remembers the choice.
    others = {link["hreflang"]: link["href"] for link in page.footer if "hreflang" in link}
    assert set(others) == set(LANGUAGES) - {lang}
    for code, href in others.items():
        assert href == f"/language/{code}/?next=%2F{lang}%2Froles%2Fagent%2F"
    assert page.footer_current == [lang]


def test_the_footers_links_answer(client, seeded):
    page = links(client, "/da/")

    for link in page.footer:
        response = client.get(link["href"].split("#")[0])
        assert response.status_code in (200, 302), link["href"]


def test_the_stylesheet_stays_within_its_budget():
    assert STYLESHEET.stat().st_size <= 25 * 1024
