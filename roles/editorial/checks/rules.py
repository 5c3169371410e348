"""The checks: each has an id, a severity and an explanation, and looks at one text (a `Unit`)
against its source. The ids are those of docs/translation-style.md and of `check_translations`."""

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from roles.editorial.checks.conventions import conventions
from roles.editorial.checks.terms import Concept, concepts_in, normalise

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Unit:
    """One text to check: where it is, its language, and what it translates."""

    where: str  # seeds/roles.yaml:46, locale/el/LC_MESSAGES/django.po:120, role:agent summary [el]
    language: str
    text: str
    source: str = ""  # the text it translates; empty for a source text
    source_language: str = ""
    others: Mapping[str, str] = field(default_factory=dict)  # the same text in other languages
    interface: bool = False  # an interface string (placeholders, markup) rather than content
    obj: Any = None  # the object and field of a text in the database
    field: str = ""
    ignored: frozenset[str] = frozenset()  # checks a PO entry's comment turns off (checks-ignore)

    @property
    def is_translation(self) -> bool:
        return bool(self.source) and self.language != self.source_language


@dataclass(frozen=True)
class Check:
    id: str
    severity: str
    title: Any  # lazy: in the editor's language
    explanation: Any
    function: Callable[["Unit", Sequence[Concept]], Iterator[str]]
    translations_only: bool = False


@dataclass(frozen=True)
class Finding:
    unit: Unit
    check: Check
    detail: str
    dismissal: Any = None  # the CheckDismissal of a warning an editor dismissed

    @property
    def severity(self) -> str:
        return self.check.severity


CHECKS: dict[str, Check] = {}


def check(id: str, severity: str, title, explanation, *, translations_only: bool = False):
    def register(function):
        CHECKS[id] = Check(id, severity, title, explanation, function, translations_only)
        return function

    return register


def run(unit: Unit, glossary: Sequence[Concept] = ()) -> list[Finding]:
    """What each check finds in `unit`: one finding per check at most, so that a warning is
    dismissed for the text as a whole."""
    findings = []
    for one in CHECKS.values():
        if (one.translations_only and not unit.is_translation) or one.id in unit.ignored:
            continue
        details = list(one.function(unit, glossary))
        if details:
            findings.append(Finding(unit, one, " ".join(details)))
    return findings


# What is not prose: placeholders (%(name)s, %s, {name}), markup and addresses.
PLACEHOLDER = re.compile(
    r"%%|%\([^)\s]+\)[-#0 +]*\d*(?:\.\d+)?[sdifrxX]|%[-#0 +]*\d*(?:\.\d+)?[sdifrxX]"
    r"|\{[A-Za-z_][\w.]*\}|\{\d*\}"
)
# A word: letters, joined by hyphens or apostrophes.
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
TAG = re.compile(r"</?([A-Za-z][\w-]*)(?:\s[^<>]*)?/?>")
ADDRESS = re.compile(r"https?://\S+|\b[\w.+-]+@[\w-]+\.[\w.]+|(?<!\w)/[\w./<>*?-]+/")


@functools.lru_cache(maxsize=16384)  # every check reads a text's prose
def prose(text: str, instead: str = " ") -> str:
    """`text` without placeholders, markup and addresses, each replaced by `instead`."""
    for pattern in (ADDRESS, TAG, PLACEHOLDER):
        text = pattern.sub(instead, text)
    return text


def _quoted(values) -> str:
    """Values quoted as the editor's language quotes (English quotes for a language without
    conventions)."""
    opening, closing = conventions(get_language() or "").quotes or ("“", "”")
    return ", ".join(f"{opening}{value}{closing}" for value in values)


@check(
    "quotes",
    ERROR,
    gettext_lazy("Quotation marks"),
    gettext_lazy(
        # Translators: checks-ignore: quotes (it names the quotation marks it is about)
        "Each language has its own quotation marks: « » in Norwegian and Greek, » « in Danish. "
        'Straight quotes (") and English quotes belong in none of them.'
    ),
)
def quotes(unit: Unit, glossary) -> Iterator[str]:
    rules = conventions(unit.language)
    if rules.quotes is None:
        return
    text = prose(unit.text)
    allowed = set(rules.quotes) | set(rules.inner_quotes)
    wrong = sorted({mark for mark in text if mark in '"“”„‘‚‹›«»' and mark not in allowed})
    if wrong:
        yield _("Uses %(marks)s.") % {"marks": _quoted(wrong)}
    opening, closing = rules.quotes
    depth = 0
    for mark in text:
        if opening == closing:
            break
        if mark == opening:
            depth += 1
        elif mark == closing:
            depth -= 1
            if depth < 0:
                yield _(
                    "Closes a quotation with %(closing)s before opening it with %(opening)s."
                ) % {
                    "closing": closing,
                    "opening": opening,
                }
                return
    if depth > 0:
        yield _("Opens a quotation with %(opening)s that is never closed.") % {"opening": opening}


