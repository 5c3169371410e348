"""Sharing a role outside the site: its QR code (the language-neutral permalink, which opens in
each reader's language), its card for an iframe in a job posting, and oEmbed (oembed.com), which
lets platforms turn a pasted link to a role or version page into that card."""

import functools
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit
from xml.etree import ElementTree

import segno
from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_from_path, gettext, override

from kb.http.json import JsonError
from roles.addresses import page_url
from roles.models import Role, RoleVersion
from roles.sharing.metadata import SITE_NAME
from roles.texts import text
from roles.versions import pinned

CARD_WIDTH, CARD_HEIGHT = 420, 520  # the iframe's size unless the consumer asks for less
# The smallest frame the card fits (tests/browser/test_embed_card.py): a consumer's maxwidth or
# maxheight below it gets oEmbed's 404, as the provider has no answer within it.
MIN_WIDTH, MIN_HEIGHT = 280, 200
FORMATS = ("json", "xml")
# What the card shows of a role, so that it fits that size at any width from 280 pixels (the whole
# role is a link away).
CARD_DUTIES, CARD_QUALITIES = 3, 4


@functools.lru_cache(maxsize=512)
def qr_svg(url: str, title: str) -> str:
    """An inline SVG QR code of `url` (the same URL always gives the same drawing)."""
    drawing = segno.make(url, error="m").svg_inline(scale=4, border=4, title=title, svgclass="qr")
    return mark_safe(drawing)  # segno escapes the title; the rest is its own markup


class OEmbedError(JsonError):
    """An oEmbed request the site cannot answer (a bad address, size or format). oEmbed 1.0
    (oembed.com, 2.3.5) names the statuses: 404 when the provider has no answer for the URL (none
    of its role pages, or none within maxwidth × maxheight, which the answer must respect), 501
    for a format it does not implement; a request it cannot read at all is a 400."""


def response_format(value: str | None) -> str:
    """The answer's format: JSON unless the consumer asks for XML; any other is a 501."""
    if value in (None, ""):
        return "json"
    if value not in FORMATS:
        raise OEmbedError(501, "format_not_implemented", "format must be json or xml.")
    return value


def embed_path(key: str, language: str, number: int | None = None) -> str:
    """The card of a role (or of its published version `number`) in `language`."""
    if number is None:
        path = page_url("embed-role", key=key)
    else:
        path = page_url("embed-role-version", key=key, number=number)
    return f"{path}?{urlencode({'lang': language})}"


def preview_path(key: str, language: str, number: int | None = None) -> str:
    """The page that shows that card in a frame of the suggested size, as a posting would."""
    if number is None:
        path = page_url("embed-role-preview", key=key)
    else:
        path = page_url("embed-role-version-preview", key=key, number=number)
    return f"{path}?{urlencode({'lang': language})}"


@dataclass(frozen=True)
class Embed:
    """What a card shows a job posting: the role's title in the card's language, and where the
    card is."""

    title: str
    path: str
    draft: bool = False  # an editor's preview of an unpublished role


def embed_html(request, embed: Embed, language: str, width: int, height: int) -> str:
    """The iframe a job posting pastes to show a card."""
    with override(language):
        title = gettext("%(role)s: customer service knowledge base") % {"role": embed.title}
    src = request.build_absolute_uri(embed.path)
    return (
        f'<iframe src="{escape(src)}" width="{width}" height="{height}" title="{escape(title)}" '
        f'loading="lazy" referrerpolicy="strict-origin-when-cross-origin"></iframe>'
    )


def role_embed(role: Role, language: str) -> Embed:
    with override(language):
        title = text(role, "title").value
    return Embed(title, embed_path(role.key, language), draft=not role.published)


def version_embed(version: RoleVersion, language: str) -> Embed:
    shown = pinned.PinnedRole.of(version, pinned.load([version]), live=set())
    with override(language):
        title = text(shown.role, "title").value
    return Embed(title, embed_path(version.role_key, language, version.number))


