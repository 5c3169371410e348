"""The rows edited on another object's form: a role's duties, qualities and scenarios (and, on a
quality's or a scenario's form, the roles that have it), in their places."""

from django.contrib import admin
from django.contrib.admin.widgets import AdminTextareaWidget
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline

from roles.editorial.workflow import EditorialInlineMixin
from roles.models import Duty, RoleQuality, RoleScenario
from roles.models.content import PARKING


class OrderedInlineFormSet(BaseInlineFormSet):
    """Rows with a place within their role (duties, and the role's qualities and scenarios). A new
    row left at the default place goes to the end; rows may swap places, which the database's
    uniqueness rule would refuse if they were saved one by one."""

    def clean(self):
        # New rows left at the default place go to the end, in the order they were added;
        # then the formset's own check refuses two rows in one place.
        rows = [form for form in self.forms if hasattr(form, "cleaned_data")]
        orders = [
            form.cleaned_data.get("order") or 0
            for form in rows
            if form.instance.pk or "order" in form.changed_data
        ]
        last = max(orders, default=0)
        for form in rows:
            if not form.instance.pk and form.has_changed() and "order" not in form.changed_data:
                last += 1
                form.cleaned_data["order"] = form.instance.order = last
        super().clean()

    def save(self, commit=True):
        if commit:
            # Park the rows that move (or go) on free places first, then save them.
            parking = PARKING
            for form in self.initial_forms:
                if self._should_delete_form(form) or "order" in form.changed_data:
                    parking += 1
                    self.model.objects.filter(pk=form.instance.pk).update(order=parking)
        return super().save(commit)


# A duty or a role's note is a sentence or two: three lines to write it in, not ten.
SHORT_TEXTS = {models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": 3})}}


class DutyInline(EditorialInlineMixin, TranslationStackedInline):
    model = Duty
    formset = OrderedInlineFormSet
    extra = 0
    # A new duty gets the next place and a key from its text (static/admin/kb-admin.js); the
    # source articles are folded away: eight pickers made the role's form very long.
    fieldsets = [
        (None, {"fields": ["order", "key", "text", "origin", "edit_token"]}),
        (_("Source articles"), {"classes": ["collapse"], "fields": ["sources"]}),
    ]
    filter_horizontal = ["sources"]
    ordering = ["order"]
    formfield_overrides = SHORT_TEXTS

    class Media:
        js = ["admin/js/urlify.js"]


class RoleQualityInline(EditorialInlineMixin, TranslationStackedInline):
    model = RoleQuality
    formset = OrderedInlineFormSet
    extra = 0
    fields = ["order", "quality", "note", "origin", "edit_token"]
    ordering = ["order"]
    formfield_overrides = SHORT_TEXTS


class QualityRoleInline(RoleQualityInline):
    # Here the rows belong to different roles: their places are checked per role by the model.
    formset = BaseInlineFormSet
    fields = ["role", "order", "note", "origin", "edit_token"]
    ordering = ["role__level"]


class RoleScenarioInline(EditorialInlineMixin, admin.TabularInline):
    model = RoleScenario
    formset = OrderedInlineFormSet
    extra = 0
    fields = ["order", "scenario", "edit_token"]
    ordering = ["order"]


class ScenarioRoleInline(RoleScenarioInline):
    formset = BaseInlineFormSet
    fields = ["role", "order", "edit_token"]
    ordering = ["role__level"]
