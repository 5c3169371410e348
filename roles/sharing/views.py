"""Sharing views: a role's and a version's cards for iframes, oEmbed, the QR code, the role's
link-preview image and a version's job description as a file."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseGone, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, override
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from kb.http.json import JsonError, cors, error
from kb.http.views import error_page
from roles.addresses import reverse_permalink, with_query
from roles.languages import UnknownLanguage, choose_language
from roles.models import Role, RoleVersion
from roles.sharing import embeds, job_description, og_image
from roles.texts import text
from roles.versions import pinned
from roles.versions.pinned import version_or_404


@require_safe
@xframe_options_exempt
def embed_role(request, key):
    """The role's card for an iframe in a job posting (the cards are the only pages other sites
    may frame)."""
    try:
        language, negotiated = choose_language(request)
    except UnknownLanguage:
        return error_page(request, 400)
    with override(language):
        # Editors previewing a draft see its card too, as they see its page.
        roles = Role.objects.visible_to(request.user).with_content()
        role = get_object_or_404(roles, key=key)
        context = {
            "role": role,
            "duties": role.duties.all()[: embeds.CARD_DUTIES],
            "qualities": [
                link.quality for link in role.role_qualities.all()[: embeds.CARD_QUALITIES]
            ],
            "page_url": request.build_absolute_uri(role.get_absolute_url()),
            "meta_title": text(role, "title").value,
        }
        response = render(request, "embed/role_card.html", context)
    if not role.published:
        _private(response)
    return _framable(response, negotiated)


def _private(response):
    """A draft's preview, for the editor who asked: for no one else's cache."""
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_safe
@xframe_options_exempt
def embed_role_version(request, key, number):
    """A published version's card for an iframe: it shows the role as published then, and never
    changes. A withdrawn version's card says so (410)."""
    try:
        language, negotiated = choose_language(request)
    except UnknownLanguage:
        return error_page(request, 400)
    version = version_or_404(key, number)
    with override(language):
        if version.withdrawn:
            current = RoleVersion.objects.current_of(key)
            context = {
                "version": version,
                "page_url": (
                    request.build_absolute_uri(current.get_absolute_url()) if current else ""
                ),
            }
            response = render(request, "embed/version_withdrawn.html", context, status=410)
            return _framable(response, negotiated)
        shown = pinned.PinnedRole.of(version, pinned.load([version]), live=set())
        context = {
            "role": shown.role,
            "version": version,
            "duties": shown.duties[: embeds.CARD_DUTIES],
            "qualities": [quality for quality, _note in shown.qualities[: embeds.CARD_QUALITIES]],
            "page_url": request.build_absolute_uri(version.get_absolute_url()),
            "meta_title": shown.role.title,
        }
        response = render(request, "embed/role_card.html", context)
    return _framable(response, negotiated)


def _framable(response, negotiated: bool):
    # django-csp: this page's policy lets the sites in EMBED_FRAME_ANCESTORS frame it, and the site
    # itself (its preview of the card, embed_preview).
    ancestors = settings.EMBED_FRAME_ANCESTORS
    if "'none'" not in ancestors:
        ancestors = [*ancestors, "'self'"]
    response._csp_replace = {"frame-ancestors": ancestors}
    if negotiated:
        patch_vary_headers(response, ["Accept-Language"])
    return response


@require_safe
def embed_preview(request, key, number=None):
    """The card as a job posting shows it: the kit's iframe code, at the suggested size, on a page
    of its own (the kit's "Preview the card" link). The page itself may not be framed."""
    try:
        language, negotiated = choose_language(request)
    except UnknownLanguage:
        return error_page(request, 400)
    if number is None:
        role = get_object_or_404(Role.objects.visible_to(request.user), key=key)
        embed = embeds.role_embed(role, language)
    else:
        embed = embeds.version_embed(version_or_404(key, number), language)
    size = (embeds.CARD_WIDTH, embeds.CARD_HEIGHT)
    with override(language):
        context = {
            # embed_html escapes what it puts in the iframe's attributes.
            "frame": mark_safe(embeds.embed_html(request, embed, language, *size)),
            "width": size[0],
            "height": size[1],
            "meta_title": embed.title,
        }
        response = render(request, "embed/preview.html", context)
    if negotiated:
        patch_vary_headers(response, ["Accept-Language"])
    return _private(response) if embed.draft else response


