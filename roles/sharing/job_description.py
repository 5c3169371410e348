"""A published version's job description as a file for applicant-tracking systems that take text
or a Word document rather than a link: plain text, Markdown and DOCX, in one language. Each holds
what the version's page shows in it (title, summary, duties, qualities), the occupation codes, the
version's link and the JobPosting's placeholders. A version never changes, so neither do its files:
each is made the same, byte for byte, every time, and kept per version, language and format."""

import datetime
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import docx
from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from kb.pagecache import store
from roles.languages import conventions_file
from roles.models import RoleVersion
from roles.occupation_codes import role_codes
from roles.sharing.metadata import SITE_NAME, placeholders
from roles.texts import text
from roles.versions import pinned

# Part of the key files are kept under: a change to what the files hold or how they are laid out
# must change it, so no file made by the old code is answered again.
LAYOUT = 3

# Quotation marks for a language whose conventions.yaml names none (as the editorial checks).
DEFAULT_QUOTES = ("“", "”")
# Characters XML 1.0 (so DOCX) cannot hold, and no text file needs: controls but tab and line end.
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Description:
    """What every format of a version's job description holds, in its language."""

    language: str
    title: str
    intro: str  # names the role (quoted), the version and its date: told with its link
    summary: list[str]  # paragraphs
    duties: list[str]
    qualities: list[str]
    codes: list[str]  # "ISCO-08 unit group: 4222 (http://…)"
    link: str  # the version's absolute address in this language
    link_note: str
    placeholders: list[str]  # the JobPosting's, the paragraph about the job first
    headings: dict[str, str]
    fill_in_note: str
    published_at: datetime.datetime
    number: int


def quoted(value: str, language: str) -> str:
    """`value` between `language`'s quotation marks (its conventions.yaml)."""
    opening, closing = conventions_file(language)[1].get("quotes") or DEFAULT_QUOTES
    return f"{opening}{value}{closing}"


def _line(value: str) -> str:
    """One line: no control characters, single spaces (a list item, a title)."""
    return " ".join(CONTROLS.sub(" ", value).split())


def _paragraphs(value: str) -> list[str]:
    """A text's paragraphs (split at blank lines), each on one line."""
    return [line for part in re.split(r"\n\s*\n", value) if (line := _line(part))]


def describe(request, version: RoleVersion, language: str) -> Description:
    """The version as its page shows it in `language`, with the fallback the page uses."""
    shown = pinned.PinnedRole.of(version, pinned.load([version]), live=set())
    with override(language):
        title = _line(text(shown.role, "title", language).value)
        url = request.build_absolute_uri(version.get_absolute_url())
        codes = []
        for code in role_codes(shown):
            line = f"{code.label}: {code.value}"
            codes.append(line if code.is_uri else f"{line} ({code.url})")
        blank = placeholders()
        about = blank.pop("description")
        return Description(
            language=language,
            title=title,
            intro=gettext(
                "The role %(role)s as published in version %(number)s on %(date)s in the "
                "customer service knowledge base."
            )
            % {
                "role": quoted(title, language),
                "number": version.number,
                "date": date_format(localtime(version.published_at), "DATE_FORMAT"),
            },
            summary=_paragraphs(text(shown.role, "summary", language).value),
            duties=[_line(text(duty, "text", language).value) for duty in shown.duties],
            qualities=[
                _line(text(quality, "name", language).value) for quality, _note in shown.qualities
            ],
            codes=codes,
            link=url,
            link_note=gettext(
                "This version's page: it shows the role as described here, and never changes."
            ),
            placeholders=[about, *blank.values()],
            headings={
                "about_job": gettext("About the job"),
                "duties": gettext("Duties"),
                "qualities": gettext("Qualities"),
                "codes": gettext("Occupation codes"),
                "link": gettext("About the role"),
                "fill_in": gettext("To fill in before you publish"),
            },
            fill_in_note=gettext(
                "Only you know these: replace each value in double square brackets, [[ … ]], "
                "before you publish. Where a value says it may be deleted, you may leave out its "
                "line if you do not need it."
            ),
            published_at=version.published_at,
            number=version.number,
        )


# Plain text and Markdown ----------------------------------------------------------------------


@dataclass(frozen=True)
class Writing:
    """How a text format writes what both text formats hold, in the same order."""

    title: Callable[[str], str]
    heading: Callable[[str], str]
    text: Callable[[str], str]  # a paragraph's or a list item's
    placeholder: Callable[[str], str]
    link: Callable[[str], str]
    gap: str  # between a heading and what follows it, and between paragraphs under it


