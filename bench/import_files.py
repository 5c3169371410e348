"""How long a translator's import holds a worker: the preview and the confirm step of the worst
files the limits let through, the file of issue 14 (5 MB, 127,000 unknown entries), and the shapes
that were slow within the limits (a file of newlines; XLIFF units nested around many notes) or
broke the preview (control characters).

    SECRET_KEY=x .venv/bin/python bench/import_files.py [--runs 3]

Works on a database of its own: a new SQLite file in a temporary folder (or DATABASE_URL, which it
migrates and seeds: give it an empty database). Gives the agent duties until Greek has as many
texts as the entry limit allows in one file, then uploads each file through the admin as a
superuser would (Django's test client, the whole request: upload, parsing, checks, rendering) and
times the preview and, for a file that can be applied, the confirm step. Prints Markdown; the
first error of each refused file goes to stderr (in the admin's language).
"""

import argparse
import html
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
_folder = tempfile.mkdtemp(prefix="kb-bench-imports-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_folder}/bench.sqlite3")

import django

django.setup()

from xml.sax.saxutils import escape

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings

from bench.common import fresh_site, superuser_client
from roles.editorial import file_formats
from roles.editorial.translation_files import export_po, export_xliff
from roles.models import Duty, Role
from tests.helpers import form_data

URL = "/admin/translation-files/import/"
MB = 1024 * 1024


