"""How long (in pixels) the editors' busiest admin pages are, and whether lists fit the screen:
the agent's change form and its history after many saves, in every language, at 1280 and 390 px.

    SECRET_KEY=x .venv/bin/python bench/admin_pages.py [--saves 60]

Works on a database of its own (a new SQLite file in a temporary folder), with the seeds loaded
and the agent saved `--saves` times through the admin (its title, then back: each save a revision,
as an editor's day makes them). Serves the site with `runserver` and measures each page in headless
Chromium (Debian's package, driven by Playwright, as the browser tests do). Prints Markdown.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_folder = tempfile.mkdtemp(prefix="kb-bench-admin-")
DATABASE_URL = f"sqlite:///{_folder}/bench.sqlite3"
os.environ.update(DJANGO_SETTINGS_MODULE="kb.settings", DATABASE_URL=DATABASE_URL, DEBUG="1")

import django

django.setup()

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from roles.models import Role
from roles.seeds.loading import load_seeds
from tests.helpers import form_data

PASSWORD = "pw-bench-1"
WIDTHS = (1280, 390)
# A page's height, and whether anything runs off its side.
MEASURE = """() => ({
  height: document.documentElement.scrollHeight,
  overflow: document.documentElement.scrollWidth > document.documentElement.clientWidth,
})"""


def prepare(saves: int) -> Role:
    call_command("migrate", verbosity=0)
    load_seeds()
    user = get_user_model().objects.create_superuser("bench", "bench@example.com", PASSWORD)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    agent = Role.objects.get(key="agent")
    url = reverse("admin:roles_role_change", args=[agent.pk])
    title = agent.title_nb
    for number in range(saves):
        data = form_data(client.get(url).content.decode(), "role_form")
        data["title_nb"] = [title if number % 2 else f"{title} ({number})"]
        response = client.post(url, data)
        assert response.status_code == 302, response.content[:500]
    return agent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure(base: str, agent: Role) -> list[tuple]:
    from playwright.sync_api import sync_playwright

    pages = {
        "role form": reverse("admin:roles_role_change", args=[agent.pk]),
        "history": reverse("admin:roles_role_history", args=[agent.pk]),
        "role list": reverse("admin:roles_role_changelist"),
        "duty list": reverse("admin:roles_duty_changelist"),
    }
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
        )
        for code, _name in settings.LANGUAGES:
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 900})
                context.add_cookies(
                    [{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": base}]
                )
                page = context.new_page()
                page.goto(base + "/admin/login/")
                page.fill("#id_username", "bench")
                page.fill("#id_password", PASSWORD)
                page.click("input[type=submit]")
                page.wait_for_url("**/admin/")
                for name, path in pages.items():
                    page.goto(base + path)
                    page.wait_for_load_state("load")
                    shown = page.evaluate(MEASURE)
                    rows.append((name, code, width, shown["height"], shown["overflow"]))
                context.close()
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=60)
    args = parser.parse_args()
    agent = prepare(args.saves)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        rows = measure(base, agent)
    finally:
        server.terminate()
        server.wait()
    print(f"The agent saved {args.saves} times; heights in px (page scroll height).\n")
    print("| page | language | width | height | runs off the side |")
    print("| --- | --- | ---: | ---: | --- |")
    for name, code, width, height, overflow in rows:
        print(f"| {name} | {code} | {width} | {height:,} | {'yes' if overflow else 'no'} |")


if __name__ == "__main__":
    main()
