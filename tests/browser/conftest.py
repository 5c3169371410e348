"""Headless Chromium from Debian's package, driven by Playwright (no browser download)."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in the test's thread; the test's own database calls
# are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium package for the browser tests")
        pytest.skip("browser tests need Debian's chromium package (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="nb-NO")
    page = context.new_page()
    page.errors = []
    page.dialogs = []  # the dialogs the page opened, by type ("beforeunload"), each accepted
    page.on("dialog", lambda dialog: _accept(page, dialog))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("requestfailed", lambda request: _failed(page, request))
    yield page
    context.close()


def _accept(page, dialog) -> None:
    page.dialogs.append(dialog.type)
    dialog.accept()


def _failed(page, request) -> None:
    # A load the browser gave up on because the test moved to the next page (an icon the admin's
    # JavaScript adds after the load event) is no failure of the site's.
    if request.failure != "net::ERR_ABORTED":
        page.errors.append(f"failed: {request.url} ({request.failure})")


@pytest.fixture
def logged_in(page, seeded, django_user_model):
    """The page, logged in to the admin as an editor with every permission."""
    django_user_model.objects.create_superuser("alice", "alice@example.com", "pw-alice-1")
    page.goto("/admin/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-alice-1")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return page