def _size(value: str | None, default: int, smallest: int, name: str) -> int:
    """The card's size along one side: the suggested one, or less if the consumer's maximum is
    less (never more: the answer must not exceed it)."""
    if value in (None, ""):
        return default
    # ASCII digits only (int() would also take "+1", " 1", "1_0" and other scripts' digits).
    if not (value.isascii() and value.isdigit()):
        raise OEmbedError(400, "bad_size", f"{name} must be a whole number of pixels.")
    if len(value) > 6 or int(value) >= default:
        return default
    if int(value) < smallest:
        raise OEmbedError(
            404, "too_small", f"The card needs a {name} of at least {smallest} pixels."
        )
    return int(value)


ROLE_PAGES = ("roles:role-detail", "role-permalink")
VERSION_PAGES = ("roles:role-version", "role-version-permalink")


def embed_for(request, url: str, language: str) -> tuple[Embed, str]:
    """The card of the role or version a page's URL shows (a role page, a version's page, or their
    language-neutral permalinks), and the card's language. Roles are those the user may see:
    editors get their drafts' cards, as they see their pages."""
    if not url:
        raise OEmbedError(400, "missing_url", "Give the role page's address in `url`.")
    if not url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=False):
        raise OEmbedError(404, "not_found", "Only this site's role pages can be embedded.")
    path = urlsplit(url).path
    language = get_language_from_path(path) or language
    try:
        # A language-prefixed address resolves only with its language active.
        with override(language):
            match = resolve(path)
    except Resolver404:
        raise OEmbedError(404, "not_found", "That address is not a role page.") from None
    key = match.kwargs.get("key")
    if match.view_name in ROLE_PAGES:
        role = Role.objects.visible_to(request.user).filter(key=key).first()
        if role is None:
            raise OEmbedError(404, "not_found", "No published role at that address.")
        return role_embed(role, language), language
    if match.view_name in VERSION_PAGES:
        versions = RoleVersion.objects.of(key).in_force().numbered(match.kwargs["number"])
        version = versions.first()
        if version is None:
            raise OEmbedError(404, "not_found", "No published version at that address.")
        return version_embed(version, language), language
    raise OEmbedError(404, "not_found", "That address is not a role page.")


def oembed(
    request, url: str, language: str, maxwidth=None, maxheight=None
) -> tuple[dict, bool, str]:
    """The oEmbed answer (type "rich") for a role page's or a version's URL, whether it is a
    draft's (for no shared cache), and its language: the URL's own, else `language`."""
    width = _size(maxwidth, CARD_WIDTH, MIN_WIDTH, "maxwidth")
    height = _size(maxheight, CARD_HEIGHT, MIN_HEIGHT, "maxheight")
    embed, language = embed_for(request, url, language)
    with override(language):
        data = {
            "version": "1.0",
            "type": "rich",
            "title": embed.title,
            "provider_name": str(SITE_NAME),
            "provider_url": request.build_absolute_uri(reverse("roles:home")),
            "html": embed_html(request, embed, language, width, height),
            "width": width,
            "height": height,
            "cache_age": settings.PAGE_CACHE_SECONDS,
        }
    return data, embed.draft, language


def discovery(request) -> dict:
    """The oEmbed addresses of the page `request` asks for, for its discovery links: absolute, as
    consumers fetch them from wherever they read the page (oEmbed 1.0, 4. Discovery)."""
    address = request.build_absolute_uri(request.path)
    endpoint = page_url("oembed")
    return {
        f"oembed_{fmt}": request.build_absolute_uri(
            f"{endpoint}?{urlencode({'url': address, 'format': fmt})}"
        )
        for fmt in FORMATS
    }


def oembed_xml(data: dict) -> bytes:
    root = ElementTree.Element("oembed")
    for name, value in data.items():
        ElementTree.SubElement(root, name).text = str(value)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
