"""History and restore: what a restore will change, shown before it is confirmed; restores that
bring back a revision's order exactly; history in the reader's language; no empty entries."""

import json
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from reversion.models import Revision, Version

from roles.editorial import diffs
from roles.editorial.diffs import field_label
from roles.models import Duty, Role, RoleQuality, RoleScenario, RoleVersion, Source
from roles.models.content import PARKING, Origin
from roles.seeds.loading import load_seeds
from tests.helpers import form_data

pytestmark = pytest.mark.django_db

ORDERED = {"duties": Duty, "role_qualities": RoleQuality, "role_scenarios": RoleScenario}


def role_url(role, view="change", *args):
    return reverse(f"admin:roles_role_{view}", args=[role.pk, *args])


def orders(role) -> dict[str, dict[int, int]]:
    return {
        prefix: dict(model.objects.filter(role=role).values_list("pk", "order"))
        for prefix, model in ORDERED.items()
    }


def reversed_places(client, role):
    """Save the role's change form with every duty, quality and scenario in reverse order."""
    url = role_url(role)
    data = form_data(client.get(url).content.decode(), "role_form")
    for prefix in ORDERED:
        count = int(data[f"{prefix}-TOTAL_FORMS"][0])
        places = [data[f"{prefix}-{i}-order"][0] for i in range(count)]
        for i, place in enumerate(reversed(places)):
            data[f"{prefix}-{i}-order"] = [place]
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    return response


def restore(client, role, version):
    url = role_url(role, "revision", version.pk)
    page = client.get(url)
    response = client.post(url, form_data(page.content.decode(), "role_form"))
    assert response.status_code == 302
    return page


def oldest(role) -> Version:
    return Version.objects.get_for_object(role).last()


@pytest.fixture
def agent(seeded):
    return Role.objects.get(key="agent")


def test_restoring_the_seed_version_after_a_reorder_brings_back_the_seeded_places(
    editor_client, agent
):
    seeded_places = orders(agent)
    reversed_places(editor_client, agent)
    assert orders(agent) != seeded_places

    restore(editor_client, agent, oldest(agent))

    assert orders(agent) == seeded_places


def test_no_parked_place_is_left_in_the_database_or_stored_in_a_revision(editor_client, agent):
    reversed_places(editor_client, agent)
    restore(editor_client, agent, oldest(agent))

    for model in ORDERED.values():
        assert not model.objects.filter(order__gte=PARKING).exists()
    for version in Version.objects.filter(revision__in=Revision.objects.all()):
        assert (version.field_dict.get("order") or 0) < PARKING, version.object_repr


def as_an_earlier_seed_load_stored_it(revision):
    """The loader used to store the parking places it saved new rows at (PARKING + n)."""
    for version in revision.version_set.all():
        data = json.loads(version.serialized_data)
        if "order" in data[0]["fields"]:
            data[0]["fields"]["order"] += PARKING + 20
            Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(data))


def test_a_revision_holding_parking_places_is_restored_to_the_places_they_kept(
    editor_client, agent
):
    seeded_places = orders(agent)
    as_an_earlier_seed_load_stored_it(oldest(agent).revision)
    reversed_places(editor_client, agent)

    history = editor_client.get(role_url(agent, "history")).content.decode()
    restore(editor_client, agent, oldest(agent))

    assert "10000000" not in history
    assert orders(agent) == seeded_places


def test_a_fresh_seed_load_stores_the_places_it_gives(db):
    load_seeds()

    for version in Version.objects.all():
        assert (version.field_dict.get("order") or 0) < PARKING, version.object_repr


def test_after_a_restore_the_seed_loader_keeps_nothing_nobody_changed(editor_client, agent):
    reversed_places(editor_client, agent)
    restore(editor_client, agent, oldest(agent))

    report = load_seeds()

    assert [line for line in report.kept if "order" in line] == []


