"""What the Recent changes page costs: queries and time of one GET, with a seed load on it.

    SECRET_KEY=x .venv/bin/python bench/recent_changes.py [--saves 40] [--runs 9]

Works on a database of its own: a new SQLite file in a temporary folder (or DATABASE_URL, which it
migrates and seeds: give it an empty database). Loads the seeds (one revision holding nearly every
object), then saves roles' change forms `--saves` times as an editor would, so that the page's 50
revisions are the seed load and those saves; then opens the page `--runs` times. Prints Markdown.
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
_folder = tempfile.mkdtemp(prefix="kb-bench-changes-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_folder}/bench.sqlite3")

import django

django.setup()

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Revision, Version

from bench.common import fresh_site, superuser_client
from roles.models import Role
from tests.helpers import form_data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=40)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    fresh_site()
    client = superuser_client()
    roles = list(Role.objects.order_by("pk"))
    for run in range(args.saves):
        url = reverse("admin:roles_role_change", args=[roles[run % len(roles)].pk])
        data = form_data(client.get(url).content.decode(), "role_form")
        data["summary_da"] = [f"Opsummering {run}."]
        assert client.post(url, data).status_code == 302
    page = reverse("recent-changes")
    times, queries = [], 0
    for _run in range(args.runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(page)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(captured)
    seed = Revision.objects.order_by("date_created").first()
    print(
        f"Recent changes ({connection.vendor}): {Revision.objects.count()} revisions, "
        f"{Version.objects.count()} versions, the seed load's {seed.version_set.count()}; "
        f"median of {args.runs} GETs:\n"
    )
    print("| queries | median | fastest |")
    print("| ---: | ---: | ---: |")
    print(f"| {queries} | {statistics.median(times):.0f} ms | {min(times):.0f} ms |")


if __name__ == "__main__":
    main()
