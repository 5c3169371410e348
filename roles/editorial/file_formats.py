"""Translators' files read into one list of entries, each file parsed once: PO (polib) or XLIFF 2.0
(defusedxml: no DTD, no entities). An upload over the size or entry limit of the settings is refused
before it is parsed, and a file's errors are reported up to MAX_ERRORS, with their count."""

import re
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
# Counted before parsing, to refuse a file with too many entries without parsing it.
PO_ENTRY = re.compile(r"^\s*msgid\s", re.MULTILINE)
XLIFF_UNIT = re.compile(r"<(?:[\w.-]+:)?unit[\s/>]")
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
        if self.format == XLIFF:
            return _("unit %(number)d") % {"number": entry.number}
        return _("line %(number)d") % {"number": entry.number}

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
                + _(
                    "Export and import fewer texts at a time, for example only the missing or "
                    "outdated ones."
                )
            ]
        )


def read(data: bytes | str | Path, *, name: str = "", limits: bool = True) -> ParsedFile:
    """A PO or XLIFF 2.0 file (bytes, its text, or a Path), parsed once. XLIFF is told by its
    content (`<`) or its name (.xlf, .xliff). With `limits`, a file over the size or entry limit
    is refused before it is parsed. TranslationFileError says what is wrong."""
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
        if limits and len(text.encode()) > max_bytes():
            raise TranslationFileError([too_large(len(text.encode()))])
    xliff = text.lstrip().startswith("<") or name.lower().endswith(XLIFF_EXTENSIONS)
    if limits:
        # The header of a PO file is an entry without a msgctxt: one msgid more.
        counted = len(XLIFF_UNIT.findall(text)) if xliff else len(PO_ENTRY.findall(text)) - 1
        _check_count(counted)
    parsed = _read_xliff(text) if xliff else _read_po(text)
    if limits:
        _check_count(len(parsed.entries))
    return parsed


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


def _read_po(text: str) -> ParsedFile:
    # polib reads a string naming an existing file as that file: a text always ends a line.
    if not text.endswith("\n"):
        text += "\n"
    try:
        po = polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError) as error:
        raise TranslationFileError(
            [_("The file is not a valid PO file: %(error)s.") % {"error": error}]
        ) from None
    language = language_code(po.metadata.get("Language", ""), format=PO)
    entries = []
    for entry in po:
        if entry.obsolete:
            continue
        comments = f"{entry.comment}\n{entry.tcomment}"
        source_fingerprint = FINGERPRINT.search(comments)
        target_fingerprint = TARGET_FINGERPRINT.search(comments)
        entries.append(
            Entry(
                number=entry.linenum,
                context=entry.msgctxt or "",
                source=entry.msgid,
                target=entry.msgstr,
                fuzzy="fuzzy" in entry.flags,
                source_fingerprint=source_fingerprint[1] if source_fingerprint else "",
                target_fingerprint=target_fingerprint[1] if target_fingerprint else "",
            )
        )
    return ParsedFile(PO, language, entries)


def _tag(name: str) -> str:
    return f"{{{XLIFF_NS}}}{name}"


def _read_xliff(text: str) -> ParsedFile:
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
    errors, entries = Errors(), []
    for number, unit in enumerate(root.iter(_tag("unit")), start=1):
        entry = _xliff_entry(number, unit, errors)
        if entry is not None:
            entries.append(entry)
    errors.check()
    return ParsedFile(XLIFF, language, entries)


def _xliff_entry(number: int, unit, errors: Errors) -> Entry | None:
    """A unit as an entry: its segments (and ignorables) joined, as a CAT tool may have split
    it. Its translation is unfinished (fuzzy) if a segment is still in state initial."""
    context = unit.get("name") or unit.get("id", "").replace(".", "/")
    notes = {note.get("category"): (note.text or "").strip() for note in unit.iter(_tag("note"))}
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
