"""Translators' imports: XLIFF 2.0 as well as PO, limits checked before parsing, each file parsed
once, errors capped, and the upload kept server-side between the preview and the confirm step."""

import html
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from io import StringIO
from unittest import mock

import polib
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone, translation
from reversion.models import Revision, Version

from roles.editorial import file_formats, file_views, translation_status, uploads
from roles.editorial.diffs import describe
from roles.editorial.file_views import UploadForm
from roles.editorial.translation_files import (
    TranslationFileError,
    export_po,
    export_xliff,
    import_file,
)
from roles.models import PendingImport, Role
from tests.helpers import form_data
from tests.roles.test_translation_files import database, entry

pytestmark = pytest.mark.django_db

NS = "urn:oasis:names:tc:xliff:document:2.0"
X = f"{{{NS}}}"
IMPORT_URL = "/admin/translation-files/import/"


@pytest.fixture(autouse=True)
def _messages_in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def agent(seeded):
    return Role.objects.get(key="agent")


@pytest.fixture
def other_client(client_factory):
    return client_factory()


@pytest.fixture
def client_factory(django_user_model):
    from django.test import Client

    def make(name="bob"):
        user = django_user_model.objects.create_superuser(name, f"{name}@example.com", "pw-1")
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def staff_client(client, django_user_model):
    """A staff account that may view the content, and translate the languages given."""

    def make(*languages: str):
        user = django_user_model.objects.create_user("eleni", password="pw", is_staff=True)
        codenames = ["view_role", *(f"translate_{code}" for code in languages)]
        user.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="roles", codename__in=codenames)
        )
        client.force_login(user)
        return client

    return make


def unit(root: ET.Element, name: str) -> ET.Element:
    return next(found for found in root.iter(f"{X}unit") if found.get("name") == name)


def translate(root: ET.Element, name: str, text: str, state: str = "translated") -> None:
    """What a CAT tool does when the translator confirms a segment."""
    segment = unit(root, name).find(f"{X}segment")
    target = segment.find(f"{X}target")
    if target is None:
        target = ET.SubElement(segment, f"{X}target")
    target.text = text
    segment.set("state", state)


def xliff(language: str = "el") -> ET.Element:
    ET.register_namespace("", NS)
    return ET.fromstring(export_xliff(language=language).encode())


def text_of(root: ET.Element) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{ET.tostring(root, encoding="unicode")}\n'


def upload(client, content: str | bytes, name: str = "el.po"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)})


def shown(response) -> list[str]:
    """The errors a page lists."""
    page = html.unescape(response.content.decode())
    found = re.search(r'<ul class="errorlist">(.*?)</ul>', page, re.S)
    return re.findall(r"<li>(.*?)</li>", found[1], re.S) if found else []


def in_admin_language(function, *args, **kwargs):
    """What `function` says in the admin's language (nb here), as a page would show it."""
    with translation.override("nb"):
        return str(function(*args, **kwargs))


def refusal_in_english(text: str) -> str:
    with translation.override("en"), pytest.raises(TranslationFileError) as refused:
        file_formats.read(text)
    return str(refused.value)


def refusal(text: str, name: str = "el.po") -> list[str]:
    """The errors of reading `text`, in the admin's language."""
    with translation.override("nb"), pytest.raises(TranslationFileError) as refused:
        file_formats.read(text, name=name)
    return refused.value.errors


def confirm(client, preview):
    return client.post(IMPORT_URL, form_data(preview.content.decode(), "confirm-form"))


def unknown_entries(count: int, language: str = "el") -> str:
    """A PO file of `count` entries whose identifiers the site does not know."""
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Language": language, "Content-Type": "text/plain; charset=UTF-8"}
    for number in range(count):
        po.append(polib.POEntry(msgctxt=f"role:nobody-{number}:title", msgid="x", msgstr="y"))
    return str(po)


# XLIFF 2.0 both ways


def test_an_exported_xliff_file_imports_back_unchanged(seeded):
    before = database()

    report = import_file(path_or_text=export_xliff(language="el"), dry_run=False)

    assert (report.language, report.format) == ("el", "xliff")
    assert report.changes == [] and report.confirmed == []
    assert report.unchanged > 100
    assert database() == before


