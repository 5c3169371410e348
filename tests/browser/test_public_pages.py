"""The public site in a real browser: language switching, the copy-link control, printing, WCAG."""

import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def test_switching_language_lands_on_the_same_role_and_is_remembered(page, seeded):
    page.goto("/nb/roles/agent/#duties")

    page.click("nav.languages a[hreflang='el']")

    page.wait_for_url("**/el/roles/agent/")
    assert page.locator("html").get_attribute("lang") == "el"
    page.goto("/roles/manager/")  # a permalink from a job posting
    page.wait_for_url("**/el/roles/manager/")
    assert page.errors == []


def test_the_copy_link_control_copies_the_permalink(page, live_server, seeded):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto("/da/roles/manager/for-employers/")

    page.click("button[data-copy=permalink]")

    status = page.locator("button[data-copy=permalink] ~ .copy-status")
    expect(status).to_have_text(re.compile(r"\S"))  # the copy is async
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server.url}/roles/manager/"
    assert page.errors == []


def test_without_javascript_the_link_is_shown_to_copy_by_hand(browser, live_server, seeded):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/el/roles/agent/for-employers/")

    assert page.locator("#permalink").is_visible()
    assert page.locator("#permalink").input_value() == f"{live_server.url}/roles/agent/"
    for button in page.locator("button.copy-button").all():
        assert not button.is_visible()
    context.close()


def test_without_javascript_the_kit_language_is_chosen_with_its_form(browser, live_server, seeded):
    from roles.models import Role

    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/nb/roles/agent/")
    page.click("#share a")  # the role page's line for employers
    page.wait_for_url("**/nb/roles/agent/for-employers/")

    page.select_option("#kit-language", "da")
    page.click("#kit-language-form button[type=submit]")

    page.wait_for_url("**/nb/roles/agent/for-employers/?kit=da")
    posting = json.loads(page.locator("#job-posting").input_value())
    assert posting["title"] == Role.objects.get(key="agent").title_da
    assert page.locator("#kit-current").input_value() == f"{live_server.url}/da/roles/agent/"
    context.close()


def test_the_job_posting_is_copied_whole(page, live_server, seeded):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto("/el/roles/manager/for-employers/")

    page.click("button[data-copy=job-posting]")

    expect(page.locator("button[data-copy=job-posting] ~ .copy-status")).to_have_text(
        re.compile(r"\S")
    )
    copied = json.loads(page.evaluate("navigator.clipboard.readText()"))
    assert copied["@type"] == "JobPosting"
    # The posting describes the role's pinned version, and links to it.
    assert copied["relevantOccupation"]["url"] == f"{live_server.url}/el/roles/manager/v/1/"
    assert page.errors == []


def test_an_old_link_to_the_kit_lands_on_the_page_for_employers(page, seeded):
    page.goto("/da/roles/agent/?kit=el#share")

    page.wait_for_url("**/da/roles/agent/for-employers/?kit=el*")
    assert page.locator("#kit-language").input_value() == "el"
    assert page.errors == []


def test_the_page_for_employers_prints_its_steps_without_the_controls(page, seeded):
    page.goto("/nb/roles/agent/for-employers/")
    page.emulate_media(media="print")

    assert page.locator(".steps svg").is_visible()  # the QR code, to print
    assert not page.locator("#kit-language-form").is_visible()
    assert not page.locator("button.copy-button").first.is_visible()


def test_a_role_page_prints_without_navigation_and_with_its_link(page, seeded):
    page.goto("/nb/roles/associate/")
    page.emulate_media(media="print")

    assert not page.locator(".site-header").is_visible()
    assert not page.locator("#share").is_visible()
    # The role's link is printed at the top; on screen it is on the page for employers.
    assert page.locator(".print-only").is_visible()
    assert page.locator(".print-only").inner_text().endswith("/roles/associate/")
    page.emulate_media(media="screen")
    assert not page.locator(".print-only").is_visible()
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_the_compare_form_works_without_javascript_and_the_table_scrolls_on_a_phone(
    browser, live_server, seeded
):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 375, "height": 700}
    )
    page = context.new_page()
    page.goto("/nb/compare/")

    page.check("#compare-manager")
    page.check("#compare-agent")
    page.click(".compare-form button[type=submit]")

    page.wait_for_url("**/nb/compare/?roles=agent&roles=manager")
    region = page.locator(".compare-scroll")
    assert page.locator("table.compare th[scope=col]").count() == 2
    # The table is wider than the phone: its region scrolls, the page itself does not.
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    region.focus()
    page.keyboard.press("ArrowRight")
    for _attempt in range(40):  # the scroll is smooth: it takes a moment
        if region.evaluate("el => el.scrollLeft") > 0:
            break
        page.wait_for_timeout(50)
    assert region.evaluate("el => el.scrollLeft") > 0
    page.emulate_media(media="print")
    assert not page.locator(".compare-form").is_visible()
    assert (
        page.locator(".print-only").inner_text().endswith("/nb/compare/?roles=agent&roles=manager")
    )
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/{lang}/",
        "/{lang}/roles/agent/",
        "/{lang}/roles/agent/for-employers/",
        "/{lang}/roles/agent/v/1/",
        "/{lang}/qualities/patience/",
        "/{lang}/scenarios/faulty-device/",
        "/{lang}/compare/?roles=agent&roles=manager",
    ],
)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_has_a_wcag_2_1_aa_violation(page, seeded, lang, path):
    if not AXE.exists():
        message = "axe-core is missing: run `npm ci` (make test does when npm is installed)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    # The Content Security Policy refuses inline scripts (add_script_tag(path=...) makes one):
    # axe is served as if from the site itself, which script-src 'self' allows.
    page.route("**/__axe__.js", lambda route: route.fulfill(path=str(AXE)))
    page.goto(path.format(lang=lang))
    page.add_script_tag(url="/__axe__.js")

    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )

    assert result["passes"]  # axe did check the page
    violations = [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert violations == [], json.dumps(violations, indent=1)
