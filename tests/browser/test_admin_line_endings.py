"""A real browser posts every textarea's lines with CR LF: saving a role where only one Greek duty
was edited must change that duty and nothing else."""

import json

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.utils import translation

from roles.editorial import diffs
from roles.models import Duty, Role
from roles.versions import publishing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def changed_fields(entry: LogEntry) -> list[list[str]]:
    """The fields an admin log entry says changed, per object changed."""
    return [change["changed"]["fields"] for change in json.loads(entry.change_message)]


def test_editing_one_greek_duty_in_chromium_changes_only_that_duty(logged_in):
    page = logged_in
    agent = Role.objects.get(key="agent")
    body_before = {code: getattr(agent, f"body_{code}") for code in ("nb", "el", "da")}
    assert all("\n\n" in body for body in body_before.values())
    duty = Duty.objects.filter(role=agent).order_by("order").first()
    page.goto(f"/admin/roles/role/{agent.pk}/change/")

    # Typed as a user does, a line break included; every other textarea is sent as it is.
    page.click("a[href='#tab_id_duties-0-text_el']")
    page.fill("#id_duties-0-text_el", "Απαντά σε κάθε κλήση.\nΜε ευγένεια.")
    page.click("input[name=_continue]")
    page.wait_for_load_state()

    assert page.locator(".errornote").count() == 0
    agent.refresh_from_db()
    duty.refresh_from_db()
    assert duty.text_el == "Απαντά σε κάθε κλήση.\nΜε ευγένεια."
    assert {code: getattr(agent, f"body_{code}") for code in ("nb", "el", "da")} == body_before
    message = LogEntry.objects.filter(object_id=str(agent.pk)).latest("action_time")
    with translation.override(settings.LANGUAGE_CODE):  # the admin's language
        assert changed_fields(message) == [[str(diffs.field_label(Duty, "text_el"))]]
    # Nothing a reader sees changed but that duty's Greek text: the version says so.
    version = publishing.publish(Role.objects.get(pk=agent.pk))
    assert version.number == 2
