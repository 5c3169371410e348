"""The compare page: two or three roles side by side, at an address that can be shared."""

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from roles.addresses import with_query
from roles.collation import shown_name, sort_key
from roles.context_processors import language_links
from roles.models import Role
from roles.texts import text
from roles.views.pages import visible_next

# More columns do not fit a screen, nor a printed page. (The form's hint says "two or three".)
COMPARE_MAX = 3


def compare_keys(values: list[str]) -> list[str]:
    """The role keys asked for, in the order given (`?roles=a&roles=b` or `?roles=a,b`), without
    blanks and repeats."""
    keys = (key.strip() for value in values for key in value.split(","))
    return list(dict.fromkeys(key for key in keys if key))


@require_safe
def compare(request):
    """Two or three roles side by side, in the order asked for. The address is the whole state, so
    a comparison can be shared; unknown keys (and drafts, for readers) are named and left out, and
    so are roles past the third, with a word: the page is never an error."""
    asked = request.GET.getlist("roles")
    keys = compare_keys(asked)
    # Other spellings (`?roles=agent,manager`, repeats, blanks) redirect to the one the page's
    # GET form sends, `?roles=agent&roles=manager`.
    if keys != asked:
        query = request.GET.copy()
        query.setlist("roles", keys)
        return redirect(with_query(request.path, query.urlencode()), permanent=True)
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
        "matrices": matrices(roles) if len(roles) > 1 else [],
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


def matrix(roles: list[Role], items_of) -> list[dict]:
    """A row per item (a quality, a workplace) of any of `roles`, with whether each role has it:
    the shared ones first, then alphabetically in the page's language (the same order as the
    lists of the site: roles.collation)."""
    language = get_language()
    found: dict[int, object] = {}
    has: dict[int, set[str]] = {}
    for role in roles:
        for item in items_of(role):
            found.setdefault(item.pk, item)
            has.setdefault(item.pk, set()).add(role.key)
    rows = [
        {"item": item, "cells": [role.key in has[pk] for role in roles], "shared": len(has[pk])}
        for pk, item in found.items()
    ]
    field = shown_name(type(next(iter(found.values())))) if found else "name"
    return sorted(
        rows,
        key=lambda row: (-row["shared"], sort_key(language, text(row["item"], field).value)),
    )


def matrices(roles: list[Role]) -> list[dict]:
    """The compare table's groups of rows with a mark per role: qualities and workplaces."""
    return [
        {
            "label": _("Qualities"),
            "field": "name",
            "rows": matrix(
                roles, lambda role: [link.quality for link in role.role_qualities.all()]
            ),
        },
        {
            "label": _("Where the role works"),
            "field": "name",
            "rows": matrix(roles, lambda role: role.workplaces.all()),
        },
    ]


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
    """The page's canonical, hreflang and language-switcher links, with `query`: the context
    processor's links carry the path alone, and on the compare page the query is the page."""
    if not query:
        return {}
    links = language_links(request)
    here = with_query(request.path, query)
    for link in links["language_links"]:
        link["absolute_url"] = with_query(link["absolute_url"], query)
        switch = reverse("switch-language", args=[link["code"]])
        link["switch_url"] = f"{switch}?{urlencode({'next': here})}"
    for name in ("canonical_url", "x_default_url"):
        if name in links:
            links[name] = with_query(links[name], query)
    return links
