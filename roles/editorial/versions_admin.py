"""Published versions in the admin: read only, never deleted; an editor may withdraw one."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from roles.editorial.permissions import may_edit_structure
from roles.models import RoleVersion
from roles.versions import publishing


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it withdrawn?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Kept with the version, for the history."),
    )


@admin.register(RoleVersion)
class RoleVersionAdmin(admin.ModelAdmin):
    """Published versions: read-only, never deleted; an editor may withdraw one."""

    list_display = ["__str__", "number", "published_at", "published_by", "withdrawn_at"]
    list_filter = ["role_key", ("withdrawn_at", admin.EmptyFieldListFilter)]
    fields = [
        "role_key",
        "number",
        "public_link",
        "published_at",
        "published_by",
        "withdrawn_at",
        "withdrawn_by",
        "withdrawal_reason",
    ]
    readonly_fields = fields
    actions = ["withdraw"]

    @admin.display(description=_("page"))
    def public_link(self, obj):
        url = obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_publish_permission(self, request):
        return may_edit_structure(request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(permissions=["publish"], description=_("Withdraw the selected versions"))
    def withdraw(self, request, queryset):
        """Ask why first: the reason is kept with each version and in the admin log."""
        versions = list(queryset.filter(withdrawn_at=None))
        form = WithdrawForm(request.POST if "confirm" in request.POST else None)
        if not versions:
            self.message_user(request, _("Those versions are already withdrawn."), messages.INFO)
            return None
        if form.is_valid():
            for version in versions:
                publishing.withdraw(version, user=request.user, reason=form.cleaned_data["reason"])
                self.log_change(
                    request,
                    version,
                    gettext("Withdrawn: %(reason)s")
                    % {"reason": form.cleaned_data["reason"].strip()},
                )
            self.message_user(
                request,
                ngettext(
                    "%(count)d version withdrawn: its links now answer 410 Gone.",
                    "%(count)d versions withdrawn: their links now answer 410 Gone.",
                    len(versions),
                )
                % {"count": len(versions)},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Withdraw published versions"),
            "opts": self.opts,
            "versions": versions,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/roles/roleversion/withdraw.html", context)
