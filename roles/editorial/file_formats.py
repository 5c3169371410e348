"""Translators' files read into one list of entries, each file parsed once: PO (polib) or XLIFF 2.0
(defusedxml: no DTD, no entities). An upload over the size or entry limit of the settings, or an
XLIFF file with too many elements, is refused before it is parsed; the work done on a file stays in
proportion to its size (no pattern or walk that revisits text). A file's errors are reported up to
MAX_ERRORS, with their count."""

import re
from collections.abc import Callable
from dataclasses import astuple, dataclass
from pathlib import Path

import polib
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from roles.languages import translation_languages

PO, XLIFF = "po", "xliff"
XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
# The errors a page or a command shows of one file; the rest are counted.
MAX_ERRORS = 50
# The source text as exported: an import refuses translations made against another source text.
FINGERPRINT = re.compile(r"source-fingerprint:\s*([0-9a-f]{16})")
# The translation as exported: an import must not overwrite a text changed in admin since.
TARGET_FINGERPRINT = re.compile(r"target-fingerprint:\s*([0-9a-f]{16})")
# Counted before parsing, to refuse a file with too many entries without parsing it. Neither
# pattern may run across lines (`^\s*` did: a file of newlines took time in its length squared).
PO_ENTRY = re.compile(r"^[ \t]*msgid\b", re.MULTILINE)
XLIFF_UNIT = re.compile(r"<(?:[\w.-]+:)?unit[\s/>]")
# An exported XLIFF unit has 8 elements; a CAT tool may add markers and metadata. More than this
# many per entry allowed is no translation but a file made to be slow: refused before parsing.
XLIFF_ELEMENTS_PER_ENTRY = 50
# What a text may not hold: control characters (a tab, a line end and a carriage return, made a
# line end on import, excepted) and halves of surrogate pairs. PostgreSQL refuses NUL in text and
# JSON, and a surrogate cannot be written as UTF-8 at all.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Written as they are in a PO file, polib also takes these two for line ends.
RAW_IN_PO = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")
XLIFF_EXTENSIONS = (".xlf", ".xliff")
# Inline codes stand for markup of the original; the texts here are plain and have none.
XLIFF_CODES = {f"{{{XLIFF_NS}}}{name}" for name in ("ph", "sc", "ec")}


class TranslationFileError(Exception):
    """A file that cannot be imported: `errors` says why, one line per problem, at most
    MAX_ERRORS of them; `count` is the number of problems, `more` those not listed."""

    def __init__(self, errors: list[str], count: int | None = None):
        self.errors = errors[:MAX_ERRORS]
        self.count = len(errors) if count is None else count
        super().__init__("\n".join(self.errors))

    @property
    def more(self) -> int:
        return self.count - len(self.errors)


class LanguageRefused(Exception):
    """A file in a language the user may not import: known as soon as the file names it."""

    def __init__(self, language: str):
        self.language = language
        super().__init__(language)


class Errors:
    """Collects a file's problems: keeps the first MAX_ERRORS, counts them all."""

    def __init__(self):
        self.kept: list[str] = []
        self.count = 0

    def add(self, message: str) -> None:
        self.count += 1
        if len(self.kept) < MAX_ERRORS:
            self.kept.append(message)

    def check(self) -> None:
        if self.count:
            raise TranslationFileError(self.kept, self.count)


@dataclass(frozen=True)
class Entry:
    """One text of a file: its identifier (`role:agent:summary`), source text and translation.
    `number` is the PO entry's line, or the XLIFF unit's position in the file."""

    number: int
    context: str
    source: str
    target: str
    fuzzy: bool = False
    source_fingerprint: str = ""
    target_fingerprint: str = ""


@dataclass(frozen=True)
class ParsedFile:
    format: str
    language: str
    entries: list[Entry]

    def where(self, entry: Entry) -> str:
        return _where(self.format, entry.number)

    def to_json(self) -> list:
        """The entries as JSON values, kept between an upload's preview and its confirm step."""
        return [list(astuple(entry)) for entry in self.entries]

    @classmethod
    def from_json(cls, *, format: str, language: str, entries: list) -> "ParsedFile":
        return cls(format, language, [Entry(*values) for values in entries])