def test_an_xliff_file_translated_in_a_cat_tool_is_applied_as_a_po_file_would_be(
    editor_client, agent
):
    translation_status.mark_reviewed(agent, "el")
    root = xliff()
    translate(root, "role:agent:title", "Νέος τίτλος\nσε δύο γραμμές")

    preview = upload(editor_client, text_of(root), "content-el.xlf")

    assert preview.status_code == 200
    assert "role:agent:title" in preview.content.decode()
    assert Role.objects.get(pk=agent.pk).title_el == agent.title_el
    response = confirm(editor_client, preview)
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.title_el == "Νέος τίτλος\nσε δύο γραμμές"
    assert agent.origin_el == "team"
    revision = Version.objects.get_for_object(agent).first().revision
    with translation.override("en"):
        assert describe(revision.comment) == "Imported the Greek translations from an XLIFF file."
    assert translation_status.status_of(agent, "title", "el") == "unreviewed"
    assert translation_status.status_of(agent, "summary", "el") == "reviewed"


def test_an_outdated_xliff_unit_is_skipped_until_the_translator_confirms_it(agent):
    translation_status.record_written(agent, [("summary", "el")])
    Role.objects.filter(pk=agent.pk).update(summary_nb="En ny norsk oppsummering.")
    root = xliff()
    assert unit(root, "role:agent:summary").find(f"{X}segment").get("state") == "initial"

    skipped = import_file(path_or_text=text_of(root), dry_run=True)
    unit(root, "role:agent:summary").find(f"{X}segment").set("state", "translated")
    confirmed = import_file(path_or_text=text_of(root), dry_run=False)

    assert skipped.fuzzy == ["role:agent:summary"]
    assert confirmed.confirmed == ["role:agent:summary"]
    agent.refresh_from_db()
    assert translation_status.status_of(agent, "summary", "el") == "unreviewed"


def test_segments_split_by_a_cat_tool_are_joined(agent):
    root = xliff()
    found = unit(root, "role:agent:title")
    segment = found.find(f"{X}segment")
    source = segment.find(f"{X}source").text
    segment.find(f"{X}source").text = source[:5]
    second = ET.SubElement(found, f"{X}segment", {"state": "translated"})
    ET.SubElement(second, f"{X}source").text = source[5:]
    segment.find(f"{X}target").text = "Νέος "
    segment.set("state", "translated")
    ET.SubElement(second, f"{X}target").text = "τίτλος"

    import_file(path_or_text=text_of(root), dry_run=False)

    assert Role.objects.get(pk=agent.pk).title_el == "Νέος τίτλος"


def test_a_marked_and_escaped_target_is_read_as_its_text(agent):
    text = export_xliff(language="el").replace(
        f"<target>{agent.title_el}</target>",
        '<target>Νέος <mrk id="m1" translate="yes">τίτλος</mrk><cp hex="0021"/></target>',
    )

    report = import_file(path_or_text=text, dry_run=True)

    assert [change.new for change in report.changes] == ["Νέος τίτλος!"]


def test_an_xliff_file_never_overwrites_a_translation_changed_since_the_export(agent):
    root = xliff()
    translate(root, "role:agent:title", "Από το αρχείο")
    Role.objects.filter(pk=agent.pk).update(title_el="Από τη διαχείριση")

    with pytest.raises(TranslationFileError, match="role:agent:title was changed after"):
        import_file(path_or_text=text_of(root), dry_run=False)

    assert Role.objects.get(pk=agent.pk).title_el == "Από τη διαχείριση"


def test_the_import_command_reads_xliff(agent, tmp_path):
    root = xliff("da")
    translate(root, "role:agent:title", "Ny titel")
    path = tmp_path / "content-da.xlf"
    path.write_text(text_of(root), encoding="utf-8")

    call_command("import_translations", path, stdout=StringIO())

    assert Role.objects.get(pk=agent.pk).title_da == "Ny titel"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="nb" trgLang="el">
