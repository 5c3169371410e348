"""No page scrolls sideways on a phone: every page of the sitemap, search and compare, in every
language, at 320 and 390 px (long compounds such as "Kundeservicemedarbeider" and ESCO's
addresses wrap)."""

import re

import pytest
from django.conf import settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pages(client) -> list[str]:
    sitemap = client.get("/sitemap.xml").content.decode()
    found = {
        re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)
    }
    for code, _name in settings.LANGUAGES:
        found.add(f"/{code}/search/?q=kunde")
        found.add(f"/{code}/compare/?roles=associate&roles=agent&roles=manager")
    return sorted(found)


@pytest.mark.parametrize("width", [320, 390])
def test_no_page_is_wider_than_a_phone(page, seeded, client, width):
    page.set_viewport_size({"width": width, "height": 800})
    wider = []
    for path in pages(client):
        page.goto(path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            wider.append((path, scroll_width))
    assert wider == []
    assert page.errors == []
