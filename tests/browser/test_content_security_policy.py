"""The Content Security Policy (kb/settings.py: no inline script or style, everything from this
site) breaks nothing: no page of the public site or of admin makes Chromium refuse anything, and
the controls that need JavaScript still work under it."""

import re
from types import SimpleNamespace

import pytest
import reversion
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from playwright.sync_api import expect

from roles.models import Quality, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [code for code, _name in settings.LANGUAGES]

# Runs in every document before its own scripts: every refusal, whatever its source (a tag in the
# HTML, an attribute, a script's change), is reported to the document as this event.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(
    e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber
  );
}, true);
"""


@pytest.fixture
def csp_page(page):
    # On the context: popups (admin's "add another" windows) are listened to as well.
    context = page.context
    context.add_init_script(LISTEN)
    context.csp_console = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            where = message.page.url if message.page else "?"
            context.csp_console.append(f"console ({where}): {message.text}")

    context.on("console", on_console)
    return page


def log_in(page, username, password):
    visit(page, reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**" + reverse("admin:index"))
    assert_no_violations(page)
    return page


@pytest.fixture
def admin_page(csp_page, seeded, django_user_model):
    django_user_model.objects.create_superuser("alice", "alice@example.com", "pw-alice-1")
    return log_in(csp_page, "alice", "pw-alice-1")


def visit(page, url, status=200):
    response = page.goto(url)
    assert response.status == status, f"{url}: {response.status}"
    # The policy really is in force on this page, as configured.
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, (url, policy)
    assert "unsafe-inline" not in policy
    page.wait_for_load_state("load")
    return response


def violations(page):
    # Reports are queued as tasks: let the ones raised while the page loaded arrive first.
    reported = page.evaluate("new Promise((done) => setTimeout(() => done(window.__csp), 100))")
    return [*reported, *page.context.csp_console]


def assert_no_violations(page):
    found = violations(page)
    page.context.csp_console.clear()
    assert found == [], f"{page.url}:\n" + "\n".join(found)


def test_the_listener_sees_every_kind_of_refusal(csp_page, seeded):
    """The checks below would be worthless if a refusal went unnoticed: a page served with an
    inline <style>, <script>, style attribute and event handler reports all four."""

    def add_inline_code(route):
        response = route.fetch()
        body = response.text().replace(
            "</head>", "<style>p {color: red}</style><script>window.x = 1</script></head>"
        )
        body = body.replace("<main", "<main style='color: red' onclick='x()'", 1)
        route.fulfill(response=response, body=body)

    csp_page.route("**/nb/", add_inline_code)
    visit(csp_page, "/nb/")
    csp_page.click("main")

    found = violations(csp_page)
    for directive in ["style-src-elem", "script-src-elem", "style-src-attr", "script-src-attr"]:
        assert any(v.startswith(directive + " inline") for v in found), (directive, found)
    assert csp_page.context.csp_console  # Chromium's own console messages are caught as well


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_public_page_is_refused_anything(csp_page, seeded, lang):
    page = csp_page
    query = getattr(Quality.objects.get(slug="patience"), f"name_{lang}")
    paths = [
        f"/{lang}/",
        f"/{lang}/roles/agent/",
        f"/{lang}/roles/agent/for-employers/",
        f"/{lang}/roles/agent/v/1/",
        f"/{lang}/roles/agent/v/",
        f"/{lang}/qualities/patience/",
        f"/{lang}/scenarios/",
        f"/{lang}/scenarios/faulty-device/",
        f"/{lang}/compare/?roles=agent&roles=manager",
        f"/embed/roles/agent/?lang={lang}",
        f"/{lang}/search/?q={query}",
    ]
    for path in paths:
        visit(page, path)
        assert_no_violations(page)
    assert page.locator("mark").count() > 0  # the search did find and highlight something
    assert page.errors == []


def test_the_copy_link_control_works_under_the_policy(csp_page, live_server, seeded):
    page = csp_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    visit(page, "/el/roles/manager/for-employers/")

    page.click("button[data-copy=permalink]")

    status = page.locator("button[data-copy=permalink] ~ .copy-status")
    expect(status).to_have_text(re.compile(r"\S"))  # the copy is async
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server.url}/roles/manager/"
    assert_no_violations(page)
    assert page.errors == []


def test_the_login_page_its_errors_and_the_lockout_are_refused_nothing(csp_page, seeded):
    page = csp_page
    visit(page, reverse("admin:login"))
    assert_no_violations(page)

    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        page.fill("#id_username", "mallory")
        page.fill("#id_password", "wrong")
        with page.expect_navigation() as answer:
            page.click("input[type=submit]")
        assert_no_violations(page)
    assert answer.value.status == 429  # locked out, on the admin's own page
    assert "script-src 'self'" in answer.value.headers["content-security-policy"]

    # A form sent without its CSRF cookie: the site's own 403 page.
    visit(page, reverse("admin:login"))
    page.context.clear_cookies()
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw")
    with page.expect_navigation() as answer:
        page.click("input[type=submit]")
    assert answer.value.status == 403
    assert_no_violations(page)
    assert page.errors == []


def test_the_language_tabs_work_under_the_policy(admin_page, languages):
    page = admin_page
    agent = Role.objects.get(key="agent")
    visit(page, reverse("admin:roles_role_change", args=[agent.pk]))
    page.locator(".ui-tabs-nav a[href='#tab_id_title_el'] .kb-badge").wait_for()  # tabs built

    for code in languages:
        assert page.locator(f".ui-tabs-nav a[href='#tab_id_title_{code}']").is_visible()
    assert page.locator("#id_title_nb").is_visible()
    assert not page.locator("#id_title_el").is_visible()

    page.click(".ui-tabs-nav a[href='#tab_id_title_el']")

    assert page.locator("#id_title_el").is_visible()
    assert not page.locator("#id_title_nb").is_visible()
    assert_no_violations(page)
    assert page.errors == []


def test_no_admin_page_is_refused_anything(admin_page):
    page = admin_page
    agent = Role.objects.get(key="agent")
    # Something deleted, for the "Recover deleted" list to show.
    with reversion.create_revision():
        gone = Quality.objects.create(slug="gone", name_nb="Borte", published=True)
    gone.delete()
    urls = [
        reverse("admin:index"),
        reverse("admin:roles_quality_changelist") + "?published__exact=1&missing_in=el",
        reverse("admin:roles_quality_changelist") + "?q=t",
        reverse("admin:roles_quality_add"),
        reverse("translation-dashboard"),
        reverse("recent-changes"),
        reverse("translation-files-export"),
        reverse("translation-files-import"),
        reverse("admin:roles_role_history", args=[agent.pk]),
        reverse("admin:roles_quality_recoverlist"),
    ]
    for url in urls:
        visit(page, url)
        assert_no_violations(page)

    # The filter sidebar, opened and used.
    visit(page, reverse("admin:roles_quality_changelist"))
    page.locator("#changelist-filter a[href*='missing_in=da']").click()
    page.wait_for_url("**missing_in=da**")
    assert_no_violations(page)

    # An old version of the role, and the deleted quality, as reversion shows them to restore.
    visit(page, reverse("admin:roles_role_history", args=[agent.pk]))
    page.locator(".kb-history caption a").first.click()
    page.wait_for_load_state("load")
    assert_no_violations(page)
    visit(page, reverse("admin:roles_quality_recoverlist"))
    page.locator("#change-history a").first.click()
    page.wait_for_load_state("load")
    assert_no_violations(page)
    assert page.errors == []


def test_the_rest_of_the_public_site_is_refused_nothing(csp_page, seeded):
    page = csp_page
    for path in ["/nb/about/", "/da/workplaces/retail/", "/el/workplaces/hospitality/"]:
        visit(page, path)
        assert_no_violations(page)
    visit(page, "/el/roles/nobody/", status=404)  # the error page, in the reader's language
    assert_no_violations(page)
    assert page.errors == []


def test_an_editors_preview_of_unpublished_content_is_refused_nothing(admin_page):
    page = admin_page
    Quality.objects.filter(slug="patience").update(published=False)

    visit(page, "/da/qualities/patience/")

    assert page.locator(".banner[role=note]").count() > 0
    assert_no_violations(page)
    assert page.errors == []


def test_no_form_or_list_of_any_model_is_refused_anything(admin_page, django_user_model):
    """Every list, every add form and one change form and delete page per model in admin."""
    page = admin_page
    as_alice = SimpleNamespace(user=django_user_model.objects.get(username="alice"))
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls = [reverse(f"{name}_changelist")]
        if model_admin.has_add_permission(as_alice):
            urls.append(reverse(f"{name}_add"))
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"{name}_change", args=[first.pk]))
            # Published versions are never deleted: their admin has no delete page.
            if model_admin.has_delete_permission(as_alice, first):
                urls.append(reverse(f"{name}_delete", args=[first.pk]))
        for url in urls:
            visit(page, url)
            assert_no_violations(page)
    assert page.errors == []


def test_a_translators_admin_is_refused_nothing(csp_page, seeded, django_user_model):
    """A translator's admin differs: fields shown disabled, no add, delete or review actions."""
    page = csp_page
    user = django_user_model.objects.create_user(
        "eleni", "eleni@example.com", "pw-eleni-1", is_staff=True
    )
    # What the "Translators (el)" group grants (the test database's flush removed the groups).
    models = ["role", "duty", "quality", "rolequality", "scenario", "workplace", "source"]
    codenames = [f"{action}_{m}" for m in models for action in ("view", "change")]
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="roles", codename__in=[*codenames, "translate_el"]
        )
    )
    log_in(page, "eleni", "pw-eleni-1")
    agent = Role.objects.get(key="agent")
    urls = [
        reverse("admin:roles_quality_changelist"),
        reverse("admin:roles_role_changelist") + "?missing_in=el",
        reverse("translation-dashboard"),
        reverse("admin:roles_role_history", args=[agent.pk]),
    ]
    for url in urls:
        visit(page, url)
        assert_no_violations(page)
    visit(page, reverse("admin:roles_role_change", args=[agent.pk]))
    page.click(".ui-tabs-nav a[href='#tab_id_title_el']")
    assert page.locator("#id_title_el").is_editable()
    assert_no_violations(page)
    assert page.errors == []


