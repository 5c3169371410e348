"""The path of one role page's request through the project's modules, from a profiler's call tree.

    SECRET_KEY=x .venv/bin/python bench/role_page_path.py [--path /nb/roles/agent/]

Works on a database of its own (a new SQLite file, or DATABASE_URL: give it an empty database),
with the seeds loaded. Serves the page once to warm up, empties the cache, and serves it again
under sys.setprofile, watching calls from one project module (roles.*, kb.*) into another. For
each module: how many times it is on one stack at once at most (2 = it called another module that
called it back), and its call-backs. Then the path, in the order it was walked.
"""

import argparse
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
_folder = tempfile.mkdtemp(prefix="kb-bench-path-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_folder}/bench.sqlite3")

import django

django.setup()

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

try:
    from roles.seeds.loading import load_seeds
except ImportError:  # the layout of 30b2444, before the split: for docs/BENCHMARKS.md's "before"
    from roles.seeding import load_seeds

PACKAGES = tuple(str(ROOT / name) + os.sep for name in ("roles", "kb"))


def module_of(filename: str) -> str | None:
    """The project module a code object belongs to (None for Django's and the library's)."""
    if not filename.startswith(PACKAGES):
        return None
    return ".".join(Path(filename).relative_to(ROOT).with_suffix("").parts)


def stack_modules(frame) -> list[str]:
    modules = []
    while frame is not None:
        module = module_of(frame.f_code.co_filename)
        if module and (not modules or modules[-1] != module):
            modules.append(module)
        frame = frame.f_back
    return modules


def walk(client: Client, path: str):
    depth, callbacks, steps = Counter(), Counter(), []

    def profile(frame, event, arg):
        if event != "call":
            return
        callee = module_of(frame.f_code.co_filename)
        caller = frame.f_back and module_of(frame.f_back.f_code.co_filename)
        if not (callee and caller and callee != caller):
            return
        below = stack_modules(frame.f_back)
        if callee in below:
            callbacks[callee] += 1
        depth[callee] = max(depth[callee], below.count(callee) + 1)
        steps.append((caller, callee))

    sys.setprofile(profile)
    try:
        response = client.get(path)
    finally:
        sys.setprofile(None)
    assert response.status_code == 200, response.status_code
    return depth, callbacks, steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="/nb/roles/agent/")
    args = parser.parse_args()
    # Plain static storage: the manifest of hashed names exists only after collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    load_seeds()
    client = Client()
    client.get(args.path)  # imports, URLconf, compiled templates
    cache.clear()
    depth, callbacks, steps = walk(client, args.path)
    print(f"`GET {args.path}`, rendered (page cache empty), project modules called:\n")
    print("| module | most times on one stack | call-backs into it |")
    print("| --- | ---: | ---: |")
    for module in sorted(depth, key=lambda name: (-depth[name], -callbacks[name], name)):
        print(f"| `{module}` | {depth[module]} | {callbacks[module]} |")
    print("\nThe path, each step once, in order:\n")
    seen = []
    for step in steps:
        if step not in seen:
            seen.append(step)
    for caller, callee in seen:
        print(f"- `{caller}` → `{callee}` ({steps.count((caller, callee))}×)")


if __name__ == "__main__":
    main()