<file id="f"><unit id="u" name="role:agent:title"><segment state="translated">
<source>&b;</source><target>&b;</target></segment></unit></file></xliff>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="nb" trgLang="el">
<file id="f"><unit id="u" name="role:agent:title"><segment state="translated">
<source>x</source><target>&secret;</target></segment></unit></file></xliff>
"""
XLIFF_1_2 = """<?xml version="1.0"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file/></xliff>
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<xliff version='2.0'><file>", "not valid XML"),
        (BILLION_LAUGHS, "DTD or entities"),
        (EXTERNAL_ENTITY, "DTD or entities"),
        (XLIFF_1_2, "not an XLIFF 2.0 document"),
        (
            f'<xliff xmlns="{NS}" version="2.0" srcLang="da" trgLang="el"/>',
            "source language (srcLang) is 'da'",
        ),
        (f'<xliff xmlns="{NS}" version="2.0" srcLang="nb" trgLang="nb"/>', "trgLang) is 'nb'"),
        (f'<xliff xmlns="{NS}" version="2.0" srcLang="nb"/>', "no target language"),
    ],
    ids=["malformed", "entities", "external-entity", "xliff-1.2", "source", "nb", "no-target"],
)
def test_a_bad_xliff_file_is_refused_with_a_clear_message_not_an_error_page(
    editor_client, agent, text, message
):
    before = database()

    with pytest.raises(TranslationFileError) as refused:
        file_formats.read(text, name="el.xlf")
    response = upload(editor_client, text, "el.xlf")

    assert message in str(refused.value)
    assert response.status_code == 200
    assert shown(response) == refusal(text, "el.xlf")
    assert 'id="confirm-form"' not in response.content.decode()
    assert "root:" not in response.content.decode()
    assert database() == before


def test_inline_codes_are_refused(agent):
    text = export_xliff(language="el").replace(
        f"<target>{agent.title_el}</target>", '<target>Νέος <ph id="1"/></target>'
    )

    with pytest.raises(TranslationFileError, match="inline codes"):
        import_file(path_or_text=text, dry_run=True)


# Limits, checked before the file is parsed


@override_settings(TRANSLATION_FILE_MAX_BYTES=50 * 1024)
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(editor_client, seeded):
    text = str(export_po(language="el"))
    assert len(text.encode()) > 50 * 1024

    with mock.patch.object(file_formats, "read", wraps=file_formats.read) as read:
        response = upload(editor_client, text)

    assert read.call_count == 0
    assert shown(response) == [in_admin_language(file_formats.too_large, len(text.encode()))]
    assert 'id="confirm-form"' not in response.content.decode()
    with translation.override("en"):
        refusal = file_formats.too_large(len(text.encode()))
    assert "The file is too large" in refusal
    assert re.search(r"at most 50[.,]0\xa0KB", refusal)


@override_settings(TRANSLATION_FILE_MAX_BYTES=50 * 1024)
def test_the_size_limit_holds_for_a_text_given_directly(seeded):
    with pytest.raises(TranslationFileError, match="too large"):
        file_formats.read(str(export_po(language="el")))


@pytest.mark.parametrize("kind", ["po", "xliff"])
@override_settings(TRANSLATION_FILE_MAX_ENTRIES=20)
def test_a_file_over_the_entry_limit_is_refused_before_it_is_parsed(editor_client, seeded, kind):
    text = str(export_po(language="el")) if kind == "po" else export_xliff(language="el")
    count = len(export_po(language="el"))

    with (
        mock.patch.object(polib, "pofile", wraps=polib.pofile) as pofile,
        mock.patch.object(file_formats, "fromstring", wraps=file_formats.fromstring) as xml,
    ):
        response = upload(editor_client, text, f"el.{'po' if kind == 'po' else 'xlf'}")

    assert pofile.call_count == xml.call_count == 0
    assert shown(response) == refusal(text, f"el.{kind}")
    assert f"The file has {count} entries: at most 20 are accepted" in refusal_in_english(text)


@override_settings(TRANSLATION_FILE_MAX_ENTRIES=20)
def test_the_entry_limit_counts_the_parsed_entries_too(seeded):
    """Should the quick count before parsing miss entries, the parsed ones are counted."""
    with (
        mock.patch.object(file_formats, "PO_ENTRY", re.compile("(?!)")),
        pytest.raises(TranslationFileError, match="25 entries"),
    ):
        file_formats.read(unknown_entries(25))


