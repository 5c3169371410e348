"""Search latency (p50, p95) per language on PostgreSQL, at two corpus sizes.

    DATABASE_URL=postgres://…/kb_bench SECRET_KEY=x .venv/bin/python bench/search_latency.py \
        [--sizes 1000 100000]

Uses a database of its own (it loads the seeds, then adds and removes a synthetic corpus). Each
query runs through kb.search.queries.search() as the results page calls it: ranking, the trigram
fallback when few match, pagination and highlighting included. Prints a Markdown table.
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

from django.core.management import call_command
from django.db import connection

from kb.search import queries as search
from kb.search import synthetic
from roles.models import Duty

QUERIES = {
    "nb": [
        "kunder",
        "klager",
        "opplæring av personalet",
        "tålmodighet",
        "kundeservic",
        "feil pris",
    ],
    "el": ["πελατες", "παράπονα", "εκπαίδευση προσωπικού", "υπομονή", "εξυπηρετηση", "λάθος τιμή"],
    "da": [
        "kunder",
        "klager",
        "oplæring af personalet",
        "tålmodiged",
        "kundeservic",
        "forkert pris",
    ],
}
REPEAT = 20


def measure() -> dict[str, tuple[float, float]]:
    timings = {}
    for language, queries in QUERIES.items():
        samples = []
        for _ in range(REPEAT):
            for query in queries:
                start = time.perf_counter()
                search.search(query=query, language=language)
                samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        timings[language] = (statistics.median(samples), samples[int(len(samples) * 0.95) - 1])
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL: set DATABASE_URL.")
    call_command("migrate", verbosity=0)
    call_command("load_seeds", verbosity=0)
    print(
        f"PostgreSQL {connection.cursor().connection.info.server_version}, {os.cpu_count()} cores\n"
    )
    print("| duties | language | p50 ms | p95 ms |")
    print("| ---: | --- | ---: | ---: |")
    for size in args.sizes:
        quiet = open(os.devnull, "w")
        synthetic.remove()
        synthetic.generate(roles=max(1, size // 100), duties_per_role=min(size, 100), out=quiet)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE roles_searchentry")
        count = Duty.objects.count()
        for language, (p50, p95) in measure().items():
            print(f"| {count:,} | {language} | {p50:.1f} | {p95:.1f} |")
    synthetic.remove()


if __name__ == "__main__":
    main()
