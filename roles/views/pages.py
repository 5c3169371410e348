"""The reader's pages: home, role, quality, scenario, workplace and about pages, and the
language-neutral permalinks that redirect to them."""

import functools
from collections import defaultdict
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_from_request, override
from django.views.decorators.http import require_safe

from kb.pagecache import store
from roles.addresses import reverse_permalink
from roles.collation import alphabetical
from roles.models import Quality, Role, Scenario, Source, Workplace, role_page
from roles.models.querysets import may_preview
from roles.occupation_codes import role_codes
from roles.sharing import embeds, og_image, posting_kit
from roles.sharing.metadata import occupation
from roles.slugs import get_by_slug
from roles.versions import publishing
from roles.versions.pinned import version_or_404


def visible_next(role, user):
    """The role this one leads to, if the reader may see it."""
    step = role.leads_to
    return step if step and (step.published or may_preview(user, Role)) else None


def ladder_top(role, user) -> Role:
    """The role at the top of the ladder `role` is on (its own step counts as "step 1 of 3"
    against it): the last one it leads to that the reader may see. (Saving refuses a loop; a
    loop written around the model still ends here.)"""
    seen = {role.pk}
    while (step := visible_next(role, user)) is not None and step.pk not in seen:
        seen.add(step.pk)
        role = step
    return role


def ladder(roles, user) -> list[Role]:
    """The career ladder as the roles draw it: the roles that lead nowhere (the top), each with
    `below`, the roles that lead to it (the agent and the associate both to the manager: side by
    side, not one above the other, the lower step first). `roles` from the top step down."""
    roles = list(roles)
    shown = {role.pk for role in roles}
    below = defaultdict(list)
    for role in roles:
        role.next_role = visible_next(role, user)
        if role.next_role is not None and role.next_role.pk in shown:
            below[role.next_role.pk].append(role)
    for role in roles:
        role.below = sorted(below[role.pk], key=lambda lower: lower.level)  # stable: by title next
    return [role for role in roles if role.next_role is None or role.next_role.pk not in shown]


@require_safe
def home(request):
    language = get_language()
    roles = (
        Role.objects.visible_to(request.user)
        .select_related("leads_to")
        .order_by("-level", alphabetical("title", language), "key")
    )
    context = {
        "ladder": ladder(roles, request.user),
        "qualities": Quality.objects.published().alphabetical(language),
        "workplaces": Workplace.objects.published().alphabetical(language),
        "scenarios": Scenario.objects.published().alphabetical(language),
    }
    return render(request, "roles/home.html", context)


@require_safe
def role_detail(request, key):
    if posting_kit.PARAMETER in request.GET:
        # The kit's former place (?kit=<code>, its form): it has a page of its own now.
        url = reverse("roles:role-employers", kwargs={"key": key})
        return redirect(
            f"{url}?{urlencode({posting_kit.PARAMETER: request.GET[posting_kit.PARAMETER]})}"
        )
    language = get_language()
    staff = may_preview(request.user, Role)
    role = role_page.role(key, language, published_only=not staff)
    if role is None:
        raise Http404
    parts = KeptParts(request, role, language, staff)
    context = {
        "role": role,
        "sections": parts.sections,
        "permalink": request.build_absolute_uri(reverse_permalink(role)),
        "meta_title": role.title,
        "meta_description": role.summary,
        "og_image": og_image.meta(request, role),
        **embeds.discovery(request),
    }
    return render(request, "roles/role_detail.html", context)


class KeptParts:
    """A role page's parts that are kept per content version, language and host: its sections
    (with its JSON-LD). What they show is read only to render one."""

    def __init__(self, request, role: role_page.PageRole, language: str, staff: bool):
        self.request, self.role, self.language, self.staff = request, role, language, staff

    @functools.cached_property
    def sections(self) -> dict:
        kept = store.read_part(self.request, "role", self.role.pk, self.staff)
        if not _are_sections(kept):  # not kept yet, or a value of another shape: rendered anew
            role = role_page.content(self.role, self.language)
            version = role_page.current_version(self.role.key, self.language)
            rendered = role_sections(self.request, role, version, self.language)
            kept = store.keep_part(self.request, "role", self.role.pk, self.staff, value=rendered)
        return kept


def _are_sections(value) -> bool:
    """Whether a value read from the cache is role_sections()'s: anything else under its key (an
    older release's layout, another program's value) is not printed."""
    return (
        type(value) is dict
        and value.keys() == {"head", "body"}
        and all(isinstance(part, SafeString) for part in value.values())
    )


# How many of a role's qualities (in its order: the most important first) its facts show.
TOP_QUALITIES = 3


def role_sections(request, role, version, language: str) -> dict:
    """The role page's sections and JSON-LD (`role` with its content in `language` read onto
    it), and the line naming its current published version."""
    context = {
        "role": role,
        "steps": ladder_top(role, request.user).level,
        "top_qualities": role.role_qualities.all()[:TOP_QUALITIES],
        "next_role": visible_next(role, request.user),
        "codes": role_codes(role),
        "version": version,
        # Edited since: the page no longer shows, in its language, what the version showed.
        "edited_since": version is not None and not publishing.shows(role, version, language),
    }
    head = render_to_string(
        "roles/parts/role_head.html", {"occupation": occupation(role, request)}, using="jinja2"
    )
    body = render_to_string("roles/parts/role_sections.html", context, using="jinja2")
    # Jinja2 escaped what it printed; role_detail.html prints the parts as they are.
    return {"head": mark_safe(head), "body": mark_safe(body)}


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
    scenarios = Scenario.objects.visible_to(request.user).with_content().alphabetical()
    return render(request, "roles/scenario_list.html", {"scenarios": scenarios})


@require_safe
def scenario_detail(request, slug):
    return _slug_page(request, Scenario, slug, title="title", description="situation")


@require_safe
def workplace_detail(request, slug):
    return _slug_page(request, Workplace, slug, title="name", description="description")


@require_safe
def about(request):
    return render(request, "roles/about.html", {"sources": Source.objects.alphabetical()})


def _negotiated(request, obj):
    """Redirect a language-neutral link to `obj` in the reader's language (the switcher's cookie,
    then Accept-Language): temporary, and varying on both, so no cache mixes readers' languages."""
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
    return _negotiated(request, version_or_404(key, number))


@require_safe
def quality_permalink(request, slug):
    """A language-neutral link to a quality: /qualities/<slug>/."""
    quality, moved = get_by_slug(Quality.objects.visible_to(request.user), slug)
    if moved:  # a former slug: to the current language-neutral link, for good
        return redirect(reverse_permalink(moved.target), permanent=True)
    return _negotiated(request, quality)
