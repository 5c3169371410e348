"""A large generated corpus for benchmarks (never for real content): duties, qualities and
scenarios in every language, written with the seed texts' own words so the searched terms are
distributed as in real text."""

import random
import re
import sys

from django.db import transaction

from kb.search.models import SearchEntry
from roles.languages import languages
from roles.models import Duty, Quality, Role, Scenario

PREFIX = "synthetic-"
WORD = re.compile(r"\w{3,}", re.UNICODE)


def vocabulary() -> dict[str, list[str]]:
    """Each language's words, from the texts loaded from the seeds."""
    words = {code: [] for code in languages()}
    for role in Role.objects.all():
        for code in words:
            for field in ("summary", "body", "career"):
                words[code] += WORD.findall(getattr(role, f"{field}_{code}") or "")
    return {code: sorted(set(found)) for code, found in words.items() if found}


def _sentence(rng: random.Random, words: list[str], length: int) -> str:
    return " ".join(rng.choice(words) for _ in range(length)).capitalize() + "."


@transaction.atomic
def generate(*, roles: int, duties_per_role: int = 100, seed: int = 1, out=sys.stdout) -> int:
    """Add `roles` synthetic role profiles: `duties_per_role` duties each (spread over the three
    roles), and one quality and one scenario each. Returns the number of duties made."""
    rng = random.Random(seed)
    words = vocabulary()
    if not words:
        raise ValueError(
            "Load the seeds first (python manage.py load_seeds): their words are used."
        )
    targets = list(Role.objects.all())
    start = Duty.objects.filter(key__startswith=PREFIX).count()
    made = 0
    for number in range(roles):
        duties = []
        for place in range(duties_per_role):
            role = targets[place % len(targets)]
            texts = {
                f"text_{code}": _sentence(rng, w, rng.randint(6, 14)) for code, w in words.items()
            }
            duties.append(
                Duty(
                    role=role,
                    key=f"{PREFIX}{start + made + place}",
                    order=1000 + start + made + place,
                    **texts,
                )
            )
        Duty.objects.bulk_create(duties)
        made += len(duties)
        slug = f"{PREFIX}{start // max(duties_per_role, 1) + number}"
        Quality.objects.bulk_create(
            [
                Quality(
                    slug=slug,
                    published=True,
                    **{f"name_{code}": _sentence(rng, w, 2)[:-1] for code, w in words.items()},
                    **{f"description_{code}": _sentence(rng, w, 30) for code, w in words.items()},
                )
            ]
        )
        Scenario.objects.bulk_create(
            [
                Scenario(
                    slug=slug,
                    published=True,
                    **{f"title_{code}": _sentence(rng, w, 4)[:-1] for code, w in words.items()},
                    **{f"situation_{code}": _sentence(rng, w, 20) for code, w in words.items()},
                    **{
                        f"steps_{code}": "\n".join(_sentence(rng, w, 8) for _ in range(4))
                        for code, w in words.items()
                    },
                )
            ]
        )
        _progress(out, number + 1, roles)
    out.write("\n")
    return made


def _progress(out, done: int, total: int) -> None:
    width = 30
    filled = width * done // total
    out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} role profiles")
    out.flush()


@transaction.atomic
def remove() -> None:
    SearchEntry.objects.filter(url__contains=PREFIX).delete()
    Duty.objects.filter(key__startswith=PREFIX).delete()
    Quality.objects.filter(slug__startswith=PREFIX).delete()
    Scenario.objects.filter(slug__startswith=PREFIX).delete()
