"""Texts are stored with Unix line ends, however they arrive: a browser posts a textarea's lines
with CR LF, and saving a form changes only what the editor changed."""

import importlib
import json

import pytest
from django.apps import apps as django_apps
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from roles.editorial import diffs, file_formats
from roles.editorial.translation_files import export_po, export_xliff
from roles.models import Duty, Role, RoleVersion, Source, VersionText
from roles.versions import pinned, publishing
from tests.helpers import form_data

pytestmark = pytest.mark.django_db

clean_line_endings = importlib.import_module("roles.migrations.0014_text_line_endings")


def as_a_browser_posts(data: dict[str, list[str]]) -> dict[str, list[str]]:
    """Form data as browsers send it: a textarea's line ends as CR LF (HTML's form encoding)."""
    return {
        name: [value.replace("\n", "\r\n") for value in values] for name, values in data.items()
    }


def post_with_browser_line_ends(client, role, **changes):
    url = reverse("admin:roles_role_change", args=[role.pk])
    data = as_a_browser_posts(form_data(client.get(url).content.decode(), "role_form"))
    data.update({name: [value] for name, value in changes.items()})
    return client.post(url, data)


def carriage_returns() -> list[tuple[str, str]]:
    """The (table, column) pairs of roles' text columns holding a CR anywhere (read in SQL:
    modeltranslation's manager would read another column)."""
    found = []
    with connection.cursor() as cursor:
        for model in django_apps.get_app_config("roles").get_models():
            table = model._meta.db_table
            for field in model._meta.concrete_fields:
                if field.get_internal_type() in ("CharField", "TextField"):
                    column = connection.ops.quote_name(field.column)
                    cursor.execute(
                        f"SELECT 1 FROM {table} WHERE {column} LIKE %s", ["%" + chr(13) + "%"]
                    )
                    if cursor.fetchone():
                        found.append((table, field.column))
    return found


def migration_state():
    """The models as the migration sees them (plain managers, every column)."""
    return (
        MigrationExecutor(connection).loader.project_state(("roles", "0014_text_line_endings")).apps
    )


def test_saving_one_greek_duty_changes_nothing_else(editor_client, seeded):
    agent = Role.objects.get(key="agent")
    assert "\n\n" in agent.body_nb  # a text of several paragraphs
    duty = agent.duties.order_by("order").first()
    index = list(agent.duties.order_by("order")).index(duty)

    response = post_with_browser_line_ends(
        editor_client, agent, **{f"duties-{index}-text_el": "Απαντά σε κάθε κλήση.\r\nΜε ευγένεια."}
    )

    assert response.status_code == 302
    assert carriage_returns() == []
    duty.refresh_from_db()
    assert duty.text_el == "Απαντά σε κάθε κλήση.\nΜε ευγένεια."
    message = LogEntry.objects.filter(object_id=str(agent.pk)).latest("action_time")
    # One object changed (the duty), one field of it: its Greek text.
    assert [change["changed"]["name"] for change in json.loads(message.change_message)] == [
        str(Duty._meta.verbose_name)
    ]
    assert len(json.loads(message.change_message)[0]["changed"]["fields"]) == 1
    api = editor_client.get(reverse("api:role", args=["agent"]), HTTP_ACCEPT_LANGUAGE="nb")
    assert "\r" not in api.content.decode()


def test_the_next_version_does_not_list_a_line_end_only_change(editor_client, seeded):
    agent = Role.objects.get(key="agent")
    first = RoleVersion.objects.current_of("agent")  # published by the seed loader

    post_with_browser_line_ends(editor_client, agent)

    with pytest.raises(publishing.NothingToPublish):
        publishing.publish(Role.objects.get(key="agent"))
    assert RoleVersion.objects.current_of("agent") == first


@pytest.mark.parametrize("write", ["save", "update", "bulk_update"])
def test_every_write_stores_unix_line_ends(seeded, write):
    duty = Duty.objects.first()
    value = "First line\r\nsecond line\rthird"
    if write == "save":
        duty.text_da = value
        duty.save()
        assert duty.text_da == "First line\nsecond line\nthird"
    elif write == "update":
        Duty.objects.filter(pk=duty.pk).update(text_da=value)
    else:
        duty.text_da = value
        Duty.objects.bulk_update([duty], ["text_da"])

    duty.refresh_from_db()
    assert duty.text_da == "First line\nsecond line\nthird"


