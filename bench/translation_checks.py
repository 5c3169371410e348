"""How long the translation checks take: `check_translations` on the seed files and catalogues,
on the database, and on all three (in process, and as CI runs it, a new process with Django's
start-up); and what they add to the admin's busiest pages (the agent's form, the dashboard).

    SECRET_KEY=x .venv/bin/python bench/translation_checks.py [--runs 7]

Works on a database of its own (a new SQLite file in a temporary folder), with the seeds loaded.
Prints Markdown.
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_folder = tempfile.mkdtemp(prefix="kb-bench-checks-")
DATABASE_URL = f"sqlite:///{_folder}/bench.sqlite3"
os.environ.update(DJANGO_SETTINGS_MODULE="kb.settings", DATABASE_URL=DATABASE_URL, DEBUG="1")

import django

django.setup()

from django.conf import settings
from django.core.management import call_command
from django.db import connection, reset_queries
from django.urls import reverse

from bench.common import fresh_site, superuser_client
from roles.editorial import workflow
from roles.editorial.checks import admin as checks_admin
from roles.editorial.checks.texts import catalogue_units, content_objects, database_units
from roles.models import Role
from roles.seeds.files import FILES


def timed(function, runs: int) -> tuple[float, float]:
    """The first run's time and the median of the others, in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times[0], statistics.median(times[1:])


def command(*args):
    return lambda: call_command("check_translations", *args, stdout=io.StringIO())


def page(client, url: str, *, checks: bool):
    def get():
        original = workflow.page_checks
        if not checks:  # the form as it was before the checks
            workflow.page_checks = lambda request, obj: None
        try:
            assert client.get(url).status_code == 200
        finally:
            workflow.page_checks = original

    return get


def queries(function) -> int:
    settings.DEBUG = True
    reset_queries()
    function()
    count = len(connection.queries)
    settings.DEBUG = False
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    fresh_site()
    seeds, locale = str(settings.SEEDS_DIR), str(settings.LOCALE_PATHS[0])
    texts = sum(1 for _ in database_units(content_objects()))
    strings = sum(1 for _ in catalogue_units(Path(locale)))

    print(f"{len(FILES)} seed files: {texts} texts (in the database too), {strings} strings\n")
    print("| run | first (ms) | median of the rest (ms) |")
    print("| --- | ---: | ---: |")
    for label, args in [
        ("seeds/ and locale/ (CI's run)", (seeds, locale)),
        ("seeds/", (seeds,)),
        ("locale/", (locale,)),
        ("the database", ("--database",)),
        ("all three (no argument)", ()),
    ]:
        first, median = timed(command(*args), runs)
        print(f"| {label} | {first:.0f} | {median:.0f} |")

    process = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "check_translations",
                seeds,
                locale,
                "--fail-on",
                "warning",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        process.append((time.perf_counter() - started) * 1000)
    print(
        f"| a new process, as `make check-translations` | {process[0]:.0f} | "
        f"{statistics.median(process[1:]):.0f} |"
    )

    client = superuser_client()
    agent = reverse("admin:roles_role_change", args=[Role.objects.get(key="agent").pk])
    print("\n| admin page | without checks (ms) | with checks (ms) | queries without | with |")
    print("| --- | ---: | ---: | ---: | ---: |")
    without = timed(page(client, agent, checks=False), runs)[1]
    with_checks = timed(page(client, agent, checks=True), runs)[1]
    counted = (
        queries(page(client, agent, checks=False)),
        queries(page(client, agent, checks=True)),
    )
    print(f"| the agent's form | {without:.0f} | {with_checks:.0f} | {counted[0]} | {counted[1]} |")
    dashboard = reverse("translation-dashboard")
    whole = timed(page(client, dashboard, checks=True), runs)[1]
    table = timed(checks_admin.dashboard_table, runs)[1]
    print(
        f"| Translations (dashboard) | {whole - table:.0f} | {whole:.0f} | – | "
        f"{queries(page(client, dashboard, checks=True))} |"
    )
    print("\n(The dashboard without checks: the page less the time of its checks' table.)")


if __name__ == "__main__":
    main()