DOUBLED_SPACE = re.compile(r"[^\S\n]{2,}")
SPACE_BEFORE = re.compile(r"\w[^\S\n]+([,.:;!?])(?!\w)")


@check(
    "spacing",
    ERROR,
    gettext_lazy("Spacing"),
    gettext_lazy(
        "No doubled spaces, no space before a comma or full stop, and no space or line break "
        "at the start or end (unless the source has it there)."
    ),
)
def spacing(unit: Unit, glossary) -> Iterator[str]:
    text, source = unit.text, unit.source
    if DOUBLED_SPACE.search(text.replace("\t", " ")) and not DOUBLED_SPACE.search(source):
        yield _("Has a doubled space.")
    space_before = SPACE_BEFORE.search(prose(text, instead="x"))
    if space_before:
        yield _("Has a space before “%(mark)s”.") % {"mark": space_before.group(1)}
    if text != text.lstrip() and (not source or source == source.lstrip()):
        yield _("Starts with a space or line break.")
    if text != text.rstrip() and (not source or source == source.rstrip()):
        yield _("Ends with a space or line break.")


CLOSERS = "»«”“’‘›‹)]\"'*"


def end_mark(text: str, language: str) -> str:
    """The punctuation a text ends with, as a kind: . ! ? : … or nothing."""
    end = text.rstrip().rstrip(CLOSERS).rstrip()
    if end.endswith(("…", "...")):
        return "…"
    if not end:
        return ""
    last = end[-1]
    if last == "\u037e" or (last == ";" and conventions(language).question_mark == ";"):
        return "?"
    return last if last in ".!?:;" else ""


@check(
    "end-punctuation",
    WARNING,
    gettext_lazy("End punctuation"),
    gettext_lazy(
        "A translation ends as its source does: with a full stop, a question mark (Greek «;»), "
        "a colon, an ellipsis, or nothing."
    ),
    translations_only=True,
)
def end_punctuation(unit: Unit, glossary) -> Iterator[str]:
    mine, theirs = end_mark(unit.text, unit.language), end_mark(unit.source, unit.source_language)
    if mine != theirs:
        nothing = _("nothing")
        yield _("Ends with %(mine)s, the source with %(theirs)s.") % {
            "mine": _quoted([mine]) if mine else nothing,
            "theirs": _quoted([theirs]) if theirs else nothing,
        }


NUMBER = re.compile(r"\d+")


@check(
    "numbers",
    WARNING,
    gettext_lazy("Numbers"),
    gettext_lazy("A translation has the numbers of its source: none left out, none added."),
    translations_only=True,
)
def numbers(unit: Unit, glossary) -> Iterator[str]:
    mine = Counter(NUMBER.findall(prose(unit.text)))
    theirs = Counter(NUMBER.findall(prose(unit.source)))
    if mine != theirs:
        yield from _difference(mine, theirs)


def _difference(mine: Counter, theirs: Counter) -> Iterator[str]:
    if theirs - mine:
        yield _("Lacks %(values)s.") % {"values": _quoted(sorted(theirs - mine))}
    if mine - theirs:
        yield _("Adds %(values)s.") % {"values": _quoted(sorted(mine - theirs))}


@check(
    "placeholders",
    ERROR,
    gettext_lazy("Placeholders"),
    gettext_lazy(
        "Placeholders such as %(name)s or {name} are filled in by the site: a translation keeps "
        "every one of its source's, unchanged."
    ),
    translations_only=True,
)
def placeholders(unit: Unit, glossary) -> Iterator[str]:
    mine = Counter(PLACEHOLDER.findall(unit.text))
    theirs = Counter(PLACEHOLDER.findall(unit.source))
    if mine != theirs:
        yield from _difference(mine, theirs)


FILL_IN = re.compile(r"\[\[|\]\]")


