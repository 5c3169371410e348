"""The review queue: the dashboard lists what waits for review, and "mark reviewed" lists exactly
the texts it will mark, then marks those and no other. Also: the status rows' stable order."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from roles.completeness import text_fields
from roles.editorial import translation_status
from roles.editorial.translation_status import TRANSLATED_MODELS
from roles.models import Quality, Role, TextStatus
from tests.helpers import form_data, member, role_url

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def greek_translator_and_reviewer(django_user_model):
    return member(django_user_model, "maria", "Translators (el)", "Reviewers (el)")


def listed(response) -> list[str]:
    """The texts a confirmation page lists, as "model:pk:field"."""
    return [item["value"].split("=")[0] for item in response.context["items"]]


def key(obj, field) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}:{field}"


def confirm(client, page):
    """Press the confirmation page's button."""
    data = form_data(page.content.decode(), "kb-review-form")
    return client.post(page.wsgi_request.get_full_path(), data)


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_greek_button_lists_exactly_what_it_marks_then_marks_only_that(greek_reviewer, seeded):
    agent = Role.objects.get(key="agent")
    translation_status.mark_reviewed(agent, "el", fields=["title"])
    reviewed_before = TextStatus.objects.get(
        content_type__model="role", object_id=agent.pk, field="title", language="el"
    )
    Role.objects.filter(pk=agent.pk).update(career_el="")
    agent.refresh_from_db()
    opened = form_data(greek_reviewer.get(role_url(agent)).content.decode(), "role_form")

    page = greek_reviewer.post(role_url(agent, "review", "el"), opened)

    # The role's own texts (not the reviewed title, not the missing career), then the texts
    # edited on its form: its duties and its quality notes, in their order.
    assert page.status_code == 200
    expected = [
        key(agent, "summary"),
        key(agent, "body"),
        *(key(duty, "text") for duty in agent.duties.order_by("order")),
        *(key(note, "note") for note in agent.role_qualities.order_by("order")),
    ]
    assert listed(page) == expected
    assert {item["state"] for item in page.context["items"]} == {"unreviewed"}
    assert translation_status.status_of(agent, "summary", "el") == "unreviewed"  # not yet

    done = confirm(greek_reviewer, page)

    assert done.status_code == 302
    assert done["Location"] == role_url(agent)
    assert any(f"{len(expected)} " in text for text in message_texts(done))
    assert translation_status.status_of(agent, "summary", "el") == "reviewed"
    assert all(
        translation_status.status_of(duty, "text", "el") == "reviewed"
        for duty in agent.duties.all()
    )
    assert translation_status.status_of(agent, "career", "el") == "missing"
    assert translation_status.status_of(agent, "summary", "da") == "unreviewed"
    title = TextStatus.objects.get(pk=reviewed_before.pk)
    assert (title.changed_at, title.changed_by) == (reviewed_before.changed_at, None)
    assert TextStatus.objects.filter(language="el", state="reviewed").count() == 1 + len(expected)


@pytest.mark.parametrize(
    "change",
    [
        {"text_el": "Ένα καθήκον που άλλαξε στο μεταξύ."},  # the translation
        {"text_nb": "En oppgave som ble endret i mellomtiden."},  # its source: now outdated
    ],
    ids=["translation", "source"],
)
def test_a_text_changed_after_the_list_was_shown_is_not_marked(greek_reviewer, seeded, change):
    agent = Role.objects.get(key="agent")
    page = greek_reviewer.get(role_url(agent, "review", "el"))
    duty = agent.duties.order_by("order").first()
    for name, value in change.items():
        setattr(duty, name, value)
    duty.save()

    again = confirm(greek_reviewer, page)

    assert again.status_code == 409
    assert TextStatus.objects.filter(language="el", state="reviewed").count() == 0
    # It lists the texts as they are now, to read again.
    item = next(i for i in again.context["items"] if i["value"].startswith(key(duty, "text")))
    assert item["excerpt"] == duty.text_el
    assert confirm(greek_reviewer, again).status_code == 302
    assert translation_status.status_of(duty, "text", "el") == "reviewed"


def test_unsaved_typing_is_refused_and_shown_back(greek_translator_and_reviewer, seeded):
    agent = Role.objects.get(key="agent")
    form = form_data(
        greek_translator_and_reviewer.get(role_url(agent)).content.decode(), "role_form"
    )
    form["summary_el"] = ["Μια περίληψη που δεν αποθηκεύτηκε."]
    form["duties-0-text_el"] = ["Ένα καθήκον που δεν αποθηκεύτηκε."]

    response = greek_translator_and_reviewer.post(role_url(agent, "review", "el"), form)

    assert response.status_code == 409
    content = response.content.decode()
    assert "Μια περίληψη που δεν αποθηκεύτηκε." in content
    assert "Ένα καθήκον που δεν αποθηκεύτηκε." in content
    assert "kb-review-form" not in content  # nothing to confirm
    assert TextStatus.objects.filter(language="el", state="reviewed").count() == 0
    agent.refresh_from_db()
    assert agent.summary_el != "Μια περίληψη που δεν αποθηκεύτηκε."


