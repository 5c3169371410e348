"""A role's training pack (/<language>/roles/<key>/training/): its scenarios as cards to print
on A4 for role-play, and a page for the facilitator naming the qualities to watch for. The pack
makes no claims of its own: it shows the scenarios and qualities as the role's page lists them,
read with the role page's own compiled reads (roles.models.role_page)."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_safe

from roles.models import Role, role_page
from roles.models.querysets import may_preview
from roles.texts import text


def pack(key: str, language: str, *, published_only: bool) -> role_page.PageRole | None:
    """The role with `key` and, in the role page's order, the scenarios and qualities its page
    lists (published ones only, as there): three queries, the same rows the role page reads."""
    role = role_page.role(key, language, published_only=published_only)
    if role is None:
        return None
    role.role_scenarios = role_page.scenarios(role.pk, language)
    role.role_qualities = role_page.qualities(role.pk, language)
    return role


@require_safe
def role_training(request, key):
    language = get_language()
    role = pack(key, language, published_only=not may_preview(request.user, Role))
    if role is None:
        raise Http404
    heading = gettext("Training pack: %(role)s") % {"role": text(role, "title").value}
    # Printed, a link is only its address: each card's and each quality's, whole.
    for link in role.role_scenarios:
        link.address = request.build_absolute_uri(link.scenario.get_absolute_url())
    for link in role.role_qualities:
        link.address = request.build_absolute_uri(link.quality.get_absolute_url())
    context = {
        "role": role,
        "heading": heading,
        "meta_title": heading,
        "meta_description": gettext(
            "Scenario cards to print on A4 for role-play, and a page for the facilitator."
        ),
        # A pack to print repeats the role page's scenarios and qualities: search engines are
        # pointed at those pages (the pack is not in the sitemap either).
        "noindex": True,
    }
    return render(request, "roles/training.html", context)
