"""What published versions cost: storage per publish, publishing time, the version page's queries.

    SECRET_KEY=x .venv/bin/python bench/versions.py [--duties 100] [--publishes 50]

Works on a database of its own: a new SQLite file in a temporary folder (or DATABASE_URL, which
it migrates and seeds: give it an empty database). Loads the seeds, gives the agent `--duties`
extra duties in every language and publishes; then `--publishes` times changes one duty's text in
one language and publishes again. Reports the texts and bytes each publish stored against what a
full copy of the role's texts would have stored, the size of a version's structure, the time to
publish, and the queries and time of a version page (page cache off). Prints Markdown.
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
_folder = tempfile.mkdtemp(prefix="kb-bench-versions-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_folder}/bench.sqlite3")

import django

django.setup()

import json

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.db.models.functions import Length
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roles.models import Duty, Role, RoleVersion, VersionText
from roles.seeds.loading import load_seeds
from roles.versions import publishing
from roles.versions.pinned import digests, load


def stored() -> tuple[int, int]:
    size = VersionText.objects.aggregate(size=Sum(Length("text")))["size"] or 0
    return VersionText.objects.count(), size


def full_copy(version: RoleVersion) -> tuple[int, int]:
    """What storing every text of the version again would cost: count and characters."""
    texts = load([version])
    keys = digests(version.content)
    return len(keys), sum(len(texts[key]) for key in keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duties", type=int, default=100)
    parser.add_argument("--publishes", type=int, default=50)
    options = parser.parse_args()
    settings.PAGE_CACHE = False
    # Plain static storage: the manifest of hashed names exists only after collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    load_seeds()
    codes = [code for code, _name in settings.LANGUAGES]

    role = Role.objects.get(key="agent")
    Duty.objects.bulk_create(
        Duty(
            role=role,
            key=f"bench-{n}",
            order=10_000 + n,
            **{
                f"text_{code}": f"Duty {n} of the benchmark, in {code}: " + "x" * 80
                for code in codes
            },
        )
        for n in range(options.duties)
    )
    publishing.publish(role)

    timings, added_rows, added_chars = [], [], []
    for n in range(options.publishes):
        duty = Duty.objects.get(role=role, key=f"bench-{n % options.duties}")
        setattr(duty, f"text_{codes[n % len(codes)]}", f"Changed text number {n}.")
        duty.save()
        rows, chars = stored()
        start = time.perf_counter()
        version = publishing.publish(role)
        timings.append((time.perf_counter() - start) * 1000)
        after_rows, after_chars = stored()
        added_rows.append(after_rows - rows)
        added_chars.append(after_chars - chars)

    copy_rows, copy_chars = full_copy(version)
    structure = len(json.dumps(version.content, separators=(",", ":")))
    client = Client()
    path = f"/{settings.LANGUAGE_CODE}/roles/agent/v/1/"
    page_times = []
    for _ in range(20):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(path)
            page_times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code

    print(
        f"Database: {connection.vendor}; the agent with {role.duties.count()} duties, "
        f"{len(codes)} languages; {options.publishes} publishes of one changed text each.\n"
    )
    print("| measure | value |")
    print("| --- | ---: |")
    print(f"| texts in one version | {copy_rows:,} ({copy_chars:,} characters) |")
    print(
        f"| texts stored per publish (median) | {statistics.median(added_rows):g} "
        f"({statistics.median(added_chars):g} characters) |"
    )
    print(f"| a version's structure (JSON of digests) | {structure:,} bytes |")
    print(
        f"| all versions' texts, stored once | {stored()[0]:,} texts, {stored()[1]:,} characters |"
    )
    print(
        f"| full copies would have stored | {copy_rows * (options.publishes + 1):,} texts, "
        f"{copy_chars * (options.publishes + 1):,} characters |"
    )
    print(f"| publish, median / max | {statistics.median(timings):.1f} / {max(timings):.1f} ms |")
    later = options.publishes
    print(
        f"| version 1's page ({later} later versions): queries | {len(queries.captured_queries)} |"
    )
    print(f"| version 1's page: median time | {statistics.median(page_times):.1f} ms |")


if __name__ == "__main__":
    main()
