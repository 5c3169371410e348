"""Every <section> of a public page has a heading (the HTML checker warns "Section lacks
heading" otherwise, and a screen reader's list of regions names none)."""

import re
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db

PAGES = [
    "/{code}/",
    "/{code}/roles/agent/",
    "/{code}/roles/agent/v/1/",
    "/{code}/roles/agent/for-employers/",
    "/{code}/qualities/patience/",
    "/{code}/scenarios/",
    "/{code}/scenarios/faulty-device/",
    "/{code}/workplaces/hotels/",
    "/{code}/about/",
    "/{code}/compare/",
    "/{code}/search/?q=kunde",
    "/embed/roles/agent/?lang={code}",
]


class Sections(HTMLParser):
    """The sections of a page, each with whether a heading (or aria-labelledby) names it."""

    def __init__(self):
        super().__init__()
        self.open: list[list] = []
        self.found: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.open.append(
                [attrs.get("id") or attrs.get("class") or "?", "aria-labelledby" in attrs]
            )
        elif re.fullmatch(r"h[1-6]", tag) and self.open and not self.open[-1][1]:
            self.open[-1][1] = True

    def handle_endtag(self, tag):
        if tag == "section" and self.open:
            self.found.append(tuple(self.open.pop()))


@pytest.mark.parametrize("page", PAGES)
def test_every_section_has_a_heading(client, seeded, languages, page):
    for code in languages:
        response = client.get(page.format(code=code), follow=True)
        assert response.status_code == 200, page
        parser = Sections()
        parser.feed(response.content.decode())
        assert [name for name, headed in parser.found if not headed] == [], page.format(code=code)