def unknown_po(entries: int, size: int) -> str:
    """`entries` unknown entries filling `size` bytes, each translation wrapped on short lines
    (the most lines polib can be given within the size)."""
    header = 'msgid ""\nmsgstr "Language: el\\nContent-Type: text/plain; charset=UTF-8\\n"\n'
    entry = 'msgctxt "role:n{n}:title"\nmsgid "x"\nmsgstr ""\n'
    fixed = len(header) + sum(len(entry.format(n=n)) + 1 for n in range(entries))
    lines = max(0, (size - fixed) // entries // len('"α"\n'.encode()))
    body = '"α"\n' * lines
    return header + "".join(f"\n{entry.format(n=n)}{body}" for n in range(entries))


def unknown_xliff(entries: int, size: int) -> str:
    """`entries` unknown units filling `size` bytes."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:'
        '2.0" version="2.0" srcLang="nb" trgLang="el"><file id="content">\n'
    )
    unit = (
        '<unit id="u{n}" name="duty:nobody/n{n}:text"><segment state="translated">'
        "<source>Oppgave</source><target>{text}</target></segment></unit>\n"
    )
    fixed = len(head) + sum(len(unit.format(n=n, text="")) for n in range(entries)) + 20
    text = "α" * max(0, (size - fixed) // entries // 2)
    return head + "".join(unit.format(n=n, text=text) for n in range(entries)) + "</file></xliff>\n"


XLIFF_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" '
    'version="2.0" srcLang="nb" trgLang="el"><file id="content">\n'
)


def nested_units(units: int, notes: int) -> str:
    """`units` units nested in each other around `notes` empty notes: each unit's subtree holds
    every note (the report's file: 999 units, 140,000 notes, 993 KB)."""
    opened = "".join(f'<unit id="u{n}" name="role:n{n}:title">' for n in range(units))
    return f"{XLIFF_HEAD}{opened}{'<note/>' * notes}{'</unit>' * units}</file></xliff>\n"


def dense_xliff(entries: int, elements: int) -> str:
    """`entries` unknown units of `elements` elements each (markers nested in the target): the
    most elements the element limit lets through."""
    depth = elements - 4  # unit, segment, source, target
    target = f"{'<mrk>' * depth}α{'</mrk>' * depth}"
    unit = (
        '<unit id="u{n}" name="duty:nobody/n{n}:text"><segment state="translated">'
        "<source>Oppgave</source><target>{target}</target></segment></unit>\n"
    )
    body = "".join(unit.format(n=n, target=target) for n in range(entries))
    return f"{XLIFF_HEAD}{body}</file></xliff>\n"


def every_greek_text_changed(kind: str) -> str:
    """The Greek export with every translation changed, as a translator's full pass would."""
    if kind == "po":
        po = export_po(language="el")
        for entry in po:
            entry.msgstr = f"{entry.msgstr or entry.msgid} (αναθεωρημένο)"
            entry.flags = []
        return str(po)
    text = export_xliff(language="el")
    text = text.replace('state="initial"', 'state="translated"')
    return text.replace("</target>", " (αναθεωρημένο)</target>")


def every_greek_text_with_nul() -> str:
    """The Greek export with a NUL (<cp hex="0"/>) in every translation: each is refused."""
    text = export_xliff(language="el").replace('state="initial"', 'state="translated"')
    return text.replace("</target>", '<cp hex="0"/></target>')


def fill_greek_texts(target: int) -> int:
    """Give the agent duties until Greek has `target` texts to translate; their number."""
    have = len(export_po(language="el"))
    agent = Role.objects.get(key="agent")
    Duty.objects.bulk_create(
        Duty(
            role=agent,
            key=f"bench-{n}",
            order=10_000 + n,
            **{
                f"text_{code}": f"Oppgave {n} i målingen ({code}): " + "x" * 60
                for code, _name in settings.LANGUAGES
            },
        )
        for n in range(max(0, target - have))
    )
    return len(export_po(language="el"))


def post(client: Client, data: dict) -> tuple[float, object]:
    start = time.perf_counter()
    response = client.post(URL, data)
    return time.perf_counter() - start, response


def measure(client: Client, text: str, name: str, apply: bool, limits: dict) -> dict:
    data = text.encode()
    with override_settings(**limits):
        preview_time, preview = post(client, {"file": SimpleUploadedFile(name, data)})
    assert preview.status_code == 200, preview.status_code
    page = preview.content.decode()
    result = {"size": len(data), "preview": preview_time, "page": len(preview.content)}
    result["outcome"] = "refused" if 'class="errornote"' in page else "previewed"
    if result["outcome"] == "refused":
        first = re.search(r"<li>(.*?)</li>", page, re.S)
        print(f"  {name}: {html.unescape(first[1])[:110] if first else '?'}", file=sys.stderr)
    if apply:
        confirm_time, confirmed = post(client, form_data(page, "confirm-form"))
        assert confirmed.status_code == 302, confirmed.content.decode()[-3000:]
        result["confirm"] = confirm_time
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    fresh_site()
    size, entries = settings.TRANSLATION_FILE_MAX_BYTES, settings.TRANSLATION_FILE_MAX_ENTRIES
    greek = fill_greek_texts(entries)
    client = superuser_client()

    report, po, xliff = (
        unknown_po(127_000, 5 * MB),
        unknown_po(entries, size),
        unknown_xliff(entries, size),
    )
    per_entry = file_formats.XLIFF_ELEMENTS_PER_ENTRY
    nested_notes = (size - len(nested_units(999, 0))) // len("<note/>")
    under_cap = entries * per_entry - 999 - 10
    raised = {"TRANSLATION_FILE_MAX_BYTES": 8 * MB}
    scenarios = [
        ("issue 14's file: 127,000 unknown entries", report, "el.po", False, {}),
        ("the same, with the size limit raised to 8 MB", report, "el.po", False, raised),
        (f"{entries:,} unknown entries, PO, short lines", po, "el.po", False, {}),
        (f"{entries:,} unknown units, XLIFF", xliff, "el.xlf", False, {}),
        ("a file of newlines only, PO", "\n" * size, "el.po", False, {}),
        (
            f"999 nested units around {nested_notes:,} notes, XLIFF",
            nested_units(999, nested_notes),
            "el.xlf",
            False,
            {},
        ),
        (
            f"999 nested units around {under_cap:,} notes (under the element limit), XLIFF",
            nested_units(999, under_cap),
            "el.xlf",
            False,
            {},
        ),
        (
            f"{entries:,} unknown units of {per_entry - 1} elements each, XLIFF",
            dense_xliff(entries, per_entry - 1),
            "el.xlf",
            False,
            {},
        ),
        ("NUL characters only, PO", "\x00" * size, "el.po", False, {}),
        (f'NUL (<cp hex="0"/>) in every Greek text ({greek:,}), XLIFF', None, "el.xlf", False, {}),
        (f"every Greek text changed ({greek:,}), PO", None, "el.po", True, {}),
        (f"every Greek text changed ({greek:,}), XLIFF", None, "el.xlf", True, {}),
    ]
    print(
        f"Database: {connection.vendor}; limits {size / MB:g} MB and {entries:,} entries; "
        f"Greek has {greek:,} texts; median of {options.runs} runs.\n"
    )
    print("| file | size | outcome | preview | confirm | preview page |")
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    for name, text, file_name, apply, limits in scenarios:
        runs = []
        for _ in range(options.runs):
            # A file that is applied changes the texts: made again from the texts of each run.
            made = text or (
                every_greek_text_changed("xliff" if file_name.endswith("xlf") else "po")
                if apply
                else every_greek_text_with_nul()
            )
            runs.append(measure(client, made, file_name, apply, limits))
        last = runs[-1]
        preview = statistics.median(run["preview"] for run in runs)
        confirm = (
            f"{statistics.median(run['confirm'] for run in runs) * 1000:,.0f} ms" if apply else "–"
        )
        print(
            f"| {escape(name)} | {last['size'] / MB:.1f} MB | {last['outcome']} | "
            f"{preview * 1000:,.0f} ms | {confirm} | {last['page'] / 1024:,.0f} KB |"
        )


if __name__ == "__main__":
    main()
