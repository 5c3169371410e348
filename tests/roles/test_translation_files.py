"""Files for translators: PO and XLIFF exports, and imports that change all or nothing."""

import subprocess
import xml.etree.ElementTree as ET
from io import StringIO

import polib
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from roles.editorial import identifiers, translation_status
from roles.editorial.file_formats import read
from roles.editorial.translation_files import (
    TranslationFileError,
    export_po,
    export_xliff,
    import_file,
)
from roles.models import Duty, PendingImport, Role, TextStatus
from tests.helpers import form_data

pytestmark = pytest.mark.django_db

XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"
EXPORT_URL = "/admin/translation-files/export/"
IMPORT_URL = "/admin/translation-files/import/"


@pytest.fixture(autouse=True)
def _messages_in_english():
    """The messages these tests read are compared in the source language of the interface."""
    with translation.override("en"):
        yield


def database() -> str:
    """Every translated object and text status, serialized: what "nothing changed" compares."""
    models = [*translation_status.TRANSLATED_MODELS, TextStatus]
    return serializers.serialize(
        "json", [obj for model in models for obj in model.objects.order_by("pk")]
    )


def entry(po: polib.POFile, context: str) -> polib.POEntry:
    return next(found for found in po if found.msgctxt == context)


def msgfmt_check(path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )


@pytest.fixture
def agent(seeded):
    return Role.objects.get(key="agent")


@pytest.fixture
def outdated_summary(agent):
    """The Greek summary of the agent, written against a Norwegian text that has since changed."""
    translation_status.record_written(agent, [("summary", "el")])
    Role.objects.filter(pk=agent.pk).update(summary_nb="En ny norsk oppsummering.")
    return "role:agent:summary"


@pytest.fixture
def missing_duty(seeded):
    """A duty whose Greek text was blanked."""
    duty = Duty.objects.select_related("role").filter(role__key="manager").first()
    Duty.objects.filter(pk=duty.pk).update(text_el="")
    return f"duty:manager/{duty.key}:text"


@pytest.fixture
def translator_client(client, django_user_model):
    """A staff user who may see the content and translate Greek only."""
    user = django_user_model.objects.create_user("eleni", "eleni@example.com", "pw", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="translate_el"),
        Permission.objects.get(codename="view_role"),
    )
    client.force_login(user)
    return client


# Export


def test_the_po_export_passes_msgfmt_check(seeded, outdated_summary, missing_duty, tmp_path):
    path = tmp_path / "el.po"
    path.write_text(str(export_po(language="el")), encoding="utf-8")

    result = msgfmt_check(path)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_an_entry_holds_the_identifier_source_translation_status_and_fingerprint(agent):
    po = export_po(language="el")

    title = entry(po, "role:agent:title")
    assert (title.msgid, title.msgstr) == (agent.title_nb, agent.title_el)
    assert title.tcomment == "status: unreviewed"
    assert translation_status.fingerprint(agent.title_nb) in title.comment
    assert "fuzzy" not in title.flags
    assert po.metadata["Language"] == "el"
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert po.metadata["Project-Id-Version"]


def test_every_text_with_a_source_is_exported_once(seeded):
    po = export_po(language="da")

    every = translation_status.statuses(
        obj for model in translation_status.TRANSLATED_MODELS for obj in model.objects.all()
    )
    expected = {
        (obj, field)
        for (obj, field, code) in every
        if code == "da" and translation_status.value(obj, field, "nb")
    }
    assert len(po) == len(expected)
    assert len({found.msgctxt for found in po}) == len(po)


@pytest.mark.parametrize("language", ["nb", "en", ""])
def test_it_refuses_the_default_and_unknown_languages(seeded, language):
    with pytest.raises(ValueError, match="el, da"):
        export_po(language=language)


def test_a_blanked_greek_text_is_exported_as_missing(missing_duty):
    po = export_po(language="el", only="missing")

    assert [found.msgctxt for found in po] == [missing_duty]
    assert entry(po, missing_duty).msgstr == ""
    assert entry(po, missing_duty).tcomment == "status: missing"


