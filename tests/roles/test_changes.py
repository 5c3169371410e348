"""Derived data (the search index, the page cache) follows the content through one signal, sent once
per transaction when it commits, with what changed."""

from collections import Counter
from unittest import mock

import pytest
from django.db import models, transaction
from django.test.utils import isolate_apps
from django.urls import reverse

from kb.pagecache import store
from kb.search import index
from roles.changes import Tracked, check_bulk_writes, content_changed
from roles.editorial import translation_status
from roles.models import Duty, Quality, Role
from tests.helpers import form_data


@pytest.fixture
def sent():
    """Every `changes` content_changed sends while the test runs."""
    received = []

    def receive(sender, *, changes, **kwargs):
        received.append(changes)

    content_changed.connect(receive, dispatch_uid="test-changes")
    yield received
    content_changed.disconnect(dispatch_uid="test-changes")


def test_one_transaction_sends_one_signal_with_every_row_it_changed(seeded, sent):
    agent = Role.objects.get(key="agent")
    first, second = agent.duties.all()[:2]
    deleted = second.pk
    with transaction.atomic():
        agent.title_el = "Εκπρόσωπος εξυπηρέτησης πελατών"
        agent.save()
        first.text_da = "Besvarer kundernes opkald."
        first.save()
        second.delete()
        assert sent == []  # not before the commit

    assert len(sent) == 1
    assert sent[0].rows[Role] == {agent.pk}
    assert sent[0].rows[Duty] == {first.pk, deleted}


def test_a_transaction_rolled_back_sends_nothing(seeded, sent):
    agent = Role.objects.get(key="agent")
    with pytest.raises(RuntimeError), transaction.atomic():
        agent.save()
        raise RuntimeError

    assert sent == []


def test_bulk_writes_and_links_name_the_rows_they_change(seeded, sent):
    patience, listening = Quality.objects.filter(slug__in=["patience", "listening"])
    duty = Duty.objects.first()
    with transaction.atomic():
        Quality.objects.filter(pk=patience.pk).update(published=False)
        duty.order += 100
        Duty.objects.bulk_update([duty], ["order"])
        listening.roles.clear()

    assert len(sent) == 1
    assert sent[0].rows[Quality] == {patience.pk, listening.pk}
    assert sent[0].rows[Duty] == {duty.pk}
    assert not sent[0].bulk


def test_a_quality_unpublished_in_bulk_is_no_longer_found(client, seeded):
    def found():
        results = client.get("/nb/search/", {"q": "tålmodighet"}).context["results"]
        return {hit.url for hit in results.page.object_list}

    patience = Quality.objects.get(slug="patience")
    assert patience.get_absolute_url() in found()

    Quality.objects.filter(pk=patience.pk).update(published=False)

    assert patience.get_absolute_url() not in found()


def test_a_committed_change_makes_kept_pages_stale_and_reindexes(client, seeded):
    client.get("/nb/roles/agent/")
    before = store.current_version()
    Role.objects.filter(key="agent").update(title_nb="Kundeagent")  # bulk: the page only
    agent = Role.objects.get(key="agent")
    agent.title_nb = "Kundeserviceagent i Tromsø"
    agent.save()

    assert store.current_version() != before
    assert "Kundeserviceagent i Tromsø" in client.get("/nb/roles/agent/").content.decode()
    found = client.get("/nb/search/", {"q": "Tromsø"}).context["results"].page.object_list
    assert [hit.title for hit in found] == ["Kundeserviceagent i Tromsø"]


@pytest.mark.parametrize("change", ["edit one duty", "reorder the duties"])
def test_an_admin_save_bumps_the_content_version_once_and_reindexes_each_object_once(
    editor_client, seeded, change
):
    agent = Role.objects.get(key="agent")
    url = reverse("admin:roles_role_change", args=[agent.pk])
    data = form_data(editor_client.get(url).content.decode(), "role_form")
    rows = [i for i in range(int(data["duties-TOTAL_FORMS"][0])) if data[f"duties-{i}-id"][0]]
    if change == "edit one duty":
        data[f"duties-{rows[0]}-text_el"] = ["Απαντά στις κλήσεις των πελατών."]
    else:
        orders = [data[f"duties-{i}-order"][0] for i in rows]
        for i, order in zip(rows, reversed(orders), strict=True):
            data[f"duties-{i}-order"] = [order]
    bumps, reindexed = Counter(), Counter()
    entries_for, bump = index.entries_for, store.bump

    def count_bumps(**kwargs):
        bumps["bump"] += 1
        return bump(**kwargs)

    def count_entries(obj):
        reindexed[(type(obj), obj.pk)] += 1
        return entries_for(obj)

    with (
        mock.patch.object(store, "bump", side_effect=count_bumps),
        mock.patch.object(index, "entries_for", side_effect=count_entries),
    ):
        response = editor_client.post(url, data)

    assert response.status_code == 302
    assert bumps["bump"] == 1
    assert set(reindexed) == {
        (Role, agent.pk),
        *((Duty, pk) for pk in agent.duties.values_list("pk", flat=True)),
    }
    assert set(reindexed.values()) == {1}


def test_a_savepoint_rolled_back_before_any_other_change_sends_none_of_its_rows(seeded, sent):
    agent, manager = Role.objects.get(key="agent"), Role.objects.get(key="manager")
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            agent.save()
            raise RuntimeError
        manager.save()

    assert len(sent) == 1
    assert sent[0].rows == {Role: {manager.pk}}


def test_a_link_changed_from_the_other_side_names_both_ends(seeded, sent):
    agent = Role.objects.get(key="agent")
    patience = Quality.objects.get(slug="patience")
    with transaction.atomic():
        patience.roles.remove(agent)

    assert sent[0].rows[Quality] == {patience.pk}
    assert sent[0].rows[Role] == {agent.pk}


def test_a_receiver_that_fails_does_not_keep_the_others_from_the_change(seeded, caplog):
    version = store.current_version()
    agent = Role.objects.get(key="agent")
    with mock.patch.object(index, "reindex_rows", side_effect=RuntimeError("index is away")):
        agent.save()

    assert store.current_version() != version
    assert "failed to follow a change" in caplog.text


def test_captured_callbacks_wait_for_the_capture(seeded, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        Role.objects.get(key="agent").save()

    assert len(callbacks) == 1
    assert sent == []


def test_every_tracked_model_records_its_bulk_writes():
    assert check_bulk_writes() == []


@isolate_apps("roles")
def test_a_tracked_model_whose_bulk_writes_go_unseen_fails_the_checks():
    class Note(Tracked, models.Model):
        class Meta:
            app_label = "roles"

        def __str__(self):
            return "a note"

    errors = check_bulk_writes([Note._meta.apps.get_app_config("roles")])

    assert [error.id for error in errors] == ["roles.E001"]


def test_texts_marked_reviewed_in_bulk_make_the_kept_api_answers_stale(client, seeded):
    url = "/api/v1/roles/agent/?lang=el"
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url).json()["translation"]["el"]["status"] != "reviewed"

    translation_status.mark_reviewed(Role.objects.get(key="agent"), "el", user=None)

    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url).json()["translation"]["el"]["status"] == "reviewed"
