"""The job-posting kit on each role's page for employers (/<language>/roles/<key>/for-employers/),
in the posting's language (`?kit=<code>`, a GET form, so each language's kit has an address of its
own): links, card, QR code and a JobPosting to paste."""

import json
from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext, override
from django.utils.translation import gettext_lazy as _

from kb.pagecache import store
from roles.languages import language_name, languages, native_name
from roles.models import Role, RoleVersion
from roles.models.querysets import may_preview
from roles.sharing import embeds
from roles.sharing.metadata import job_posting, occupation, pinned_occupation
from roles.texts import text
from roles.versions import pinned

PARAMETER = "kit"
# The sections a posting may link to: the anchors are the same in every language.
SECTIONS = [("duties", _("Duties")), ("qualities", _("Qualities")), ("scenarios", _("Scenarios"))]


@dataclass(frozen=True)
class KitLink:
    key: str  # the id of its field on the page
    label: str
    url: str
    help: str
    pinned: bool = False  # a published version's link: what it shows never changes

    @property
    def sections(self) -> list[tuple[str, str]]:
        return [(f"{self.url}#{anchor}", label) for anchor, label in SECTIONS]


def chosen_language(request) -> tuple[str, bool]:
    """The kit's language, and whether the one asked for was refused (not a language of the
    site): then the kit is in the page's language, which is never an error."""
    asked = request.GET.get(PARAMETER, "")
    if asked in languages():
        return asked, False
    return get_language(), bool(asked)


def kit_links(request, role: Role, language: str, pinned: dict | None) -> list[KitLink]:
    """The links a posting may use, the language-neutral one first (it suits most postings), then
    the role's current published version, pinned: its text never changes under the posting."""
    with override(language):
        current = request.build_absolute_uri(role.get_absolute_url())
    permalink = request.build_absolute_uri(reverse("role-permalink", kwargs={"key": role.key}))
    links = []
    if pinned:
        number = pinned["number"]
        with override(language):
            pinned_here = request.build_absolute_uri(
                reverse("roles:role-version", kwargs={"key": role.key, "number": number})
            )
        pinned_neutral = request.build_absolute_uri(
            reverse("role-version-permalink", kwargs={"key": role.key, "number": number})
        )
        published = date_format(localtime(pinned["published_at"]), "DATE_FORMAT")
        links = [
            KitLink(
                "kit-pinned",
                gettext("Pinned link: version %(number)s, published %(date)s")
                % {"number": number, "date": published},
                pinned_neutral,
                gettext(
                    "Shows the role exactly as published in this version, in each reader's own "
                    "language, even after it changes: for a posting that must not change."
                ),
                pinned=True,
            ),
            KitLink(
                "kit-pinned-language",
                gettext("Version %(number)s in %(language)s")
                % {"number": number, "language": language_name(language)},
                pinned_here,
                gettext("The same pinned version, always in this language."),
                pinned=True,
            ),
        ]
    return [
        KitLink(
            "permalink",
            gettext("Language-neutral link"),
            permalink,
            gettext("Opens the role in each reader's own language."),
        ),
        KitLink(
            "kit-current",
            gettext("The role in %(language)s") % {"language": language_name(language)},
            current,
            gettext("Always shows the role as it is now, in this language."),
        ),
        *links,
    ]


def kit(request, role: Role, language: str, *, refused: bool, posting: dict) -> dict:
    """The panel's context, around `posting` (posting_snippet's, kept per content version)."""
    permalink = request.build_absolute_uri(reverse("role-permalink", kwargs={"key": role.key}))
    return {
        "parameter": PARAMETER,
        "language": language,
        "language_name": language_name(language),
        "refused": refused,
        "choices": [{"code": code, "name": native_name(code)} for code in languages()],
        "links": kit_links(request, role, language, posting["pinned"]),
        "pages": role_pages(request, role),
        "qr": embeds.qr_svg(permalink, gettext("QR code of the link to this role")),
        "embed_url": embeds.embed_path(role.key, language),
        # "Preview the card": the card in a frame of the iframe code's size.
        "previews": {
            "current": embeds.preview_path(role.key, language),
            "pinned": (
                embeds.preview_path(role.key, language, posting["pinned"]["number"])
                if posting["pinned"]
                else None
            ),
        },
        **posting,
    }