def test_restoring_a_version_from_before_a_reorder_restores_the_order(editor_client, agent):
    reversed_places(editor_client, agent)  # the agent's places are now reversed
    before_reorder = Version.objects.get_for_object(agent).first()
    reversed_once = orders(agent)
    reversed_places(editor_client, agent)  # back to the seeded places
    assert orders(agent) != reversed_once

    restore(editor_client, agent, before_reorder)

    assert orders(agent) == reversed_once
    entry = LogEntry.objects.filter(object_id=str(agent.pk)).first()
    assert "No fields changed" not in entry.get_change_message()
    assert str(field_label(Duty, "order")) in entry.get_change_message()  # in the saver's nb


def test_a_restore_says_it_restored_and_its_history_entry_says_what_changed(editor_client, agent):
    reversed_places(editor_client, agent)
    url = role_url(agent, "revision", oldest(agent).pk)
    data = form_data(editor_client.get(url).content.decode(), "role_form")

    response = editor_client.post(url, data, follow=True)

    said = [str(m) for m in response.context["messages"]]
    assert len(said) == 1 and str(agent) in said[0], said
    history = editor_client.get(role_url(agent, "history"), HTTP_ACCEPT_LANGUAGE="da")
    with translation.override("da"):
        comment = history.context["changes"][0]["comment"]
        assert "Rækkefølge" in comment and "8 " in comment, comment


def test_the_restore_page_shows_what_it_will_change_before_anything_is_saved(editor_client, agent):
    title = agent.title_el
    data = form_data(editor_client.get(role_url(agent)).content.decode(), "role_form")
    data["title_el"] = ["Νέος τίτλος"]
    editor_client.post(role_url(agent), data)
    reversed_places(editor_client, agent)

    page = editor_client.get(
        role_url(agent, "revision", oldest(agent).pk), HTTP_ACCEPT_LANGUAGE="da"
    )

    assert page.status_code == 200
    diff = page.context["restore_diff"]
    with translation.override("da"):
        fields = {str(row["field"]) for row in diff}
        title_row = next(row for row in diff if str(row["field"]) == "Titel (græsk)")
        assert (title_row["old"], title_row["new"]) == ("Νέος τίτλος", title)
        assert "Rækkefølge" in fields
    duty_places = [row for row in diff if row.get("model") is Duty and row["name"] == "order"]
    assert len(duty_places) == Duty.objects.filter(role=agent).count()
    content = page.content.decode()
    assert "Titel (græsk)" in content and "Νέος τίτλος" in content
    # Only shown: nothing was restored.
    assert Role.objects.get(pk=agent.pk).title_el == "Νέος τίτλος"


def test_the_restore_page_says_when_restoring_changes_nothing(editor_client, agent):
    latest = Version.objects.get_for_object(agent).first()
    page = editor_client.get(role_url(agent, "revision", latest.pk))
    assert page.context["restore_diff"] == []


def test_publishing_an_unchanged_role_says_one_thing_and_adds_no_history(editor_client, agent):
    assert RoleVersion.objects.of("agent").exists()
    revisions, entries = Revision.objects.count(), LogEntry.objects.count()
    data = form_data(editor_client.get(role_url(agent)).content.decode(), "role_form")
    data["_publish"] = ["1"]

    response = editor_client.post(role_url(agent), data, follow=True)

    said = [str(m) for m in response.context["messages"]]
    assert len(said) == 1, said
    assert "no new version" in said[0] or "ingen ny versjon" in said[0]
    assert (Revision.objects.count(), LogEntry.objects.count()) == (revisions, entries)


def test_a_save_that_changes_nothing_adds_no_history(editor_client, agent):
    revisions = Revision.objects.count()
    data = form_data(editor_client.get(role_url(agent)).content.decode(), "role_form")
    response = editor_client.post(role_url(agent), data, follow=True)
    assert Revision.objects.count() == revisions
    said = [str(m) for m in response.context["messages"]]
    with translation.override("nb"):
        nothing = gettext("Nothing was changed, so “%(object)s” was not saved again.")
    assert said == [nothing % {"object": agent}]


