"""Admin pages that are not about one model: the translation dashboard and the site's history."""

from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import path
from reversion.models import Revision

from roles.editorial import translation_status
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