def max_bytes() -> int:
    return settings.TRANSLATION_FILE_MAX_BYTES


def too_large(size: int) -> str:
    """The message for a file of `size` bytes over the size limit."""
    return _(
        "The file is too large (%(size)s): at most %(limit)s is accepted. Export and import fewer "
        "texts at a time, for example only the missing or outdated ones."
    ) % {"size": size_text(size), "limit": size_text(max_bytes())}


def size_text(size: int) -> str:
    """A size in bytes as people read it, in the active language ("2,0 MB")."""
    return filesizeformat(size)


def _where(format: str, number: int) -> str:
    if format == XLIFF:
        return _("unit %(number)d") % {"number": number}
    return _("line %(number)d") % {"number": number}


def _fewer_texts() -> str:
    return _(
        "Export and import fewer texts at a time, for example only the missing or outdated ones."
    )


def _check_count(count: int) -> None:
    limit = settings.TRANSLATION_FILE_MAX_ENTRIES
    if count > limit:
        raise TranslationFileError(
            [
                ngettext(
                    "The file has %(count)d entry: at most %(limit)d are accepted in one file.",
                    "The file has %(count)d entries: at most %(limit)d are accepted in one file.",
                    count,
                )
                % {"count": count, "limit": limit}
                + " "
                + _fewer_texts()
            ]
        )


def _check_elements(text: str) -> None:
    """Refuse an XLIFF file with more elements than its entries can need, counted as the `<` that
    open one (comments and declarations are counted too: a file of texts has few of them)."""
    count = text.count("<") - text.count("</")
    limit = settings.TRANSLATION_FILE_MAX_ENTRIES * XLIFF_ELEMENTS_PER_ENTRY
    if count > limit:
        raise TranslationFileError(
            [
                ngettext(
                    "The file has %(count)d XML element: at most %(limit)d are accepted in one "
                    "file (an exported file has 8 per text).",
                    "The file has %(count)d XML elements: at most %(limit)d are accepted in one "
                    "file (an exported file has 8 per text).",
                    count,
                )
                % {"count": count, "limit": limit}
                + " "
                + _fewer_texts()
            ]
        )


def read(
    data: bytes | str | Path,
    *,
    name: str = "",
    limits: bool = True,
    may_import: Callable[[str], bool] | None = None,
) -> ParsedFile:
    """A PO or XLIFF 2.0 file (bytes, its text, or a Path), parsed once. XLIFF is told by its
    content (`<`) or its name (.xlf, .xliff). With `limits`, a file over the size or entry limit
    (or, in XLIFF, the element limit) is refused before it is parsed. TranslationFileError says
    what is wrong; LanguageRefused is raised as soon as the file names a language `may_import`
    refuses, before its entries are read."""
    if isinstance(data, Path):
        name, data = name or data.name, data.read_bytes()
    if isinstance(data, bytes):
        if limits and len(data) > max_bytes():
            raise TranslationFileError([too_large(len(data))])
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TranslationFileError([_("The file is not UTF-8 text.")]) from None
    else:
        text = data.removeprefix("\ufeff")
        try:
            size = len(text.encode())
        except UnicodeEncodeError:  # a lone surrogate: no UTF-8 file holds one
            raise TranslationFileError([_("The file is not UTF-8 text.")]) from None
        if limits and size > max_bytes():
            raise TranslationFileError([too_large(size)])
    xliff = text.lstrip().startswith("<") or name.lower().endswith(XLIFF_EXTENSIONS)
    if limits:
        # The header of a PO file is an entry without a msgctxt: one msgid more.
        counted = len(XLIFF_UNIT.findall(text)) if xliff else len(PO_ENTRY.findall(text)) - 1
        _check_count(counted)
        if xliff:
            _check_elements(text)
    errors = Errors()
    parsed = (_read_xliff if xliff else _read_po)(text, errors, may_import)
    errors.check()
    if limits:
        _check_count(len(parsed.entries))
    return parsed