@check(
    "markup",
    ERROR,
    gettext_lazy("Markup"),
    gettext_lazy(
        "A translation keeps its source's HTML tags, each opened and closed as there, and its "
        "[[ ]] marks."
    ),
    translations_only=True,
)
def markup(unit: Unit, glossary) -> Iterator[str]:
    def tags(text):
        found = Counter(match.group(0).split()[0].rstrip(">") + ">" for match in TAG.finditer(text))
        # The job-posting kit's marks for what the recruiter fills in: [[FILL IN: …]].
        return found + Counter(FILL_IN.findall(text))

    mine, theirs = tags(unit.text), tags(unit.source)
    if mine != theirs:
        yield from _difference(mine, theirs)


LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9*'’._+-]*[A-Za-z0-9]|[A-Za-z]")
# What a Greek text may hold in Latin letters besides LATIN_ALLOWED: a foreign term in
# parentheses after its Greek equivalent, or quoted as a literal value («initial»), and codes
# written in capitals (XML, UTF-8, ISCO-08) or as identifiers (trgLang, export_translations).
GLOSSED = re.compile(r"\([^()]*\)|«[^«»]*»")
CODE = re.compile(r"[A-Z0-9][A-Z0-9*+._-]*|.*[a-z][A-Z_].*")


@check(
    "latin-in-greek",
    WARNING,
    gettext_lazy("Latin letters in Greek"),
    gettext_lazy(
        "Greek texts are written in Greek: a foreign word gets a Greek equivalent (it may follow "
        "in parentheses). Codes and standards (ESCO, ISCO-08, e-mail, URL…) are the exceptions."
    ),
)
def latin_in_greek(unit: Unit, glossary) -> Iterator[str]:
    rules = conventions(unit.language)
    if not rules.greek:
        return
    text = GLOSSED.sub(" ", prose(unit.text))
    for allowed in (word for word in rules.latin_allowed if " " in word):
        text = re.sub(re.escape(allowed), " ", text, flags=re.IGNORECASE)
    words = [
        word
        for word in LATIN_WORD.findall(text)
        if word.lower() not in rules.latin_allowed and not CODE.fullmatch(word)
    ]
    if words:
        yield _("Has %(words)s.") % {"words": _quoted(dict.fromkeys(words))}


@check(
    "greek-question-mark",
    ERROR,
    gettext_lazy("Greek question mark"),
    # Translators: checks-ignore: greek-question-mark (it names the mark it is about)
    gettext_lazy("Greek asks with «;», never with «?»."),
)
def greek_question_mark(unit: Unit, glossary) -> Iterator[str]:
    if conventions(unit.language).question_mark != "?" and "?" in prose(unit.text):
        # Translators: checks-ignore: greek-question-mark (it names the mark it is about)
        yield _("Has “?”.")


@check(
    "greek-informal-address",
    WARNING,
    gettext_lazy("Greek form of address"),
    gettext_lazy(
        # Translators: checks-ignore: greek-informal-address (it names the forms it is about)
        "The site addresses its readers with the formal plural (εσείς, σας), never εσύ or σου."
    ),
)
def greek_informal_address(unit: Unit, glossary) -> Iterator[str]:
    informal = conventions(unit.language).informal_address
    words = [word for word in WORD.findall(normalise(prose(unit.text))) if word in informal]
    if words:
        yield _("Has %(words)s.") % {"words": _quoted(dict.fromkeys(words))}


def _words(text: str) -> list[str]:
    return WORD.findall(prose(text))


@check(
    "identical",
    WARNING,
    gettext_lazy("Same as another language"),
    gettext_lazy(
        "A text of three words or more that reads exactly as its source, or as another language's "
        "text, has usually been copied rather than translated."
    ),
)
def identical(unit: Unit, glossary) -> Iterator[str]:
    # Names and codes (O*NET-SOC, "PO (gettext)") read alike everywhere: only words count.
    if len([w for w in _words(GLOSSED.sub(" ", unit.text)) if not CODE.fullmatch(w)]) < 3:
        return
    mine = " ".join(unit.text.split())
    if unit.is_translation and mine == " ".join(unit.source.split()):
        yield _("Reads exactly as the source.")
        return
    for language, text in unit.others.items():
        if mine == " ".join((text or "").split()):
            yield _("Reads exactly as the text in %(language)s.") % {"language": language}
            return


@check(
    "glossary-missing",
    WARNING,
    gettext_lazy("Term not used"),
    gettext_lazy(
        "The source uses a term of the termbase, and the translation has none of that term's "
        "forms in its own language: check that the concept is there, in its preferred term."
    ),
    translations_only=True,
)
def glossary_missing(unit: Unit, glossary) -> Iterator[str]:
    missing = [
        concept
        for concept in concepts_in(unit.source, glossary, unit.source_language)
        if concept.entry(unit.language).term
        and not concept.entry(unit.language).found_in(unit.text)
    ]
    if missing:
        yield _("The source has %(source)s: use %(terms)s.") % {
            "source": _quoted(c.entry(unit.source_language).term for c in missing),
            "terms": _quoted(c.entry(unit.language).term for c in missing),
        }


