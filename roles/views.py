import functools
import secrets
import sys
from itertools import groupby
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponseGone, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import (
    get_language,
    get_language_from_path,
    get_language_from_request,
    gettext,
    override,
)
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from roles import api, og_image, page_cache, pinned, posting_kit, publishing, sharing
from roles.addresses import page_url
from roles.context_processors import languages, same_page_in
from roles.metadata import occupation
from roles.models import Quality, Role, RoleVersion, Scenario, Source, Workplace
from roles.occupation_codes import role_codes
from roles.querysets import role_content
from roles.search import search
from roles.slugs import get_by_slug
from roles.texts import text


def visible_next(role, user):
    """The role this one leads to, if the reader may see it."""
    step = role.leads_to
    return step if step and (step.published or user.is_staff) else None


@require_safe
def home(request):
    roles = Role.objects.visible_to(request.user).select_related("leads_to").order_by("-level")
    for role in roles:
        role.next_role = visible_next(role, request.user)
    ladder = [(level, list(step)) for level, step in groupby(roles, key=lambda r: r.level)]
    context = {
        "ladder": ladder,
        "qualities": Quality.objects.published(),
        "workplaces": Workplace.objects.published(),
        "scenarios": Scenario.objects.published(),
    }
    return render(request, "roles/home.html", context)


@require_safe
def role_detail(request, key):
    language = get_language()
    role = get_object_or_404(Role.objects.visible_to(request.user).for_page(language), key=key)
    # The current version, with its content: the kit's JobPosting describes it.
    version = functools.cache(lambda: RoleVersion.objects.current_of(role.key))

    @functools.cache
    def content(code: str) -> Role:
        """The role with everything its page shows in language `code`, read only when a part of
        the page is not kept already: the page's role itself in the page's language (the kit's
        language may differ)."""
        shown = role if code == language else Role.objects.for_page(code).get(pk=role.pk)
        prefetch_related_objects([shown], *role_content(code))
        return shown

    # The role's sections (and its JSON-LD) are rendered once per content version and language,
    # and kept: editors, and addresses the page cache has not seen, reuse them.
    sections = page_cache.fragment(
        request,
        "role",
        (role.pk, request.user.is_staff),
        lambda: role_sections(request, content(language), version(), language),
    )
    kit_language, refused = posting_kit.chosen_language(request)
    context = {
        "role": role,
        "sections": sections,
        "permalink": request.build_absolute_uri(reverse_permalink(role)),
        "meta_title": role.title,
        "meta_description": role.summary,
        "og_image": og_image.meta(request, role),
        "kit": posting_kit.kit(
            request,
            role,
            kit_language,
            refused=refused,
            content=lambda: content(kit_language),
            version=version,
        ),
        **sharing.discovery(request),
    }
    return render(request, "roles/role_detail.html", context)


def role_sections(request, role, version: RoleVersion | None, language: str) -> dict:
    """The role page's sections and JSON-LD (`role` with its content in `language` read onto
    it), and the line naming its current published version."""
    context = {
        "role": role,
        "next_role": visible_next(role, request.user),
        "codes": role_codes(role),
        "version": version,
        # Edited since: the page no longer shows, in its language, what the version showed.
        "edited_since": version is not None and not publishing.shows(role, version, language),
    }
    return {
        "head": render_to_string(
            "roles/parts/role_head.html", {"occupation": occupation(role, request)}
        ),
        "body": render_to_string("roles/parts/role_sections.html", context),
    }


def _version_or_404(key: str, number: int) -> RoleVersion:
    return get_object_or_404(RoleVersion.objects.of(key).numbered(number))


@require_safe
def role_version(request, key, number):
    """A published version of a role, exactly as it was then: a link that holds for a job
    posting. A withdrawn version answers 410 Gone and points to the current one."""
    version = _version_or_404(key, number)
    canonical = reverse("roles:role-version", kwargs={"key": key, "number": number})
    if request.path != canonical:  # /v/01/: one address per version
        return redirect(_with_query(canonical, request.GET.urlencode()), permanent=True)
    current = RoleVersion.objects.current_of(key)
    # A role, quality, scenario or workplace unpublished or deleted since still shows, unlinked.
    live = pinned.live_pages(version, request.user)
    role_url = reverse("roles:role-detail", kwargs={"key": key}) if ("role", key) in live else ""
    if version.withdrawn:
        context = {"version": version, "current": current, "role_url": role_url}
        return render(request, "roles/version_withdrawn.html", context, status=410)
    store = pinned.load([version] if current is None else [version, current])
    shown = pinned.PinnedRole.of(version, store, live)
    is_current = current is not None and current.number == version.number
    later = current is not None and not is_current
    changes = pinned.changes(version.content, current.content, store) if later else []
    context = {
        "pinned": shown,
        "version": version,
        "current": current,
        "is_current": is_current,
        "changes": changes,
        # What changed since is only in texts this page's language does not show.
        "elsewhere": later and not changes and version.fingerprint != current.fingerprint,
        "role_url": role_url,
        "meta_title": gettext("%(role)s, version %(number)s")
        % {"role": shown.role.title, "number": version.number},
        "meta_description": shown.role.summary,
        "og_image": og_image.version_meta(request, version, shown.role),
        **sharing.discovery(request),
        "noindex": True,  # the current page is the one to index; a version is for links
    }
    return render(request, "roles/role_version.html", context)


