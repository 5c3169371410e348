"""One switch per form chooses the language of its texts; the role's form is short enough to work
in, its lists fit a laptop and the admin a phone."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from roles.models import Duty, Quality, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The open tab of every language tab set on the page, by the language its link names.
OPEN_TABS = """() => [...document.querySelectorAll('.ui-tabs-nav')].map(nav => {
  const link = nav.querySelector('.ui-tabs-active > a');
  return link && link.getAttribute('href').split('_').pop();
})"""


def log_in(page, live_server, user, password, language=settings.LANGUAGE_CODE):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page.goto("/admin/login/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return page


@pytest.fixture
def editor_page(page, live_server, seeded, django_user_model):
    user = django_user_model.objects.create_superuser("alice", "alice@example.com", "pw-alice-1")
    return log_in(page, live_server, user, "pw-alice-1")


def role_form(page, key="agent"):
    page.goto(reverse("admin:roles_role_change", args=[Role.objects.get(key=key).pk]))
    page.locator(".kb-text-language").wait_for()
    page.wait_for_function("() => document.querySelectorAll('.ui-tabs-nav').length > 0")
    return page


def open_tabs(page, code):
    page.wait_for_function(f"() => ({OPEN_TABS})().every(open => open === '{code}')")
    return page.evaluate(OPEN_TABS)


def test_one_switch_chooses_the_language_of_every_tab_on_the_form(editor_page, languages):
    page = role_form(editor_page)
    other = languages[1]
    duties = Duty.objects.filter(role__key="agent").count()

    page.check(f".kb-text-language input[value='{other}']")

    tabs = open_tabs(page, other)
    # Title, summary, body, career, the role's origin, and each duty's text and origin, each
    # quality's note and origin: all of them.
    assert len(tabs) >= 5 + 2 * duties
    assert page.locator(f"#id_title_{other}").is_visible()
    assert page.locator(f"#id_duties-0-text_{other}").is_visible()
    assert page.locator(f"#id_role_qualities-0-note_{other}").is_visible()
    assert not page.locator(f"#id_duties-0-text_{languages[0]}").is_visible()

    # A tab clicked anywhere moves the switch and every other tab with it.
    last = languages[-1]
    page.click(f"a[href='#tab_id_duties-2-text_{last}']")
    open_tabs(page, last)
    assert page.is_checked(f".kb-text-language input[value='{last}']")
    assert page.locator(f"#id_title_{last}").is_visible()
    assert page.locator("#modeltranslation-main-switch").is_hidden()  # one switch, not two
    assert page.errors == []


def test_the_choice_holds_on_the_next_form_and_follows_the_admin_language(editor_page, languages):
    page = role_form(editor_page)
    last = languages[-1]
    page.check(f".kb-text-language input[value='{last}']")
    open_tabs(page, last)

    page.goto(reverse("admin:roles_quality_change", args=[Quality.objects.first().pk]))
    page.locator(".kb-text-language").wait_for()

    open_tabs(page, last)
    assert page.is_checked(f".kb-text-language input[value='{last}']")

    # Choosing the admin's language in the header makes it the texts' language too.
    second = languages[1]
    page.select_option("#kb-admin-language", second)
    page.click(".kb-languages button[type=submit]")
    page.wait_for_function(f"() => document.documentElement.lang === '{second}'")
    page.locator(".kb-text-language").wait_for()
    open_tabs(page, second)
    assert page.errors == []


def test_a_translator_opens_forms_on_their_language(page, live_server, seeded, django_user_model):
    code = next(code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)
    user = django_user_model.objects.create_user("eleni", password="pw-eleni-1", is_staff=True)
    # Their group, as the migration makes it (the test database's flush removed the groups).
    group, _made = Group.objects.get_or_create(name=f"Translators ({code})")
    models = ["role", "duty", "quality", "rolequality", "scenario", "workplace", "source"]
    codenames = [f"{action}_{m}" for m in models for action in ("view", "change")]
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="roles", codename__in=[*codenames, f"translate_{code}"]
        )
    )
    user.groups.add(group)
    log_in(page, live_server, user, "pw-eleni-1")  # the admin in the default language

    role_form(page)

    assert page.is_checked(f".kb-text-language input[value='{code}']")
    open_tabs(page, code)
    assert page.locator(f"#id_summary_{code}").is_visible()
    assert page.errors == []


def test_a_new_duty_gets_the_next_place_and_a_key_from_its_text(editor_page, languages):
    page = role_form(editor_page)
    count = Duty.objects.filter(role__key="agent").count()
    last = max(Duty.objects.filter(role__key="agent").values_list("order", flat=True))

    page.click("#duties-group .add-row a")

    row = page.locator(f"#duties-{count}")
    assert row.locator(f"#id_duties-{count}-order").input_value() == str(last + 1)
    page.fill(f"#id_duties-{count}-text_{languages[0]}", "Svare på e-post fra kunder innen én dag.")
    key = row.locator(f"#id_duties-{count}-key")
    assert key.input_value() == "svare-pa-e-post-fra-kunder-innen-en-dag"
    key.fill("answer-email")  # still the editor's to change
    page.fill(f"#id_duties-{count}-text_{languages[0]}", "Svare på e-post fra kunder.")
    assert key.input_value() == "answer-email"

    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()

    duty = Duty.objects.get(role__key="agent", key="answer-email")
    assert duty.order == last + 1
    assert page.errors == []


def test_the_source_pickers_are_folded_away(editor_page, languages):
    page = editor_page
    page.set_viewport_size({"width": 1280, "height": 900})
    role_form(page)

    assert page.locator("#id_sources_from").is_hidden()
    assert page.locator("#id_duties-0-sources_from").is_hidden()
    # The role's form measured 13,600 px at this width with every picker open.
    assert page.evaluate("document.documentElement.scrollHeight") < 10000

    page.locator("#id_duties-0-sources_from").locator("xpath=ancestor::details/summary").click()
    assert page.locator("#id_duties-0-sources_from").is_visible()
    assert page.errors == []


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_every_list_fits_a_1280_px_screen(page, live_server, seeded, django_user_model, code):
    user = django_user_model.objects.create_superuser("alice", "alice@example.com", "pw-alice-1")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, user, "pw-alice-1", language=code)

    wide = {}
    for model in ["role", "duty", "quality", "scenario", "workplace", "source"]:
        page.goto(reverse(f"admin:roles_{model}_changelist"))
        widths = page.evaluate(
            """() => { const results = document.querySelector('.results');
              return [results.scrollWidth, results.clientWidth,
                      document.documentElement.scrollWidth]; }"""
        )
        if widths[0] > widths[1] or widths[2] > 1280:
            wide[model] = widths
    assert wide == {}
    assert page.errors == []


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_the_admin_is_usable_on_a_phone(page, live_server, seeded, django_user_model, code):
    user = django_user_model.objects.create_superuser("alice", "alice@example.com", "pw-alice-1")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, user, "pw-alice-1", language=code)
    agent = Role.objects.get(key="agent")

    cut_off = {}
    for path in [
        reverse("admin:index"),
        reverse("admin:roles_role_changelist"),
        reverse("admin:roles_duty_changelist"),
        reverse("admin:roles_role_change", args=[agent.pk]),
        reverse("admin:roles_role_history", args=[agent.pk]),
        reverse("translation-dashboard"),
        reverse("recent-changes"),
    ]:
        page.goto(path)
        # Nothing runs off the page's side: wide tables scroll in their own box.
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            cut_off[path] = width
    assert cut_off == {}
    page.goto(reverse("admin:roles_role_change", args=[agent.pk]))
    assert page.locator(f"#id_title_{code}").is_visible()
    assert page.locator(".kb-text-language").is_visible()
    assert page.errors == []


def test_leaving_a_form_with_unsaved_typing_asks_first(editor_page, languages):
    page = role_form(editor_page)
    # Switching the texts' language and looking around change nothing: leaving does not ask.
    page.check(f".kb-text-language input[value='{languages[1]}']")
    page.goto(reverse("admin:roles_role_changelist"))
    assert page.dialogs == []

    page = role_form(page)
    page.fill(f"#id_title_{languages[1]}", "Ny tittel, ikke lagret")
    page.select_option("#kb-admin-language", languages[-1])
    page.click(".kb-languages button[type=submit]")
    page.wait_for_function(f"() => document.documentElement.lang === '{languages[-1]}'")

    assert page.dialogs == ["beforeunload"]
    # Saving is no leaving: it does not ask.
    page = role_form(page)
    page.check(f".kb-text-language input[value='{languages[1]}']")
    page.fill(f"#id_title_{languages[1]}", "Ny tittel")
    page.click("input[name=_continue]")
    page.wait_for_load_state()
    assert page.dialogs == ["beforeunload"]
    assert getattr(Role.objects.get(key="agent"), f"title_{languages[1]}") == "Ny tittel"


def test_a_form_sent_back_with_errors_asks_before_it_is_left(editor_page):
    page = role_form(editor_page)
    page.check(f".kb-text-language input[value='{settings.LANGUAGE_CODE}']")
    page.fill(f"#id_title_{settings.LANGUAGE_CODE}", "")  # the default language's title is required
    page.click("input[name=_continue]")
    page.locator(".errornote").wait_for()
    page.wait_for_load_state("load")  # the guard starts with the page's scripts, not the HTML

    page.goto(reverse("admin:roles_role_changelist"))

    assert page.dialogs == ["beforeunload"]