def test_publishing_a_changed_role_saves_and_publishes(editor_client, agent):
    data = form_data(editor_client.get(role_url(agent)).content.decode(), "role_form")
    data["summary_da"] = ["En ny dansk opsummering."]
    data["_publish"] = ["1"]
    number = RoleVersion.objects.of("agent").count()

    response = editor_client.post(role_url(agent), data, follow=True)

    assert RoleVersion.objects.of("agent").count() == number + 1
    assert len(list(response.context["messages"])) == 2
    history = editor_client.get(role_url(agent, "history")).content.decode()
    assert f"{number + 1}" in history


@pytest.mark.parametrize(
    ("language", "field", "name"),
    [
        ("nb", "Brødtekst", "norsk bokmål"),
        ("el", "Κυρίως κείμενο", "νορβηγικά μποκμάλ"),
        ("da", "Brødtekst", "norsk bokmål"),
        ("en", "Body", "Norwegian Bokmål"),
    ],
)
def test_fields_are_named_by_their_labels_in_the_readers_language(language, field, name):
    label = field_label(Role, "body_nb")  # made once, read in each language
    with translation.override(language):
        assert str(label).startswith(field)
        assert name in str(label)
        assert "[nb]" not in str(label)
    with translation.override("en"):
        assert str(label) == "Body (Norwegian Bokmål)"


def test_history_names_fields_and_origins_in_the_readers_language(editor_client, agent):
    data = form_data(editor_client.get(role_url(agent)).content.decode(), "role_form")
    data["body_nb"] = ["Ny brødtekst."]
    data["origin_el"] = ["reviewed"]
    editor_client.post(role_url(agent), data)

    page = editor_client.get(role_url(agent, "history"), HTTP_ACCEPT_LANGUAGE="el")

    latest = page.context["changes"][0]
    with translation.override("el"):
        rows = {str(row["field"]): row for row in latest["diff"]}
        body = str(field_label(Role, "body_nb"))
        assert body.startswith("Κυρίως κείμενο") and body in rows
        origin = rows[str(field_label(Role, "origin_el"))]
        assert (str(origin["old"]), str(origin["new"])) == (
            "Μεταφρασμένο από την ομάδα, δεν έχει ελεγχθεί ακόμη",
            "Ελεγμένο",
        )
        content = page.content.decode()
        assert body in content and "Ελεγμένο" in content
        assert str(latest["comment"]).startswith("Άλλαξ") or body in str(latest["comment"])
    assert "[nb]" not in content and ">team<" not in content
    entry = LogEntry.objects.filter(object_id=str(agent.pk)).first()
    assert "[nb]" not in entry.get_change_message()


def test_the_history_is_paginated(editor_client, agent):
    for number in range(30):
        data = form_data(editor_client.get(role_url(agent)).content.decode(), "role_form")
        data["summary_da"] = [f"Opsummering nummer {number}."]
        editor_client.post(role_url(agent), data)

    first = editor_client.get(role_url(agent, "history"))
    second = editor_client.get(role_url(agent, "history") + "?page=2")

    assert len(first.context["changes"]) == 20
    assert "Opsummering nummer 29." in first.content.decode()
    assert len(second.context["changes"]) == 11  # 10 more saves and the seed content
    assert "Opsummering nummer 9." in second.content.decode()
    # Each entry is compared with the one before it, across the page break too.
    last_on_first = first.context["changes"][-1]["diff"]
    assert [str(row["old"]) for row in last_on_first if "Danish" in str(row["field"])] or [
        row for row in last_on_first
    ]
    assert editor_client.get(role_url(agent, "history") + "?page=x").status_code == 200
    assert editor_client.get(role_url(agent, "history") + "?page=999").status_code == 200


def test_the_history_lists_only_this_roles_rows(editor_client, agent):
    page = editor_client.get(role_url(agent, "history"))
    seed = page.context["changes"][-1]
    other_duties = set(Duty.objects.exclude(role=agent).values_list("text_nb", flat=True))
    assert not any(str(row["field"]).split(" – ")[0] in other_duties for row in seed["diff"])