def test_admins_scripted_controls_are_refused_nothing(admin_page, django_user_model):
    """What editors click: inline rows, the two-list pickers, the sidebar, the theme, the
    calendar and clock, list actions, and the "add another" window."""
    page = admin_page
    agent = Role.objects.get(key="agent")
    visit(page, reverse("admin:roles_role_change", args=[agent.pk]))
    page.locator(".ui-tabs-nav a[href='#tab_id_title_el'] .kb-badge").wait_for()

    duties = page.locator("#duties-group .inline-related:not(.empty-form)").count()
    page.locator("#duties-group .add-row a").click()
    assert page.locator("#duties-group .inline-related:not(.empty-form)").count() == duties + 1
    page.locator("#id_workplaces_add_all").click()
    assert page.locator("#id_workplaces_to option").count() > 0
    page.locator("#toggle-nav-sidebar").click()
    page.locator(".theme-toggle").first.click()
    with page.expect_popup() as popup:
        page.locator("#add_id_leads_to").click()
    window = popup.value
    window.wait_for_load_state("load")
    assert_no_violations(window)
    window.close()
    assert_no_violations(page)

    alice = django_user_model.objects.get(username="alice")
    visit(page, reverse("admin:auth_user_change", args=[alice.pk]))
    page.locator(".datetimeshortcuts a", has=page.locator(".date-icon")).first.click()
    page.locator(".calendarbox").first.wait_for()
    page.locator(".calendarbox .calendarnav-next").first.click()
    page.keyboard.press("Escape")
    page.locator(".datetimeshortcuts a", has=page.locator(".clock-icon")).first.click()
    page.locator(".clockbox").first.wait_for()
    assert_no_violations(page)

    visit(page, reverse("admin:roles_quality_changelist"))
    page.locator("#action-toggle").check()
    assert page.locator(".action-counter").is_visible()
    assert_no_violations(page)
    assert page.errors == []


