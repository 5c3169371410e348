"""Sharing a role outside the site: its QR code, its embeddable card and oEmbed.

- The QR code (SVG, drawn on the server with segno) holds the role's language-neutral permalink,
  which opens in each reader's language.
- The card, /embed/roles/<key>/?lang=<code>, is a small page meant for an iframe in a job posting:
  the only page the site lets other sites frame (settings.EMBED_FRAME_ANCESTORS).
- oEmbed (https://oembed.com), /oembed?url=<a role page>: platforms that support it turn a pasted
  role link into that card by themselves; role pages announce it with discovery links.
"""

import functools
from urllib.parse import urlencode, urlsplit
from xml.etree import ElementTree

import segno
from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_from_path, gettext, override

from roles.addresses import page_url
from roles.models import Role
from roles.texts import text

CARD_WIDTH, CARD_HEIGHT = 420, 520  # the iframe's size unless the consumer asks for less
MIN_SIZE = 200


@functools.lru_cache(maxsize=512)
def qr_svg(url: str, title: str) -> str:
    """An inline SVG QR code of `url` (the same URL always gives the same drawing)."""
    drawing = segno.make(url, error="m").svg_inline(scale=4, border=4, title=title, svgclass="qr")
    return mark_safe(drawing)  # noqa: S308 (segno escapes the title; the rest is its own markup)


class OEmbedError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def embed_path(role: Role, language: str) -> str:
    return f"{page_url('embed-role', key=role.key)}?{urlencode({'lang': language})}"


def embed_html(request, role: Role, language: str, width: int, height: int) -> str:
    """The iframe a job posting pastes to show the role's card."""
    with override(language):
        title = gettext("%(role)s: customer service knowledge base") % {
            "role": text(role, "title").value
        }
    src = request.build_absolute_uri(embed_path(role, language))
    return (
        f'<iframe src="{escape(src)}" width="{width}" height="{height}" title="{escape(title)}" '
        f'loading="lazy" referrerpolicy="strict-origin-when-cross-origin"></iframe>'
    )


def _size(value: str | None, default: int, name: str) -> int:
    if value in (None, ""):
        return default
    try:
        size = int(value)
    except ValueError:
        raise OEmbedError(400, "bad_size", f"{name} must be a whole number of pixels.") from None
    if size < MIN_SIZE:
        raise OEmbedError(400, "bad_size", f"{name} must be at least {MIN_SIZE} pixels.")
    return min(size, default)


def role_for(request, url: str, language: str) -> tuple[Role, str]:
    """The published role a role page's (or permalink's) URL shows, and the card's language."""
    if not url:
        raise OEmbedError(400, "missing_url", "Give the role page's address in `url`.")
    if not url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=False):
        raise OEmbedError(404, "not_found", "Only this site's role pages can be embedded.")
    path = urlsplit(url).path
    try:
        # A language-prefixed address resolves only with its language active.
        with override(get_language_from_path(path) or language):
            match = resolve(path)
    except Resolver404:
        raise OEmbedError(404, "not_found", "That address is not a role page.") from None
    if match.view_name not in ("roles:role-detail", "role-permalink"):
        raise OEmbedError(404, "not_found", "That address is not a role page.")
    role = Role.objects.published().filter(key=match.kwargs["key"]).first()
    if role is None:
        raise OEmbedError(404, "not_found", "No published role at that address.")
    return role, get_language_from_path(path) or language


def oembed(request, url: str, language: str, maxwidth=None, maxheight=None) -> dict:
    """The oEmbed answer (type "rich") for a role page's URL."""
    width = _size(maxwidth, CARD_WIDTH, "maxwidth")
    height = _size(maxheight, CARD_HEIGHT, "maxheight")
    role, language = role_for(request, url, language)
    with override(language):
        return {
            "version": "1.0",
            "type": "rich",
            "title": text(role, "title").value,
            "provider_name": gettext("Customer service knowledge base"),
            "provider_url": request.build_absolute_uri(reverse("roles:home")),
            "html": embed_html(request, role, language, width, height),
            "width": width,
            "height": height,
            "cache_age": settings.PAGE_CACHE_SECONDS,
        }


def oembed_xml(data: dict) -> bytes:
    root = ElementTree.Element("oembed")
    for name, value in data.items():
        ElementTree.SubElement(root, name).text = str(value)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
