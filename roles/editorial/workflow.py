"""The admin's editorial rules: who may change which texts (`roles.translate_<code>`; the rest
needs `roles.publish`), saves that record the texts they wrote (so a changed source text makes
its translations outdated), and edits that never overwrite each other."""

import json
from itertools import zip_longest

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.utils import build_localized_fieldname
from reversion.models import Version

from roles.completeness import text_fields
from roles.editorial import translation_status
from roles.languages import language_name, languages
from roles.texts import clean_text

STATE_LABELS = {
    translation_status.MISSING: gettext_lazy("missing"),
    translation_status.UNREVIEWED: gettext_lazy("unreviewed"),
    translation_status.REVIEWED: gettext_lazy("reviewed"),
    translation_status.OUTDATED: gettext_lazy("outdated"),
}


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


def state_token(obj: models.Model) -> str:
    """A fingerprint of what an object holds now: a form remembers it, to notice later saves."""
    values = {
        field.attname: field.value_to_string(obj)
        for field in obj._meta.concrete_fields
        if not (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
    }
    return translation_status.fingerprint(json.dumps(values, sort_keys=True))


class EditorialForm(forms.ModelForm):
    """The rules every content form follows, main form and inline rows alike: it disables what the
    user may not change (and refuses a POST that changes it anyway), shows the source text under
    each translation, and refuses to save over a change saved since it was opened (`edit_token`)."""

    locked: set[str] = set()
    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.locked & set(self.fields):
            self.fields[name].disabled = True
        if self.instance.pk:
            self.fields["edit_token"].initial = state_token(self.instance)
            self._show_sources()

    def _show_sources(self):
        for field in text_fields(type(self.instance)):
            source = translation_status.value(self.instance, field, settings.LANGUAGE_CODE)
            for code in languages():
                name = build_localized_fieldname(field, code)
                if code != settings.LANGUAGE_CODE and name in self.fields and source:
                    self.fields[name].help_text = format_html(
                        '<span class="kb-source"><strong>{}:</strong> {}</span>',
                        _("Source text (%(language)s)")
                        % {"language": language_name(settings.LANGUAGE_CODE)},
                        source,
                    )

    def clean(self):
        cleaned = super().clean()
        self._refuse_locked_changes()
        token = self.data.get(self.add_prefix("edit_token"))
        if self.instance.pk and token and token != state_token(self.instance):
            raise forms.ValidationError(
                format_html(
                    "{}<ul>{}</ul>",
                    _(
                        "Someone else saved “%(object)s” after you opened this page. Your changes "
                        "were not saved; here is what they changed. Reload the page to edit "
                        "their version."
                    )
                    % {"object": self.instance},
                    format_html_join(
                        "", "<li>{}</li>", ((line,) for line in self.their_changes(token))
                    ),
                ),
                code="stale",
            )
        return cleaned

    def _refuse_locked_changes(self):
        for name in sorted(self.locked & set(self.fields)):
            field = self.fields[name]
            if self.add_prefix(name) not in self.data:
                continue
            posted = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
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

    def their_changes(self, token: str) -> list[str]:
        """What changed between the state the user opened and the one saved since."""
        versions = list(
            Version.objects.get_for_object(self.instance).select_related("revision__user")
        )
        opened = next((v for v in versions if state_token(v._object_version.object) == token), None)
        lines = []
        if opened is None:
            lines.append(str(_("(the version you opened is not in the history)")))
        else:
            now = {
                f.attname: getattr(self.instance, f.attname)
                for f in self.instance._meta.concrete_fields
            }
            for row in field_changes(type(self.instance), opened.field_dict, now):
                lines.append(
                    format_html(
                        "{}: “{}” → “{}”",
                        row["field"],
                        str(row["old"] or "")[:200],
                        str(row["new"] or "")[:200],
                    )
                )
        if versions and versions[0].revision.user:
            latest = versions[0].revision
            lines.append(format_html(_("Saved by {} at {}"), latest.user, latest.date_created))
        return lines


class EditorialAdminMixin:
    """For the content admins: permissions by language, review state, history-safe saves."""

    form = EditorialForm
    change_form_template = "admin/roles/change_form.html"

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.locked = locked_fields(request.user, self.model, form.base_fields)
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
        if self.get_object(request, unquote(object_id)) is None:
            # No such object: Django's answer (back to the admin, saying so), before any query
            # with the id (one with a NUL is refused by PostgreSQL).
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        versions = list(
            Version.objects.get_for_object_reference(self.model, object_id).select_related(
                "revision__user"
            )
        )
        changes = []
        # Each version with the one before it: none for the first (or any, for an object that has
        # no versions, as one written in bulk without a revision).
        for newer, older in zip_longest(versions, versions[1:]):
            diff = field_changes(self.model, older.field_dict if older else {}, newer.field_dict)
            changes.append(
                {
                    "version": newer,
                    "restore_url": reverse(self._url_name("revision"), args=[object_id, newer.pk]),
                    "diff": diff + self.row_changes(newer),
                }
            )
        return super().history_view(
            request, object_id, {**(extra_context or {}), "changes": changes}
        )

    def row_changes(self, version) -> list[dict]:
        """What a save changed in the inline rows saved with the object (a role's duties...)."""
        inline_models = {inline.model for inline in self.inlines}
        rows = []
        for row in version.revision.version_set.exclude(pk=version.pk).select_related(
            "content_type"
        ):
            if row._model not in inline_models:
                continue
            previous = (
                Version.objects.get_for_object_reference(row._model, row.object_id)
                .filter(pk__lt=row.pk)
                .first()
            )
            for change in field_changes(
                row._model, previous.field_dict if previous else {}, row.field_dict
            ):
                change["field"] = f"{row.object_repr[:60]} – {change['field']}"
                rows.append(change)
        return rows

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

    # Restore and recover: this object and its inline rows, never the rest of the revision.

    def _reversion_revisionform_view(self, request, version, template_name, extra_context=None):
        if not (
            may_edit_structure(request.user)
            and all(may_translate(request.user, c) for c in languages())
        ):
            raise PermissionDenied  # a restore may touch every field and language
        # VersionAdmin reverts version.revision, which may hold many objects (a seed load, an
        # import): narrow it to this object and the rows it was saved with.
        version.revision.revert = lambda delete=False: self._restore(version)
        return super()._reversion_revisionform_view(request, version, template_name, extra_context)

    def _restore(self, version) -> None:
        version.revert()
        inline_models = {inline.model for inline in self.inlines}
        for row in version.revision.version_set.exclude(pk=version.pk):
            if row._model not in inline_models:
                continue
            owner = {
                str(row.field_dict.get(f.attname))
                for f in row._model._meta.concrete_fields
                if f.is_relation and f.related_model is self.model
            }
            if str(version.object_id) in owner:
                try:
                    with transaction.atomic():
                        row.revert()
                except (IntegrityError, ValidationError):
                    pass  # a row since moved or renamed keeps its current place

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