def _written(d: Description, w: Writing) -> bytes:
    """UTF-8, LF line ends: the title, the summary, then each section under its heading."""
    h, gap = d.headings, w.gap

    def lines(items: list[str], item: Callable[[str], str]) -> str:
        return "\n".join(f"- {item(value)}" for value in items)

    def listing(heading: str, items: list[str]) -> str:
        return f"{w.heading(heading)}{gap}{lines(items, w.text)}" if items else ""

    blocks = [
        w.title(d.title),
        *(w.text(paragraph) for paragraph in d.summary),
        f"{w.heading(h['about_job'])}{gap}{w.placeholder(d.placeholders[0])}",
        listing(h["duties"], d.duties),
        listing(h["qualities"], d.qualities),
        listing(h["codes"], d.codes),
        gap.join([w.heading(h["link"]), w.text(d.intro), w.link(d.link), w.text(d.link_note)]),
        gap.join(
            [
                w.heading(h["fill_in"]),
                w.text(d.fill_in_note),
                lines(d.placeholders[1:], w.placeholder),
            ]
        ),
    ]
    return ("\n\n".join(block for block in blocks if block) + "\n").encode()


def _same(value: str) -> str:
    return value


# Plain text: headings on a line of their own (the title underlined), items after "- ".
PLAIN = Writing(
    title=lambda title: f"{title}\n{'=' * len(title)}",
    heading=_same,
    text=_same,
    placeholder=_same,
    link=_same,
    gap="\n",
)


def as_text(described: Description) -> bytes:
    return _written(described, PLAIN)


# Characters that mean something to Markdown (CommonMark) anywhere in a line; each is written
# with a backslash, which CommonMark allows before any ASCII punctuation.
MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>#|~!&])")
# …but in a placeholder, an underscore inside a word ("FULL_TIME"), which CommonMark never takes
# for emphasis: HR finds and replaces the placeholder as it is written in the other files.
PLACEHOLDER_INLINE = re.compile(r"([\\`*\[\]<>#|~!&]|(?<!\w)_|_(?!\w))")
# …and at a line's start: a list item's marker ("-", "+", "1." or "1)") or a setext underline.
MARKDOWN_LINE_START = re.compile(r"^([-+=])|^(\d+)([.)])")


def escape_markdown(value: str) -> str:
    """A one-line text that Markdown shows as it is: no emphasis, link, HTML or list."""
    value = MARKDOWN_INLINE.sub(r"\\\1", value)
    return MARKDOWN_LINE_START.sub(
        lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", value
    )


def markdown_placeholder(value: str) -> str:
    """A `[[…]]` placeholder as it is written, so that it can be found and replaced in the file
    as in the others: its brackets stay (with no link definition in the file, Markdown shows them
    as they are), what is between them is escaped."""
    inner = PLACEHOLDER_INLINE.sub(r"\\\1", value.removeprefix("[[").removesuffix("]]"))
    return f"[[{inner}]]"


# CommonMark: ATX headings, "-" lists, every text escaped (but the placeholders' brackets), the
# link an autolink.
MARKDOWN = Writing(
    title=lambda title: f"# {escape_markdown(title)}",
    heading=lambda heading: f"## {escape_markdown(heading)}",
    text=escape_markdown,
    placeholder=markdown_placeholder,
    link=lambda url: f"<{url}>",
    gap="\n\n",
)


def as_markdown(described: Description) -> bytes:
    return _written(described, MARKDOWN)


# DOCX ------------------------------------------------------------------------------------------

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Word's own colour for a link (its Hyperlink style, which python-docx's template lacks).
LINK_COLOUR = "0563C1"


def as_docx(described: Description) -> bytes:
    """A Word document with a title, headings, bulleted duties, qualities and codes, the link as
    a link, and core properties (title, language, dates) that never change: its bytes are the
    same every time (byte_stable)."""
    d, h = described, described.headings
    document = docx.Document()
    _drop_thumbnail(document)
    _set_language(document, d.language)
    published = d.published_at.astimezone(datetime.UTC).replace(microsecond=0, tzinfo=None)
    properties = document.core_properties
    properties.title = d.title
    properties.subject = d.intro
    properties.language = language_tag(d.language)
    properties.author = str(SITE_NAME)
    properties.last_modified_by = str(SITE_NAME)
    properties.comments = ""  # python-docx's template says "generated by python-docx"
    properties.revision = d.number
    properties.created = properties.modified = published

    _set_page(document)
    document.add_heading(d.title, level=0)
    for paragraph in d.summary:
        document.add_paragraph(paragraph)
    document.add_heading(h["about_job"], level=1)
    document.add_paragraph(d.placeholders[0])
    for key, items in (("duties", d.duties), ("qualities", d.qualities), ("codes", d.codes)):
        if items:
            document.add_heading(h[key], level=1)
            for item in items:
                document.add_paragraph(item, style="List Bullet")
    document.add_heading(h["link"], level=1)
    document.add_paragraph(d.intro)
    _add_link(document.add_paragraph(), d.link)
    document.add_paragraph(d.link_note)
    document.add_heading(h["fill_in"], level=1)
    document.add_paragraph(d.fill_in_note)
    for placeholder in d.placeholders[1:]:
        document.add_paragraph(placeholder, style="List Bullet")
    saved = io.BytesIO()
    document.save(saved)
    return byte_stable(saved.getvalue(), published)


