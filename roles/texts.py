"""Which language a shown text is really in. modeltranslation falls back silently (and cannot tell
that it did, its issue #796); a page must say when a part is shown in another language, and mark
that part with its own `lang`."""

import functools
import re
from typing import NamedTuple

from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.translation import get_language
from modeltranslation.thread_context import fallbacks_enabled
from modeltranslation.utils import build_localized_fieldname, resolution_order


class Text(NamedTuple):
    # A named tuple, not a frozen dataclass: a page makes some ninety, and a tuple is made in C.
    value: str
    language: str  # the language the value is written in
    fallback: bool  # True when that is not the page's language

    def __str__(self):
        return self.value


def text(obj: models.Model, field: str, language: str | None = None) -> Text:
    """The text of `field` in `language` (the active one by default), along the fallback chain."""
    language = language or get_language()
    for name, code in _chain(field, language, fallbacks_enabled()):
        value = getattr(obj, name, None)
        if value:
            return Text(value, code, code != language)
    return Text("", language, False)


@functools.lru_cache(maxsize=1024)
def _chain(field: str, language: str, _fallbacks: bool) -> tuple[tuple[str, str], ...]:
    """The columns text() reads, with their languages, in order: worked out once per field and
    language (a page reads some fifty texts). modeltranslation's fallbacks(False) is a key."""
    return tuple(
        (build_localized_fieldname(field, code), code) for code in resolution_order(language)
    )


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "MODELTRANSLATION_FALLBACK_LANGUAGES"):
        _chain.cache_clear()


def columns(fields: tuple[str, ...], language: str, prefix: str = "") -> list[str]:
    """The columns text() reads for `fields` in `language`: the language's own and those of its
    fallback chain (for QuerySet.only(); `prefix` for a related model's, "leads_to__")."""
    chain = resolution_order(language)
    return [prefix + build_localized_fieldname(field, code) for field in fields for code in chain]


# Line ends other than LF: CR (a browser's CR LF, an old Mac's CR), and the line breaks a word
# processor's text brings when pasted (Word's manual line break is U+000B).
OTHER_LINE_ENDS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")


def unix_line_ends(value):
    """`value` with every line end made LF (anything not a string as it is)."""
    if isinstance(value, str):
        return OTHER_LINE_ENDS.sub("\n", value)
    return value


def clean_text(text: str) -> str:
    """Texts are stored without trailing spaces, with Unix line ends, paragraphs kept."""
    lines = [line.rstrip() for line in unix_line_ends(text).strip().split("\n")]
    return "\n".join(lines)