@pytest.fixture
def job_board():
    """Another site on this machine, serving whatever job posting the test gives it."""
    import http.server
    import threading

    posting = {"html": ""}

    class Board(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # http.server's name
            body = posting["html"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Board)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", posting
    server.shutdown()


def test_the_card_shows_inside_another_sites_iframe_and_no_other_page_does(
    csp_page, seeded, live_server, settings, job_board
):
    """A job board on another origin frames the card; framing a role page is refused."""
    board, posting = job_board
    settings.EMBED_FRAME_ANCESTORS = [board]
    site = live_server.url
    posting["html"] = (
        f'<h1>Job posting</h1><iframe id="card" src="{site}/embed/roles/agent/?lang=da"></iframe>'
        f'<iframe id="page" src="{site}/da/roles/agent/"></iframe>'
    )
    page = csp_page
    page.goto(f"{board}/posting")
    title = Role.objects.get(key="agent").title_da
    card = page.frame_locator("#card").locator("h1")
    assert card.inner_text(timeout=5000).strip() == title
    # Refused (X-Frame-Options DENY, frame-ancestors 'none'): Chromium shows its own error page.
    page.wait_for_timeout(500)
    framed = [frame for frame in page.frames if frame.parent_frame and "embed" not in frame.url]
    assert framed and all(title not in frame.content() for frame in framed)
