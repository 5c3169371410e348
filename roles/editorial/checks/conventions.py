"""What each language's texts follow (docs/translation-style.md), read from the language's
`locale/<code>/conventions.yaml`, beside its catalogue: adding a language adds its conventions
there. A language without the file is checked only for what every language shares (spacing,
placeholders, numbers, the termbase...)."""

import functools
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from roles.editorial.checks.terms import normalise
from roles.languages import conventions_file


@dataclass(frozen=True)
class Conventions:
    # The outer quotation marks, opening then closing, and the other quotation marks allowed.
    quotes: tuple[str, str] | None = None
    inner_quotes: str = ""
    # "greek": words in Latin letters are flagged, except those of latin_allowed (lower case).
    script: str = "latin"
    latin_allowed: frozenset[str] = frozenset()
    question_mark: str = "?"
    informal_address: frozenset[str] = frozenset()  # normalised (terms.normalise)
    # A close neighbour's words that do not belong in this language: {word: this language's}.
    foreign_words: dict[str, str] = field(default_factory=dict)

    @property
    def greek(self) -> bool:
        return self.script == "greek"


@functools.cache
def conventions(language: str) -> Conventions:
    where, data = conventions_file(language)
    try:
        quotes, words = data.get("quotes"), data.get("foreign_words", {})
        return Conventions(
            quotes=tuple(quotes) if quotes else None,
            inner_quotes=data.get("inner_quotes", ""),
            script=data.get("script", "latin"),
            latin_allowed=frozenset(w.lower() for w in data.get("latin_allowed", [])),
            question_mark=data.get("question_mark", "?"),
            informal_address=frozenset(map(normalise, data.get("informal_address", []))),
            foreign_words={str(k).lower(): str(v) for k, v in words.items()},
        )
    except (AttributeError, TypeError, ValueError) as error:
        raise ImproperlyConfigured(f"{where}: {error}") from None


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in ("LOCALE_PATHS", "LANGUAGES"):
        conventions.cache_clear()
