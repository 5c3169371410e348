"""Screenshots of every kind of reader-facing page, at a phone's and a desktop's width, for
docs/screenshots/ (its README.md lists them) and the top-level README.

Run from the repository's root after changing how pages look, and commit what it writes:

    .venv/bin/python tools/screenshots.py

Works on a site of its own: a new SQLite file in a temporary folder, migrated and seeded as
`make run` does (bench/common.py's fresh_site). Serves it as `make serve` does (gunicorn,
kb/gunicorn.conf.py, DEBUG off, whitenoise, after compilemessages and collectstatic), so that the
404 page is the site's own; on a loopback port below 32768, with bench/load.py's process helpers,
and stops it again by PID, even on failure. Headless Chromium from Debian's package, driven by
Playwright as the browser tests do, reaches it as http://kb.example.com (so that the addresses
pages show do not change with the port) and takes each page's first screen (1280×900 and
390×844; the whole page where it is not much longer). The languages take turns, so that each
appears. It fails, writing nothing, if a page answers an unexpected status or the browser reports
an error, and names the pages that run off the side of the window.
"""

# A script: it sets up Django before importing the project (as bench/* do, exempt in pyproject).

import fcntl
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_folder = Path(tempfile.mkdtemp(prefix="kb-screenshots-"))
DATABASE_URL = f"sqlite:///{_folder}/screenshots.sqlite3"
SECRET_KEY = "screenshots-only-" + "k" * 50
os.environ.update(
    DJANGO_SETTINGS_MODULE="kb.settings",
    DATABASE_URL=DATABASE_URL,
    SECRET_KEY=SECRET_KEY,
    DEBUG="0",
)

import django

django.setup()

from bench.common import fresh_site
from bench.load import CLEARED, VENV_BIN, Processes, free_port, manage, wait_for_gunicorn
from roles.models import RoleVersion

OUT = ROOT / "docs" / "screenshots"  # where it writes
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOST = "kb.example.com"  # what the browser calls the server (it resolves to the loopback port)
VIEWPORTS = {1280: 900, 390: 844}  # width: height
# A page at most this many screens long is taken whole.
WHOLE_UP_TO = 1.25
SUFFIX = "png"
# The page's size, which may be more than the window's.
SIZE = (
    "({width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight})"
)
ALL_ROLES = "roles=associate&roles=agent&roles=manager"

# (name, language, address, status); {version} is the manager's latest version.
PAGES = [
    ("home", "nb", "/nb/", 200),
    ("role", "nb", "/nb/roles/agent/", 200),
    ("employers", "da", "/da/roles/agent/for-employers/", 200),
    ("quality", "el", "/el/qualities/patience/", 200),
    ("scenarios", "da", "/da/scenarios/", 200),
    ("scenario", "el", "/el/scenarios/wrong-price/", 200),
    ("workplace", "nb", "/nb/workplaces/retail/", 200),
    ("about", "el", "/el/about/", 200),
    ("search", "nb", "/nb/search/?q=kunde", 200),
    ("compare", "da", f"/da/compare/?{ALL_ROLES}", 200),
    ("versions", "el", "/el/roles/manager/v/", 200),
    ("version", "nb", "/nb/roles/manager/v/{version}/", 200),
    ("embed-preview", "da", "/embed/roles/associate/preview/?lang=da", 200),
    ("not-found", "el", "/el/no-such-page/", 404),
]
DARK = ("role", "nb", "/nb/roles/agent/", 200)


class ScreenshotError(Exception):
    pass


