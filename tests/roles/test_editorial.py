"""The editorial workflow: review state, who may change what, no lost edits, history."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from roles.editorial import translation_status
from roles.models import Duty, Quality, Role
from tests.helpers import form_data, member, role_url

pytestmark = pytest.mark.django_db


def confirm_review(client, page):
    """Confirm "mark reviewed" on the page that lists the texts it marks."""
    data = form_data(page.content.decode(), "kb-review-form")
    return client.post(page.wsgi_request.get_full_path(), data)


def post_role(client, role, **changes):
    url = role_url(role)
    data = form_data(client.get(url).content.decode(), "role_form")
    for name, value in changes.items():
        data[name] = [value]
    return client.post(url, data)


def test_the_groups_exist_for_every_language(languages):
    names = set(Group.objects.values_list("name", flat=True))
    assert "Editors" in names
    assert {f"Translators ({c})" for c in languages} | {
        f"Reviewers ({c})" for c in languages
    } <= names


def test_changing_a_source_text_makes_its_translations_outdated(editor_client, seeded):
    agent = Role.objects.get(key="agent")
    assert translation_status.status_of(agent, "summary", "el") == "unreviewed"

    assert post_role(editor_client, agent, summary_nb="Ny kildetekst.").status_code == 302

    agent.refresh_from_db()
    assert translation_status.status_of(agent, "summary", "el") == "outdated"
    assert translation_status.status_of(agent, "summary", "da") == "outdated"
    assert translation_status.status_of(agent, "title", "el") == "unreviewed"  # per field
    # Updating the translation clears it.
    assert post_role(editor_client, agent, summary_el="Νέο κείμενο.").status_code == 302
    agent.refresh_from_db()
    assert translation_status.status_of(agent, "summary", "el") == "unreviewed"
    assert translation_status.status_of(agent, "summary", "da") == "outdated"


def test_a_greek_translator_edits_greek_and_nothing_else(greek_translator, seeded):
    agent = Role.objects.get(key="agent")

    assert post_role(greek_translator, agent, title_el="Νέος τίτλος").status_code == 302
    assert Role.objects.get(key="agent").title_el == "Νέος τίτλος"

    for crafted in ({"title_da": "Ny titel"}, {"published": ""}, {"isco08": "4225"}):
        response = post_role(greek_translator, agent, **crafted)
        assert response.status_code == 200, crafted
        errors = response.context["adminform"].form.non_field_errors().as_data()
        assert [error.code for error in errors] == ["locked"]
    agent = Role.objects.get(key="agent")
    assert (agent.title_da, agent.published, agent.isco08) == ("Kundeserviceagent", True, "4222")


def test_a_translator_may_not_change_another_languages_duty_inline(greek_translator, seeded):
    agent = Role.objects.get(key="agent")
    url = role_url(agent)
    data = form_data(greek_translator.get(url).content.decode(), "role_form")
    data["duties-0-text_da"] = ["Ændret af en uvedkommende."]

    response = greek_translator.post(url, data)

    assert response.status_code == 200
    duties = response.context["inline_admin_formsets"][0].formset
    assert [e.code for e in duties.forms[0].non_field_errors().as_data()] == ["locked"]
    assert not Duty.objects.filter(text_da="Ændret af en uvedkommende.").exists()


def test_a_translator_may_not_delete_add_or_publish(greek_translator, seeded):
    agent = Role.objects.get(key="agent")
    assert greek_translator.post(role_url(agent, "delete"), {"post": "yes"}).status_code == 403
    assert greek_translator.get(reverse("admin:roles_quality_add")).status_code == 403
    assert Role.objects.filter(key="agent").exists()


def test_a_reviewer_marks_the_greek_texts_reviewed(greek_reviewer, greek_translator, seeded):
    agent = Role.objects.get(key="agent")

    assert greek_translator.post(role_url(agent, "review", "el")).status_code == 403
    response = confirm_review(greek_reviewer, greek_reviewer.get(role_url(agent, "review", "el")))

    assert response.status_code == 302
    assert translation_status.status_of(agent, "title", "el") == "reviewed"
    assert translation_status.status_of(agent, "title", "da") == "unreviewed"
    assert greek_reviewer.post(role_url(agent, "review", "da")).status_code == 403


def test_the_mark_reviewed_action_works_on_a_list(editor_client, seeded):
    listed = editor_client.post(
        reverse("admin:roles_quality_changelist"),
        {"action": "mark_reviewed_da", "_selected_action": [q.pk for q in Quality.objects.all()]},
    )
    response = confirm_review(editor_client, listed)
    assert response.status_code == 302
    for quality in Quality.objects.all():
        assert translation_status.status_of(quality, "name", "da") == "reviewed"
    reviewed = editor_client.get(
        reverse("admin:roles_quality_changelist"), {"status_da": "reviewed"}
    )
    assert len(reviewed.context["cl"].result_list) == Quality.objects.count()


def test_the_second_of_two_concurrent_saves_is_refused_and_shows_the_first(
    editor_client, seeded, django_user_model
):
    bob = member(django_user_model, "bob", "Editors")
    agent = Role.objects.get(key="agent")
    url = role_url(agent)
    alice_form = form_data(editor_client.get(url).content.decode(), "role_form")
    bob_form = form_data(bob.get(url).content.decode(), "role_form")

    alice_form["summary_el"] = ["Η περίληψη της Αλίκης."]
    assert editor_client.post(url, alice_form).status_code == 302
    bob_form["summary_el"] = ["Η περίληψη του Μπομπ."]
    response = bob.post(url, bob_form)

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors().as_data()
    assert [error.code for error in errors] == ["stale"]
    assert "Η περίληψη της Αλίκης." in str(errors[0].message)
    assert Role.objects.get(key="agent").summary_el == "Η περίληψη της Αλίκης."


def test_a_restored_revision_brings_back_every_languages_text(editor_client, seeded):
    agent = Role.objects.get(key="agent")
    original = {c: getattr(agent, f"title_{c}") for c in ("nb", "el", "da")}
    post_role(editor_client, agent, title_nb="A", title_el="Β", title_da="C")
    history = editor_client.get(role_url(agent, "history"))
    seeded_version = history.context["changes"][-1]  # the oldest: the seed content
    restore = seeded_version["restore_url"]

    editor_client.post(restore, form_data(editor_client.get(restore).content.decode(), "role_form"))

    agent.refresh_from_db()
    assert {c: getattr(agent, f"title_{c}") for c in ("nb", "el", "da")} == original
    diff = history.context["changes"][0]["diff"]
    assert {row["name"] for row in diff} >= {"title_nb", "title_el", "title_da"}


def test_a_deleted_quality_can_be_recovered(editor_client, seeded):
    quality = Quality.objects.get(slug="listening")
    url = reverse("admin:roles_quality_change", args=[quality.pk])
    editor_client.post(url, form_data(editor_client.get(url).content.decode(), "quality_form"))
    editor_client.post(reverse("admin:roles_quality_delete", args=[quality.pk]), {"post": "yes"})
    assert not Quality.objects.filter(slug="listening").exists()

    from reversion.models import Version

    deleted = Version.objects.get_deleted(Quality).get(object_id=str(quality.pk))
    assert editor_client.get(reverse("admin:roles_quality_recoverlist")).status_code == 200
    recover = reverse("admin:roles_quality_recover", args=[deleted.pk])
    editor_client.post(
        recover, form_data(editor_client.get(recover).content.decode(), "quality_form")
    )

    recovered = Quality.objects.get(slug="listening")
    assert (recovered.name_el, recovered.name_da) == (quality.name_el, quality.name_da)


def test_the_dashboard_shows_each_languages_state_and_links_to_the_tab(editor_client, seeded):
    Role.objects.filter(key="agent").update(summary_da="")

    response = editor_client.get(reverse("translation-dashboard"))

    assert response.status_code == 200
    danish = next(r for r in response.context["reports"] if r["code"] == "da")
    assert danish["complete"] < 100
    agent = Role.objects.get(key="agent")
    assert [m["url"] for m in danish["missing"]] == [
        f"/admin/roles/role/{agent.pk}/change/#tab_id_summary_da"
    ]
    assert "<meter" in response.content.decode()


def test_recent_changes_lists_who_changed_what(editor_client, seeded):
    post_role(editor_client, Role.objects.get(key="agent"), title_el="Αλλαγή")
    content = editor_client.get(reverse("recent-changes")).content.decode()
    assert "alice" in content and "Kundeserviceagent" in content


def test_the_source_text_is_shown_beside_each_translation(editor_client, seeded):
    agent = Role.objects.get(key="agent")
    form = editor_client.get(role_url(agent)).context["adminform"].form
    assert agent.summary_nb in str(form.fields["summary_el"].help_text)


def test_restoring_a_version_touches_only_that_object(editor_client, seeded):
    agent = Role.objects.get(key="agent")
    original = agent.summary_el
    post_role(editor_client, agent, summary_el="Αλλαγμένη περίληψη.")
    quality = Quality.objects.get(slug="patience")
    url = reverse("admin:roles_quality_change", args=[quality.pk])
    data = form_data(editor_client.get(url).content.decode(), "quality_form")
    data["name_el"] = ["Υπομονή και ψυχραιμία"]
    assert editor_client.post(url, data).status_code == 302
    translation_status.mark_reviewed(Role.objects.get(key="agent"), "el")

    seed_version = editor_client.get(role_url(agent, "history")).context["changes"][-1]
    restore = seed_version["restore_url"]
    editor_client.post(restore, form_data(editor_client.get(restore).content.decode(), "role_form"))

    agent.refresh_from_db()
    assert agent.summary_el == original
    assert Quality.objects.get(slug="patience").name_el == "Υπομονή και ψυχραιμία"
    # The restored text was never reviewed as it is now.
    assert translation_status.status_of(agent, "summary", "el") == "unreviewed"


def test_a_translator_cannot_restore_or_recover(greek_translator, seeded):
    agent = Role.objects.get(key="agent")
    from reversion.models import Version

    version = Version.objects.get_for_object(agent).first()
    assert greek_translator.get(role_url(agent, "revision", version.pk)).status_code == 403


def test_a_seeded_object_deleted_without_edits_is_recovered_alone(editor_client, seeded):
    from reversion.models import Version

    post_role(editor_client, Role.objects.get(key="agent"), title_el="Νέος τίτλος")
    quality = Quality.objects.get(slug="patience")
    editor_client.post(reverse("admin:roles_quality_delete", args=[quality.pk]), {"post": "yes"})

    deleted = Version.objects.get_deleted(Quality).get(object_id=str(quality.pk))
    recover = reverse("admin:roles_quality_recover", args=[deleted.pk])
    editor_client.post(
        recover, form_data(editor_client.get(recover).content.decode(), "quality_form")
    )

    assert Quality.objects.filter(slug="patience").exists()
    assert Role.objects.get(key="agent").title_el == "Νέος τίτλος"


def test_a_reviewer_gets_only_their_languages_action(greek_reviewer, seeded):
    response = greek_reviewer.get(reverse("admin:roles_quality_changelist"))
    actions = [choice[0] for choice in response.context["action_form"].fields["action"].choices]
    assert "mark_reviewed_el" in actions and "mark_reviewed_da" not in actions


def test_an_inline_row_saved_elsewhere_is_not_overwritten(editor_client, seeded, django_user_model):
    bob = member(django_user_model, "bob", "Editors")
    agent = Role.objects.get(key="agent")
    alice_form = form_data(editor_client.get(role_url(agent)).content.decode(), "role_form")
    duty = agent.duties.get(order=1)
    duty_url = reverse("admin:roles_duty_change", args=[duty.pk])
    bob_form = form_data(bob.get(duty_url).content.decode(), "duty_form")
    bob_form["text_el"] = ["Το κείμενο του Μπομπ."]
    assert bob.post(duty_url, bob_form).status_code == 302

    alice_form["summary_da"] = ["Alices opsummering."]
    response = editor_client.post(role_url(agent), alice_form)

    assert response.status_code == 200
    assert Duty.objects.get(pk=duty.pk).text_el == "Το κείμενο του Μπομπ."
    assert Role.objects.get(key="agent").summary_da != "Alices opsummering."


def test_source_articles_refuse_concurrent_saves_too(editor_client, seeded, django_user_model):
    from roles.models import Source

    bob = member(django_user_model, "bob", "Editors")
    source = Source.objects.first()
    url = reverse("admin:roles_source_change", args=[source.pk])
    alice_form = form_data(editor_client.get(url).content.decode(), "source_form")
    bob_form = form_data(bob.get(url).content.decode(), "source_form")
    alice_form["title_el"] = ["Ο τίτλος της Αλίκης"]
    assert editor_client.post(url, alice_form).status_code == 302
    bob_form["title_da"] = ["Bobs titel"]

    assert bob.post(url, bob_form).status_code == 200
    assert Source.objects.get(pk=source.pk).title_el == "Ο τίτλος της Αλίκης"


def test_mark_reviewed_refuses_a_stale_page_or_unsaved_typing(
    greek_reviewer, editor_client, seeded
):
    agent = Role.objects.get(key="agent")
    opened = form_data(greek_reviewer.get(role_url(agent)).content.decode(), "role_form")
    post_role(editor_client, agent, title_el="Άλλος τίτλος")

    greek_reviewer.post(role_url(agent, "review", "el"), opened)
    assert translation_status.status_of(agent, "title", "el") == "unreviewed"

    fresh = form_data(greek_reviewer.get(role_url(agent)).content.decode(), "role_form")
    typed = {**fresh, "summary_el": ["Κάτι που δεν αποθηκεύτηκε."]}
    greek_reviewer.post(role_url(agent, "review", "el"), typed)
    assert translation_status.status_of(agent, "title", "el") == "unreviewed"

    confirm_review(greek_reviewer, greek_reviewer.post(role_url(agent, "review", "el"), fresh))
    agent.refresh_from_db()
    assert translation_status.status_of(agent, "title", "el") == "reviewed"
    assert translation_status.status_of(agent.duties.first(), "text", "el") == "reviewed"


def test_the_dashboard_links_a_role_quality_note_to_its_role(editor_client, seeded):
    from roles.models import RoleQuality

    note = RoleQuality.objects.filter(role__key="manager").first()
    RoleQuality.objects.filter(pk=note.pk).update(note_el="")

    response = editor_client.get(reverse("translation-dashboard"))

    greek = next(r for r in response.context["reports"] if r["code"] == "el")
    assert [m["url"] for m in greek["missing"]] == [
        reverse("admin:roles_role_change", args=[note.role_id]) + "#role_qualities-group"
    ]


def test_marking_reviewed_an_unknown_object_is_a_404(editor_client, seeded):
    assert editor_client.post("/admin/roles/role/abc/review/el/").status_code == 404
    assert editor_client.post("/admin/roles/role/99999/review/el/").status_code == 404


def test_editors_hold_every_permission_of_the_content_and_of_what_derives_from_it():
    editors = set(
        Group.objects.get(name="Editors").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    for label, model in [
        ("search", "searchentry"),
        ("search", "searchword"),
        ("pagecache", "contentversion"),
    ]:
        assert {
            (label, f"{action}_{model}") for action in ("add", "change", "delete", "view")
        } <= editors
    assert ("roles", "change_role") in editors and ("roles", "publish") in editors