def test_recent_changes_name_the_role_not_its_rows(editor_client, agent):
    reversed_places(editor_client, agent)

    page = editor_client.get(reverse("recent-changes"))

    latest = page.context["changes"][0]
    assert [str(item["name"]) for item in latest["objects"]] == [str(agent)]
    assert latest["more"] <= 0
    content = page.content.decode()
    what = re.search(r"<tbody>.*?<td>.*?<td>.*?<td>(.*?)</td>", content, re.S).group(1)
    assert str(agent) in what
    assert Duty.objects.filter(role=agent).first().text_nb[:30] not in what


def test_recent_changes_build_no_object_from_its_versions(editor_client, agent, monkeypatch):
    reversed_places(editor_client, agent)
    built = []
    monkeypatch.setattr(Version, "field_dict", property(lambda version: built.append(version)))

    page = editor_client.get(reverse("recent-changes"))

    assert page.status_code == 200
    assert [str(item["name"]) for item in page.context["changes"][0]["objects"]] == [str(agent)]
    assert built == []


def test_a_restore_of_an_unknown_version_is_a_404_not_a_500(editor_client, agent):
    assert editor_client.get(role_url(agent, "revision", 999999)).status_code == 404
    bad = reverse("admin:roles_role_revision", args=["abc", 1])
    assert editor_client.get(bad).status_code in (302, 404)
    # A duty's version whose object id is also a role's: not this role's version.
    duty = Version.objects.get_for_model(Duty).filter(object_id=str(agent.pk)).first()
    before = orders(agent)
    assert editor_client.get(role_url(agent, "revision", duty.pk)).status_code == 404
    assert editor_client.post(role_url(agent, "revision", duty.pk), {}).status_code == 404
    assert orders(agent) == before


def test_the_history_shows_a_roles_key_as_it_is_and_not_its_id(editor_client, seeded):
    agent = Role.objects.get(key="agent")

    changes = diffs.field_changes(Role, {}, {"id": agent.pk, "key": "agent", "origin_nb": "team"})

    assert [(str(change["field"]), change["new"]) for change in changes] == [
        (str(diffs.field_label(Role, "key")), "agent"),
        (str(diffs.field_label(Role, "origin_nb")), str(Origin.TEAM.label)),
    ]


# A save made while the restore page is open is never overwritten.


def someone_else_edits_the_greek_title(client, role, title="Τίτλος κάποιου άλλου"):
    data = form_data(client.get(role_url(role)).content.decode(), "role_form")
    data["title_el"] = [title]
    assert client.post(role_url(role), data).status_code == 302


def test_a_restore_confirmed_after_someone_else_saved_restores_nothing_and_shows_it_anew(
    editor_client, agent
):
    seeded_places = orders(agent)
    reversed_places(editor_client, agent)
    url = role_url(agent, "revision", oldest(agent).pk)
    page = editor_client.get(url)
    places = orders(agent)
    someone_else_edits_the_greek_title(editor_client, agent)

    response = editor_client.post(url, form_data(page.content.decode(), "role_form"))

    assert response.status_code == 409
    assert Role.objects.get(pk=agent.pk).title_el == "Τίτλος κάποιου άλλου"
    assert orders(agent) == places
    assert response.context["restore_saved_since"]
    title = next(row for row in response.context["restore_diff"] if row["name"] == "title_el")
    assert title["old"] == "Τίτλος κάποιου άλλου"
    assert 'class="errornote"' in response.content.decode()
    # The page shown now can be confirmed.
    again = editor_client.post(url, form_data(response.content.decode(), "role_form"))
    assert again.status_code == 302
    assert orders(agent) == seeded_places


def test_a_restore_is_refused_when_a_duty_or_a_link_was_saved_since_the_page_was_shown(
    editor_client, agent
):
    url = role_url(agent, "revision", oldest(agent).pk)
    duty = Duty.objects.filter(role=agent).first()

    page = editor_client.get(url)
    Duty.objects.filter(pk=duty.pk).update(text_da="Ændret af en anden.")
    assert editor_client.post(url, form_data(page.content.decode(), "role_form")).status_code == 409
    assert Duty.objects.get(pk=duty.pk).text_da == "Ændret af en anden."

    page = editor_client.get(url)
    agent.workplaces.clear()
    assert editor_client.post(url, form_data(page.content.decode(), "role_form")).status_code == 409
    assert not agent.workplaces.exists()

    page = editor_client.get(url)
    data = form_data(page.content.decode(), "role_form")
    del data["restore_token"]
    assert editor_client.post(url, data).status_code == 409