@override_settings(TRANSLATION_FILE_MAX_BYTES=8 * 1024 * 1024)
def test_the_file_of_the_report_is_refused_without_being_parsed(editor_client, seeded):
    """About 127,000 unknown entries in 5 MB: refused on the entry count."""
    text = unknown_entries(127_000)

    with mock.patch.object(polib, "pofile", wraps=polib.pofile) as pofile:
        response = upload(editor_client, text)

    assert pofile.call_count == 0
    assert shown(response) == refusal(text)
    assert "The file has 127000 entries: at most 1000" in refusal_in_english(text)


def test_the_limits_are_shown_on_the_upload_page(editor_client, seeded):
    page = html.unescape(editor_client.get(IMPORT_URL).content.decode())

    assert in_admin_language(lambda: UploadForm().fields["file"].help_text) in page
    with translation.override("en"):
        help_text = str(UploadForm().fields["file"].help_text)
    assert re.search(r"at most 1[.,]0\xa0MB and 1000 entries", help_text)


# Each file parsed once


def test_a_file_is_parsed_once_for_its_preview_and_not_again_to_confirm(editor_client, agent):
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"

    with mock.patch.object(polib, "pofile", wraps=polib.pofile) as pofile:
        preview = upload(editor_client, str(po))
        parsed_for_preview = pofile.call_count
        confirm(editor_client, preview)

    assert parsed_for_preview == 1
    assert pofile.call_count == 1
    assert Role.objects.get(pk=agent.pk).title_el == "Νέος τίτλος"


def test_an_xliff_file_is_parsed_once(editor_client, agent):
    root = xliff()
    translate(root, "role:agent:title", "Νέος τίτλος")

    with mock.patch.object(file_formats, "fromstring", wraps=file_formats.fromstring) as parse:
        confirm(editor_client, upload(editor_client, text_of(root), "el.xlf"))

    assert parse.call_count == 1
    assert Role.objects.get(pk=agent.pk).title_el == "Νέος τίτλος"


# Errors capped, with their count


def test_the_errors_shown_are_capped_and_the_rest_counted(editor_client, seeded):
    response = upload(editor_client, unknown_entries(130))

    assert len(shown(response)) == file_formats.MAX_ERRORS == 50
    with translation.override("nb"), pytest.raises(TranslationFileError) as refused:
        import_file(path_or_text=unknown_entries(130), dry_run=True)
    assert shown(response) == refused.value.errors
    assert (refused.value.count, refused.value.more) == (130, 80)
    more = re.search(r'<p id="more-errors">(.*?)</p>', response.content.decode(), re.S)[1]
    assert re.findall(r"\d+", more) == ["80"]


