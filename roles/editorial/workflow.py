"""The admin's editorial rules, put together: who may change which texts, saves that record the
texts they wrote (so a changed source text makes its translations outdated), history and
restore, review."""

from roles.editorial import translation_status
from roles.editorial.checks.admin import page_checks
from roles.editorial.forms import EditorialForm
from roles.editorial.history import HistoryMixin
from roles.editorial.permissions import locked_fields, may_edit_structure
from roles.editorial.review import ReviewMixin


class EditorialAdminMixin(ReviewMixin, HistoryMixin):
    """For the content admins: permissions by language, review state, history-safe saves."""

    form = EditorialForm
    change_form_template = "admin/roles/change_form.html"

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.locked = locked_fields(request.user, self.model, form.base_fields)
        form.checks, form.user = page_checks(request, obj), request.user
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

    def _url_name(self, view: str) -> str:
        return f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}"


class EditorialInlineMixin:
    """The same rules for inline rows: translators edit their language, editors everything."""

    form = EditorialForm

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.locked = locked_fields(request.user, self.model, formset.form.base_fields)
        formset.form.checks, formset.form.user = page_checks(request, obj), request.user
        return formset

    def has_add_permission(self, request, obj=None):
        return may_edit_structure(request.user) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_edit_structure(request.user) and super().has_delete_permission(request, obj)