@check(
    "glossary-forbidden",
    ERROR,
    gettext_lazy("Term not to be used"),
    gettext_lazy("The text uses a variant the termbase rules out; use the preferred term."),
)
def glossary_forbidden(unit: Unit, glossary) -> Iterator[str]:
    for concept in glossary:
        entry = concept.entry(unit.language)
        for variant in entry.forbidden_in(unit.text):
            yield _("Has “%(variant)s”: use “%(term)s”.") % {
                "variant": variant.replace("*", "…"),
                "term": entry.term,
            }


# A sentence ends at . ! ? … (and Greek ;) followed by a space and a capital, or at the end.
ABBREVIATIONS = re.compile(
    r"(?<!\w)(?:f\.eks|bl\.a|m\.m|osv|dvs|mv|ca|e\.g|i\.e|etc|π\.χ|κ\.λπ|δηλ|κ\.ά|o\.l|jf|nr|kl|pr)\.",
    re.IGNORECASE,
)
CAPITAL = "A-ZÀ-ÖØ-ÞΆΈΉΊΌΎΏΑ-Ω"
SENTENCE_END = re.compile(rf"[.!?…;\u037e]+[»«”’)]*(?=\s+[«»“(]?[{CAPITAL}]|\s*$)|\n\s*\n")
LETTER = re.compile(r"[^\W\d_]")


def sentences(text: str, language: str) -> int:
    """How many sentences `text` has (paragraphs end one too; «;» asks only in Greek)."""
    text = ABBREVIATIONS.sub("", prose(text))
    if conventions(language).question_mark != ";":
        text = text.replace(";", ",")
    return sum(1 for part in SENTENCE_END.split(text) if LETTER.search(part))


@check(
    "sentence-count",
    WARNING,
    gettext_lazy("Number of sentences"),
    gettext_lazy(
        "A translation usually has as many sentences as its source; a different count often "
        "means a sentence left out, added or split."
    ),
    translations_only=True,
)
def sentence_count(unit: Unit, glossary) -> Iterator[str]:
    mine = sentences(unit.text, unit.language)
    theirs = sentences(unit.source, unit.source_language)
    if mine != theirs and max(mine, theirs) > 1:
        yield ngettext(
            "%(mine)d sentence, the source %(theirs)d.",
            "%(mine)d sentences, the source %(theirs)d.",
            mine,
        ) % {"mine": mine, "theirs": theirs}


# A translation's length as a share of its source's: outside this range, something is missing or
# added. Short texts vary too much to tell.
LENGTH_RATIO = (0.5, 2.0)
LENGTH_MINIMUM = 30


@check(
    "length-ratio",
    WARNING,
    gettext_lazy("Length"),
    gettext_lazy(
        "A translation between half and twice its source's length is usual; outside that, "
        "something may be missing or added."
    ),
    translations_only=True,
)
def length_ratio(unit: Unit, glossary) -> Iterator[str]:
    mine, theirs = len(prose(unit.text).strip()), len(prose(unit.source).strip())
    if theirs < LENGTH_MINIMUM or not mine:
        return
    ratio = mine / theirs
    if not LENGTH_RATIO[0] <= ratio <= LENGTH_RATIO[1]:
        yield _("%(percent)d %% of the source's length.") % {"percent": round(100 * ratio)}


@check(
    "language-mix",
    ERROR,
    gettext_lazy("Words of another language"),
    gettext_lazy(
        # Translators: checks-ignore: language-mix (its examples are the words it is about)
        "Bokmål and Danish share most words but not all: a Bokmål word in a Danish text (etter "
        "for efter, noen for nogen) or a Danish one in a Bokmål text is a slip."
    ),
)
def language_mix(unit: Unit, glossary) -> Iterator[str]:
    foreign = conventions(unit.language).foreign_words
    if not foreign:
        return
    found = {}
    for word in _words(unit.text):
        mine = foreign.get(word.lower())
        if mine:
            found.setdefault(word, mine)
    if found:
        yield _("Has %(pairs)s.") % {
            "pairs": ", ".join(
                _("“%(word)s” (write “%(mine)s”)") % {"word": word, "mine": mine}
                for word, mine in found.items()
            )
        }
