"""The role card fits the frame a job posting gives it: in a frame of the suggested height, at any
width from 280 to 480 pixels, in every language, a role's card and a version's show all they hold
and the link to the whole role, with nothing cut off at the bottom."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from roles.models import Role, RoleVersion
from roles.sharing import embeds

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [code for code, _name in settings.LANGUAGES]
WIDTHS = (280, 320, 420, 480)

# Inside the card's frame: how its page and its parts sit in the frame's viewport.
MEASURE = """() => {
  const box = (element) => element.getBoundingClientRect();
  const content = document.querySelector(".card-content");
  const link = box(document.querySelector(".more a"));
  return {
    width: innerWidth,
    height: innerHeight,
    scrollWidth: document.documentElement.scrollWidth,
    scrollHeight: document.documentElement.scrollHeight,
    card: box(document.querySelector(".card")).bottom,
    hidden: content.scrollHeight - content.clientHeight,
    link: [link.top, link.right, link.bottom, link.left],
  };
}"""


@pytest.fixture
def console_errors(page):
    """The errors the preview page and the card's frame log (Chromium's own request for the
    site's /favicon.ico, which the site has none of, is no error of theirs)."""
    errors = []

    def on_console(message):
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            errors.append(f"{message.text} ({message.location['url']})")

    page.on("console", on_console)
    return errors


def previews(language: str) -> list[str]:
    """The preview pages of every published role's card and of every version's in force."""
    roles = [embeds.preview_path(role.key, language) for role in Role.objects.published()]
    versions = [
        embeds.preview_path(version.role_key, language, version.number)
        for version in RoleVersion.objects.in_force()
    ]
    assert roles and versions
    return roles + versions


def framed_card(page, path: str):
    """The preview page of a card, and the card's frame once it has loaded."""
    page.goto(path)
    expect(page.frame_locator("iframe").locator(".more a")).to_be_visible()
    return page.locator("iframe").element_handle().content_frame()


def resize(page, frame, width: int, height: int) -> None:
    inner = page.locator("iframe").evaluate(
        "(iframe, [width, height]) => {"
        "  iframe.width = width; iframe.height = height;"
        "  return [iframe.clientWidth, iframe.clientHeight];"
        "}",
        [width, height],
    )
    frame.wait_for_function("([w, h]) => innerWidth === w && innerHeight === h", arg=inner)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_card_fits_its_suggested_frame_at_every_width(page, seeded, console_errors, language):
    for path in previews(language):
        frame = framed_card(page, path)
        assert page.locator("iframe").get_attribute("height") == str(embeds.CARD_HEIGHT)
        for width in WIDTHS:
            resize(page, frame, width, embeds.CARD_HEIGHT)

            seen = frame.evaluate(MEASURE)

            where = f"{path} at {width} px: {seen}"
            assert seen["scrollHeight"] <= seen["height"], where
            assert seen["scrollWidth"] <= seen["width"], where
            assert seen["card"] <= seen["height"], where
            assert seen["hidden"] <= 0, where  # every item the card holds is shown
            top, right, bottom, left = seen["link"]
            assert 0 <= top and bottom <= seen["height"], where
            assert 0 <= left and right <= seen["width"], where
    assert page.errors == []
    assert console_errors == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_in_a_lower_frame_the_link_to_the_whole_role_stays_in_view(
    page, seeded, console_errors, language
):
    # oEmbed's maxwidth and maxheight may ask for less than the suggested size: the card is cut
    # above the link, down to the smallest frame oEmbed answers for (less is a 404).
    for path in previews(language):
        frame = framed_card(page, path)
        for height in (300, embeds.MIN_HEIGHT):
            resize(page, frame, embeds.MIN_WIDTH, height)

            seen = frame.evaluate(MEASURE)

            where = f"{path} at {embeds.MIN_WIDTH}×{height} px: {seen}"
            assert seen["scrollHeight"] <= seen["height"], where
            assert seen["scrollWidth"] <= seen["width"], where
            assert seen["card"] <= seen["height"], where
            assert seen["link"][2] <= seen["height"], where
    assert page.errors == [] and console_errors == []
