"""Restoring a version in a real browser: reorder, open the history, read what the restore will
change, confirm, and find the places as they were."""

import pytest

from roles.models import Duty, Role
from roles.models.content import PARKING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def places(role) -> dict[str, int]:
    return dict(Duty.objects.filter(role=role).values_list("key", "order"))


def test_a_restore_shows_its_changes_and_brings_back_the_order(logged_in):
    page = logged_in
    agent = Role.objects.get(key="agent")
    seeded = places(agent)
    page.goto(f"/admin/roles/role/{agent.pk}/change/")

    # Reverse the duties by editing their order fields, as an editor would.
    fields = page.locator("#duties-group input[name$='-order']:not([name*='__prefix__'])")
    count = fields.count()
    assert count == len(seeded)
    values = [fields.nth(i).input_value() for i in range(count)]
    for i, value in enumerate(reversed(values)):
        fields.nth(i).fill(value)
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/roles/role/")
    reordered = places(agent)
    assert reordered != seeded

    page.goto(f"/admin/roles/role/{agent.pk}/history/")
    entries = page.locator("table.kb-history:has(caption)")
    assert entries.count() == 2  # the seed load and the reorder
    entries.last.locator("a", has_text="Gjenopprett").click()
    page.wait_for_url("**/history/*/")

    diff = page.locator(".kb-restore table")
    assert diff.is_visible()
    moved = diff.locator("tbody tr", has_text="Rekkefølge")
    assert moved.count() == count
    first = moved.first
    assert first.locator("td.kb-old").inner_text() != first.locator("td.kb-new").inner_text()
    assert places(agent) == reordered  # only shown, nothing restored yet

    page.click("input[name=_save]")
    page.wait_for_url("**/admin/roles/role/")

    assert places(agent) == seeded
    assert max(places(agent).values()) < PARKING
    page.goto(f"/admin/roles/role/{agent.pk}/change/")
    shown = page.locator("#duties-group input[name$='-order']:not([name*='__prefix__'])")
    assert sorted(int(shown.nth(i).input_value()) for i in range(count)) == sorted(seeded.values())
    assert page.errors == []