def test_a_recover_confirmed_after_the_object_was_recovered_and_edited_keeps_that_edit(
    editor_client, seeded
):
    from roles.models import Quality

    quality = Quality.objects.get(slug="listening")
    editor_client.post(reverse("admin:roles_quality_delete", args=[quality.pk]), {"post": "yes"})
    deleted = Version.objects.get_deleted(Quality).get(object_id=str(quality.pk))
    recover = reverse("admin:roles_quality_recover", args=[deleted.pk])
    first, second = (editor_client.get(recover).content.decode() for _ in range(2))
    assert editor_client.post(recover, form_data(first, "quality_form")).status_code == 302
    Quality.objects.filter(slug="listening").update(name_da="Lytning, rettet")

    response = editor_client.post(recover, form_data(second, "quality_form"))

    assert response.status_code == 409
    assert Quality.objects.get(slug="listening").name_da == "Lytning, rettet"


# Rows a restore cannot bring back are named, before and after.


def test_a_row_whose_key_another_row_now_holds_is_named_before_and_after_the_restore(
    editor_client, agent
):
    duty = Duty.objects.filter(role=agent).order_by("order").first()
    old_key = duty.key
    Duty.objects.filter(pk=duty.pk).update(key="renamed", text_da="Omdøbt.")
    newer = Duty.objects.create(role=agent, key=old_key, order=99, text_nb="En ny plikt.")
    url = role_url(agent, "revision", oldest(agent).pk)

    page = editor_client.get(url)

    with translation.override("nb"):
        key = str(Duty._meta.get_field("key").verbose_name)
    shown = page.context["restoring"]["skipped"]
    assert len(shown) == 1, shown
    assert duty.text_nb[:30] in shown[0] and "En ny plikt." in shown[0] and key in shown[0]
    assert "En ny plikt." in page.content.decode()

    response = editor_client.post(url, form_data(page.content.decode(), "role_form"), follow=True)

    assert Duty.objects.get(pk=duty.pk).key == "renamed"
    assert Duty.objects.get(pk=newer.pk).key == old_key
    said = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert [tag for tag, _text in said] == ["success", "warning"], said
    assert duty.text_nb[:30] in said[1][1] and "En ny plikt." in said[1][1]
    history = editor_client.get(role_url(agent, "history"), HTTP_ACCEPT_LANGUAGE="da")
    with translation.override("da"):
        comment = str(history.context["changes"][0]["comment"])
        expected = diffs.skipped_text(
            {
                "model": "roles.duty",
                "object": diffs.row_name(duty.text_nb),
                "fields": ["key"],
                "other": "En ny plikt.",
            },
            done=True,
        )
    assert expected in comment, comment


def test_rows_that_traded_keys_since_the_revision_are_both_restored(editor_client, agent):
    first, second = Duty.objects.filter(role=agent).order_by("pk")[:2]
    Duty.objects.filter(pk=first.pk).update(key="parked-key")
    Duty.objects.filter(pk=second.pk).update(key=first.key)
    url = role_url(agent, "revision", oldest(agent).pk)

    page = editor_client.get(url)
    assert page.context["restoring"]["skipped"] == []
    editor_client.post(url, form_data(page.content.decode(), "role_form"))

    assert Duty.objects.get(pk=first.pk).key == first.key
    assert Duty.objects.get(pk=second.pk).key == second.key


# Parking places of an earlier seed load go after the rows' own places.


def test_rows_parked_by_an_earlier_seed_load_are_placed_after_the_others():
    rows = [{"order": 1}, {"order": PARKING + 7}, {"order": 4}, {"order": PARKING + 3}]

    assert [row["order"] for row in diffs.with_places(rows)] == [1, 6, 4, 5]
    assert [row["order"] for row in diffs.with_places(rows[1::2])] == [2, 1]