@require_safe
def role_version_og_image(request, key, number):
    """A published version's Open Graph image, so a pinned link previews as the version reads.
    A withdrawn version has none (410, as its page)."""
    version = _version_or_404(key, number)
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
def role_versions(request, key):
    """Every published version of a role, the newest first, with their links."""
    versions = list(RoleVersion.objects.of(key).defer("content"))
    if not versions:
        raise Http404
    role = Role.objects.visible_to(request.user).filter(key=key).first()
    for version in versions:  # the language-neutral link, for job postings
        version.permalink = request.build_absolute_uri(
            reverse("role-version-permalink", kwargs={"key": key, "number": version.number})
        )
    context = {
        "versions": versions,
        "current": next((version for version in versions if not version.withdrawn), None),
        "role_url": role.get_absolute_url() if role else "",
        # The role's title as it is now, or, for a role no longer published, its kind.
        "role_name": text(role, "title").value if role else versions[0].get_role_key_display(),
        "noindex": True,
    }
    return render(request, "roles/role_versions.html", context)


def _slug_page(request, model, slug, *, title: str, description: str):
    """A page found by slug (a former slug answers 301), with its link-preview texts."""
    obj, moved = get_by_slug(model.objects.visible_to(request.user).with_content(), slug)
    if moved:
        return moved
    name = model._meta.model_name
    context = {
        name: obj,
        "meta_title": getattr(obj, title),
        "meta_description": getattr(obj, description),
    }
    return render(request, f"roles/{name}_detail.html", context)


@require_safe
def quality_detail(request, slug):
    return _slug_page(request, Quality, slug, title="name", description="description")


@require_safe
def scenario_list(request):
    scenarios = Scenario.objects.visible_to(request.user).with_content()
    return render(request, "roles/scenario_list.html", {"scenarios": scenarios})


@require_safe
def scenario_detail(request, slug):
    return _slug_page(request, Scenario, slug, title="title", description="situation")


@require_safe
def workplace_detail(request, slug):
    return _slug_page(request, Workplace, slug, title="name", description="description")


@require_safe
def search_page(request):
    results = search(
        query=request.GET.get("q", ""), language=get_language(), page=request.GET.get("page", 1)
    )
    return render(request, "roles/search.html", {"results": results, "meta_title": results.query})


@require_safe
def about(request):
    return render(request, "roles/about.html", {"sources": Source.objects.all()})


def reverse_permalink(obj) -> str:
    if isinstance(obj, Role):
        return page_url("role-permalink", key=obj.key)
    return page_url("quality-permalink", slug=obj.slug)


def _negotiated(request, obj):
    """Redirect a language-neutral link to `obj` in the reader's language.

    The language comes from the cookie the language switcher sets, then Accept-Language, then the
    default; the redirect is temporary and varies on both, so no cache serves one reader's language
    to another.
    """
    with override(get_language_from_request(request)):
        response = redirect(obj)
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


@require_safe
def role_permalink(request, key):
    """A language-neutral link for job postings: /roles/<key>/."""
    return _negotiated(request, get_object_or_404(Role.objects.visible_to(request.user), key=key))


@require_safe
def role_version_permalink(request, key, number):
    """A language-neutral link to one published version: /roles/<key>/v/<number>/."""
    return _negotiated(request, _version_or_404(key, number))


@require_safe
def quality_permalink(request, slug):
    """A language-neutral link to a quality: /qualities/<slug>/."""
    quality, moved = get_by_slug(Quality.objects.visible_to(request.user), slug)
    if moved:  # a former slug: to the current language-neutral link, for good
        return redirect(reverse_permalink(moved.target), permanent=True)
    return _negotiated(request, quality)