def test_the_migration_cleans_texts_and_published_versions(seeded):
    agent = Role.objects.get(key="agent")
    with connection.cursor() as cursor:
        # As the admin stored them before: CR LF, written past the model's cleaning.
        cursor.execute(
            f"UPDATE {Role._meta.db_table} SET body_nb = REPLACE(body_nb, %s, %s) WHERE id = %s",
            ["\n", "\r\n", agent.pk],
        )
    assert carriage_returns() == [(Role._meta.db_table, "body_nb")]
    crlf_version = publishing.publish(Role.objects.get(pk=agent.pk))
    assert VersionText.objects.filter(text__contains="\r").exists()

    state = migration_state()
    clean_line_endings.clean_versions(state, None)
    clean_line_endings.clean_content(state, None)

    assert carriage_returns() == []
    assert not VersionText.objects.filter(text__contains="\r").exists()
    crlf_version.refresh_from_db()
    store = pinned.load([crlf_version])
    body = store[crlf_version.content["body"]["nb"]]
    assert body == Role.objects.get(pk=agent.pk).body_nb
    # The cleaned role reads exactly as that version: no new version.
    with pytest.raises(publishing.NothingToPublish):
        publishing.publish(Role.objects.get(pk=agent.pk))


def test_comparing_versions_ignores_line_ends(seeded):
    agent = Role.objects.get(key="agent")
    content, store = publishing.snapshot(Role.objects.with_content().get(pk=agent.pk))
    as_crlf = {key: text.replace("\n", "\r\n") for key, text in store.items()}
    crlf_store = {publishing.digest(text): text for text in as_crlf.values()}
    crlf = publishing.with_digests(
        content, {key: publishing.digest(text) for key, text in as_crlf.items()}
    )
    assert crlf != content

    assert pinned.changes(crlf, content, {**store, **crlf_store}) == []


def test_the_history_ignores_line_ends_of_older_revisions(seeded):
    agent = Role.objects.get(key="agent")
    saved_before = {"body_nb": agent.body_nb.replace("\n", "\r\n"), "title_nb": "Agent"}
    saved_now = {"body_nb": agent.body_nb, "title_nb": "Kundeserviceagent"}

    changes = diffs.field_changes(Role, saved_before, saved_now)

    assert [change["new"] for change in changes] == ["Kundeserviceagent"]


def test_saving_in_another_language_never_copies_a_fallback(seeded):
    """A text with CR LF in the default language, none in Greek: saving while Greek is active
    cleans the Bokmål text and leaves the Greek one empty (no fallback copied into it)."""
    agent = Role.objects.get(key="agent")
    Role.objects.filter(pk=agent.pk).update(career_el="")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Role._meta.db_table} SET career_nb = %s WHERE id = %s",
            ["Først agent.\r\nSå leder.", agent.pk],
        )
    with translation.override("el"):
        agent = Role.objects.get(pk=agent.pk)
        agent.save()

    agent.refresh_from_db()
    assert agent.career_nb == "Først agent.\nSå leder."
    assert agent.career_el == ""


def test_a_source_articles_original_title_is_cleaned_too(seeded):
    source = Source.objects.first()
    source.original_title = "Kundeservice\r\nagent"
    source.save()

    source.refresh_from_db()
    assert source.original_title == "Kundeservice\nagent"


def test_a_pasted_manual_line_break_is_a_line_end_and_the_export_reads_back(editor_client, seeded):
    """Word's manual line break (U+000B) pasted into a text is stored as a line end, so the
    translators' files of that text read back."""
    agent = Role.objects.get(key="agent")

    response = post_with_browser_line_ends(
        editor_client, agent, summary_da="Første linje\x0banden linje\u2028tredje"
    )

    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.summary_da == "Første linje\nanden linje\ntredje"
    for export in (export_po, export_xliff):
        file_formats.read(str(export(language="da")))


def test_a_control_character_is_refused_on_the_form(editor_client, seeded):
    agent = Role.objects.get(key="agent")

    response = post_with_browser_line_ends(editor_client, agent, summary_da="Bell\x07")

    assert response.status_code == 200
    assert "U+0007" in response.content.decode()
    agent.refresh_from_db()
    assert "\x07" not in agent.summary_da