@csrf_exempt  # it reads no session and changes nothing: any other method is a 405, not a 403
@require_safe
def oembed(request):
    """oEmbed 1.0 for role pages: JSON (the default) or XML; errors as JSON, with the spec's
    statuses (embeds.OEmbedError)."""
    try:
        fmt = embeds.response_format(request.GET.get("format"))
        language, _negotiated = choose_language(request)
        data, draft, _language = embeds.oembed(
            request,
            request.GET.get("url", ""),
            language,
            request.GET.get("maxwidth"),
            request.GET.get("maxheight"),
        )
    except UnknownLanguage as problem:
        return error(400, "unknown_language", str(problem))
    except JsonError as problem:
        return error(problem.status, problem.code, problem.message)
    if fmt == "xml":
        response = HttpResponse(embeds.oembed_xml(data), content_type="text/xml; charset=utf-8")
    else:
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    cors(response)
    return _private(response) if draft else response


@require_safe
def role_qr(request, key):
    """The QR code of a role's permalink as an SVG file (for printing)."""
    role = get_object_or_404(Role.objects.visible_to(request.user), key=key)
    permalink = request.build_absolute_uri(reverse_permalink(role))
    svg = embeds.qr_svg(permalink, permalink).replace(
        "<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1
    )
    response = HttpResponse(
        '<?xml version="1.0" encoding="utf-8"?>\n' + svg, content_type="image/svg+xml"
    )
    response["Content-Disposition"] = f'inline; filename="{role.key}-qr.svg"'
    return response if role.published else _private(response)


@require_safe
def role_og_image(request, key):
    """The role's Open Graph image (PNG) in the page's language; ETag and 304 come from
    ConditionalGetMiddleware, Content-Length from CommonMiddleware."""
    role = get_object_or_404(Role.objects.visible_to(request.user), key=key)
    response = HttpResponse(og_image.role_png(request, role), content_type=og_image.CONTENT_TYPE)
    if not role.published:
        return _private(response)
    patch_cache_control(response, public=True, max_age=og_image.MAX_AGE)
    return response


@require_safe
def role_version_og_image(request, key, number):
    """A published version's Open Graph image, so a pinned link previews as the version reads.
    A withdrawn version has none (410, as its page)."""
    version = version_or_404(key, number)
    if version.withdrawn:
        return HttpResponseGone()
    shown = pinned.PinnedRole.of(version, pinned.load([version]), live=set())
    response = HttpResponse(
        og_image.version_png(request, version, shown.role), content_type=og_image.CONTENT_TYPE
    )
    # A version's texts never change; its card changes only with a new release's drawing.
    patch_cache_control(response, public=True, max_age=og_image.MAX_AGE)
    return response


@require_safe
def role_version_job_description(request, key, number, extension):
    """A published version's job description as a file (txt, md or docx) in the page's language,
    for hiring systems that take a file rather than a link. Its bytes never change. A withdrawn
    version answers 410 with the page that says so."""
    fmt = job_description.FORMATS[extension]  # each format has its own address (roles/urls.py)
    version = version_or_404(key, number)
    kwargs = {"key": key, "number": number, "extension": extension}
    canonical = reverse("roles:role-version-job-description", kwargs=kwargs)
    if request.path != canonical:  # /v/01/: one address per file, as per version page
        return redirect(with_query(canonical, request.GET.urlencode()), permanent=True)
    if version.withdrawn:
        context = {
            "version": version,
            "current": RoleVersion.objects.current_of(key),
            "role_url": (
                reverse("roles:role-detail", kwargs={"key": key})
                if Role.objects.visible_to(request.user).filter(key=key).exists()
                else ""
            ),
        }
        return render(request, "roles/version_withdrawn.html", context, status=410)
    language = get_language()
    response = HttpResponse(
        job_description.kept_file(request, version, language, fmt), content_type=fmt.content_type
    )
    name = job_description.filename(key, version.number, language, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    patch_cache_control(response, public=True, max_age=og_image.MAX_AGE)
    return response
