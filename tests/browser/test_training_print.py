"""A role's training pack printed to PDF on A4 in Chromium, and practice mode by keyboard.

Printed, the pack is a page for the facilitator and then one page per card, in the role page's
order: the PDF has exactly that many pages, and each card's page carries that card's link to its
scenario (Chromium writes a page's links as its annotations), so no card starts on a page of
another or runs on to a page of its own. In print media at the printed width, each card and the
facilitator's page are at most a page tall, each card breaks before itself and never inside."""

import re

import pytest

from roles.models import Role
from tests.browser.test_identity import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["nb", "el", "da"]
KEYS = ["associate", "agent", "manager"]

# A4 less the print stylesheet's page margins (@page: 18 mm top and bottom, 16 mm each side),
# in CSS pixels (96 to the inch).
PX_PER_MM = 96 / 25.4
PRINTED_WIDTH = (210 - 2 * 16) * PX_PER_MM
PRINTED_HEIGHT = (297 - 2 * 18) * PX_PER_MM

# A PDF object's dictionary, not running into the next object (stream objects are skipped).
OBJECT = re.compile(rb"(\d+) 0 obj\s*(<<(?:(?!endobj).)*?>>)\s*endobj", re.S)


def pages_links(pdf: bytes) -> list[list[str]]:
    """The addresses each page of a PDF links to, page by page, in the page tree's order."""
    objects = {int(number): body for number, body in OBJECT.findall(pdf)}
    tree = next(body for body in objects.values() if re.search(rb"/Type\s*/Pages\b", body))
    kids = re.search(rb"/Kids\s*\[([^\]]*)\]", tree).group(1)
    pages = []
    for number in re.findall(rb"(\d+) 0 R", kids):
        page = objects[int(number)]
        assert re.search(rb"/Type\s*/Page\b", page)
        annotations = re.search(rb"/Annots\s*\[([^\]]*)\]", page)
        refs = re.findall(rb"(\d+) 0 R", annotations.group(1)) if annotations else []
        uris = (re.search(rb"/URI\s*\(([^)]*)\)", objects[int(ref)]) for ref in refs)
        pages.append([uri.group(1).decode() for uri in uris if uri])
    # The page tree lists every page object.
    assert len(pages) == len(re.findall(rb"/Type\s*/Page\b", pdf))
    return pages


def scenario_slugs(key: str) -> list[str]:
    role = Role.objects.get(key=key)
    links = role.role_scenarios.filter(scenario__published=True).order_by("order")
    return [link.scenario.slug for link in links]


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_pack_prints_the_facilitators_page_then_each_card_on_a_page_of_its_own(
    page, seeded, live_server, code
):
    page.set_viewport_size({"width": round(PRINTED_WIDTH), "height": 900})
    page.emulate_media(media="print")
    for key in KEYS:
        slugs = scenario_slugs(key)
        page.goto(f"/{code}/roles/{key}/training/")
        boxes = page.eval_on_selector_all(
            ".training-guide, .training-card",
            """els => els.map(e => {
                const style = getComputedStyle(e);
                return {card: e.classList.contains('training-card'),
                        height: e.getBoundingClientRect().height,
                        before: style.breakBefore, inside: style.breakInside};
            })""",
        )
        # The header, the footer and the intro meant for the screen are not printed.
        hidden = page.eval_on_selector_all(
            ".site-header, .site-footer, .training-intro",
            "els => els.map(e => getComputedStyle(e).display)",
        )

        pages = pages_links(page.pdf(format="A4"))

        # In print, each card breaks before itself, never inside, and is at most a page tall.
        assert [box["card"] for box in boxes] == [False] + [True] * len(slugs)
        assert all(box["height"] <= PRINTED_HEIGHT for box in boxes), (key, boxes)
        assert all(box["before"] == "page" and box["inside"] == "avoid" for box in boxes[1:])
        assert set(hidden) == {"none"}
        # Printed: the facilitator's page, then a page per card, each with its card's link.
        assert len(pages) == 1 + len(slugs), (key, pages)
        cards = [[link for link in links if "/scenarios/" in link] for links in pages]
        assert cards[0] == []  # the facilitator's page: its links are to the qualities
        assert any(f"/{code}/qualities/" in link for link in pages[0])
        assert cards[1:] == [[f"{live_server.url}/{code}/scenarios/{slug}/"] for slug in slugs]
    assert page.errors == []


def test_practice_mode_opens_one_step_at_a_time_by_keyboard(page, seeded):
    page.goto("/nb/scenarios/faulty-device/")
    steps = page.locator(".practice-step")
    first, second = steps.nth(0), steps.nth(1)
    assert steps.count() >= 3
    assert not first.locator("p").is_visible()

    for _ in range(60):  # Tab through the header's links to the first step
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.practice-step > summary')"):
            break
    focused = page.evaluate(
        "(() => { const e = document.activeElement, s = getComputedStyle(e); return "
        "{first: e === document.querySelector('.practice-step > summary'), "
        "outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; })()"
    )
    assert focused["first"]
    assert focused["outline"] != "none" and focused["width"] >= 2  # the focus ring shows

    page.keyboard.press("Enter")
    assert first.evaluate("e => e.open") and first.locator("p").is_visible()
    assert not second.evaluate("e => e.open")  # the next step stays hidden

    page.keyboard.press("Tab")
    page.keyboard.press(" ")
    assert second.evaluate("e => e.open") and second.locator("p").is_visible()
    page.keyboard.press("Enter")  # and closes again
    assert not second.evaluate("e => e.open")
    assert page.errors == []


def test_the_pack_has_a_print_button_where_javascript_runs(browser, live_server, seeded):
    """A phone has no Ctrl+P: site.js shows a button that opens the print dialogue. Without a
    script it stays hidden and the page's words say how to print."""
    for scripts in (True, False):
        context = browser.new_context(base_url=live_server.url, java_script_enabled=scripts)
        page = context.new_page()
        if scripts:
            page.add_init_script("window.print = () => { window.printed = true; };")
        page.goto("/el/roles/agent/training/")
        button = page.locator("button[data-print]")
        assert button.is_visible() is scripts
        if scripts:
            button.click()
            assert page.evaluate("window.printed === true")
        context.close()


def test_practice_mode_prints_every_step_without_javascript(browser, live_server, seeded):
    """site.js opens the steps before printing; with scripts off, the print stylesheet shows
    what each closed step holds."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/nb/scenarios/faulty-device/")
    hidden = page.locator(".practice-step > :not(summary)")
    count = hidden.count()
    assert count >= 4  # the steps and what to avoid
    assert not any(hidden.nth(i).is_visible() for i in range(count))
    page.emulate_media(media="print")
    assert all(hidden.nth(i).is_visible() for i in range(count))
    context.close()


@pytest.mark.parametrize("code", ["nb", "el"])
def test_the_pack_and_practice_mode_fit_a_phone_and_pass_axe(page, seeded, code):
    page.set_viewport_size({"width": 390, "height": 800})
    for path in (f"/{code}/roles/associate/training/", f"/{code}/scenarios/wrong-price/"):
        page.goto(path)
        for details in page.locator("details").all():  # axe checks what opening shows too
            details.evaluate("e => { e.open = true; }")

        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert axe_violations(page) == [], path
    assert page.errors == []
