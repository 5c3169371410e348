"""Admin pages that are not about one model: the translation dashboard and the site's history."""

import json
from collections import defaultdict

from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db import models
from django.forms.models import _get_foreign_key
from django.template.response import TemplateResponse
from django.urls import path, reverse
from reversion.models import Revision

from roles.editorial import translation_status
from roles.editorial.checks import admin as checks
from roles.editorial.diffs import describe
from roles.editorial.permissions import may_review
from roles.editorial.review import STATE_LABELS
from roles.editorial.review import edit_link as _link
from roles.languages import language_name


@permission_required("roles.view_role", raise_exception=True)
def translation_dashboard(request):
    reports = [
        {
            "code": report.language,
            "name": language_name(report.language),
            "total": report.total,
            "complete": report.complete,
            "bars": [
                {
                    "state": state,
                    "label": STATE_LABELS[state],
                    "percent": report.percent(state),
                    "count": report.counts.get(state, 0),
                }
                for state in translation_status.STATES
            ],
            "missing": [_link(obj, field, report.language) for obj, field in report.missing],
            "outdated": [_link(obj, field, report.language) for obj, field in report.outdated],
            "unreviewed": [_link(obj, field, report.language) for obj, field in report.unreviewed],
            "may_review": may_review(request.user, report.language),
        }
        for report in translation_status.dashboard()
    ]
    context = {
        **admin.site.each_context(request),
        "title": "",
        "reports": reports,
        "checks": checks.dashboard_table(),
    }
    return TemplateResponse(request, "admin/roles/translation_dashboard.html", context)


@permission_required("roles.view_role", raise_exception=True)
def recent_changes(request):
    """Who changed what and when, across the site (every revision, newest first): the objects
    edited, not the inline rows saved with them."""
    revisions = Revision.objects.select_related("user").prefetch_related(
        "version_set__content_type"
    )
    page = Paginator(revisions.order_by("-date_created"), 50).get_page(request.GET.get("page"))
    owners = _owners()
    changes = []
    for revision in page:
        edited = _edited(list(revision.version_set.all()), owners)
        changes.append(
            {
                "revision": revision,
                "objects": edited[:3],
                "more": len(edited) - 3,
                "comment": describe(revision.comment),
            }
        )
    context = {**admin.site.each_context(request), "title": "", "page": page, "changes": changes}
    return TemplateResponse(request, "admin/roles/recent_changes.html", context)


def _edited(versions, owners: dict[type, list[tuple[type, models.ForeignKey]]]) -> list[dict]:
    """The objects of a revision that were edited, leaving out rows saved with an object of the
    same revision whose form they are edited in (a role's duties...). Only such rows' versions
    are read, and only for their link: a seed load's revision holds nearly every object."""
    present = {(v.content_type.model_class(), v.object_id) for v in versions}
    kinds = {model for model, _object_id in present}
    edited = []
    for version in versions:
        model = version.content_type.model_class()
        links = [(owner, fk) for owner, fk in owners.get(model, ()) if owner in kinds]
        if model is None or any((owner, _owner_id(version, fk)) in present for owner, fk in links):
            continue
        url = None
        if admin.site.is_registered(model):
            opts = model._meta
            url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_history", args=[version.object_id]
            )
        edited.append({"kind": model._meta.verbose_name, "name": version.object_repr, "url": url})
    return edited


def _owner_id(version, fk) -> str:
    """The id a row's version links to, read from its JSON without building the object (which
    costs most of the page), else from the deserialised version."""
    if version.format == "json":
        return str(json.loads(version.serialized_data)[0]["fields"].get(fk.name))
    return str(version.field_dict.get(fk.attname))


def _owners() -> dict[type, list[tuple[type, models.ForeignKey]]]:
    """For each model whose rows an admin form edits inline, the models whose forms do, and the
    row's link to them (read from the admin's registry once per page)."""
    owners = defaultdict(list)
    for owner, model_admin in admin.site._registry.items():
        for inline in model_admin.inlines:
            fk = _get_foreign_key(owner, inline.model, fk_name=inline.fk_name)
            owners[inline.model].append((owner, fk))
    return owners


def urls():
    """Mounted at admin/content/ (kb/urls.py), behind the admin's login."""
    return [
        path(
            "translations/",
            admin.site.admin_view(translation_dashboard),
            name="translation-dashboard",
        ),
        path("changes/", admin.site.admin_view(recent_changes), name="recent-changes"),
        *checks.urls(),
    ]
