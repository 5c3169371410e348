"""Review in the admin: each object's status per text and language, "mark reviewed" for a
reviewer's language, and list filters by status."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.utils import build_localized_fieldname

from roles.completeness import text_fields
from roles.editorial import translation_status
from roles.editorial.forms import state_token
from roles.editorial.permissions import may_review
from roles.languages import language_name, languages
from roles.texts import clean_text

STATE_LABELS = {
    translation_status.MISSING: gettext_lazy("missing"),
    translation_status.UNREVIEWED: gettext_lazy("unreviewed"),
    translation_status.REVIEWED: gettext_lazy("reviewed"),
    translation_status.OUTDATED: gettext_lazy("outdated"),
}


class ReviewMixin:
    """For the content admins (needs `_url_name` and `inlines`)."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            every = translation_status.statuses([obj])
            context["translation_status"] = [
                {
                    "field": field,
                    "label": self.model._meta.get_field(field).verbose_name,
                    "cells": [
                        {"language": code, "state": every[obj, field, code].state}
                        for code in languages()
                        if (obj, field, code) in every
                    ],
                }
                for field in text_fields(self.model)
                if (obj, field, settings.LANGUAGE_CODE) in every
            ]
            context["status_languages"] = [
                {
                    "code": code,
                    "name": language_name(code),
                    "may_review": may_review(request.user, code),
                }
                for code in languages()
            ]
            context["state_labels"] = STATE_LABELS
            context["review_url_name"] = self._url_name("review")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/review/<str:code>/",
                self.admin_site.admin_view(self.review_view),
                name=self._url_name("review").removeprefix("admin:"),
            ),
            *super().get_urls(),
        ]

    def review_view(self, request, object_id, code):
        """Mark an object's texts in one language reviewed (POST from its status panel): its own
        texts and those of its inline rows (a role's duties and notes)."""
        change_url = reverse(self._url_name("change"), args=[object_id])
        if request.method != "POST":
            return redirect(change_url)
        if code not in languages() or not may_review(request.user, code):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        # Only what the reviewer saw may be marked reviewed, and no typing may be lost.
        token = request.POST.get("edit_token")
        typed = any(
            name in request.POST
            and clean_text(request.POST[name])
            != clean_text(translation_status.value(obj, field, code))
            for field in text_fields(self.model)
            for name in [build_localized_fieldname(field, code)]
        )
        if (token and token != state_token(obj)) or typed:
            messages.error(
                request,
                _(
                    "Nothing was marked reviewed: the page has unsaved changes, or someone saved "
                    "it after you opened it. Save or reload it, read it again, then mark it."
                ),
            )
            return redirect(change_url)
        count = translation_status.mark_reviewed(obj, code, user=request.user)
        for row in self.inline_rows(obj):
            count += translation_status.mark_reviewed(row, code, user=request.user)
        messages.success(
            request,
            _("%(count)d texts in %(language)s marked reviewed.")
            % {"count": count, "language": language_name(code)},
        )
        return redirect(change_url)

    def inline_rows(self, obj) -> list[models.Model]:
        """The rows of obj's inlines that have translated texts."""
        rows = []
        for inline in self.inlines:
            if text_fields(inline.model):
                fk = next(
                    f
                    for f in inline.model._meta.concrete_fields
                    if f.is_relation and f.related_model is self.model
                )
                rows += list(inline.model.objects.filter(**{fk.name: obj}))
        return rows

    def get_actions(self, request):
        actions = super().get_actions(request)
        for code in languages():
            if may_review(request.user, code):
                name = f"mark_reviewed_{code}"
                description = _("Mark the %(language)s texts reviewed") % {
                    "language": language_name(code)
                }
                actions[name] = (_review_action(code), name, description)
        return actions

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), *STATUS_FILTERS]


def _review_action(code):
    def action(modeladmin, request, queryset):
        count = sum(
            translation_status.mark_reviewed(obj, code, user=request.user) for obj in queryset
        )
        modeladmin.message_user(
            request,
            _("%(count)d texts in %(language)s marked reviewed.")
            % {"count": count, "language": language_name(code)},
            messages.SUCCESS,
        )

    return action


def _status_filter(code: str):
    class StatusFilter(admin.SimpleListFilter):
        # Lazy: the filter is made once, its title is read in each request's language.
        title = format_lazy(gettext_lazy("status in {language}"), language=lazy_language_name(code))
        parameter_name = f"status_{code}"

        def lookups(self, request, model_admin):
            return [(state, STATE_LABELS[state]) for state in translation_status.STATES]

        def queryset(self, request, queryset):
            if self.value() not in translation_status.STATES:
                return queryset
            every = translation_status.statuses(queryset)
            pks = {
                obj.pk
                for (obj, _field, lang), status in every.items()
                if lang == code and status.state == self.value()
            }
            return queryset.filter(pk__in=pks)

    StatusFilter.__name__ = f"StatusFilter_{code}"
    return StatusFilter


lazy_language_name = lazy(language_name, str)
STATUS_FILTERS = [_status_filter(code) for code in languages()]
