import pytest

from roles.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_translated_fields_are_in_language_tabs(logged_in, languages):
    page = logged_in
    agent = Role.objects.get(key="agent")
    page.goto(f"/admin/roles/role/{agent.pk}/change/")

    for code in languages:
        assert page.locator(f".ui-tabs-nav a[href='#tab_id_title_{code}']").is_visible()
    assert page.locator("#id_title_nb").is_visible()
    assert not page.locator("#id_title_el").is_visible()

    page.click(".ui-tabs-nav a[href='#tab_id_title_el']")

    assert page.locator("#id_title_el").is_visible()
    assert not page.locator("#id_title_nb").is_visible()
    # Every duty in the inline has its own tabs too.
    duties = Role.objects.get(key="agent").duties.count()
    assert page.locator("#duties-group a[href$='-text_el']").count() == duties
    assert page.errors == []


def test_a_greek_title_typed_in_its_tab_reaches_the_greek_page(logged_in):
    page = logged_in
    agent = Role.objects.get(key="agent")
    page.goto(f"/admin/roles/role/{agent.pk}/change/")
    page.click(".ui-tabs-nav a[href='#tab_id_title_el']")
    page.fill("#id_title_el", "Εκπρόσωπος τηλεφωνικού κέντρου")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/roles/role/")

    page.goto("/el/roles/agent/")

    assert page.locator("h1").inner_text() == "Εκπρόσωπος τηλεφωνικού κέντρου"
    assert page.locator("html").get_attribute("lang") == "el"
    assert page.errors == []


def test_the_tabs_carry_status_badges_and_the_dashboards_link_opens_the_tab(logged_in):
    page = logged_in
    agent = Role.objects.get(key="agent")
    Role.objects.filter(key="agent").update(summary_nb="Ny kildetekst.")  # Greek becomes outdated

    page.goto(f"/admin/roles/role/{agent.pk}/change/#tab_id_summary_el")

    badge = page.locator(
        ".ui-tabs-nav a[href='#tab_id_summary_el'] .kb-badge:not(.kb-badge--checks)"
    )
    badge.wait_for()
    assert "kb-badge--outdated" in badge.get_attribute("class")
    assert page.locator("#id_summary_el").is_visible()  # the tab named in the address is open
    assert not page.locator("#id_summary_nb").is_visible()
    assert page.errors == []


def test_a_badge_in_the_status_table_opens_its_tab(logged_in):
    page = logged_in
    page.goto(f"/admin/roles/role/{Role.objects.get(key='manager').pk}/change/")

    page.click(".kb-status a[href='#tab_id_career_da']")

    assert page.locator("#id_career_da").is_visible()
    assert not page.locator("#id_career_nb").is_visible()
