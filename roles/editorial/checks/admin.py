"""The checks and the termbase in the admin: under each text, what the checks found and the terms
its source uses; badges on the language tabs; the counts on the translation dashboard, the list
of findings they link to, and the page that dismisses a warning with a reason."""

from collections import defaultdict

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import permission_required
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.utils import build_localized_fieldname
from reversion.admin import VersionAdmin

from roles.completeness import text_fields
from roles.editorial.checks.dismissals import NotDismissable, dismiss
from roles.editorial.checks.findings import check_objects, counts
from roles.editorial.checks.rules import CHECKS, ERROR, WARNING, Finding
from roles.editorial.checks.terms import concepts_in
from roles.editorial.checks.texts import glossary_from_database
from roles.editorial.permissions import may_edit_structure, may_translate
from roles.editorial.review import edit_link
from roles.editorial.translation_status import TRANSLATED_MODELS, value
from roles.languages import language_name, languages
from roles.models import CheckDismissal, Term


class PageChecks:
    """What the checks found on the texts of one admin page's objects, and the termbase."""

    def __init__(self, objects):
        self.glossary = glossary_from_database()
        self.findings: dict[tuple, list[Finding]] = defaultdict(list)
        for finding in check_objects(objects, glossary=self.glossary, named=False):
            unit = finding.unit
            self.findings[type(unit.obj), unit.obj.pk, unit.field, unit.language].append(finding)

    def annotate(self, form, user) -> None:
        _annotate(self, form, user)

    def of(self, obj, field: str, language: str) -> list[Finding]:
        """A text's findings, errors first, dismissed warnings last."""
        found = self.findings.get((type(obj), obj.pk, field, language), [])
        return sorted(found, key=lambda f: (f.dismissal is not None, f.severity != ERROR))

    def terms(self, source: str, language: str) -> list[dict]:
        """The concepts `source` (default-language text) uses, with their term in `language`."""
        return [
            {
                "concept": concept,
                "source": concept.entry(settings.LANGUAGE_CODE),
                "target": concept.entry(language),
            }
            for concept in concepts_in(source, self.glossary, settings.LANGUAGE_CODE)
            if concept.entry(language).term
        ]


def page_checks(request, obj) -> PageChecks | None:
    """The page's PageChecks, worked out once for the object and the rows edited on its form."""
    if obj is None or type(obj) not in TRANSLATED_MODELS:
        return None
    cache = request.__dict__.setdefault("_kb_checks", {})
    key = (type(obj), obj.pk)
    if key not in cache:
        model_admin = admin.site._registry.get(type(obj))
        scope = model_admin.review_scope(obj) if hasattr(model_admin, "review_scope") else [obj]
        cache[key] = PageChecks(scope)
    return cache[key]


def _annotate(page: "PageChecks", form, user) -> None:
    """Under each text of the form: what the checks found (with a link to dismiss a warning) and,
    under a translation, the terms of its source with their preferred term."""
    obj = form.instance
    source_language = settings.LANGUAGE_CODE
    for field in text_fields(type(obj)):
        source = value(obj, field, source_language)
        for code in languages():
            name = build_localized_fieldname(field, code)
            if name not in form.fields:
                continue
            findings = page.of(obj, field, code)
            terms = page.terms(source, code) if code != source_language and source else []
            if not findings and not terms:
                continue
            html = render_to_string(
                "admin/roles/includes/check_notes.html",
                {
                    "findings": [_shown(finding, obj, user) for finding in findings],
                    "terms": terms,
                    "source_language": source_language,
                    "language": code,
                    "errors": sum(f.severity == ERROR and not f.dismissal for f in findings),
                    "warnings": sum(f.severity == WARNING and not f.dismissal for f in findings),
                },
            )
            form.fields[name].help_text = html + str(form.fields[name].help_text or "")


def _shown(finding: Finding, obj, user) -> dict:
    unit = finding.unit
    dismiss_url = None
    if finding.severity == WARNING and not finding.dismissal and may_translate(user, unit.language):
        dismiss_url = (
            reverse(
                "dismiss-warning",
                args=[ContentType.objects.get_for_model(obj).pk, obj.pk, unit.field, unit.language],
            )
            + f"?check={finding.check.id}"
        )
    return {"finding": finding, "dismiss_url": dismiss_url}


def _findings_everywhere() -> list[Finding]:
    return check_objects()


@permission_required("roles.view_role", raise_exception=True)
def findings_list(request):
    """The texts a check found something in, for one language (and one check), each linked to its
    form with the language tab open."""
    language = request.GET.get("language")
    check_id = request.GET.get("check") or None
    if language not in languages() or (check_id and check_id not in CHECKS):
        raise Http404(_("There is no such language or check."))
    rows = [
        {"finding": finding, **edit_link(finding.unit.obj, finding.unit.field, language)}
        for finding in _findings_everywhere()
        if finding.unit.language == language
        and (check_id is None or finding.check.id == check_id)
        and not finding.dismissal
    ]
    check = CHECKS.get(check_id)
    if check:
        title = _("“%(check)s” in %(language)s") % {
            "check": check.title,
            "language": language_name(language),
        }
    else:
        title = _("What the checks found in %(language)s") % {"language": language_name(language)}
    context = {**admin.site.each_context(request), "title": title, "check": check, "rows": rows}
    return TemplateResponse(request, "admin/roles/check_findings.html", context)