def _storable(entry: Entry, format: str, errors: Errors) -> bool:
    """Whether the database can store the entry's texts; if not, the error says which character."""
    for text in (entry.context, entry.source, entry.target):
        found = UNSTORABLE.search(text)
        if found:
            errors.add(
                _(
                    "%(where)s: %(context)s holds the character %(character)s (a control "
                    "character, or half of a surrogate pair), which texts cannot hold."
                )
                % {
                    "where": _where(format, entry.number),
                    "context": UNSTORABLE.sub("\ufffd", entry.context) or "–",
                    "character": f"U+{ord(found[0]):04X}",
                }
            )
            return False
    return True


def _check_language(language: str, may_import: Callable[[str], bool] | None) -> None:
    if may_import is not None and not may_import(language):
        raise LanguageRefused(language)


def language_code(value: str, *, format: str) -> str:
    """The translated language a file names (el, el_GR and el-GR are el): a PO file in its
    Language header, an XLIFF file in trgLang."""
    value = value.strip()
    code = re.split(r"[_-]", value)[0].lower()
    if code in translation_languages():
        return code
    allowed = ", ".join(translation_languages())
    if format == XLIFF:
        problem = (
            _("The file's target language (trgLang) is %(value)r") % {"value": value}
            if value
            else _("The file has no target language (trgLang)")
        )
    else:
        problem = (
            _("The file's Language header is %(header)r") % {"header": value}
            if value
            else _("The file has no Language header")
        )
    raise TranslationFileError(
        [
            _(
                "%(problem)s: it must be one of %(allowed)s (%(source)s is the source "
                "language, never imported)."
            )
            % {"problem": problem, "allowed": allowed, "source": settings.LANGUAGE_CODE}
        ]
    )


def _read_po(text: str, errors: Errors, may_import: Callable[[str], bool] | None) -> ParsedFile:
    # polib reads a string naming an existing file as that file: a text always ends a line.
    if not text.endswith("\n"):
        text += "\n"
    _check_raw_characters(text, errors)
    try:
        po = polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError) as error:
        raise TranslationFileError(
            [_("The file is not a valid PO file: %(error)s.") % {"error": error}]
        ) from None
    language = language_code(po.metadata.get("Language", ""), format=PO)
    _check_language(language, may_import)
    entries = []
    for entry in po:
        if entry.obsolete:
            continue
        comments = f"{entry.comment}\n{entry.tcomment}"
        source_fingerprint = FINGERPRINT.search(comments)
        target_fingerprint = TARGET_FINGERPRINT.search(comments)
        read_entry = Entry(
            number=entry.linenum,
            context=entry.msgctxt or "",
            source=entry.msgid,
            target=entry.msgstr,
            fuzzy="fuzzy" in entry.flags,
            source_fingerprint=source_fingerprint[1] if source_fingerprint else "",
            target_fingerprint=target_fingerprint[1] if target_fingerprint else "",
        )
        if _storable(read_entry, PO, errors):
            entries.append(read_entry)
    return ParsedFile(PO, language, entries)


def _check_raw_characters(text: str, errors: Errors) -> None:
    """Control characters written as they are, not escaped: polib takes some of them for line
    ends (U+000B, U+001C, U+0085…), refusing the file as malformed or changing a text silently.
    Refused before polib reads the file, each with its line, counted in one pass over the text."""
    line, last = 1, 0
    for index, found in enumerate(RAW_IN_PO.finditer(text)):
        if index == MAX_ERRORS:
            errors.count += sum(1 for _found in RAW_IN_PO.finditer(text, found.start()))
            break
        line, last = line + text.count("\n", last, found.start()), found.start()
        errors.add(
            _(
                "line %(number)d: the character %(character)s (a control character) is not "
                "accepted in a PO file."
            )
            % {"number": line, "character": f"U+{ord(found[0]):04X}"}
        )
    errors.check()


def _tag(name: str) -> str:
    return f"{{{XLIFF_NS}}}{name}"


