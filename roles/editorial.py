"""The editorial rules of the admin: who may change which texts, their review state, and edits
that never overwrite each other.

- A user may change the texts of a language with `roles.translate_<code>`, and everything that is
  not a translation (keys, order, links, publishing) with `roles.publish` (editors). Other fields
  are shown disabled, and a crafted POST that changes one is refused, not silently ignored.
- Every save records which texts it wrote (translation_status.record_written), so a changed
  source text makes its translations outdated.
- A form remembers when its object was loaded; if someone saved the object since, the save is
  refused with what they changed.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.utils import build_localized_fieldname
from reversion.models import Version

from roles import translation_status
from roles.completeness import languages, text_fields

STATE_LABELS = {
    translation_status.MISSING: gettext_lazy("missing"),
    translation_status.UNREVIEWED: gettext_lazy("unreviewed"),
    translation_status.REVIEWED: gettext_lazy("reviewed"),
    translation_status.OUTDATED: gettext_lazy("outdated"),
}


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES)[code])


def may_translate(user, code: str) -> bool:
    return user.has_perm(f"roles.translate_{code}")


def may_review(user, code: str) -> bool:
    return user.has_perm(f"roles.review_{code}")


def may_edit_structure(user) -> bool:
    return user.has_perm("roles.publish")


def locked_fields(user, model, names) -> set[str]:
    """The form fields of `model` this user may not change."""
    text_columns = {
        build_localized_fieldname(field, code): code
        for field in text_fields(model)
        for code in languages()
    }
    locked = set()
    for name in names:
        if name in text_columns:
            if not may_translate(user, text_columns[name]):
                locked.add(name)
        elif name != "edit_token" and not may_edit_structure(user):
            locked.add(name)
    return locked


class EditorialForm(forms.ModelForm):
    """Disables what the user may not change, and refuses a POST that changes it anyway."""

    locked: set[str] = set()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.locked & set(self.fields):
            self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        for name in sorted(self.locked & set(self.fields)):
            field = self.fields[name]
            posted = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            if self.add_prefix(name) not in self.data:
                continue
            field.disabled = False
            try:
                changed = field.has_changed(self.get_initial_for_field(field, name), posted)
            finally:
                field.disabled = True
            if changed:
                raise forms.ValidationError(
                    _("You may not change “%(field)s”: it is not yours to edit.")
                    % {"field": field.label},
                    code="locked",
                )
        return cleaned


class ConcurrencyForm(EditorialForm):
    """Refuses a save over someone else's newer save of the same object."""

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.saved_at():
            self.fields["edit_token"].initial = self.saved_at()

    def saved_at(self) -> str | None:
        updated = getattr(self.instance, "updated_at", None) if self.instance.pk else None
        return updated.isoformat() if updated else None

    def clean(self):
        cleaned = super().clean()
        token = self.data.get(self.add_prefix("edit_token"))
        if token and self.saved_at() and token != self.saved_at():
            raise forms.ValidationError(
                format_html(
                    "{}<ul>{}</ul>",
                    _(
                        "Someone else saved this page after you opened it. Your changes were "
                        "not saved; here is what they changed. Reload the page to edit their "
                        "version."
                    ),
                    format_html_join(
                        "", "<li>{}</li>", ((line,) for line in self.their_changes(token))
                    ),
                ),
                code="stale",
            )
        return cleaned

    def their_changes(self, token: str) -> list[str]:
        """What changed between the version the user opened and the one saved since."""
        versions = list(
            Version.objects.get_for_object(self.instance).select_related("revision__user")
        )
        opened = next((v for v in versions if v.revision.date_created.isoformat() <= token), None)
        latest = versions[0] if versions else None
        if latest is None:
            return [str(_("(the earlier version is not in the history)"))]
        if opened is None or opened == latest:  # then show what the latest save itself changed
            opened = versions[1] if len(versions) > 1 else None
        if opened is None:
            return [str(_("(the earlier version is not in the history)"))]
        lines = []
        for name, old in opened.field_dict.items():
            new = latest.field_dict.get(name)
            if old != new and not name.endswith("_at"):
                lines.append(
                    format_html("{}: “{}” → “{}”", name, str(old or "")[:200], str(new or "")[:200])
                )
        who = latest.revision.user
        if who:
            lines.append(format_html(_("Saved by {} at {}"), who, latest.revision.date_created))
        return lines or [str(_("(no text changed)"))]