def test_a_changed_source_text_makes_the_greek_entry_fuzzy_and_outdated(outdated_summary):
    po = export_po(language="el", only="outdated")

    assert [found.msgctxt for found in po] == [outdated_summary]
    found = entry(po, outdated_summary)
    assert found.msgid == "En ny norsk oppsummering."
    assert "fuzzy" in found.flags
    assert found.tcomment == "status: outdated"
    assert outdated_summary not in {e.msgctxt for e in export_po(language="el", only="unreviewed")}


def test_the_xliff_export_is_well_formed_with_the_same_units(outdated_summary, missing_duty):
    po = export_po(language="el")

    root = ET.fromstring(export_xliff(language="el").encode())

    assert (root.get("srcLang"), root.get("trgLang"), root.get("version")) == ("nb", "el", "2.0")
    units = root.findall(f"{XLIFF}file/{XLIFF}unit")
    assert [unit.get("name") for unit in units] == [found.msgctxt for found in po]
    states = [unit.find(f"{XLIFF}segment").get("state") for unit in units]
    assert states.count("initial") == 2  # the missing and the outdated text
    assert states.count("translated") == len(po) - 2
    missing = next(unit for unit in units if unit.get("name") == missing_duty)
    assert missing.find(f"{XLIFF}segment/{XLIFF}target") is None


def test_the_xliff_export_is_filtered_too(missing_duty):
    root = ET.fromstring(export_xliff(language="el", only="missing").encode())

    assert [unit.get("name") for unit in root.iter(f"{XLIFF}unit")] == [missing_duty]


# Import


def test_export_then_import_of_an_unchanged_file_changes_nothing(outdated_summary, missing_duty):
    text = str(export_po(language="el"))
    before = database()

    report = import_file(path_or_text=text, dry_run=False)

    assert database() == before
    assert report.changes == [] and report.confirmed == []
    assert report.fuzzy == [outdated_summary]
    assert report.empty == [missing_duty]


def test_an_imported_translation_changes_the_column_and_is_unreviewed(agent, editor):
    translation_status.mark_reviewed(agent, "el")
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"
    before = agent.updated_at

    report = import_file(path_or_text=str(po), dry_run=False, user=editor)

    agent.refresh_from_db()
    assert [(c.identifier, c.field, c.new) for c in report.changes] == [
        ("role:agent", "title", "Νέος τίτλος")
    ]
    assert agent.title_el == "Νέος τίτλος"
    assert agent.updated_at > before
    assert translation_status.status_of(agent, "title", "el") == "unreviewed"
    assert translation_status.status_of(agent, "summary", "el") == "reviewed"
    row = TextStatus.objects.get(
        content_type=ContentType.objects.get_for_model(Role),
        object_id=agent.pk,
        field="title",
        language="el",
    )
    assert row.changed_by == editor


def test_a_missing_text_is_filled_in_by_an_import(missing_duty):
    po = export_po(language="el", only="missing")
    entry(po, missing_duty).msgstr = "Νέο καθήκον"

    import_file(path_or_text=str(po), dry_run=False)

    duty = identifiers.find(missing_duty.rpartition(":")[0])
    assert duty.text_el == "Νέο καθήκον"
    assert translation_status.status_of(duty, "text", "el") == "unreviewed"


def test_each_object_is_saved_once(agent):
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"
    entry(po, "role:agent:summary").msgstr = "Νέα περίληψη."

    with CaptureQueriesContext(connection) as queries:
        import_file(path_or_text=str(po), dry_run=False)

    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "roles_role"')]
    assert len(updates) == 1


def test_a_dry_run_reports_and_changes_nothing(agent):
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"
    before = database()

    report = import_file(path_or_text=str(po), dry_run=True)

    assert [(c.old, c.new) for c in report.changes] == [(agent.title_el, "Νέος τίτλος")]
    assert database() == before