def serve(processes: Processes) -> int:
    """The seeded site under gunicorn with production settings; its port."""
    fresh_site()
    port = free_port(set())
    runtime = _folder / "run"  # gunicorn's $XDG_RUNTIME_DIR, not shared with another gunicorn
    runtime.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if k not in CLEARED + ("REDIS_URL",)}
    env.update(
        DJANGO_SETTINGS_MODULE="kb.settings",
        DATABASE_URL=DATABASE_URL,
        SECRET_KEY=SECRET_KEY,
        DEBUG="0",
        ALLOWED_HOSTS=f"{HOST},127.0.0.1",
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        XDG_RUNTIME_DIR=str(runtime),
    )
    manage(env, "compilemessages", "--ignore=.venv", "--ignore=node_modules", "-v", "0")
    # One collectstatic at a time in staticfiles/ (the system tests take the same lock).
    with open(ROOT / "staticfiles.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        manage(env, "collectstatic", "--no-input", "-v", "0")
    server = processes.start(
        "gunicorn", [str(VENV_BIN / "gunicorn"), "-c", "kb/gunicorn.conf.py", "kb.wsgi"], env
    )
    wait_for_gunicorn(server, port)
    return port


def take(browser, page_spec: tuple, width: int, notes: list, scheme: str = "light") -> bytes:
    _name, language, address, status = page_spec
    context = browser.new_context(
        base_url=f"http://{HOST}",
        viewport={"width": width, "height": VIEWPORTS[width]},
        locale=language,
        color_scheme=scheme,
        reduced_motion="reduce",
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: errors.append(f"{request.url}: {request.failure}"))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    response = page.goto(address, wait_until="networkidle")
    page.evaluate("document.fonts.ready")
    if response is None or response.status != status:
        got = response.status if response else "nothing"
        raise ScreenshotError(f"{address} answered {got}, not {status}")
    if status == 404:  # the browser logs the 404 itself as an error
        errors = [error for error in errors if "404" not in error]
    if errors:
        raise ScreenshotError(f"{address} at {width} px: " + "; ".join(errors))
    size = page.evaluate(SIZE)
    if size["width"] > width:
        notes.append(f"{address} at {width} px runs off the side ({size['width']} px wide)")
    whole = size["height"] <= VIEWPORTS[width] * WHOLE_UP_TO
    image = page.screenshot(full_page=whole, type=SUFFIX)
    context.close()
    return image


def run(port: int, notes: list[str]) -> dict[str, bytes]:
    from playwright.sync_api import sync_playwright

    version = RoleVersion.objects.filter(role_key="manager").order_by("-number").first()
    if version is None:
        raise ScreenshotError("the seeds published no version of the manager")
    images = {}
    with sync_playwright() as playwright:
        # The host on the loopback port, trusted as production's HTTPS would be (a secure context).
        served = [
            f"--host-resolver-rules=MAP {HOST}:80 127.0.0.1:{port}",
            f"--unsafely-treat-insecure-origin-as-secure=http://{HOST}",
        ]
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, *served])
        try:
            for name, language, address, status in PAGES:
                spec = (name, language, address.format(version=version.number), status)
                for width in VIEWPORTS:
                    images[f"{name}-{language}-{width}.{SUFFIX}"] = take(
                        browser, spec, width, notes
                    )
            name, language, _address, _status = DARK
            images[f"{name}-{language}-1280-dark.{SUFFIX}"] = take(
                browser, DARK, 1280, notes, "dark"
            )
        finally:
            browser.close()
    return images


def main() -> None:
    started = time.monotonic()
    processes = Processes(_folder)
    notes: list[str] = []
    try:
        images = run(serve(processes), notes)
    except Exception:
        tail = processes.log("gunicorn").splitlines()[-30:]
        if tail:
            print("--- gunicorn log (last lines) ---", *tail, sep="\n", file=sys.stderr)
        raise
    finally:
        processes.stop_all()
    OUT.mkdir(parents=True, exist_ok=True)
    for old in [*OUT.glob("*.png"), *OUT.glob("*.jpg")]:
        old.unlink()
    for file_name, image in images.items():
        (OUT / file_name).write_bytes(image)
    total = sum(len(image) for image in images.values())
    largest = max(images, key=lambda file_name: len(images[file_name]))
    print(
        f"{len(images)} screenshots in {OUT.relative_to(ROOT)}/: {total / 1024:,.0f} KB "
        f"(largest {largest}, {len(images[largest]) / 1024:,.0f} KB), "
        f"in {time.monotonic() - started:.0f} s"
    )
    for note in notes:
        print(f"Note: {note}")


if __name__ == "__main__":
    main()
