"""Open Graph images: a 1200×630 PNG card per role (and per published version) and language, drawn
with Pillow in the fonts of roles/sharing/fonts/ (Greek never depends on the server's fonts)."""

import functools
import hashlib
import io
import unicodedata
from pathlib import Path

from django.urls import reverse
from django.utils.translation import get_language, gettext
from PIL import Image, ImageDraw, ImageFont

from kb.pagecache import store
from roles.languages import language_name, native_name
from roles.models import Role
from roles.sharing.metadata import SITE_NAME
from roles.texts import text

WIDTH, HEIGHT = 1200, 630  # what Facebook, LinkedIn and X show large (1.91:1)
CONTENT_TYPE = "image/png"
# Browsers and link-preview services may keep an image this long (seconds); they revalidate it
# with its ETag after that.
MAX_AGE = 60 * 60

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"

# The site's colours (static/css/site.css).
INK, MUTED, ACCENT = "#1d2430", "#4f5967", "#0b57a4"
PAPER, BAND, LINE = "#ffffff", "#f3f5f8", "#d6dde6"

MARGIN = 72
TEXT_WIDTH = WIDTH - 2 * MARGIN
HEADER_BOTTOM = 110
FOOTER_TOP = 540
TITLE_SIZES = (68, 60, 52)  # the largest that holds the whole title on two lines
TITLE_LINES = 2
SUMMARY_SIZE, SUMMARY_LEADING, SUMMARY_LINES = 34, 48, 5
# Far more than a card holds: longer texts are cut before they are measured.
MAX_CHARS = 2000
ELLIPSIS = "…"


@functools.cache
def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    # Pillow's basic layout: the same drawing whether or not libraqm is installed (no text here
    # needs complex shaping or right-to-left).
    return ImageFont.truetype(FONTS / name, size, layout_engine=ImageFont.Layout.BASIC)


def clean(value: str) -> str:
    """One line of text: composed characters, single spaces, no control characters."""
    value = unicodedata.normalize("NFC", value)
    value = "".join(c if c.isprintable() else " " for c in value)
    return " ".join(value.split())