class EditorialAdminMixin:
    """For the content admins: permissions by language, review state, history-safe saves."""

    form = ConcurrencyForm
    change_form_template = "admin/roles/change_form.html"

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.locked = locked_fields(request.user, self.model, form.base_fields)
        # The source text beside each translation.
        if obj is not None:
            for field in text_fields(self.model):
                source = translation_status.value(obj, field, settings.LANGUAGE_CODE)
                for code in languages():
                    name = build_localized_fieldname(field, code)
                    if code != settings.LANGUAGE_CODE and name in form.base_fields and source:
                        form.base_fields[name].help_text = format_html(
                            '<span class="kb-source"><strong>{}:</strong> {}</span>',
                            _("Source text (%(language)s)")
                            % {"language": language_name(settings.LANGUAGE_CODE)},
                            source,
                        )
        return form

    def has_delete_permission(self, request, obj=None):
        return may_edit_structure(request.user) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request):
        return may_edit_structure(request.user) and super().has_add_permission(request)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        translation_status.record_written(
            obj, translation_status.texts_in(type(obj), form.changed_data), user=request.user
        )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            if inline_form.instance.pk and inline_form.has_changed():
                translation_status.record_written(
                    inline_form.instance,
                    translation_status.texts_in(
                        type(inline_form.instance), inline_form.changed_data
                    ),
                    user=request.user,
                )

    # History: every save is a revision (django-reversion); the history shows what each changed.

    object_history_template = "admin/roles/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        versions = list(
            Version.objects.get_for_object_reference(self.model, object_id).select_related(
                "revision__user"
            )
        )
        changes = []
        for newer, older in zip(versions, [*versions[1:], None], strict=True):
            changes.append(
                {
                    "version": newer,
                    "restore_url": reverse(self._url_name("revision"), args=[object_id, newer.pk]),
                    "diff": field_changes(
                        self.model, older.field_dict if older else {}, newer.field_dict
                    ),
                }
            )
        return super().history_view(
            request, object_id, {**(extra_context or {}), "changes": changes}
        )

    # Review state

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
        """Mark an object's texts in one language reviewed (POST from its status panel)."""
        if request.method != "POST":
            return redirect(reverse(self._url_name("change"), args=[object_id]))
        if code not in languages() or not may_review(request.user, code):
            raise PermissionDenied
        obj = get_object_or_404(self.model, pk=object_id)
        count = translation_status.mark_reviewed(obj, code, user=request.user)
        messages.success(
            request,
            _("%(count)d texts in %(language)s marked reviewed.")
            % {"count": count, "language": language_name(code)},
        )
        return redirect(reverse(self._url_name("change"), args=[object_id]))

    def _url_name(self, view: str) -> str:
        return f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}"

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


class EditorialInlineMixin:
    """The same rules for inline rows: translators edit their language, editors everything."""

    form = EditorialForm

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.locked = locked_fields(request.user, self.model, formset.form.base_fields)
        return formset

    def has_add_permission(self, request, obj=None):
        return may_edit_structure(request.user) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_edit_structure(request.user) and super().has_delete_permission(request, obj)


def field_changes(model, before: dict, after: dict) -> list[dict]:
    """What changed between two saved states of an object: per field, and per language."""
    labels = {}
    for field in model._meta.concrete_fields:
        labels[field.attname] = str(field.verbose_name)
    for field in text_fields(model):
        for code in languages():
            column = build_localized_fieldname(field, code)
            labels[column] = f"{model._meta.get_field(field).verbose_name} [{code}]"
    rows = []
    for name in after:
        if name in ("updated_at", "created_at") or name in text_fields(model) or name == "origin":
            continue  # timestamps; the untranslated shadow columns of translated fields
        old, new = before.get(name), after.get(name)
        if (old or "") != (new or ""):
            rows.append({"field": labels.get(name, name), "old": old, "new": new})
    return rows


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
        title = format_lazy(
            gettext_lazy("status in {language}"), language=dict(settings.LANGUAGES)[code]
        )
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


STATUS_FILTERS = [_status_filter(code) for code, _name in settings.LANGUAGES]