def test_a_form_whose_duty_was_saved_since_is_refused(greek_reviewer, editor_client, seeded):
    agent = Role.objects.get(key="agent")
    opened = form_data(greek_reviewer.get(role_url(agent)).content.decode(), "role_form")
    theirs = form_data(editor_client.get(role_url(agent)).content.decode(), "role_form")
    theirs["duties-0-text_el"] = ["Άλλο κείμενο καθήκοντος."]
    assert editor_client.post(role_url(agent), theirs).status_code == 302

    response = greek_reviewer.post(role_url(agent, "review", "el"), opened)

    assert response.status_code == 409
    assert response.context["stale"]
    assert TextStatus.objects.filter(language="el", state="reviewed").count() == 0


def test_the_list_action_lists_the_selected_objects_texts_then_marks_them(editor_client, seeded):
    chosen = list(Quality.objects.order_by("slug")[:2])
    translation_status.mark_reviewed(chosen[0], "da", fields=["name"])
    url = reverse("admin:roles_quality_changelist")

    page = editor_client.post(
        url, {"action": "mark_reviewed_da", "_selected_action": [q.pk for q in chosen]}
    )

    assert page.status_code == 200
    expected = [
        key(quality, field)
        for quality in chosen
        for field in ("name", "description")
        if translation_status.status_of(quality, field, "da") in ("unreviewed", "outdated")
    ]
    assert listed(page) == expected
    done = confirm(editor_client, page)
    assert done.status_code == 302
    assert any(f"{len(expected)} " in text for text in message_texts(done))
    assert TextStatus.objects.filter(language="da", state="reviewed").count() == 1 + len(expected)
    other = Quality.objects.order_by("slug")[2]
    assert translation_status.status_of(other, "name", "da") == "unreviewed"


def test_only_a_reviewer_of_that_language_may_and_bad_requests_get_clear_answers(
    greek_reviewer, django_user_model, seeded
):
    agent = Role.objects.get(key="agent")
    translator = member(django_user_model, "eleni", "Translators (el)")

    assert greek_reviewer.get(role_url(agent, "review", "el")).status_code == 200
    assert greek_reviewer.get(role_url(agent, "review", "da")).status_code == 403
    assert translator.get(role_url(agent, "review", "el")).status_code == 403
    assert greek_reviewer.get(role_url(agent, "review", "xx")).status_code == 404
    assert greek_reviewer.get("/admin/roles/role/99999/review/el/").status_code == 404
    assert greek_reviewer.put(role_url(agent, "review", "el")).status_code == 405
    # A confirmation that names no text marks nothing.
    response = greek_reviewer.post(role_url(agent, "review", "el"), {"confirm": "1"})
    assert response.status_code == 409
    assert response.context["changed"]
    forged = {"confirm": "1", "text": [f"{key(agent, 'summary')}=0000"]}
    assert greek_reviewer.post(role_url(agent, "review", "el"), forged).status_code == 409
    assert TextStatus.objects.filter(state="reviewed").count() == 0


def test_the_dashboard_lists_each_languages_unreviewed_texts_with_links(editor_client, seeded):
    agent = Role.objects.get(key="agent")
    translation_status.mark_reviewed(agent, "el", fields=["title"])

    response = editor_client.get(reverse("translation-dashboard"))

    greek = next(r for r in response.context["reports"] if r["code"] == "el")
    agents = [item for item in greek["unreviewed"] if item["object"] == agent]
    assert [item["url"] for item in agents] == [
        role_url(agent) + f"#tab_id_{field}_el" for field in ("summary", "body", "career")
    ]
    counted = next(bar["count"] for bar in greek["bars"] if bar["state"] == "unreviewed")
    assert len(greek["unreviewed"]) == counted
    assert response.context["reports"][0]["may_review"]


def test_text_fields_follow_the_models_field_order(editor_client, seeded):
    for model in TRANSLATED_MODELS:
        declared = [f.name for f in model._meta.fields]
        fields = text_fields(model)
        assert fields == sorted(fields, key=declared.index), model
    agent = Role.objects.get(key="agent")
    response = editor_client.get(role_url(agent))
    rows = [row["field"] for row in response.context["translation_status"]]
    assert rows == ["title", "summary", "body", "career"]
    assert [cell["language"] for cell in response.context["translation_status"][0]["cells"]] == [
        "nb",
        "el",
        "da",
    ]


def test_the_status_order_is_the_same_in_every_process():
    script = (
        "import django, json; django.setup();"
        "from roles.completeness import text_fields;"
        "from roles.editorial.translation_status import TRANSLATED_MODELS as M;"
        "print(json.dumps([text_fields(m) for m in M]))"
    )
    orders = set()
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "DJANGO_SETTINGS_MODULE": "kb.settings"}
        env.setdefault("SECRET_KEY", "x")
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        orders.add(result.stdout.strip().splitlines()[-1])
    assert len(orders) == 1
    assert json.loads(orders.pop()) == [text_fields(model) for model in TRANSLATED_MODELS]