def _drop_thumbnail(document) -> None:
    """python-docx's template comes with a picture of another document, which file managers would
    show as this one's."""
    relations = document.part.package.rels
    for key, relation in list(relations.items()):
        if relation.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            relations.pop(key)


def language_tag(code: str) -> str:
    """The language with its region, as Word names its spelling checkers ("nb-NO"): from the
    Open Graph locale the settings give each language, else the code alone."""
    return settings.OPEN_GRAPH_LOCALES.get(code, code).replace("_", "-")


def _set_language(document, language: str) -> None:
    """The text's language, for spelling and hyphenation: the document's default (python-docx's
    template says en-US) and the Normal style's, which all others follow."""
    tag = language_tag(language)
    default = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}")
    for properties in (
        _child(default, "w:rPr"),
        document.styles["Normal"].element.get_or_add_rPr(),
    ):
        _child(properties, "w:lang").set(qn("w:val"), tag)


def _child(element, tag: str):
    """`element`'s first child `tag`, added if it has none."""
    found = element.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        element.append(found)
    return found


def _set_page(document) -> None:
    """A4 with 25 mm margins, as offices print here (python-docx's template is US Letter)."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = section.bottom_margin = Mm(25)


def _add_link(paragraph, url: str) -> None:
    """A hyperlink run showing `url` (python-docx reads links but has no call that adds one)."""
    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    look = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), LINK_COLOUR)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    look.extend([colour, underline])
    shown = OxmlElement("w:t")
    shown.text = url
    run.extend([look, shown])
    link.append(run)
    paragraph._p.append(link)


def byte_stable(package: bytes, when: datetime.datetime) -> bytes:
    """The DOCX (a zip) written again with every entry dated `when`: python-docx dates them when
    it saves, which would make each download differ (and its ETag, and every cache's copy)."""
    date_time = max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0))  # the zip format's first day
    written = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(written, "w") as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=date_time)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(entry))
    return written.getvalue()


# The files -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    extension: str
    content_type: str
    label: str
    make: Callable[[Description], bytes]


FORMATS = {
    f.extension: f
    for f in (
        Format("txt", "text/plain; charset=utf-8", _("Plain text (.txt)"), as_text),
        Format("md", "text/markdown; charset=utf-8", _("Markdown (.md)"), as_markdown),
        Format("docx", DOCX_TYPE, _("Word document (.docx)"), as_docx),
    )
}


def kept_file(request, version: RoleVersion, language: str, fmt: Format) -> bytes:
    """The version's file in `language` (the active one), made once and kept: versions never
    change, so the key is the version, the format and the layout (the page cache's parts are
    also per host, for the link, and language)."""
    parts = (version.pk, fmt.extension, LAYOUT)
    kept = store.read_part(request, "job-description", *parts)
    if kept is None:
        made = fmt.make(describe(request, version, language))
        kept = store.keep_part(request, "job-description", *parts, value=made)
    return kept


def filename(key: str, number: int, language: str, fmt: Format) -> str:
    """An ASCII name for the saved file: the role's key, the version and the language."""
    return f"{key}-v{number}-{language}.{fmt.extension}"


def downloads(key: str, number: int | None, language: str) -> list[dict]:
    """The links to a version's files in `language`, labelled in the page's language, for the
    page for employers (none without a published version)."""
    if number is None:
        return []
    links = []
    for fmt in FORMATS.values():
        with override(language):
            url = reverse(
                "roles:role-version-job-description",
                kwargs={"key": key, "number": number, "extension": fmt.extension},
            )
        links.append(
            {
                "url": url,
                "label": fmt.label,
                "type": fmt.content_type.split(";")[0],
                "filename": filename(key, number, language, fmt),
            }
        )
    return links
