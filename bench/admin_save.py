"""What one admin save of a role costs: content-version bumps, reindexes, queries and time.

    SECRET_KEY=x .venv/bin/python bench/admin_save.py [--saves 5]

Works on a database of its own: a new SQLite file in a temporary folder (or DATABASE_URL, which it
migrates and seeds: give it an empty database). Opens the agent's change form, with its duties,
quality notes and scenarios inline, as an editor would, changes one Greek duty and saves it;
`--saves` times, each with a different text. Prints Markdown.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
_folder = tempfile.mkdtemp(prefix="kb-bench-admin-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_folder}/bench.sqlite3")

import django

django.setup()

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roles.models import Role
from tests.helpers import form_data

try:
    from kb.pagecache import store
    from kb.search import index
    from roles.seeds.loading import load_seeds
except ImportError:  # the layout of 30b2444, before the split: for docs/BENCHMARKS.md's "before"
    from roles.seeding import load_seeds

    from roles import page_cache as store
    from roles import search as index


def edit_one_duty(data: dict, run: int) -> None:
    data["duties-0-text_el"] = [f"Απαντά στις κλήσεις των πελατών ({run})."]


def reverse_the_duties(data: dict, run: int) -> None:
    rows = [i for i in range(int(data["duties-TOTAL_FORMS"][0])) if data[f"duties-{i}-id"][0]]
    orders = [data[f"duties-{i}-order"][0] for i in rows]
    for i, order in zip(rows, reversed(orders), strict=True):
        data[f"duties-{i}-order"] = [order]


def measure(client: Client, url: str, change, run: int) -> dict:
    """One save of the change form after `change`."""
    data = form_data(client.get(url).content.decode(), "role_form")
    change(data, run)
    bumps, reindexed = Counter(), Counter()
    bump, entries_for = store.bump, index.entries_for

    def count_bumps(**kwargs):
        bumps["bump"] += 1
        return bump(**kwargs)

    def count_entries(obj):
        reindexed[(type(obj).__name__, obj.pk)] += 1
        return entries_for(obj)

    with (
        mock.patch.object(store, "bump", side_effect=count_bumps),
        mock.patch.object(index, "entries_for", side_effect=count_entries),
        CaptureQueriesContext(connection) as queries,
    ):
        started = time.perf_counter()
        response = client.post(url, data)
        elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return {
        "bumps": bumps["bump"],
        "objects": len(reindexed),
        "most": max(reindexed.values(), default=0),
        "queries": len(queries),
        "ms": elapsed * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=5)
    args = parser.parse_args()
    # Plain static storage: the manifest of hashed names exists only after collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    load_seeds()
    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "pw-bench-1")
    client = Client()
    client.force_login(user)
    agent = Role.objects.get(key="agent")
    url = reverse("admin:roles_role_change", args=[agent.pk])
    print(f"One admin save of the agent ({connection.vendor}), median of {args.saves} saves:\n")
    print("| save | bumps | objects reindexed | most reindexes of one | queries | time |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    scenarios = [("one Greek duty edited", edit_one_duty), ("duties reordered", reverse_the_duties)]
    for name, change in scenarios:
        runs = [measure(client, url, change, run) for run in range(args.saves)]
        last, median = runs[-1], statistics.median(run["ms"] for run in runs)
        print(
            f"| {name} | {last['bumps']} | {last['objects']} | {last['most']} "
            f"| {last['queries']} | {median:.0f} ms |"
        )


if __name__ == "__main__":
    main()