def test_fuzzy_entries_are_skipped(outdated_summary):
    po = export_po(language="el")
    entry(po, outdated_summary).msgstr = "Μια νέα περίληψη, ακόμα πρόχειρη."
    before = database()

    report = import_file(path_or_text=str(po), dry_run=False)

    assert report.fuzzy == [outdated_summary] and report.changes == []
    assert database() == before


def test_an_outdated_translation_confirmed_unchanged_is_no_longer_outdated(agent, outdated_summary):
    po = export_po(language="el")
    entry(po, outdated_summary).flags.remove("fuzzy")

    report = import_file(path_or_text=str(po), dry_run=False)

    assert report.confirmed == [outdated_summary] and report.changes == []
    agent.refresh_from_db()
    assert translation_status.status_of(agent, "summary", "el") == "unreviewed"


def _unknown_identifier(po):
    entry(po, "role:agent:title").msgctxt = "role:pilot:title"


def _unknown_field(po):
    entry(po, "role:agent:title").msgctxt = "role:agent:salary"


def _changed_msgid(po):
    entry(po, "role:agent:summary").msgid = "En annen kildetekst."


def _changed_source_in_the_database(po):
    Role.objects.filter(key="agent").update(summary_nb="Endret etter eksporten.")


def _changed_fingerprint(po):
    entry(po, "role:agent:summary").comment = "source-fingerprint: 0123456789abcdef"


def _twice(po):
    po.append(
        polib.POEntry(msgctxt="role:agent:career", msgid=entry(po, "role:agent:career").msgid)
    )


def _no_context(po):
    entry(po, "role:agent:career").msgctxt = None


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (_unknown_identifier, "unknown identifier 'role:pilot'"),
        (_unknown_field, "has no translated text 'salary'"),
        (_changed_msgid, "source text of role:agent:summary changed"),
        (_changed_source_in_the_database, "source text of role:agent:summary changed"),
        (_changed_fingerprint, "source text of role:agent:summary changed"),
        (_twice, "role:agent:career appears twice"),
        (_no_context, "no msgctxt"),
    ],
    ids=lambda value: getattr(value, "__name__", "")[1:],
)
def test_a_mismatched_file_is_refused_and_changes_nothing(agent, spoil, message):
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"  # a change that must not be applied
    spoil(po)
    before = database()

    with pytest.raises(TranslationFileError) as refused:
        import_file(path_or_text=str(po), dry_run=False)

    assert message in str(refused.value)
    assert database() == before


def test_a_text_longer_than_its_field_is_refused(agent):
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Τ" * 201
    before = database()

    with pytest.raises(TranslationFileError, match="role:agent:title"):
        import_file(path_or_text=str(po), dry_run=False)

    assert database() == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('msgid "unterminated\nmsgstr', "not a valid PO file"),
        ("Just some text.\n", "not a valid PO file"),
        ("<xliff/>", "not an XLIFF 2.0 document"),
        ("", "no Language header"),
        ('msgid ""\nmsgstr "Language: nb\\n"\n', "'nb'"),
        ('msgid ""\nmsgstr "Language: fr\\n"\n', "'fr'"),
    ],
    ids=["malformed", "not-po", "not-xliff-2", "empty", "default-language", "unknown-language"],
)
def test_a_malformed_file_or_wrong_language_is_refused(seeded, text, message):
    before = database()

    with pytest.raises(TranslationFileError, match=message):
        import_file(path_or_text=text, dry_run=False)

    assert database() == before


def test_a_default_language_file_is_refused(agent):
    text = str(export_po(language="el")).replace('"Language: el\\n"', '"Language: nb\\n"')

    with pytest.raises(TranslationFileError, match="nb is the source language"):
        import_file(path_or_text=text, dry_run=False)


def test_a_language_with_a_territory_is_accepted(agent):
    text = str(export_po(language="el")).replace('"Language: el\\n"', '"Language: el_GR\\n"')

    assert import_file(path_or_text=text, dry_run=True).language == "el"


