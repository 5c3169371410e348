"""Admin pages that are not about one model: the translation dashboard and the site's history."""

from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import path, reverse
from modeltranslation.utils import build_localized_fieldname
from reversion.models import Revision

from roles.editorial import translation_status
from roles.editorial.review import STATE_LABELS
from roles.languages import language_name


def _link(obj, field, code) -> dict:
    """A text in the dashboard's lists, linked to the form it is edited in, with the language
    tab open (a role's quality notes are edited on the role)."""
    opts = obj._meta
    if admin.site.is_registered(type(obj)):
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        url += f"#tab_id_{build_localized_fieldname(field, code)}"
    else:
        url = reverse("admin:roles_role_change", args=[obj.role_id]) + "#role_qualities-group"
    return {
        "object": obj,
        "kind": opts.verbose_name,
        "field": opts.get_field(field).verbose_name,
        "url": url,
    }


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
        }
        for report in translation_status.dashboard()
    ]
    context = {
        **admin.site.each_context(request),
        "title": "",
        "reports": reports,
    }
    return TemplateResponse(request, "admin/roles/translation_dashboard.html", context)


@permission_required("roles.view_role", raise_exception=True)
def recent_changes(request):
    """Who changed what and when, across the site (every revision, newest first)."""
    revisions = Revision.objects.select_related("user").prefetch_related(
        "version_set__content_type"
    )
    page = Paginator(revisions.order_by("-date_created"), 50).get_page(request.GET.get("page"))
    context = {**admin.site.each_context(request), "title": "", "page": page}
    return TemplateResponse(request, "admin/roles/recent_changes.html", context)


def urls():
    """Mounted at admin/content/ (kb/urls.py), behind the admin's login."""
    return [
        path(
            "translations/",
            admin.site.admin_view(translation_dashboard),
            name="translation-dashboard",
        ),
        path("changes/", admin.site.admin_view(recent_changes), name="recent-changes"),
    ]