def test_the_import_command_caps_its_errors_too(seeded, tmp_path):
    path = tmp_path / "el.po"
    path.write_text(unknown_entries(60), encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command("import_translations", path, stdout=StringIO())

    assert str(refused.value).count("unknown identifier") == 50
    assert "… and 10 more" in str(refused.value)


# The upload kept server-side between preview and confirm


@override_settings(TRANSLATION_FILE_MAX_BYTES=4 * 1024 * 1024)
def test_a_3_mb_file_is_kept_server_side_and_applied(editor_client, agent):
    po = export_po(language="el")
    po.header = "\n".join(["Translator's notes:"] + ["λ" * 500] * 3200)
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"
    text = str(po)
    assert len(text.encode()) > 3 * 1024 * 1024

    preview = upload(editor_client, text)
    data = form_data(preview.content.decode(), "confirm-form")

    assert sorted(data) == ["csrfmiddlewaretoken", "upload"]
    assert len(preview.content) < 100_000
    pending = PendingImport.objects.get()
    assert (pending.format, pending.language, pending.file_name) == ("po", "el", "el.po")
    response = editor_client.post(IMPORT_URL, data)
    assert response.status_code == 302
    assert Role.objects.get(pk=agent.pk).title_el == "Νέος τίτλος"
    assert not PendingImport.objects.exists()


def test_another_user_cannot_confirm_an_upload(editor_client, other_client, agent):
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"
    data = form_data(upload(editor_client, str(po)).content.decode(), "confirm-form")

    response = other_client.post(IMPORT_URL, data)

    assert response.status_code == 404
    assert shown(response) == [in_admin_language(file_views._gone)]
    assert Role.objects.get(pk=agent.pk).title_el == agent.title_el
    assert editor_client.post(IMPORT_URL, data).status_code == 302  # still the uploader's to apply
    assert Role.objects.get(pk=agent.pk).title_el == "Νέος τίτλος"


def test_an_expired_upload_is_refused_and_the_page_asks_for_it_again(editor_client, agent):
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"
    preview = upload(editor_client, str(po), "content-el.po")
    PendingImport.objects.update(created_at=timezone.now() - timedelta(minutes=61))

    response = confirm(editor_client, preview)

    assert response.status_code == 410
    [expired] = shown(response)
    assert "content-el.po" in expired and "60" in expired
    assert 'id="upload-form"' in response.content.decode()
    assert Role.objects.get(pk=agent.pk).title_el == agent.title_el
    assert not PendingImport.objects.exists()


@override_settings(TRANSLATION_UPLOAD_SECONDS=5 * 60)
def test_the_expiry_follows_the_setting(editor_client, agent):
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"
    preview = upload(editor_client, str(po))
    PendingImport.objects.update(created_at=timezone.now() - timedelta(minutes=6))

    assert confirm(editor_client, preview).status_code == 410


def test_expired_uploads_are_cleaned_up(editor_client, editor, agent):
    old = PendingImport.objects.create(
        user=editor, format="po", language="el", entries=[], file_name="old.po"
    )
    PendingImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=2))
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"

    upload(editor_client, str(po))

    assert list(PendingImport.objects.values_list("file_name", flat=True)) == ["el.po"]


def test_confirming_twice_applies_once(editor_client, agent):
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"
    preview = upload(editor_client, str(po))
    revisions = Revision.objects.count()

    first = confirm(editor_client, preview)
    second = confirm(editor_client, preview)

    assert first.status_code == 302
    assert second.status_code == 404
    assert shown(second) == [in_admin_language(file_views._gone)]
    with translation.override("en"):
        assert "imported already, or it expired" in file_views._gone()
    assert Revision.objects.count() == revisions + 1


def test_a_file_with_nothing_to_import_keeps_nothing(editor_client, seeded):
    response = upload(editor_client, str(export_po(language="el")))

    assert 'id="confirm-form"' not in response.content.decode()
    assert not PendingImport.objects.exists()


def test_a_malformed_confirm_is_a_clear_404(editor_client, seeded):
    response = editor_client.post(IMPORT_URL, {"upload": "not-an-id"})

    assert response.status_code == 404
    assert shown(response) == [in_admin_language(file_views._gone)]


def test_a_translator_who_lost_the_permission_cannot_confirm(staff_client, agent):
    client = staff_client("el", "da")
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"
    preview = upload(client, str(po))
    assert preview.status_code == 200 and 'id="confirm-form"' in preview.content.decode()
    user = PendingImport.objects.get().user
    user.user_permissions.remove(Permission.objects.get(codename="translate_el"))

    response = confirm(client, preview)

    assert response.status_code == 403
    assert shown(response) == [in_admin_language(file_views._may_not, "el")]
    assert Role.objects.get(pk=agent.pk).title_el == agent.title_el


# Who may import: refused as early as what is known allows


def test_an_account_that_may_translate_nothing_is_refused_before_the_file_is_read(
    staff_client, agent
):
    client = staff_client()
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"

    with mock.patch.object(file_formats, "read", wraps=file_formats.read) as read:
        response = upload(client, str(po))

    assert response.status_code == 403
    assert read.call_count == 0
    assert shown(response) == [in_admin_language(file_views._may_not)]
    assert not PendingImport.objects.exists()


def test_a_file_in_another_language_is_refused_before_its_entries_are_read(staff_client, agent):
    """A Danish translator's Greek file is refused as soon as it names Greek: its units (here
    with inline codes, an error of the file) are never read."""
    client = staff_client("da")
    text = export_xliff(language="el").replace(
        f"<target>{agent.title_el}</target>", '<target>Νέος <ph id="1"/></target>'
    )

    with mock.patch.object(file_formats, "_xliff_entry", wraps=file_formats._xliff_entry) as read:
        response = upload(client, text, "el.xlf")

    assert response.status_code == 403
    assert read.call_count == 0
    assert shown(response) == [in_admin_language(file_views._may_not, "el")]
    with translation.override("en"):
        assert file_views._may_not("el") == "You may not import texts in Greek."


