"""How long a translator's import holds a worker: the preview and the confirm step of the worst
files the limits let through, and the file of issue 14 (5 MB, 127,000 unknown entries).

    SECRET_KEY=x .venv/bin/python bench/import_files.py [--runs 3]

Works on a database of its own: a new SQLite file in a temporary folder (or DATABASE_URL, which it
migrates and seeds: give it an empty database). Gives the agent duties until Greek has as many
texts as the entry limit allows in one file, then uploads each file through the admin as a
superuser would (Django's test client, the whole request: upload, parsing, checks, rendering) and
times the preview and, for a file that can be applied, the confirm step. Prints Markdown.
"""

import argparse
import os
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
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

from roles.editorial.translation_files import export_po, export_xliff
from roles.models import Duty, Role
from roles.seeds.loading import load_seeds
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
    if apply:
        confirm_time, confirmed = post(client, form_data(page, "confirm-form"))
        assert confirmed.status_code == 302, confirmed.content.decode()[-3000:]
        result["confirm"] = confirm_time
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    # Plain static storage: the manifest of hashed names exists only after collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    load_seeds()
    size, entries = settings.TRANSLATION_FILE_MAX_BYTES, settings.TRANSLATION_FILE_MAX_ENTRIES
    greek = fill_greek_texts(entries)
    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "pw-bench-1")
    client = Client()
    client.force_login(user)

    report, po, xliff = (
        unknown_po(127_000, 5 * MB),
        unknown_po(entries, size),
        unknown_xliff(entries, size),
    )
    raised = {"TRANSLATION_FILE_MAX_BYTES": 8 * MB}
    scenarios = [
        ("issue 14's file: 127,000 unknown entries", report, "el.po", False, {}),
        ("the same, with the size limit raised to 8 MB", report, "el.po", False, raised),
        (f"{entries:,} unknown entries, PO, short lines", po, "el.po", False, {}),
        (f"{entries:,} unknown units, XLIFF", xliff, "el.xlf", False, {}),
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
            made = text or every_greek_text_changed("xliff" if file_name.endswith("xlf") else "po")
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
