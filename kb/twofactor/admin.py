"""The admin: django-otp's own device pages are taken away (staff set up their second factor on
the pages of kb.twofactor.views, and those pages would show secrets); the account list says who
has set up a second factor, and an account's page has a button to reset it."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kb.twofactor.views import may_reset

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

User = get_user_model()


class StaffAccountAdmin(UserAdmin):
    list_display = [*UserAdmin.list_display, "has_second_factor"]

    def get_queryset(self, request):
        apps = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(second_factor=Exists(apps))

    @admin.display(description=_("Two-factor sign-in"), boolean=True, ordering="second_factor")
    def has_second_factor(self, user) -> bool:
        return user.second_factor

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if may_reset(request.user) and object_id and str(object_id).isdigit():
            extra_context["second_factor_reset_url"] = reverse("twofactor:reset", args=[object_id])
        return super().change_view(request, object_id, form_url, extra_context)


admin.site.unregister(User)
admin.site.register(User, StaffAccountAdmin)