def role_pages(request, role: Role) -> list[dict]:
    """The role's page in every language of the site."""
    pages = []
    for code in languages():
        with override(code):
            url = request.build_absolute_uri(role.get_absolute_url())
        pages.append({"code": code, "name": native_name(code), "url": url})
    return pages


def kept_posting(request, role: Role, page_language: str, language: str) -> dict:
    """posting_snippet's for `role` (read for a page in `page_language`) in the kit's `language`,
    kept per content version, page language, host and kit language: the same part as
    roles.views.pages.KeptParts.posting, so the first page to need it renders it."""
    parts = (role.pk, may_preview(request.user, Role), language)
    kept = store.read_part(request, "job-posting", *parts)
    if kept is None:
        version = RoleVersion.objects.current_of(role.key)
        content = None
        if version is None:  # a role with no published version is described as its page is
            content = (
                role
                if language == page_language
                else Role.objects.for_page(language).get(pk=role.pk)
            )
            prefetch_related_objects([content], *Role.objects.content(language))
        snippet = posting_snippet(request, content, language, version)
        kept = store.keep_part(request, "job-posting", *parts, value=snippet)
    return kept


def posting_snippet(
    request, content: Role | None, language: str, version: RoleVersion | None
) -> dict:
    """The JobPosting to paste, whether any of its texts fell back, the cards' iframe code, and the
    version the kit pins. It describes that version (what its link shows, whatever is edited
    later); a role with no version is described from `content`, with its duties and qualities."""
    if version is not None:
        shown = pinned.PinnedRole.of(version, pinned.load([version]), live=set())
        with override(language):
            url = request.build_absolute_uri(version.get_absolute_url())
            role_occupation = pinned_occupation(shown, url)
        subject, duties = shown.role, shown.duties
        qualities = [quality for quality, _note in shown.qualities]
    else:
        subject = content
        with override(language):
            role_occupation = occupation(subject, request)
        duties = subject.duties.all()
        qualities = [link.quality for link in subject.role_qualities.all()]
    texts = [
        text(subject, "title", language),
        text(subject, "summary", language),
        *(text(duty, "text", language) for duty in duties),
        *(text(quality, "name", language) for quality in qualities),
    ]
    # The cards' iframe code names the role in the kit's language.
    size = (embeds.CARD_WIDTH, embeds.CARD_HEIGHT)
    title = texts[0].value
    key = version.role_key if version is not None else subject.key
    current = embeds.Embed(title, embeds.embed_path(key, language))
    pinned_embed = None
    if version is not None:
        pinned_embed = embeds.Embed(title, embeds.embed_path(key, language, version.number))
    return {
        "embed_code": embeds.embed_html(request, current, language, *size),
        "pinned_embed": (
            {
                "code": embeds.embed_html(request, pinned_embed, language, *size),
                "url": pinned_embed.path,
            }
            if pinned_embed
            else None
        ),
        "job_posting": to_script_text(job_posting(role_occupation, language)),
        "untranslated": any(shown.value and shown.fallback for shown in texts),
        "pinned": (
            {"number": version.number, "published_at": version.published_at} if version else None
        ),
    }


def to_script_text(data: dict) -> str:
    """JSON that stays whole inside the <script> element HR pastes it into: nothing in it can end
    the element ("</") or open an HTML comment ("<!--"). It still parses as the same JSON."""
    encoded = json.dumps(data, ensure_ascii=False, indent=2)
    return encoded.replace("</", "<\\/").replace("<!--", "<\\u0021--")