# Commands


def test_the_export_command_writes_a_file(seeded, missing_duty, tmp_path):
    path = tmp_path / "el.po"
    out = StringIO()

    call_command("export_translations", "--lang", "el", "--only", "missing", "-o", path, stdout=out)

    assert [found.msgctxt for found in polib.pofile(str(path))] == [missing_duty]
    assert msgfmt_check(path).returncode == 0
    assert str(path) in out.getvalue()


def test_the_export_command_writes_xliff_to_standard_output(seeded):
    out = StringIO()

    call_command("export_translations", "--lang", "da", "--format", "xliff", stdout=out)

    assert ET.fromstring(out.getvalue().encode()).get("trgLang") == "da"


def test_the_export_command_refuses_the_default_language(seeded):
    with pytest.raises(CommandError, match="nb is the source language"):
        call_command("export_translations", "--lang", "nb", stdout=StringIO())


def test_the_import_command_reports_and_applies(agent, tmp_path):
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"
    path = tmp_path / "el.po"
    po.save(str(path))
    out = StringIO()

    call_command("import_translations", path, "--dry-run", stdout=out)

    assert "role:agent:title" in out.getvalue() and "Dry run" in out.getvalue()
    assert Role.objects.get(key="agent").title_el == agent.title_el

    call_command("import_translations", path, stdout=out)

    assert "el: 1 texts changed" in out.getvalue()
    assert Role.objects.get(key="agent").title_el == "Νέος τίτλος"


def test_the_import_command_reports_an_unchanged_file(seeded, tmp_path):
    path = tmp_path / "el.po"
    export_po(language="el").save(str(path))
    out = StringIO()

    call_command("import_translations", path, stdout=out)

    assert "el: 0 texts changed" in out.getvalue()


def test_the_import_command_refuses_a_mismatched_file_with_a_clear_error(agent, tmp_path):
    po = export_po(language="el")
    entry(po, "role:agent:title").msgctxt = "role:pilot:title"
    path = tmp_path / "el.po"
    po.save(str(path))
    before = database()

    with pytest.raises(CommandError, match=r"Nothing was imported(.|\n)*unknown identifier"):
        call_command("import_translations", path, stdout=StringIO())

    assert database() == before


def test_the_import_command_refuses_a_missing_file(seeded, tmp_path):
    with pytest.raises(CommandError, match="is not a file"):
        call_command("import_translations", tmp_path / "nothing.po", stdout=StringIO())


# Admin


def test_the_admin_export_page_renders(editor_client, seeded):
    response = editor_client.get(EXPORT_URL)

    assert response.status_code == 200
    assert 'id="export-form"' in response.content.decode()