def _read_xliff(text: str, errors: Errors, may_import: Callable[[str], bool] | None) -> ParsedFile:
    try:
        root = fromstring(text, forbid_dtd=True)
    except DefusedXmlException:
        raise TranslationFileError(
            [_("The file declares a DTD or entities, which are not accepted (XLIFF 2.0 has none).")]
        ) from None
    except ParseError as error:
        raise TranslationFileError(
            [_("The file is not valid XML: %(error)s.") % {"error": error}]
        ) from None
    if root.tag != _tag("xliff") or not root.get("version", "").startswith("2."):
        raise TranslationFileError(
            [
                _(
                    "The file is not an XLIFF 2.0 document (its root element is %(root)s, version "
                    "%(version)s): export XLIFF 2.0 or PO from this site and translate that."
                )
                % {"root": root.tag, "version": root.get("version") or "–"}
            ]
        )
    source_language = root.get("srcLang", "")
    if re.split(r"[_-]", source_language)[0].lower() != settings.LANGUAGE_CODE:
        raise TranslationFileError(
            [
                _("The file's source language (srcLang) is %(found)r, not %(source)s.")
                % {"found": source_language, "source": settings.LANGUAGE_CODE}
            ]
        )
    language = language_code(root.get("trgLang", ""), format=XLIFF)
    _check_language(language, may_import)
    units = _units(root)
    misplaced = sum(1 for _unit in root.iter(_tag("unit"))) - len(units)
    if misplaced:
        raise TranslationFileError(
            [
                ngettext(
                    "The file has %(count)d unit inside another unit (or elsewhere, not in a "
                    "file or group element), which XLIFF 2.0 does not allow.",
                    "The file has %(count)d units inside other units (or elsewhere, not in a "
                    "file or group element), which XLIFF 2.0 does not allow.",
                    misplaced,
                )
                % {"count": misplaced}
            ]
        )
    entries = []
    for number, unit in enumerate(units, start=1):
        entry = _xliff_entry(number, unit, errors)
        if entry is not None and _storable(entry, XLIFF, errors):
            entries.append(entry)
    return ParsedFile(XLIFF, language, entries)


def _units(root) -> list:
    """The units where XLIFF 2.0 has them, in the file's order: children of a <file> or of a
    <group>, groups nested at any depth (walked without recursion). Each element is visited once."""
    units, unit, group = [], _tag("unit"), _tag("group")
    for file in root.findall(_tag("file")):
        pending = [iter(file)]
        while pending:
            for child in pending[-1]:
                if child.tag == unit:
                    units.append(child)
                elif child.tag == group:
                    pending.append(iter(child))
                    break
            else:
                pending.pop()
    return units


def _xliff_entry(number: int, unit, errors: Errors) -> Entry | None:
    """A unit as an entry: its segments (and ignorables) joined, as a CAT tool may have split
    it. Its translation is unfinished (fuzzy) if a segment is still in state initial."""
    context = unit.get("name") or unit.get("id", "").replace(".", "/")
    # Its own notes only: a walk of the unit's whole subtree would read every element below it.
    own = unit.find(_tag("notes"))
    notes = {
        note.get("category"): (note.text or "").strip()
        for note in (own.findall(_tag("note")) if own is not None else ())
    }
    sources, targets, fuzzy = [], [], False
    for part in unit:
        if part.tag not in (_tag("segment"), _tag("ignorable")):
            continue
        source, target = part.find(_tag("source")), part.find(_tag("target"))
        for element in (source, target):
            if element is not None and any(e.tag in XLIFF_CODES for e in element.iter()):
                errors.add(
                    _(
                        "unit %(number)d: %(context)s holds inline codes (ph, sc, ec), which plain "
                        "texts never have."
                    )
                    % {"number": number, "context": context}
                )
                return None
        sources.append(_inline_text(source))
        if part.tag == _tag("ignorable"):
            targets.append(_inline_text(target) if target is not None else sources[-1])
            continue
        targets.append(_inline_text(target) if target is not None else "")
        fuzzy = fuzzy or target is None or part.get("state", "initial") == "initial"
    target = "".join(targets)
    return Entry(
        number=number,
        context=context,
        source="".join(sources),
        target=target,
        fuzzy=fuzzy and bool(target.strip()),
        source_fingerprint=notes.get("source-fingerprint", ""),
        target_fingerprint=notes.get("target-fingerprint", ""),
    )


def _inline_text(element) -> str:
    """The text of a source or target: markers (mrk, pc) give their text, cp its character."""
    if element is None:
        return ""
    for code_point in element.iter(_tag("cp")):
        try:
            code_point.text = chr(int(code_point.get("hex", ""), 16))
        except (ValueError, OverflowError):
            code_point.text = ""
    return "".join(element.itertext())
