"""The header, the footer and the icons in a real browser: on a phone and a desktop, in every
language, light and dark, the home page fits the screen, logs no error (the /favicon.ico that
browsers ask for included) and has no WCAG 2.1 AA violation."""

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
WIDTHS = [320, 390, 1280]


def axe_violations(page) -> list[dict]:
    if not AXE.exists():
        message = "axe-core is missing: run `npm ci` (make test does when npm is installed)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    # Served as if from the site, which the Content Security Policy's script-src 'self' allows.
    page.route("**/__axe__.js", lambda route: route.fulfill(path=str(AXE)))
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(url="/__axe__.js")
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    assert result["passes"]  # axe did check the page
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_home_page_fits_logs_nothing_and_passes_axe_light_and_dark(
    browser, live_server, seeded, lang, width
):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    console = []
    page.on("console", lambda m: m.type == "error" and console.append(f"{m.text} {m.location}"))
    page.on("pageerror", lambda error: console.append(str(error)))
    page.on("response", lambda r: r.status >= 400 and console.append(f"{r.status} {r.url}"))

    page.goto(f"/{lang}/")
    page.wait_for_load_state("networkidle")

    assert page.locator(".site-header .brand img").get_attribute("alt") == ""
    assert page.locator(".site-header .brand-name").inner_text().strip()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), scheme
        violations = axe_violations(page)
        assert violations == [], f"{scheme}: {json.dumps(violations, indent=1)}"
    assert console == []
    context.close()


def test_the_dark_scheme_changes_the_colours(page, seeded):
    page.goto("/nb/")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")

    page.emulate_media(color_scheme="dark")

    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != light
    page.emulate_media(color_scheme="dark", media="print")  # printed on white whatever the screen
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == light


def test_the_favicon_and_every_icon_of_the_manifest_answer(page, seeded):
    page.goto("/el/")
    assert page.request.get("/favicon.ico").headers["content-type"] == "image/x-icon"
    manifest_url = page.locator("link[rel=manifest]").evaluate("link => link.href")

    response = page.request.get(manifest_url)

    assert response.ok
    manifest = response.json()
    assert manifest["icons"]
    for icon in manifest["icons"]:
        url = page.evaluate("([src, base]) => new URL(src, base).href", [icon["src"], manifest_url])
        answer = page.request.get(url)
        assert answer.status == 200, url
        assert answer.headers["content-type"].startswith(icon["type"]), url
    for selector in ("link[rel=icon]", "link[rel=apple-touch-icon]"):
        for href in page.locator(selector).evaluate_all("links => links.map((l) => l.href)"):
            assert page.request.get(href).status == 200, href
    assert page.errors == []
