"""The translation checks in a real browser: the counts on the language tabs, and a warning
dismissed from under its text, back on the same tab."""

import pytest

from roles.models import CheckDismissal, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_tab_shows_what_the_checks_found_and_a_warning_is_dismissed_from_it(logged_in):
    page = logged_in
    Role.objects.filter(key="agent").update(summary_el="Απαντά μέσω email. Τι άλλο κάνει?")
    agent = Role.objects.get(key="agent")
    page.goto(f"/admin/roles/role/{agent.pk}/change/#tab_id_summary_el")

    badge = page.locator(".ui-tabs-nav a[href='#tab_id_summary_el'] .kb-badge--checks")
    badge.wait_for()
    assert "kb-badge--error" in badge.get_attribute("class")
    assert badge.inner_text().startswith("✘")
    # Only the tab whose text has findings carries a count.
    assert page.locator(".ui-tabs-nav a[href='#tab_id_summary_nb'] .kb-badge--checks").count() == 0
    notes = page.locator("#id_summary_el ~ .help .kb-finding, .field-summary_el .kb-finding")
    assert notes.first.is_visible()

    page.locator(".field-summary_el a.kb-dismiss[href*='latin-in-greek']").click()
    page.fill("textarea[name=reason]", "The customer's own word, quoted.")
    page.click("input[type=submit].default")

    page.wait_for_url("**#tab_id_summary_el")
    assert page.locator("#id_summary_el").is_visible()  # back on the Greek tab
    assert page.locator(".field-summary_el .kb-finding--dismissed").is_visible()
    assert CheckDismissal.objects.get().reason == "The customer's own word, quoted."
    assert page.errors == []
