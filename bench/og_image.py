"""Drawing time and size of the Open Graph images, in-process (no server, no database).

    SECRET_KEY=x .venv/bin/python bench/og_image.py [--repeat 20]

Draws each seeded role's card (seeds/roles.yaml) in every language with
roles.sharing.og_image.render(), as a cache miss does. The first drawing in a process also loads
the fonts; it is reported apart. Wall-clock time and the process's CPU time are both given: on a
machine whose cores are shared, the CPU time is the steadier of the two. Prints a Markdown table.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")

import django

django.setup()

import yaml
from django.conf import settings
from django.utils.translation import get_language_info, override

from roles.sharing import og_image


def cards() -> list[tuple[str, str, dict]]:
    roles = yaml.safe_load((Path(settings.SEEDS_DIR) / "roles.yaml").read_text())["roles"]
    found = []
    for code, _name in settings.LANGUAGES:
        with override(code):
            site_name = str(og_image.SITE_NAME)
        for role in roles:
            texts = {
                "site_name": site_name,
                "title": role["title"].get(code, ""),
                "summary": role["summary"].get(code, ""),
                "address": "kb.example.no",
                "language_name": get_language_info(code)["name_local"],
            }
            found.append((role["key"], code, texts))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    repeat = parser.parse_args().repeat
    found = cards()

    start = time.perf_counter()
    og_image.render(**found[0][2])
    first = (time.perf_counter() - start) * 1000

    print(f"First drawing in the process (fonts loaded): {first:.1f} ms\n")
    print("| role | language | p50 ms | max ms | CPU p50 ms | PNG bytes |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for key, code, texts in found:
        wall, cpu = [], []
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            png = og_image.render(**texts)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        print(
            f"| {key} | {code} | {statistics.median(wall):.1f} | {max(wall):.1f} "
            f"| {statistics.median(cpu):.1f} | {len(png):,} |"
        )


if __name__ == "__main__":
    main()