def dashboard_table() -> dict:
    """The dashboard's table: per check and language, the open findings."""
    table = counts(_findings_everywhere())
    return {
        "languages": [{"code": code, "name": language_name(code)} for code in languages()],
        "rows": [
            {
                "check": CHECKS[check_id],
                "cells": [
                    {"code": code, "count": per_language.get(code, 0)} for code in languages()
                ],
            }
            for check_id, per_language in table.items()
        ],
    }


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why the warning does not apply"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
    )


def dismiss_warning(request, content_type_id, object_id, field, language):
    """Confirm the dismissal of a warning on one text, with a reason (GET shows the form)."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    if model not in TRANSLATED_MODELS or field not in text_fields(model):
        raise Http404
    if language not in languages():
        raise Http404
    obj = model.objects.filter(pk=object_id).first()
    if obj is None:
        raise Http404
    back = edit_link(obj, field, language)["url"]
    if not may_translate(request.user, language):
        messages.error(
            request,
            _("Only those who may edit the %(language)s texts may dismiss their warnings.")
            % {"language": language_name(language)},
        )
        return HttpResponseRedirect(back)
    check_id = request.GET.get("check") or request.POST.get("check")
    finding = next(
        (
            f
            for f in check_objects([obj])
            if (f.unit.field, f.unit.language) == (field, language) and f.check.id == check_id
        ),
        None,
    )
    if finding is None or finding.severity != WARNING:
        messages.info(request, _("The check finds nothing to dismiss there any more."))
        return HttpResponseRedirect(back)
    form = DismissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dismiss(
                obj=obj,
                field=field,
                language=language,
                check_id=check_id,
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except NotDismissable:
            raise Http404 from None
        messages.success(request, _("The warning is dismissed for this text as it reads now."))
        return HttpResponseRedirect(back)
    context = {
        **admin.site.each_context(request),
        "title": _("Dismiss a warning"),
        "finding": finding,
        "object": obj,
        "opts": model._meta,
        "field_label": model._meta.get_field(field).verbose_name,
        "language_name": language_name(language),
        "text": finding.unit.text,
        "form": form,
        "back": back,
    }
    return TemplateResponse(request, "admin/roles/dismiss_warning.html", context)


def urls():
    """Mounted with the dashboard at admin/content/ (kb/urls.py), behind the admin's login."""
    return [
        path("checks/", admin.site.admin_view(findings_list), name="check-findings"),
        path(
            "checks/dismiss/<int:content_type_id>/<int:object_id>/<str:field>/<str:language>/",
            admin.site.admin_view(dismiss_warning),
            name="dismiss-warning",
        ),
    ]


@admin.register(Term)
class TermAdmin(VersionAdmin, TabbedTranslationAdmin):
    """The termbase: editors keep it; translators read it (and see it under every text)."""

    list_display = ["concept", "english", *[f"term_{code}" for code in languages()]]
    search_fields = [
        "concept",
        "english",
        *[build_localized_fieldname(f, code) for f in ("term", "forms") for code in languages()],
    ]
    fields = ["concept", "english", "english_forms", "term", "forms", "forbidden", "note"]

    def has_add_permission(self, request):
        return may_edit_structure(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return may_edit_structure(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_edit_structure(request.user) and super().has_delete_permission(request, obj)


class CheckFilter(admin.SimpleListFilter):
    title = pgettext_lazy("list filter: by …", "check")
    parameter_name = "check"

    def lookups(self, request, model_admin):
        return [(check.id, check.title) for check in CHECKS.values() if check.severity == WARNING]

    def queryset(self, request, queryset):
        return queryset.filter(check_id=self.value()) if self.value() else queryset


@admin.register(CheckDismissal)
class CheckDismissalAdmin(admin.ModelAdmin):
    """Dismissed warnings, for finding out why one is not shown; deleting one shows it again."""

    list_display = ["check_title", "text", "language", "reason", "dismissed_by", "dismissed_at"]
    list_filter = ["language", CheckFilter]
    list_select_related = ["content_type", "dismissed_by"]
    readonly_fields = [f.name for f in CheckDismissal._meta.fields]

    @admin.display(description=gettext_lazy("check"), ordering="check_id")
    def check_title(self, dismissal):
        check = CHECKS.get(dismissal.check_id)
        return check.title if check else dismissal.check_id

    @admin.display(description=gettext_lazy("text"))
    def text(self, dismissal):
        """The object and field, linked to the form on the text's language tab."""
        model = dismissal.content_type.model_class()
        obj = model.objects.filter(pk=dismissal.object_id).first() if model else None
        if obj is None or dismissal.field not in text_fields(model):
            return f"{dismissal.content_type} {dismissal.object_id}: {dismissal.field}"
        link = edit_link(obj, dismissal.field, dismissal.language)
        name = _("%(kind)s “%(object)s”: %(field)s") % {
            "kind": capfirst(link["kind"]),
            "object": obj,
            "field": link["field"],
        }
        return format_html('<a href="{}">{}</a>', link["url"], name)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
