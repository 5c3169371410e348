"""Review in the admin: each object's status per text and language, "mark reviewed" for a
reviewer's language (after a page that lists exactly the texts it marks), and list filters by
status."""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import lazy
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
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
# What "mark reviewed" marks: never a missing text, and a reviewed one stays as it was reviewed.
TO_REVIEW = (translation_status.UNREVIEWED, translation_status.OUTDATED)


@dataclass(frozen=True)
class ReviewItem:
    """A text that "mark reviewed" marks, in the state the reviewer was shown."""

    obj: models.Model
    field: str
    language: str
    state: str

    @property
    def key(self) -> str:
        return f"{self.obj._meta.label_lower}:{self.obj.pk}:{self.field}"

    @property
    def token(self) -> str:
        """Changes when the text, its source text or its state does."""
        text = translation_status.value(self.obj, self.field, self.language)
        source = translation_status.value(self.obj, self.field, settings.LANGUAGE_CODE)
        fingerprint = translation_status.fingerprint
        return fingerprint(f"{self.state} {fingerprint(text)} {fingerprint(source)}")


def review_queue(objects, language: str) -> list[ReviewItem]:
    """The texts of `objects` in `language` that are unreviewed or outdated, in the objects'
    order, then their fields'."""
    return [
        ReviewItem(obj, field, code, status.state)
        for (obj, field, code), status in translation_status.statuses(objects).items()
        if code == language and status.state in TO_REVIEW
    ]


@transaction.atomic
def mark_items_reviewed(items: list[ReviewItem], *, user) -> int:
    """Mark these texts reviewed, and no other; return how many."""
    fields = defaultdict(list)
    for item in items:
        fields[item.obj, item.language].append(item.field)
    for (obj, language), names in fields.items():
        translation_status.mark_reviewed(obj, language, user=user, fields=names)
    return len(items)


def scope_token(objects: list[models.Model]) -> str:
    """A fingerprint of what these objects hold now, and of which they are (a row added or
    deleted changes it): the change form keeps it, to notice a save made since it was opened."""
    return translation_status.fingerprint(
        " ".join(f"{obj._meta.label_lower}:{obj.pk}:{state_token(obj)}" for obj in objects)
    )


def columns(model) -> dict[str, tuple[str, str]]:
    """The (field, language) of each text column of `model`, by column name."""
    return {
        build_localized_fieldname(field, code): (field, code)
        for field in text_fields(model)
        for code in languages()
    }


def edit_link(obj, field, code) -> dict:
    """A text in a list, linked to the form it is edited in, with the language tab open (a
    role's quality notes are edited on the role)."""
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
            context["review_token"] = scope_token(self.review_scope(obj))
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
        """Mark an object's texts in one language reviewed: those edited on its form, its own and
        its inline rows' (a role's duties and notes). GET, or the form's button, lists them; the
        list's button marks them."""
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        if code not in languages():
            raise Http404(_("There is no language “%(code)s”.") % {"code": code[:20]})
        if not may_review(request.user, code):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(self._url_name("change"), args=[obj.pk])
        if request.method == "POST" and "review_token" in request.POST:
            # From the change form: leave it only if it is current and no typing would be lost.
            stale = request.POST["review_token"] != scope_token(self.review_scope(obj))
            unsaved = self._unsaved_changes(request, obj)
            if stale or unsaved:
                return self._review_page(
                    request, code, [], back_url=change_url, stale=stale, unsaved=unsaved
                )
        return self.review_response(request, self.review_scope(obj), code, back_url=change_url)

    def review_response(self, request, objects, code, *, back_url, hidden=()):
        """The page that lists the texts of `objects` that "mark reviewed" marks; on its
        confirmation, mark exactly those, unless one of them changed since it was shown."""
        queue = review_queue(objects, code)
        if request.method == "POST" and "confirm" in request.POST:
            shown = dict(
                value.rsplit("=", 1) for value in request.POST.getlist("text") if "=" in value
            )
            current = {item.key: item for item in queue}
            if shown and all(
                key in current and current[key].token == token for key, token in shown.items()
            ):
                count = mark_items_reviewed([current[key] for key in shown], user=request.user)
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d text in %(language)s marked reviewed.",
                        "%(count)d texts in %(language)s marked reviewed.",
                        count,
                    )
                    % {"count": count, "language": language_name(code)},
                    messages.SUCCESS,
                )
                return redirect(back_url)
            return self._review_page(
                request, code, queue, back_url=back_url, hidden=hidden, changed=True
            )
        return self._review_page(request, code, queue, back_url=back_url, hidden=hidden)

    def _review_page(
        self, request, code, queue, *, back_url, hidden=(), stale=False, unsaved=(), changed=False
    ):
        items = [
            {
                **edit_link(item.obj, item.field, code),
                "state": item.state,
                "state_label": STATE_LABELS[item.state],
                "excerpt": Truncator(translation_status.value(item.obj, item.field, code)).chars(
                    160
                ),
                "value": f"{item.key}={item.token}",
            }
            for item in queue
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Mark the %(language)s texts reviewed") % {"language": language_name(code)},
            "opts": self.opts,
            "code": code,
            "language": language_name(code),
            "items": items,
            "hidden": hidden,
            "back_url": back_url,
            "stale": stale,
            "unsaved": unsaved,
            "changed": changed,
        }
        status = 409 if (stale or unsaved or changed) else 200
        return TemplateResponse(request, "admin/roles/review_confirm.html", context, status=status)

    def _unsaved_changes(self, request, obj) -> list[dict]:
        """What the posted change form holds that is not saved: {"label", "value"} each."""
        fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        form_class = self.get_form(request, obj, change=True, fields=fields)
        forms = [(None, form_class(request.POST, request.FILES, instance=obj))]
        formsets, _inlines = self._create_formsets(request, obj, change=True)
        for formset in formsets:
            forms += [(formset, form) for form in formset.forms]
        unsaved = []
        for formset, form in forms:
            if not form.has_changed():
                continue
            for name in form.changed_data:
                field = form.fields[name]
                typed = field.widget.value_from_datadict(
                    form.data, form.files, form.add_prefix(name)
                )
                initial = form.get_initial_for_field(field, name)
                if name == "edit_token" or (
                    isinstance(typed, str)
                    and isinstance(initial, str)
                    and clean_text(typed) == clean_text(initial)
                ):
                    continue
                label = str(field.label or name)
                if name in columns(type(form.instance)):
                    text, language = columns(type(form.instance))[name]
                    verbose_name = form.instance._meta.get_field(text).verbose_name
                    label = f"{verbose_name} ({language_name(language)})"
                if formset is not None:
                    row = str(form.instance) if form.instance.pk else _("new row")
                    label = _("%(kind)s “%(object)s”: %(field)s") % {
                        "kind": formset.model._meta.verbose_name,
                        "object": row,
                        "field": label,
                    }
                if isinstance(typed, list | tuple):
                    typed = ", ".join(str(value) for value in typed)
                unsaved.append({"label": label, "value": typed})
        return unsaved

    def review_scope(self, obj) -> list[models.Model]:
        """The objects whose texts are edited on obj's form: obj and its inline rows."""
        return [obj, *self.inline_rows(obj)]

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
        """The selected objects' own texts (not their inline rows'): listed, then marked."""
        objects = list(queryset)
        hidden = [
            ("action", f"mark_reviewed_{code}"),
            *((admin.helpers.ACTION_CHECKBOX_NAME, obj.pk) for obj in objects),
        ]
        return modeladmin.review_response(
            request, objects, code, back_url=request.get_full_path(), hidden=hidden
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