def test_a_translator_imports_a_file_of_their_language(staff_client, agent):
    client = staff_client("da")
    po = export_po(language="da")
    entry(po, "role:agent:title").msgstr = "Ny titel"

    assert confirm(client, upload(client, str(po), "da.po")).status_code == 302
    assert Role.objects.get(pk=agent.pk).title_da == "Ny titel"


# Work in proportion to the file: no shape within the limits is slow


def test_the_entry_count_before_parsing_never_runs_across_lines():
    """`^\\s*msgid` ran across line ends: on a file of newlines each line start scanned the rest
    of the file (time in the length squared). Every match stays within its line."""
    text = '\n\n  \n\t msgid "a"\n\nmsgid\t"b"\n msgid_plural "c"\nmsgid\n' + "\n" * 1000

    matches = list(file_formats.PO_ENTRY.finditer(text))

    assert len(matches) == 3
    assert all("\n" not in match[0] for match in matches)


def test_a_file_of_newlines_at_the_size_limit_is_refused_clearly(editor_client, seeded):
    text = "\n" * file_formats.max_bytes()

    response = upload(editor_client, text)

    assert shown(response) == refusal(text)
    assert "no Language header" in refusal_in_english(text)


def nested_units(depth: int, notes: int) -> str:
    """Units nested in each other around many notes: each unit's subtree holds all of them."""
    opened = "".join(f'<unit id="u{n}" name="role:nobody-{n}:title">' for n in range(depth))
    return (
        f'<xliff xmlns="{NS}" version="2.0" srcLang="nb" trgLang="el"><file id="f">{opened}'
        f"{'<note/>' * notes}{'</unit>' * depth}</file></xliff>"
    )


def test_units_nested_in_units_are_refused(editor_client, seeded):
    text = nested_units(depth=3, notes=2)

    response = upload(editor_client, text, "el.xlf")

    assert shown(response) == refusal(text, "el.xlf")
    assert "The file has 2 units inside other units" in refusal_in_english(text)


def test_an_xliff_file_with_more_elements_than_its_entries_need_is_refused_unparsed(
    editor_client, seeded
):
    """The shape of the report: 999 units nested around 140,000 notes, within both limits."""
    text = nested_units(depth=999, notes=140_000)
    assert len(text.encode()) <= file_formats.max_bytes()

    with mock.patch.object(file_formats, "fromstring", wraps=file_formats.fromstring) as parse:
        response = upload(editor_client, text, "el.xlf")

    assert parse.call_count == 0
    assert shown(response) == refusal(text, "el.xlf")
    assert "XML elements: at most 50000 are accepted" in refusal_in_english(text)


def test_a_unit_reads_its_own_notes_only(seeded):
    """A note elsewhere in a unit is not its note (and reading them all walked the unit's
    whole subtree)."""
    text = (
        f'<xliff xmlns="{NS}" version="2.0" srcLang="nb" trgLang="el"><file id="f">'
        '<unit id="a" name="role:a:title"><notes><note category="source-fingerprint">'
        "0123456789abcdef</note></notes><segment><source>x</source><target>y<mrk id='m'>"
        '<note category="target-fingerprint">fedcba9876543210</note></mrk></target></segment>'
        "</unit></file></xliff>"
    )

    [read] = file_formats.read(text).entries

    assert (read.source_fingerprint, read.target_fingerprint) == ("0123456789abcdef", "")


def test_units_in_groups_are_read_in_order(seeded):
    def unit_(name):
        return (
            f'<unit id="{name}" name="role:{name}:title"><segment state="translated">'
            f"<source>{name}</source><target>{name}</target></segment></unit>"
        )

    text = (
        f'<xliff xmlns="{NS}" version="2.0" srcLang="nb" trgLang="el"><file id="f">{unit_("a")}'
        f'<group id="g">{unit_("b")}<group id="h">{unit_("c")}</group>{unit_("d")}</group>'
        f'{unit_("e")}</file><file id="f2">{unit_("f")}</file></xliff>'
    )

    entries = file_formats.read(text).entries

    assert [read.source for read in entries] == ["a", "b", "c", "d", "e", "f"]
    assert [read.number for read in entries] == [1, 2, 3, 4, 5, 6]