@require_safe
def switch_language(request, code):
    """The language switcher: remember the reader's choice, then show the same page in it."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if safe:
        # The page we come from is resolved in its own language.
        with override(get_language_from_path(target) or settings.LANGUAGE_CODE):
            response = redirect(same_page_in(target, code))
    else:
        with override(code):
            response = redirect("roles:home")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri("/sitemap.xml")
    # The admin is not listed: its address may be kept private (ADMIN_PATH).
    lines = [
        "User-agent: *",
        "Disallow: /language/",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


ERRORS = {
    403: (
        _("Request refused"),
        _("The site refused this request. If you sent a form, reload the page and try again."),
    ),
    400: (
        _("Bad request"),
        _("The site could not understand this request. Please check the address and try again."),
    ),
    404: (
        _("Page not found"),
        _(
            "There is no page at this address. It may have been unpublished, "
            "or the link may be mistyped."
        ),
    ),
    503: (
        _("Temporarily unavailable"),
        _("The knowledge base cannot reach its database just now. Please try again in a minute."),
    ),
    500: (
        _("Something went wrong"),
        _(
            "The page could not be shown because of an error on our side. "
            "Please try again in a moment."
        ),
    ),
}


def error_page(request, status: int):
    """The error pages, in the reader's language and the site's design (handler400/404/500)."""
    heading, message = ERRORS[status]
    context = {"heading": heading, "message": message, "error_page": True}
    # An error met before the locale middleware ran (a bad Host header, a lost database) is still
    # told in the language of the address, or the reader's.
    language = get_language_from_path(request.path) or get_language_from_request(request)
    with override(language):
        return render(request, "error.html", context, status=status)


def bad_request(request, exception):
    return error_page(request, 400)


def permission_denied(request, exception):
    return error_page(request, 403)


def csrf_failure(request, reason=""):
    return error_page(request, 403)


def page_not_found(request, exception):
    return error_page(request, 404)


def server_error(request):
    """handler500, called while the exception is handled: a lost database is a 503, not a 500."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        response = error_page(request, 503)
        response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return error_page(request, 500)


@require_safe
@xframe_options_exempt
def embed_role(request, key):
    """The role's card for an iframe in a job posting (the cards are the only pages other sites
    may frame)."""
    try:
        language, negotiated = api.choose_language(request)
    except api.ApiError:
        return error_page(request, 400)
    with override(language):
        # Editors previewing a draft see its card too, as they see its page.
        roles = Role.objects.visible_to(request.user).with_content()
        role = get_object_or_404(roles, key=key)
        context = {
            "role": role,
            "duties": role.duties.all()[:5],
            "qualities": [link.quality for link in role.role_qualities.all()[:5]],
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
        language, negotiated = api.choose_language(request)
    except api.ApiError:
        return error_page(request, 400)
    version = _version_or_404(key, number)
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
            "duties": shown.duties[:5],
            "qualities": [quality for quality, _note in shown.qualities[:5]],
            "page_url": request.build_absolute_uri(version.get_absolute_url()),
            "meta_title": shown.role.title,
        }
        response = render(request, "embed/role_card.html", context)
    return _framable(response, negotiated)


def _framable(response, negotiated: bool):
    # django-csp: this page's policy lets the sites in EMBED_FRAME_ANCESTORS frame it.
    response._csp_replace = {"frame-ancestors": settings.EMBED_FRAME_ANCESTORS}
    if negotiated:
        patch_vary_headers(response, ["Accept-Language"])
    return response


@require_safe
def oembed(request):
    """oEmbed for role pages: JSON (the default) or XML."""
    fmt = request.GET.get("format", "json")
    try:
        language, _negotiated = api.choose_language(request)
        if fmt not in ("json", "xml"):
            raise sharing.OEmbedError(400, "bad_format", "format must be json or xml.")
        data, draft = sharing.oembed(
            request,
            request.GET.get("url", ""),
            language,
            request.GET.get("maxwidth"),
            request.GET.get("maxheight"),
        )
    except (sharing.OEmbedError, api.ApiError) as problem:
        return api.error(problem.status, problem.code, problem.message)
    if fmt == "xml":
        response = HttpResponse(sharing.oembed_xml(data), content_type="text/xml; charset=utf-8")
    else:
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    api.cors(response)
    return _private(response) if draft else response


