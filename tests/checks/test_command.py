"""`manage.py check_translations`: the seeds and catalogues as they are, and copies of them with
an error planted, each finding printed at its file and line."""

import io
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from roles.editorial.checks.rules import PLACEHOLDER
from roles.models import Role

DANISH = '          da: "Sørge for, at kunderne får en positiv oplevelse."\n'
DANISH_QUOTED = "          da: 'Sørge for, at kunderne får en \"positiv\" oplevelse.'\n"
GREEK = '          el: "Φροντίζει ώστε οι πελάτες να έχουν μια θετική εμπειρία."\n'
GREEK_QUOTED = "          el: 'Φροντίζει ώστε οι πελάτες να έχουν μια \"θετική\" εμπειρία.'\n"


def check_translations(*args) -> tuple[str, CommandError | None]:
    """What the command prints, and the CommandError it raised (None if it passed)."""
    out = io.StringIO()
    try:
        call_command("check_translations", *map(str, args), stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def plant(path: Path, line: str, planted: str) -> int:
    """Replace `line` of the file at `path` with `planted`; the line's number."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = lines.index(line) + 1
    lines[number - 1] = planted
    path.write_text("".join(lines), encoding="utf-8")
    return number


def finding_lines(output: str) -> list[str]:
    """The lines of the findings (not the explanations nor the summary)."""
    return [line for line in output.splitlines() if ": error [" in line or ": warning [" in line]


def test_the_seeds_and_catalogues_are_clean():
    output, error = check_translations(
        settings.SEEDS_DIR, settings.LOCALE_PATHS[0], "--fail-on", "warning"
    )
    assert error is None, output
    assert "0 error(s), 0 warning(s)" in output


def test_a_planted_error_in_a_seed_file_fails_at_its_line(seeds_copy):
    line = plant(seeds_copy / "roles.yaml", DANISH, DANISH_QUOTED)
    output, error = check_translations(seeds_copy, "--fail-on", "warning")
    assert error is not None
    assert str(error).startswith("1 error(s), 0 warning(s)")
    assert finding_lines(output) == [f'{seeds_copy}/roles.yaml:{line}: error [quotes] Uses “"”.']
    assert "[quotes] Each language has its own quotation marks" in output


def test_a_planted_error_in_a_catalogue_fails_at_its_line(tmp_path):
    locale = tmp_path / "locale"
    shutil.copytree(settings.LOCALE_PATHS[0], locale)
    path = locale / "el" / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(path))
    entry = next(
        entry
        for entry in catalogue.translated_entries()
        if not entry.msgid_plural and len(PLACEHOLDER.findall(entry.msgid)) == 1
    )
    placeholder = PLACEHOLDER.search(entry.msgid).group(0)
    assert placeholder in entry.msgstr
    entry.msgstr = " ".join(entry.msgstr.replace(placeholder, " ").split())
    catalogue.save()
    line = polib.pofile(str(path)).find(entry.msgid).linenum

    output, error = check_translations(locale, "--lang", "el", "--fail-on", "error")

    assert error is not None
    assert f"{path}:{line}: error [placeholders] Lacks “{placeholder}”." in finding_lines(output)


def test_only_the_languages_asked_for_are_reported(seeds_copy):
    roles = seeds_copy / "roles.yaml"
    danish = plant(roles, DANISH, DANISH_QUOTED)
    greek = plant(roles, GREEK, GREEK_QUOTED)

    output, _error = check_translations(seeds_copy, "--lang", "da")
    assert finding_lines(output) == [f'{roles}:{danish}: error [quotes] Uses “"”.']

    output, _error = check_translations(seeds_copy, "--lang", "el")
    assert finding_lines(output) == [f'{roles}:{greek}: error [quotes] Uses “"”.']


def test_findings_do_not_fail_the_command_by_default(seeds_copy):
    plant(seeds_copy / "roles.yaml", DANISH, DANISH_QUOTED)
    for args in [(), ("--fail-on", "never")]:
        output, error = check_translations(seeds_copy, *args)
        assert error is None
        assert "1 error(s), 0 warning(s)" in output


def test_warnings_fail_the_command_only_on_warning(seeds_copy):
    plant(
        seeds_copy / "roles.yaml",
        DANISH,
        '          da: "Sørge for, at kunderne får en positiv oplevelse"\n',
    )
    output, error = check_translations(seeds_copy, "--fail-on", "error")
    assert error is None
    assert "0 error(s), 1 warning(s)" in output
    _output, error = check_translations(seeds_copy, "--fail-on", "warning")
    assert str(error).startswith("0 error(s), 1 warning(s)")


def test_a_folder_of_neither_seeds_nor_catalogues_is_an_error(tmp_path):
    (tmp_path / "notes.txt").write_text("Nothing to check.", encoding="utf-8")
    with pytest.raises(CommandError, match="neither seed files nor PO catalogues"):
        call_command("check_translations", str(tmp_path), stdout=io.StringIO())


def test_a_folder_that_does_not_exist_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="no such folder"):
        call_command("check_translations", str(tmp_path / "seeds"), stdout=io.StringIO())


@pytest.mark.django_db
def test_the_database_is_checked_with_each_text_named_by_its_object(seeded):
    output, error = check_translations("--database", "--fail-on", "warning")
    assert error is None, output
    assert "0 error(s), 0 warning(s)" in output

    role = Role.objects.get(key="agent")
    planted = role.summary_el.replace("ικανοποιημένοι", "«ικανοποιημένοι", 1)
    assert planted != role.summary_el
    Role.objects.filter(key="agent").update(summary_el=planted)

    output, error = check_translations("--database", "--fail-on", "error")
    assert str(error).startswith("1 error(s), 0 warning(s)")
    assert finding_lines(output) == [
        "role:agent summary [el]: error [quotes] Opens a quotation with « that is never closed."
    ]


def test_a_po_entry_turns_a_check_off_with_a_comment_for_translators(tmp_path):
    """A string that must show what a check looks for says so in its source code comment."""
    catalogue = tmp_path / "locale" / "nb" / "LC_MESSAGES" / "django.po"
    catalogue.parent.mkdir(parents=True)
    entry = 'msgid "Use « »."\nmsgstr "Bruk \\"anførselstegn\\"."\n'
    catalogue.write_text(f'msgid ""\nmsgstr ""\n\n{entry}', encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "check_translations", str(tmp_path / "locale"), "--fail-on", "error", stdout=out
        )
    assert "[quotes]" in out.getvalue()

    ignoring = "#. Translators: checks-ignore: quotes, spacing (it names the marks)\n"
    catalogue.write_text(f'msgid ""\nmsgstr ""\n\n{ignoring}{entry}', encoding="utf-8")
    out = io.StringIO()
    call_command("check_translations", str(tmp_path / "locale"), "--fail-on", "error", stdout=out)
    assert "[quotes]" not in out.getvalue()
