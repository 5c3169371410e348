"""The admin has no WCAG 2.1 AA violation (axe-core) in any of the site's languages."""

import json
import os
from pathlib import Path

import pytest
import reversion
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from reversion.models import Version

from roles.models import Role, Term, Workplace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def changelists() -> list[str]:
    return sorted(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    )


def violations(page) -> list[dict]:
    page.add_script_tag(url="/__axe__.js")
    result = page.evaluate(f"axe.run(document, {{runOnly: {{type: 'tag', values: {TAGS}}}}})")
    assert result["passes"]  # axe did check the page
    return [
        {"page": page.url, "id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_the_admin_has_no_wcag_2_1_aa_violation(page, live_server, seeded, django_user_model, code):
    if not AXE.exists():
        message = "axe-core is missing: run `npm ci` (make test does when npm is installed)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    # The Content Security Policy refuses inline scripts: axe is served as if from the site.
    page.route("**/__axe__.js", lambda route: route.fulfill(path=str(AXE)))
    django_user_model.objects.create_superuser("alice", "alice@example.com", "pw-alice-1")
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": live_server.url}]
    )
    page.goto("/admin/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-alice-1")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    assert page.locator("html").get_attribute("lang") == code
    agent = Role.objects.get(key="agent")
    other = next(other for other, _name in settings.LANGUAGES if other != code)
    with reversion.create_revision():
        Workplace.objects.filter(slug=Workplace.objects.first().slug).first().delete()
    # Findings of the checks for the form, the dashboard, their list and the dismissal page.
    Role.objects.filter(key="agent").update(
        summary_el="Απαντά μέσω email. Τι άλλο κάνει?", summary_da="En kunde etter en anden."
    )
    role_kind = ContentType.objects.get_for_model(Role).pk

    found = violations(page)
    for path in [
        *changelists(),
        reverse("admin:roles_role_history", args=[agent.pk]),
        # Restoring the seeded version: what it would change, then the form.
        reverse(
            "admin:roles_role_revision",
            args=[agent.pk, Version.objects.get_for_object(agent).last().pk],
        ),
        # Marking another language's texts reviewed: the list of what it would mark.
        reverse("admin:roles_role_review", args=[agent.pk, other]),
        reverse("translation-dashboard"),
        reverse("check-findings") + "?language=el",
        reverse("dismiss-warning", args=[role_kind, agent.pk, "summary", "el"])
        + "?check=latin-in-greek",
        reverse("admin:roles_term_change", args=[Term.objects.first().pk]),
        reverse("recent-changes"),
        reverse("translation-files-export"),
        reverse("translation-files-import"),
        # Recovering a deleted workplace: its last version, as a form.
        reverse(
            "admin:roles_workplace_recover",
            args=[Version.objects.get_deleted(Workplace).first().pk],
        ),
    ]:
        page.goto(path)
        found += violations(page)
    page.goto(reverse("admin:roles_role_change", args=[agent.pk]))
    page.click(f".ui-tabs-nav a[href='#tab_id_summary_{other}']")
    page.locator(f"#id_summary_{other}").wait_for()
    # Every tab follows, and jQuery UI's marks on the list items are tidied away.
    page.wait_for_function(
        "() => !document.querySelector('.ui-tabs-nav li[aria-selected], .ui-tabs-nav li[tabindex]')"
    )
    found += violations(page)

    assert found == [], json.dumps(found, indent=1)
    assert page.errors == []
