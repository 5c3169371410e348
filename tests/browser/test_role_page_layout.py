"""A role page you can scan, in Chromium: at 1280 px its list of sections stays in view while the
text scrolls and marks the section being read, and the page is at most half as tall as before
its facts moved into a rail (the heights measured on 2026-12-07, docs/BENCHMARKS.md); on a phone
the list is compact; a scenario's advice, collapsed on screen, is opened for print."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The full height at 1280 px before the redesign (the job-posting kit still on the page).
HEIGHT_BEFORE = {
    ("nb", "agent"): 7166,
    ("nb", "manager"): 7150,
    ("el", "agent"): 8124,
    ("el", "manager"): 8317,
    ("da", "agent"): 7092,
    ("da", "manager"): 7191,
}


def box(page, selector: str) -> dict:
    return page.eval_on_selector(
        selector,
        "e => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, "
        "height: r.height, inner: innerHeight}; }",
    )


@pytest.mark.parametrize("code", ["nb", "el", "da"])
def test_on_a_wide_screen_the_sections_list_stays_in_view_and_marks_where_you_read(
    page, seeded, code
):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/{code}/roles/agent/")
    current = page.locator(".toc a[aria-current='location']")
    for section in ("#qualities", "#career", "#sources"):  # the last: at the end of the page
        page.click(f".toc a[href='{section}']")
        page.wait_for_function(
            "href => document.querySelector(\".toc a[aria-current='location']\")"
            "?.getAttribute('href') === href",
            arg=section,
        )
        toc = box(page, ".toc")
        assert 0 <= toc["top"] and toc["bottom"] <= toc["inner"]
    assert current.count() == 1
    assert page.errors == []


@pytest.mark.parametrize(("code", "key"), sorted(HEIGHT_BEFORE))
def test_a_role_page_is_at_most_half_as_tall_as_before_at_1280_px(page, seeded, code, key):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/{code}/roles/{key}/")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= HEIGHT_BEFORE[code, key] / 2


@pytest.mark.parametrize("code", ["nb", "el", "da"])
def test_on_a_phone_the_facts_come_first_and_the_sections_list_is_compact(page, seeded, code):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"/{code}/roles/manager/")
    glance, toc, prose = box(page, "#at-a-glance"), box(page, ".toc"), box(page, "#about-the-role")
    assert glance["bottom"] <= toc["top"] and toc["bottom"] <= prose["top"]
    assert toc["height"] <= 150  # a few rows of small chips, not a column of seven links


def test_a_scenarios_advice_is_collapsed_on_screen_and_opened_for_print(page, seeded):
    page.goto("/nb/roles/agent/")
    advice = page.locator("#scenarios details.scenario-advice")
    assert advice.count() == 3
    assert advice.evaluate_all("all => all.every(d => !d.open)")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert advice.evaluate_all("all => all.every(d => d.open)")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert advice.evaluate_all("all => all.every(d => !d.open)")
    advice.first.locator("summary").click()  # opened by the reader: stays open after a print
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert advice.first.evaluate("d => d.open")
    assert page.errors == []
