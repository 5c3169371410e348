"""Each language's alphabetical order, for the lists readers see in that language.

On PostgreSQL a list is sorted with the ICU collation of its language, "<code>-x-icu" (Debian's
PostgreSQL has one for nearly every language): nb-x-icu and da-x-icu put æ, ø, å after z,
el-x-icu ignores accents and final sigma. SQLite has no such collations, so collations of the same
names are registered on each of its connections (install(), on connection_created), following the
same rules with the alphabet in the language's locale/<code>/conventions.yaml: the same query
sorts alike on both.
"""

import functools
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import connections
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Collate, NullIf
from django.dispatch import receiver

from roles.languages import conventions_file
from roles.texts import columns


def collation_name(language: str) -> str:
    """The collation sorting `language`: PostgreSQL's ICU name, also given to SQLite's stand-in."""
    return f"{language}-x-icu"


def check_collations(databases=None, **kwargs) -> list[checks.CheckMessage]:
    """On PostgreSQL, each language's collation exists (without it, every list in the language
    fails): run by migrate and `manage.py check --database default`."""
    errors = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        names = [collation_name(code) for code, _label in settings.LANGUAGES]
        with connection.cursor() as cursor:
            cursor.execute("SELECT collname FROM pg_collation WHERE collname = ANY(%s)", [names])
            found = {name for (name,) in cursor.fetchall()}
        errors += [
            checks.Error(
                f"PostgreSQL has no collation {name!r}: lists in its language cannot be sorted.",
                hint="Use a PostgreSQL built with ICU (Debian's is), or create the collation "
                f"(CREATE COLLATION \"{name}\" (provider = icu, locale = '…')); "
                "docs/ADDING-A-LANGUAGE.md.",
                id="roles.E012",
            )
            for name in names
            if name not in found
        ]
    return errors


def shown_text(field: str, language: str, prefix: str = ""):
    """`field` as a reader of `language` sees it, in SQL: the language's column, else the first of
    its fallback chain with a text (an empty text counts as missing, as in roles.texts.text())."""
    texts = [NullIf(F(column), Value("")) for column in columns((field,), language, prefix)]
    return Coalesce(*texts) if len(texts) > 1 else texts[0]


def alphabetical(field: str, language: str, prefix: str = "") -> Collate:
    """An ordering by `field` as shown in `language`, in that language's alphabetical order
    (`prefix` for a related model's field: "role__")."""
    return Collate(shown_text(field, language, prefix), collation_name(language))


def shown_name(model) -> str:
    """The field readers know `model`'s objects by: its title, or its name."""
    names = {f.name for f in model._meta.get_fields()}
    return "title" if "title" in names else "name"


# SQLite's stand-in for the ICU collations.


@dataclass(frozen=True)
class Order:
    """A language's alphabetical order, as its conventions.yaml states it."""

    # The language's letters in their order: other letters come after them, by code point.
    alphabet: str = ""
    # Letters (or pairs) sorted as others: Bokmål sorts ä as æ and aa as å.
    sorted_as: dict[str, str] = field(default_factory=dict)
    # Whether "Anna" comes before "anna" (when nothing else tells them apart).
    upper_first: bool = False


@functools.cache
def order(language: str) -> Order:
    where, conventions = conventions_file(language)
    try:
        data = conventions.get("order", {})
        return Order(
            alphabet=data.get("alphabet", ""),
            # The longest first: "aa" before any single letter it starts with.
            sorted_as={
                str(k): str(v)
                for k, v in sorted(data.get("sorted_as", {}).items(), key=_longest_first)
            },
            upper_first=data.get("case_first", "lower") == "upper",
        )
    except (AttributeError, TypeError) as error:
        raise ImproperlyConfigured(f"{where}: {error}") from None


def _longest_first(item: tuple) -> int:
    return -len(str(item[0]))


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting == "LOCALE_PATHS":
        order.cache_clear()
        sort_key.cache_clear()


@functools.lru_cache(maxsize=4096)
def sort_key(language: str, value: str) -> tuple:
    """What `value` sorts by in `language`: first its letters, case and accents aside (the
    language's letters first, in its order; then other letters; digits and punctuation before
    all), then its accents, then its case."""
    rules = order(language)
    folded = unicodedata.normalize("NFC", value).casefold()
    letters, accents = [], []  # a weight per letter; what each was written as, if not plain
    at = 0
    while at < len(folded):
        written = next((w for w in rules.sorted_as if folded.startswith(w, at)), folded[at])
        at += len(written)
        if written in rules.sorted_as:
            bases = rules.sorted_as[written]
        elif written in rules.alphabet:
            bases = written
        else:  # an accented letter sorts as its base letter: "é" as "e", "ά" as "α"
            bases = "".join(
                c for c in unicodedata.normalize("NFD", written) if not unicodedata.combining(c)
            )
        for base in bases:
            letters.append(_weight(base, rules.alphabet))
            accents.append("" if base == written else written)
    case = tuple(_case(char, rules.upper_first) for char in unicodedata.normalize("NFC", value))
    return tuple(letters), tuple(accents), case, value


def _case(char: str, upper_first: bool) -> int:
    """Lower case first, then a letter's other forms (ς after σ), then upper case; or upper case
    first, where the language has it so."""
    if char.isupper():
        return -1 if upper_first else 2
    return 0 if char == char.casefold() else 1


def _weight(char: str, alphabet: str) -> tuple[int, int, int]:
    if char in alphabet:
        return (2, 0, alphabet.index(char))
    if char.isalpha():
        return (2, 1, ord(char))
    return (1 if char.isdigit() else 0, 0, ord(char))


def compare(language: str, a: str, b: str) -> int:
    """SQLite's collation function for `language`: negative, zero or positive as a < b."""
    key_a, key_b = sort_key(language, a), sort_key(language, b)
    return (key_a > key_b) - (key_a < key_b)


def install(sender, connection, **kwargs):
    """On each new SQLite connection (connection_created), the collations of every language."""
    if connection.vendor != "sqlite":
        return
    for code, _label in settings.LANGUAGES:
        connection.connection.create_collation(
            collation_name(code), functools.partial(compare, code)
        )