# Characters no text can hold


def with_target(agent, target: str) -> str:
    return export_xliff(language="el").replace(
        f"<target>{agent.title_el}</target>", f"<target>{target}</target>"
    )


@pytest.mark.parametrize(
    ("target", "character"),
    [
        ('Νέος<cp hex="D800"/>', "U+D800"),
        ('Νέος<cp hex="0"/>', "U+0000"),
        ("Νέος&#x9f;", "U+009F"),
        ("Νέος&#x1b;", ""),
    ],
    ids=["surrogate", "nul", "c1", "escape-in-xml"],
)
def test_an_xliff_text_with_a_control_character_is_refused_not_an_error_page(
    editor_client, agent, target, character
):
    text = with_target(agent, target)

    response = upload(editor_client, text, "el.xlf")

    assert response.status_code == 200
    assert shown(response) == refusal(text, "el.xlf")
    assert not PendingImport.objects.exists()
    assert Role.objects.get(pk=agent.pk).title_el == agent.title_el
    if character:  # &#x1b; is not XML at all: refused by the parser
        [refused] = refusal(text, "el.xlf")
        assert refused.startswith(in_admin_language(file_formats._where, "xliff", 1))
        assert "role:agent:title" in refused and character in refused


@pytest.mark.parametrize(
    ("msgstr", "character"),
    [("Νέος\\bτίτλος", "U+0008"), ("Νέος\\fτίτλος", "U+000C")],
    ids=["backspace", "form-feed"],
)
def test_a_po_text_with_an_escaped_control_character_is_refused(
    editor_client, agent, msgstr, character
):
    text = str(export_po(language="el")).replace(f'msgstr "{agent.title_el}"', f'msgstr "{msgstr}"')
    line = entry(polib.pofile(text), "role:agent:title").linenum

    response = upload(editor_client, text)

    assert response.status_code == 200
    assert shown(response) == refusal(text)
    with translation.override("en"), pytest.raises(TranslationFileError) as refused:
        file_formats.read(text)
    assert refused.value.errors == [
        f"line {line}: role:agent:title holds the character {character} (a control "
        "character, or half of a surrogate pair), which texts cannot hold."
    ]
    assert not PendingImport.objects.exists()


@pytest.mark.parametrize("character", ["\x00", "\x0b", "\x1c", "\x85", "\u2028"])
def test_a_po_file_with_a_raw_control_character_is_refused_with_its_line(
    editor_client, agent, character
):
    """NUL would reach the database; polib takes the others for line ends, changing the text."""
    text = str(export_po(language="el")).replace(
        f'msgstr "{agent.title_el}"', f'msgstr "Νέος{character}τίτλος"'
    )
    line = text[: text.index(character)].count("\n") + 1

    response = upload(editor_client, text)

    assert response.status_code == 200
    assert shown(response) == refusal(text)
    with translation.override("en"), pytest.raises(TranslationFileError) as refused:
        file_formats.read(text)
    assert refused.value.errors == [
        f"line {line}: the character U+{ord(character):04X} (a control character) is not "
        "accepted in a PO file."
    ]


def test_raw_control_characters_are_all_counted_and_the_first_listed(seeded):
    text = str(export_po(language="el")) + "\n#\x00\n" * 2 + "#" + "\x01" * 100_000 + "\n"

    with pytest.raises(TranslationFileError) as refused:
        file_formats.read(text)

    assert (len(refused.value.errors), refused.value.count) == (50, 100_002)


def test_tabs_and_line_ends_are_kept_and_a_carriage_return_is_a_line_end(agent):
    po = export_po(language="el")
    text = str(po).replace(f'msgstr "{agent.title_el}"', 'msgstr "Νέος\\tτίτλος\\r\\nδύο"')

    report = import_file(path_or_text=text, dry_run=True)

    assert [change.new for change in report.changes] == ["Νέος\tτίτλος\nδύο"]