@require_safe
def role_qr(request, key):
    """The QR code of a role's permalink as an SVG file (for printing)."""
    role = get_object_or_404(Role.objects.visible_to(request.user), key=key)
    permalink = request.build_absolute_uri(reverse_permalink(role))
    svg = sharing.qr_svg(permalink, permalink).replace(
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


def locked_out(request, response=None, credentials=None):
    """django-axes' answer once a user name has failed too often from one address: the admin's
    login page design, in the admin's language, with 429 Too Many Requests."""
    context = {
        **admin.site.each_context(request),
        "title": _("Too many failed logins"),
        "minutes": int(settings.AXES_COOLOFF_TIME * 60),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "admin/locked_out.html", context, status=429)


@require_safe
def healthz(request):
    """For load balancers and monitoring: 200 when the database and the cache answer, else 503
    naming what is down."""
    checks = {"database": _database_answers, "cache": _cache_answers}
    state = {name: "ok" if check() else "unavailable" for name, check in checks.items()}
    healthy = all(value == "ok" for value in state.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "unavailable", **state}, status=200 if healthy else 503
    )
    response["Cache-Control"] = "no-store"
    return response


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def _cache_answers() -> bool:
    try:
        token = secrets.token_hex(8)
        cache.set("healthz", token, 10)
        return cache.get("healthz") == token
    except Exception:  # any backend's connection error  # noqa: BLE001
        return False


# Comparing roles side by side.

# More columns do not fit a screen, nor a printed page. (The form's hint says "two or three".)
COMPARE_MAX = 3


def compare_keys(values: list[str]) -> list[str]:
    """The role keys asked for, in the order given (`?roles=a&roles=b` or `?roles=a,b`), without
    blanks and repeats."""
    keys = (key.strip() for value in values for key in value.split(","))
    return list(dict.fromkeys(key for key in keys if key))


@require_safe
def compare(request):
    """Two or three roles side by side, in the order asked for.

    The address is the whole state, `?roles=agent&roles=manager` (what the page's GET form sends),
    so a comparison can be shared; other spellings of it (`?roles=agent,manager`, repeats, blanks)
    are redirected to that one. Unknown keys (and drafts, for readers) are named and left out, and
    roles past the third are left out with a word: the page is never an error.
    """
    asked = request.GET.getlist("roles")
    keys = compare_keys(asked)
    if keys != asked:
        query = request.GET.copy()
        query.setlist("roles", keys)
        return redirect(_with_query(request.path, query.urlencode()), permanent=True)
    choices = list(Role.objects.visible_to(request.user))  # the form's checkboxes, ladder order
    by_key = {role.key: role for role in choices}
    chosen = [key for key in keys if key in by_key]
    compared = chosen[:COMPARE_MAX]
    roles = []
    if len(compared) > 1:
        found = (
            Role.objects.visible_to(request.user).with_content().in_bulk(compared, field_name="key")
        )
        roles = [found[key] for key in compared if key in found]
        for role in roles:
            role.next_role = visible_next(role, request.user)
    unknown = [key for key in keys if key not in by_key]
    context = {
        "choices": choices,
        "checked": compared,
        "roles": roles if len(roles) > 1 else [],
        "single": by_key[compared[0]] if len(compared) == 1 else None,
        "unknown": _shown_keys(unknown),
        "unknown_count": len(unknown),
        "too_many": len(chosen) > COMPARE_MAX,
        "max_roles": COMPARE_MAX,
        **_compare_meta([role.title for role in roles]),
        **_links_with_query(request, urlencode([("roles", key) for key in compared])),
    }
    return render(request, "roles/compare.html", context)


def _compare_meta(titles: list[str]) -> dict:
    """What link previews of the compare page say."""
    if len(titles) < 2:
        return {
            "meta_title": _("Compare roles"),
            "meta_description": _(
                "Choose two or three customer service roles to see their duties, qualities and "
                "workplaces side by side."
            ),
        }
    names = _("%(items)s and %(last)s") % {"items": ", ".join(titles[:-1]), "last": titles[-1]}
    return {
        "meta_title": _("Compare: %(roles)s") % {"roles": names},
        "meta_description": _(
            "The duties, qualities, workplaces and career steps of %(roles)s, side by side."
        )
        % {"roles": names},
    }


def _shown_keys(keys: list[str]) -> str:
    """Unknown keys as the page names them: printable, short, five at most (the page escapes
    them)."""
    shown = [
        Truncator("".join(c if c.isprintable() else "\ufffd" for c in key)).chars(40)
        for key in keys[:5]
    ]
    return ", ".join(shown + (["…"] if len(keys) > 5 else []))


def _links_with_query(request, query: str) -> dict:
    """The page's canonical, hreflang and language-switcher links, with `query`.

    The context processor's links carry the path alone; on the compare page the query is the page.
    """
    if not query:
        return {}
    links = languages(request)
    here = _with_query(request.path, query)
    for link in links["language_links"]:
        link["absolute_url"] = _with_query(link["absolute_url"], query)
        switch = reverse("switch-language", args=[link["code"]])
        link["switch_url"] = f"{switch}?{urlencode({'next': here})}"
    for name in ("canonical_url", "x_default_url"):
        if name in links:
            links[name] = _with_query(links[name], query)
    return links


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url
