"""Two-factor sign-in in a real browser, in every language, on a desktop and a phone (1280 and
390 px): the enrolment page after the password (QR code, key, a code typed from the app), the
recovery codes, then the verification page at the next sign-in, with a wrong code and a recovery
code. No page scrolls sideways, axe finds no WCAG 2.1 AA violation, the Content Security Policy
refuses nothing, and the browser logs no error."""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from tests.browser.test_content_security_policy import LISTEN, violations
from tests.browser.test_identity import axe_violations
from tests.twofactor.helpers import PASSWORD, app_code, secret_on_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [code for code, _name in settings.LANGUAGES]
WIDTHS = [1280, 390]


def sign_in(page, language: str) -> None:
    page.goto(reverse("admin:login"))
    assert page.locator("html").get_attribute("lang") == language
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def check(page, width: int, found: dict) -> None:
    """What every page must be: as wide as the screen at most, no axe finding, nothing refused."""
    page.wait_for_load_state("load")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        found["wider than the screen"].append(f"{page.url}: {scroll_width} px")
    found["axe"] += [{"page": page.url, **violation} for violation in axe_violations(page)]
    found["refused by the policy"] += violations(page)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_enrolment_then_verification_work_fit_and_pass_axe(
    page, live_server, django_user_model, settings, language, width
):
    settings.ADMIN_REQUIRE_2FA = True
    django_user_model.objects.create_superuser("alice", "alice@example.com", PASSWORD)
    page.set_viewport_size({"width": width, "height": 800})
    page.context.add_init_script(LISTEN)
    page.context.csp_console = []
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    console = []
    page.on("console", lambda m: m.type == "error" and console.append(f"{page.url}: {m.text}"))
    found = {"wider than the screen": [], "axe": [], "refused by the policy": []}

    # The password, then enrolment: the QR code and the key to type, checked on the page.
    sign_in(page, language)
    page.wait_for_url(f"**{reverse('twofactor:enrol')}?next=*")
    qr = page.locator("svg.kb-qr")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 150
    assert page.locator(".kb-secret").is_visible()
    check(page, width, found)
    page.fill("#id_code", "000000")  # a wrong code first: told, in the page's language
    page.click("#kb-enrol-form input[type=submit]")
    page.locator(".errorlist").wait_for()
    check(page, width, found)
    key = secret_on_page(page.content())
    page.fill("#id_code", app_code(key, steps_ahead=1))  # the wrong code's throttle: 1 s
    page.wait_for_timeout(1100)
    page.click("#kb-enrol-form input[type=submit]")

    # The recovery codes, shown once, then on to the admin.
    page.wait_for_url(f"**{reverse('twofactor:recovery-codes')}?next=*")
    codes = page.locator(".kb-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    check(page, width, found)
    page.click(".kb-continue a")
    page.wait_for_url(f"**{reverse('admin:index')}")
    assert page.locator("#user-tools").is_visible() or width < 1024

    # The next sign-in asks for the second factor: a wrong code, then a recovery code.
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    sign_in(page, language)
    page.wait_for_url(f"**{reverse('twofactor:verify')}?next=*")
    check(page, width, found)
    page.fill("#id_code", "000000")
    page.click("#kb-verify-form input[type=submit]")
    page.locator(".errorlist").wait_for()
    page.click(".kb-no-phone summary")  # what to do without the phone, opened
    check(page, width, found)
    page.fill("#id_code", codes[0])
    page.click("#kb-verify-form input[type=submit]")
    page.wait_for_url(f"**{reverse('admin:index')}")
    assert page.locator(".messagelist").is_visible()

    # The account's own page, from the user tools.
    page.goto(reverse("twofactor:manage"))
    check(page, width, found)

    found["errors"] = page.errors
    found["console errors"] = console
    problems = {name: seen for name, seen in found.items() if seen}
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)