def test_a_revision_that_parked_some_duties_restores_them_after_the_others(editor_client, agent):
    seeded_places = orders(agent)["duties"]
    by_place = sorted(seeded_places, key=seeded_places.get)
    parked = [by_place[1], by_place[4]]
    revision = oldest(agent).revision
    for version in revision.version_set.filter(object_id__in=[str(pk) for pk in parked]):
        if version.content_type.model_class() is Duty:
            data = json.loads(version.serialized_data)
            data[0]["fields"]["order"] += PARKING + 20
            Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(data))
    reversed_places(editor_client, agent)

    restore(editor_client, agent, oldest(agent))

    restored = orders(agent)["duties"]
    last = max(seeded_places[pk] for pk in seeded_places if pk not in parked)
    assert [restored[pk] for pk in parked] == [last + 1, last + 2]
    assert all(restored[pk] == seeded_places[pk] for pk in seeded_places if pk not in parked)


# Only the methods the pages answer.


def test_the_restore_recover_and_history_pages_refuse_other_methods(editor_client, agent):
    before = orders(agent)
    reversed_places(editor_client, agent)
    now = orders(agent)
    revision = role_url(agent, "revision", oldest(agent).pk)

    for method in ("put", "patch", "delete"):
        assert getattr(editor_client, method)(revision).status_code == 405
    assert orders(agent) == now != before
    assert editor_client.head(revision).status_code == 200
    recover = reverse("admin:roles_quality_recover", args=[oldest(agent).pk])
    assert editor_client.put(recover).status_code == 405
    assert editor_client.post(role_url(agent, "history")).status_code == 405
    assert editor_client.get(role_url(agent, "history")).status_code == 200


def test_a_long_entry_shows_its_first_changes_and_folds_the_rest(editor_client, seeded):
    """The seed load's entry lists every field of the role and its rows: twelve are shown, the
    rest are a click away, and a long text shows its beginning until it is opened."""
    agent = Role.objects.get(key="agent")

    page = editor_client.get(role_url(agent, "history")).content.decode()

    seeded_entry = page[page.rindex("<caption>") :]
    shown, folded = seeded_entry.split('<details class="kb-history-more">', 1)
    assert shown.count('<th scope="row">') == 12
    assert folded.count('<th scope="row">') > 12
    assert '<details class="kb-long-value"><summary>' in seeded_entry
    assert agent.body_nb.split("\n")[0][:60] in seeded_entry


def test_a_row_naming_a_deleted_quality_is_named_and_left_out_of_the_restore(editor_client, agent):
    link = agent.role_qualities.order_by("order").first()
    quality = link.quality
    quality.delete()  # its notes on the roles go with it
    url = role_url(agent, "revision", oldest(agent).pk)

    page = editor_client.get(url)

    assert page.status_code == 200
    skipped = page.context["restoring"]["skipped"]
    assert len(skipped) == 1 and str(RoleQuality._meta.verbose_name).lower() in skipped[0].lower()
    response = editor_client.post(url, form_data(page.content.decode(), "role_form"), follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["success", "warning"]
    assert not RoleQuality.objects.filter(pk=link.pk).exists()
    connection.check_constraints()


def test_a_restore_leaves_out_the_links_to_articles_deleted_since(editor_client, agent):
    article = agent.sources.first()
    duty = agent.duties.filter(sources__isnull=False).first()
    deleted = [article.pk, *duty.sources.values_list("pk", flat=True)]
    Role.objects.filter(pk=agent.pk).update(summary_da="Ændret.")
    Source.objects.filter(pk__in=deleted).delete()
    url = role_url(agent, "revision", oldest(agent).pk)

    page = editor_client.get(url)
    response = editor_client.post(url, form_data(page.content.decode(), "role_form"))

    assert response.status_code == 302
    connection.check_constraints()  # no link to a deleted article, from the role or a duty
    agent.refresh_from_db()
    assert agent.summary_da != "Ændret."
    assert not agent.sources.filter(pk__in=deleted).exists()
