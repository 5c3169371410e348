"""Finding a termbase's terms in a text, whatever their case, accents and endings.

A term's *forms* say how it is recognised: one or more words, where `*` stands for any letters,
at a word's end (its endings: `kunde*` finds kunden, kundene) or start (compounds: `*leder`
finds kundeserviceleder). Case and accents do not count (`πελατ*` finds πελάτης and πελατών)."""

import functools
import re
import unicodedata
from dataclasses import dataclass, field


@functools.lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """`text` in lower case without accents, so that a form matches every way it is written."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", plain).replace("ς", "σ")


@functools.lru_cache(maxsize=4096)
def pattern(form: str) -> re.Pattern:
    """The regular expression of one form (in normalised text)."""
    words = []
    for word in normalise(form).split():
        core = re.escape(word.strip("*"))
        start = r"\w*" if word.startswith("*") else ""
        end = r"\w*" if word.endswith("*") else ""
        words.append(f"{start}{core}{end}")
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")


@functools.lru_cache(maxsize=4096)
def _any(forms: tuple[str, ...]) -> re.Pattern | None:
    """One expression for several forms, to rule a text out in one search."""
    forms = [form for form in forms if form.strip()]
    return re.compile("|".join(pattern(form).pattern for form in forms)) if forms else None


@functools.lru_cache(maxsize=65536)  # a source text is read once for each of its translations
def forms_in(text: str, forms: tuple[str, ...]) -> tuple[str, ...]:
    """The forms found in `text`."""
    plain = normalise(text)
    combined = _any(tuple(forms))
    if combined is None or not combined.search(plain):
        return ()
    return tuple(form for form in forms if form.strip() and pattern(form).search(plain))


def spans(text: str, forms: tuple[str, ...]) -> list[tuple[int, int, int]]:
    """Where the forms are found in `text` (in its normalised form), each with how much of it
    the form spells out (its letters without "*")."""
    if not forms_in(text, forms):
        return []
    plain = normalise(text)
    return [
        (*match.span(), len(form.replace("*", "")))
        for form in forms
        if form.strip()
        for match in pattern(form).finditer(plain)
    ]


def concepts_in(text: str, glossary, language: str) -> list["Concept"]:
    """The concepts `text` uses in `language`, leaving out one found only inside another's
    words: "kunde*" and "kundeservice*" both find "kundeservice", the concept that spells more of
    it is the term used."""
    found = [
        (concept, spans(text, concept.entry(language).recognised_by))
        for concept in glossary
        if concept.entry(language).found_in(text)
    ]

    def inside_another(concept, start, end, spelt) -> bool:
        return any(
            other is not concept
            and a <= start
            and end <= b
            and ((a, b) != (start, end) or other_spelt > spelt)
            for other, places in found
            for a, b, other_spelt in places
        )

    return [
        concept
        for concept, places in found
        if not all(inside_another(concept, *place) for place in places)
    ]


def lines(value: str | None) -> list[str]:
    """A termbase field holding one entry per line (forms, forbidden variants)."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


@dataclass(frozen=True)
class Entry:
    """A concept in one language: its preferred term, the forms that recognise it, the variants
    that must not be used, and a note for translators."""

    term: str = ""
    forms: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    note: str = ""

    @property
    def recognised_by(self) -> tuple[str, ...]:
        return self.forms or ((self.term,) if self.term else ())

    @property
    def forbidden_shown(self) -> str:
        """The forbidden variants for reading: "…" where a form has "*" (any letters)."""
        return ", ".join(form.replace("*", "…") for form in self.forbidden)

    def found_in(self, text: str) -> bool:
        return bool(self.recognised_by) and bool(forms_in(text, self.recognised_by))

    def forbidden_in(self, text: str) -> tuple[str, ...]:
        return forms_in(text, self.forbidden)


@dataclass(frozen=True)
class Concept:
    key: str
    entries: dict[str, Entry] = field(default_factory=dict)  # by language ("en": the interface's)
    url: str = ""  # its page in admin, when it comes from the database

    def entry(self, language: str) -> Entry:
        return self.entries.get(language) or Entry()