def _longest_prefix(word: str, face: ImageFont.FreeTypeFont, width: float) -> int:
    """How many characters of `word` fit in `width` (at least one)."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if face.getlength(word[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def break_lines(value: str, face: ImageFont.FreeTypeFont, width: float, limit: int) -> list[str]:
    """`value` broken into lines that fit `width`, between words, and inside a word only when it
    is wider than a line. Stops after `limit` + 1 lines: one more than `limit` says the text goes
    on."""
    lines: list[str] = []
    line = ""
    for word in value.split(" "):
        if not word:
            continue
        candidate = f"{line} {word}" if line else word
        if face.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while face.getlength(word) > width and len(lines) <= limit:
            cut = _longest_prefix(word, face, width)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
        if len(lines) > limit:
            break
    if line:
        lines.append(line)
    return lines[: limit + 1]


def ellipsize(line: str, face: ImageFont.FreeTypeFont, width: float) -> str:
    """`line` with an ellipsis that still fits `width`, dropping whole words first."""
    line = line.rstrip(" ,.;:–—-")
    while line and face.getlength(line + ELLIPSIS) > width:
        line = line.rsplit(" ", 1)[0] if " " in line else line[:-1]
        line = line.rstrip(" ,.;:–—-")
    return line + ELLIPSIS


def wrap(value: str, face: ImageFont.FreeTypeFont, width: float, max_lines: int) -> list[str]:
    """`value` on at most `max_lines` lines of `width`, the last ending in an ellipsis when the
    text does not fit. An empty text is no lines."""
    value = clean(value)
    cut = len(value) > MAX_CHARS
    lines = break_lines(value[:MAX_CHARS], face, width, max_lines)
    if len(lines) > max_lines or (cut and lines):
        lines = lines[:max_lines]
        lines[-1] = ellipsize(lines[-1], face, width)
    return lines


def _title_lines(title: str) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    for size in TITLE_SIZES:
        face = font(BOLD, size)
        lines = break_lines(clean(title)[:MAX_CHARS], face, TEXT_WIDTH, TITLE_LINES)
        if len(lines) <= TITLE_LINES:
            break
    return face, wrap(title, face, TEXT_WIDTH, TITLE_LINES)


def _one_line(draw, xy, value: str, face, fill: str, width: float, anchor: str) -> float:
    """Draw `value` on one line of at most `width` (cut with an ellipsis); its drawn width."""
    lines = wrap(value, face, width, 1)
    if not lines:
        return 0
    draw.text(xy, lines[0], fill=fill, font=face, anchor=anchor)
    return face.getlength(lines[0])


def render(*, site_name: str, title: str, summary: str, address: str, language_name: str) -> bytes:
    """The card as PNG bytes. `language_name` is the footer's label on the right (a version's card
    says its number there too)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)

    # The header band with the site's name, and the accent bar of the career ladder's steps.
    draw.rectangle((0, 0, WIDTH, HEADER_BOTTOM), fill=BAND)
    draw.line((0, HEADER_BOTTOM, WIDTH, HEADER_BOTTOM), fill=LINE, width=2)
    draw.rectangle((0, 0, 15, HEIGHT), fill=ACCENT)
    _one_line(draw, (MARGIN, HEADER_BOTTOM // 2), site_name, font(BOLD, 34), INK, TEXT_WIDTH, "lm")

    y = HEADER_BOTTOM + 40
    face, lines = _title_lines(title)
    for line in lines:
        draw.text((MARGIN, y), line, fill=INK, font=face, anchor="la")
        y += round(face.size * 1.2)
    y += 24

    face = font(REGULAR, SUMMARY_SIZE)
    room = min(SUMMARY_LINES, (FOOTER_TOP - 30 - y) // SUMMARY_LEADING)
    for line in wrap(summary, face, TEXT_WIDTH, room) if room > 0 else []:
        draw.text((MARGIN, y), line, fill=MUTED, font=face, anchor="la")
        y += SUMMARY_LEADING

    # The footer: the site's address, and the language on the right.
    draw.line((MARGIN, FOOTER_TOP, WIDTH - MARGIN, FOOTER_TOP), fill=LINE, width=2)
    middle = (FOOTER_TOP + HEIGHT) // 2
    language_width = _one_line(
        draw,
        (WIDTH - MARGIN, middle),
        language_name,
        font(REGULAR, 28),
        MUTED,
        TEXT_WIDTH / 2,
        "rm",
    )
    address_width = TEXT_WIDTH - language_width - 40
    _one_line(draw, (MARGIN, middle), address, font(BOLD, 28), ACCENT, address_width, "lm")

    buffer = io.BytesIO()
    # zlib's default level: `optimize` saves 3 % of the bytes for three times the time.
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _card(request, subject, label: str) -> bytes:
    return render(
        site_name=str(SITE_NAME),
        title=text(subject, "title").value,
        summary=text(subject, "summary").value,
        address=request.get_host(),
        language_name=label,
    )


def role_png(request, role: Role) -> bytes:
    """The role's card in the active language, drawn once per content version and kept."""
    # Tens of milliseconds to draw: kept per content version, so an edit gives a new image at once.
    png = store.read_part(request, "og-image", role.pk)
    if png is None:
        png = store.keep_part(
            request, "og-image", role.pk, value=_card(request, role, native_name(get_language()))
        )
    return png


def version_png(request, version, subject) -> bytes:
    """A published version's card in the active language: `subject` is the role as the version
    holds it (roles.versions.pinned.PinnedRole.role). Drawn once per content version and kept."""
    png = store.read_part(request, "og-image-version", version.pk)
    if png is None:
        label = gettext("Version %(number)s in %(language)s") % {
            "number": version.number,
            "language": language_name(get_language()),
        }
        png = store.keep_part(
            request, "og-image-version", version.pk, value=_card(request, subject, label)
        )
    return png


def _meta(request, subject, url: str) -> dict:
    return {
        "url": request.build_absolute_uri(url),
        "type": CONTENT_TYPE,
        "width": WIDTH,
        "height": HEIGHT,
        "alt": gettext(
            "%(role)s: the role's title and summary on a card from the customer service "
            "knowledge base"
        )
        % {"role": text(subject, "title").value},
    }


def meta(request, role: Role) -> dict:
    """What the role page's head says of its image (og:image and its properties)."""
    path = reverse("roles:role-og-image", kwargs={"key": role.key})
    # Sites that preview links keep images by address: the address changes with what the image
    # shows (the title and summary in this language), so an edit is previewed anew.
    drawn = f"{text(role, 'title').value}\n{text(role, 'summary').value}".encode()
    version = hashlib.sha256(drawn).hexdigest()[:12]
    return _meta(request, role, f"{path}?v={version}")


def version_meta(request, version, subject) -> dict:
    """What a version page's head says of its image. A version never changes, nor its card."""
    path = reverse(
        "roles:role-version-og-image", kwargs={"key": version.role_key, "number": version.number}
    )
    return _meta(request, subject, path)
