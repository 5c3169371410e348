"""What one request costs the app, in instructions (valgrind's cachegrind) and in CPU time: the
rendered role page (no page cache), robots.txt (the middleware alone) and other pages.

    SECRET_KEY=x .venv/bin/python bench/render_cost.py [--root CHECKOUT] [--paths /nb/roles/agent/]

Runs the app of CHECKOUT (this one by default: give another clone, with its .venv, for a "before")
in one process with production settings (DEBUG=0, PAGE_CACHE=0) on a SQLite database of its own
with the seeds loaded. Requests go straight to Django's WSGI handler (no test client, no server).
Each page is counted twice under `valgrind --tool=cachegrind --cache-sim=no`, with a short and a
long run; the difference divided by the difference in requests is one request, start-up and the
first (warming) requests left out. Instruction counts do not change with how busy the machine is;
the CPU times (process time, 300 requests, median of 5) do.
"""

import argparse
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
PATHS = [
    "/robots.txt",
    "/nb/roles/agent/",
    "/el/roles/manager/",
    "/da/",
    "/nb/scenarios/",
    "/nb/search/?q=kunder",
]


def inner(root: Path, database: str, path: str, count: int, timed: bool, without: str) -> None:
    """In the app's process: serve `path` `count` times (after 5 to warm up), without the
    middleware `without` if given."""
    sys.path.insert(0, str(root))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="kb.settings",
        DATABASE_URL=f"sqlite:///{database}",
        DEBUG="0",
        PAGE_CACHE="0",
        ALLOWED_HOSTS="127.0.0.1",
    )
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    if without:
        settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != without]

    handler = WSGIHandler()
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path.partition("?")[0],
        "QUERY_STRING": path.partition("?")[2],
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }

    def get():
        statuses = []
        body = b"".join(
            handler(
                {**environ, "wsgi.input": io.BytesIO()}, lambda s, h, e=None: statuses.append(s)
            )
        )
        if not statuses[0].startswith("200"):
            raise SystemExit(f"{path}: {statuses[0]}")
        return body

    for _ in range(5):
        get()
    if not timed:
        for _ in range(count):
            get()
        return
    times = []
    for _ in range(5):
        start = time.process_time()
        for _ in range(count):
            get()
        times.append((time.process_time() - start) / count)
    print(f"{statistics.median(times) * 1000:.3f}")


def instructions(root: Path, database: str, path: str, count: int, without: str = "") -> int:
    command = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        str(root / ".venv" / "bin" / "python"),
        str(HERE),
        "--inner",
        path,
        "--count",
        str(count),
        "--database",
        database,
        "--root",
        str(root),
        "--without",
        without,
    ]
    # One hash seed for every run: dictionaries laid out alike, counts comparable.
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    result = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    found = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=HERE.parent.parent)
    parser.add_argument("--paths", nargs="+", default=PATHS)
    parser.add_argument("--inner", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--timed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--without", default="", help=argparse.SUPPRESS)
    parser.add_argument(
        "--middleware",
        action="store_true",
        help="for each page, what each middleware costs (the request without it, one at a time)",
    )
    args = parser.parse_args()
    root = args.root.resolve()
    if args.inner:
        inner(root, args.database, args.inner, args.count, args.timed, args.without)
        return
    python = str(root / ".venv" / "bin" / "python")
    with tempfile.TemporaryDirectory(prefix="kb-render-cost-") as folder:
        database = f"{folder}/bench.sqlite3"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "0"}
        env.setdefault("SECRET_KEY", "bench-" + "x" * 50)
        for command in (["migrate", "--no-input", "-v", "0"], ["load_seeds"]):
            subprocess.run(
                [python, str(root / "manage.py"), *command],
                env=env,
                cwd=root,
                check=True,
                capture_output=True,
            )
        commit = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%h"], capture_output=True, text=True
        ).stdout.strip()
        print(f"code {commit} ({root}); per request")
        if args.middleware:
            middleware_costs(root, database, args.paths)
            return
        print("| page | instructions | CPU ms |")
        print("| --- | ---: | ---: |")
        for path in args.paths:
            short, long = (20, 220) if path == "/robots.txt" else (5, 45)
            per_request = (
                instructions(root, database, path, long) - instructions(root, database, path, short)
            ) / (long - short)
            timed = subprocess.run(
                [
                    python,
                    str(HERE),
                    "--inner",
                    path,
                    "--count",
                    "300" if short == 20 else "100",
                    "--database",
                    database,
                    "--root",
                    str(root),
                    "--timed",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            print(f"| `{path}` | {per_request / 1e6:.2f} M | {timed} |", flush=True)


def per_request(root: Path, database: str, path: str, without: str = "") -> float:
    short, long = (20, 220) if path == "/robots.txt" else (5, 45)
    return (
        instructions(root, database, path, long, without)
        - instructions(root, database, path, short, without)
    ) / (long - short)


def middleware_costs(root: Path, database: str, paths: list[str]) -> None:
    """What each middleware costs a request: the request with the whole stack, less the request
    without that one (the others still run)."""
    listed = subprocess.run(
        [
            str(root / ".venv" / "bin" / "python"),
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'kb.settings'); "
            "django.setup(); from django.conf import settings; print(*settings.MIDDLEWARE)",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for path in paths:
        whole = per_request(root, database, path)
        print(f"\n`{path}`: {whole / 1e6:.2f} M instructions with every middleware")
        print("| middleware | instructions | share |")
        print("| --- | ---: | ---: |")
        for name in listed:
            try:
                cost = whole - per_request(root, database, path, name)
            except subprocess.CalledProcessError:  # another middleware needs it (sessions)
                print(f"| `{name}` | (the others need it) | |", flush=True)
                continue
            print(f"| `{name}` | {cost / 1e6:.3f} M | {cost / whole:.0%} |", flush=True)


if __name__ == "__main__":
    main()