def test_a_text_with_a_lone_surrogate_is_refused_as_not_utf_8(seeded):
    with pytest.raises(TranslationFileError, match="not UTF-8"):
        file_formats.read(str(export_po(language="el")).replace("msgstr", "msgstr \ud800", 1))


@pytest.mark.parametrize(
    "data",
    [
        b'msgid ""\nmsgstr "Language: el\\n"\n\nmsgctxt "a"\nmsgid "x"\nmsgstr "\xff\xfe"\n',
        '\ufeffmsgid ""\nmsgstr "Language: el\\n"\n'.encode("utf-16"),
        '<?xml version="1.0" encoding="UTF-16"?><xliff/>'.encode("utf-16"),
    ],
    ids=["invalid-utf-8", "utf-16-po", "utf-16-xliff"],
)
def test_a_file_not_in_utf_8_is_refused_clearly(editor_client, seeded, data):
    response = upload(editor_client, data, "el.xlf" if b"x\x00l\x00i" in data else "el.po")

    assert response.status_code == 200
    assert shown(response) == [
        in_admin_language(lambda: file_formats._("The file is not UTF-8 text."))
    ]


# One kept upload per user


def test_a_new_preview_replaces_the_users_earlier_uploads(editor_client, other_client, agent):
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"
    first = upload(editor_client, str(po), "first.po")
    upload(other_client, str(po), "other.po")
    entry(po, "role:agent:title").msgstr = "Δεύτερος τίτλος"

    second = upload(editor_client, str(po), "second.po")

    names = sorted(PendingImport.objects.values_list("file_name", flat=True))
    assert names == ["other.po", "second.po"]
    assert confirm(editor_client, first).status_code == 404
    assert confirm(editor_client, second).status_code == 302
    assert Role.objects.get(pk=agent.pk).title_el == "Δεύτερος τίτλος"


def test_a_preview_with_nothing_to_import_forgets_the_earlier_upload(editor_client, agent):
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"
    upload(editor_client, str(po))

    upload(editor_client, str(export_po(language="el")))

    assert not PendingImport.objects.exists()


# The kept uploads as a service


def test_an_upload_is_found_by_its_uploader_only_and_applied_once(editor, agent, django_user_model):
    someone = django_user_model.objects.create_user("someone", password="pw")
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"
    parsed = file_formats.read(str(po))
    kept = uploads.preview_upload(user=editor, parsed=parsed, file_name="el.po").upload

    with pytest.raises(uploads.UploadGone):
        uploads.find_upload(user=someone, upload_id=kept.pk)
    found = uploads.find_upload(user=editor, upload_id=kept.pk)
    report = uploads.apply_upload(upload=found, user=editor)

    assert [change.new for change in report.changes] == ["Νέος τίτλος"]
    with pytest.raises(uploads.UploadGone):
        uploads.apply_upload(upload=found, user=editor)
    with pytest.raises(uploads.UploadGone):
        uploads.find_upload(user=editor, upload_id=kept.pk)


def test_an_expired_upload_is_deleted_when_it_is_asked_for(editor, agent):
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"
    kept = uploads.preview_upload(
        user=editor, parsed=file_formats.read(str(po)), file_name="el.po"
    ).upload
    PendingImport.objects.update(created_at=timezone.now() - timedelta(minutes=61))

    with pytest.raises(uploads.UploadExpired) as expired:
        uploads.find_upload(user=editor, upload_id=kept.pk)

    assert expired.value.upload.file_name == "el.po"
    assert not PendingImport.objects.exists()


def test_an_upload_that_no_longer_fits_stays_kept(editor, agent):
    po = export_po(language="el")
    entry(po, "role:agent:title").msgstr = "Νέος τίτλος"
    kept = uploads.preview_upload(
        user=editor, parsed=file_formats.read(str(po)), file_name="el.po"
    ).upload
    Role.objects.filter(pk=agent.pk).update(title_nb="En annen tittel")

    with pytest.raises(TranslationFileError, match="source text of role:agent:title changed"):
        uploads.apply_upload(upload=kept, user=editor)

    assert PendingImport.objects.filter(pk=kept.pk).exists()