def test_the_admin_export_downloads_a_po_file(editor_client, missing_duty):
    response = editor_client.get(EXPORT_URL, {"language": "el", "only": "missing", "format": "po"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/x-gettext-translation")
    assert response["Content-Disposition"] == 'attachment; filename="content-el-missing.po"'
    po = polib.pofile(response.content.decode())
    assert [found.msgctxt for found in po] == [missing_duty]


def test_the_admin_export_downloads_xliff(editor_client, seeded):
    response = editor_client.get(EXPORT_URL, {"language": "da", "format": "xliff"})

    assert response["Content-Disposition"] == 'attachment; filename="content-da.xlf"'
    assert ET.fromstring(response.content).get("trgLang") == "da"


def test_the_admin_export_refuses_the_default_language(editor_client, seeded):
    response = editor_client.get(EXPORT_URL, {"language": "nb", "format": "po"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_the_pages_are_for_staff_only(client, seeded):
    for url in (EXPORT_URL, IMPORT_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_the_pages_refuse_other_methods(editor_client, seeded):
    assert editor_client.post(EXPORT_URL).status_code == 405
    assert editor_client.delete(IMPORT_URL).status_code == 405


def _upload(client, po, name="el.po"):
    upload = SimpleUploadedFile(name, str(po).encode(), content_type="text/x-gettext-translation")
    return client.post(IMPORT_URL, {"file": upload})


def test_the_admin_import_previews_and_applies_only_on_confirm(editor_client, agent):
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος\nσε δύο γραμμές"
    before = database()

    preview = _upload(editor_client, po)

    assert preview.status_code == 200
    assert "role:agent:title" in preview.content.decode()
    assert database() == before

    confirm = form_data(preview.content.decode(), "confirm-form")
    response = editor_client.post(IMPORT_URL, confirm, follow=True)

    assert response.redirect_chain[-1][0] == IMPORT_URL
    assert Role.objects.get(key="agent").title_el == "Νέος τίτλος\nσε δύο γραμμές"
    assert translation_status.status_of(agent, "title", "el") == "unreviewed"


def test_the_admin_import_shows_why_a_file_is_refused(editor_client, agent):
    po = export_po(language="el")
    entry(po, "role:agent:title").msgctxt = "role:pilot:title"
    before = database()

    response = _upload(editor_client, po)

    assert response.status_code == 200
    assert "role:pilot" in response.content.decode()  # the error names the entry
    assert 'id="confirm-form"' not in response.content.decode()
    assert database() == before


def test_the_admin_import_checks_again_on_confirm(editor_client, agent):
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"
    confirm = form_data(_upload(editor_client, po).content.decode(), "confirm-form")
    Role.objects.filter(pk=agent.pk).update(title_nb="Endret i mellomtiden")

    response = editor_client.post(IMPORT_URL, confirm)

    assert "role:agent:title" in response.content.decode()  # the error names the entry
    assert 'id="confirm-form"' not in response.content.decode()
    assert Role.objects.get(pk=agent.pk).title_el == agent.title_el


def test_a_translator_imports_their_language_only(translator_client, agent):
    greek = export_po(language="el")
    entry(greek, "role:agent:title").msgstr = "Νέος τίτλος"
    danish = export_po(language="da")
    entry(danish, "role:agent:title").msgstr = "Ny titel"

    refused = _upload(translator_client, danish, "da.po")
    preview = _upload(translator_client, greek)

    assert refused.status_code == 403
    assert 'id="confirm-form"' not in refused.content.decode()
    assert preview.status_code == 200 and 'id="confirm-form"' in preview.content.decode()


def test_a_confirm_for_another_language_is_refused(translator_client, agent):
    """The permission is checked again on confirm: it may have been taken away since the preview."""
    danish = export_po(language="da")
    entry(danish, "role:agent:title").msgstr = "Ny titel"
    parsed = read(str(danish))
    pending = PendingImport.objects.create(
        user=get_user_model().objects.get(username="eleni"),
        format=parsed.format,
        language=parsed.language,
        entries=parsed.to_json(),
    )

    response = translator_client.post(IMPORT_URL, {"upload": pending.pk})

    assert response.status_code == 403
    assert Role.objects.get(pk=agent.pk).title_da == agent.title_da


def test_imported_texts_are_the_teams_not_the_sources(seeded):
    from roles.editorial.translation_files import export_po, import_file

    po = export_po(language="el")
    entry = next(e for e in po if e.msgctxt == "role:associate:title")
    entry.msgstr = "Συνεργάτης εξυπηρέτησης"
    import_file(path_or_text=str(po), dry_run=False)

    associate = Role.objects.get(key="associate")
    assert associate.title_el == "Συνεργάτης εξυπηρέτησης"
    assert associate.origin_el == "team"


def test_an_import_never_overwrites_a_translation_changed_since_the_export(seeded):
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Από το αρχείο"
    Role.objects.filter(key="agent").update(title_el="Από τη διαχείριση")

    with pytest.raises(TranslationFileError) as error:
        import_file(path_or_text=str(po), dry_run=False)

    assert "role:agent:title" in str(error.value.errors)
    assert Role.objects.get(key="agent").title_el == "Από τη διαχείριση"
