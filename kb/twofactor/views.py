"""The second factor's pages, under the admin's address: verification after the password, the
authenticator app's enrolment, the recovery codes shown once, the account's own page, and an
admin's reset of another account. Each is an admin view (staff only, CSRF, never cached)."""

import math

import django_otp
import segno
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice

from kb.twofactor import devices
from kb.twofactor.forms import AppCodeForm, CodeForm

# The recovery codes just made, kept in the session until the page that shows them once.
FRESH_CODES = "kb_fresh_recovery_codes"
# The permission that lets a staff member reset another account's second factor (superusers have
# every permission): django-otp's own, to delete an authenticator app.
RESET_PERMISSION = "otp_totp.delete_totpdevice"
FEW_CODES_LEFT = 3


@require_http_methods(["GET", "POST"])
def verify(request):
    """After the password: a code from the app, or a recovery code."""
    user, target = request.user, _next(request)
    if user.is_verified():
        return redirect(target)
    if not devices.is_enrolled(user):
        return redirect(_with_next("twofactor:enrol", target) if _required() else target)
    form = CodeForm(_posted(request))
    if form.is_valid():
        outcome = devices.verify(user, form.cleaned_data["code"])
        if outcome.device is not None:
            _signed_in(request, outcome.device)
            if isinstance(outcome.device, StaticDevice):
                _tell_codes_left(request)
            return redirect(target)
        wrong = _(
            "That code is not valid. Enter the code your app shows now, or an unused recovery code."
        )
        form.add_error("code", _refusal(outcome, wrong))
    return _render(request, "admin/twofactor/verify.html", _("Two-factor sign-in"), form=form)


@require_http_methods(["GET", "POST"])
def enrol(request):
    """Set up an authenticator app: a QR code (and its secret as text), confirmed with a code."""
    user, target = request.user, _next(request)
    if devices.is_enrolled(user):
        return redirect("twofactor:manage")  # an unverified session is sent to verify first
    device = devices.pending_app(user)
    form = AppCodeForm(_posted(request))
    if form.is_valid():
        outcome = devices.confirm_app(device, form.cleaned_data["code"])
        if outcome.device is not None:
            _signed_in(request, outcome.device)
            request.session[FRESH_CODES] = devices.new_recovery_codes(user, logged=False)
            return redirect(_with_next("twofactor:recovery-codes", target))
        wrong = _("That code is not valid. Enter the six-digit code the app shows now.")
        form.add_error("code", _refusal(outcome, wrong))
    context = {
        "form": form,
        "qr": _qr(device.config_url, _("QR code for your authenticator app")),
        "secret": devices.secret(device),
        "required": _required(),
    }
    return _render(request, "admin/twofactor/enrol.html", _("Set up two-factor sign-in"), **context)


@require_http_methods(["GET"])
def recovery_codes(request):
    """The recovery codes just made, shown this once."""
    codes = request.session.pop(FRESH_CODES, None)
    if codes is None:
        return redirect("twofactor:manage")
    title = _("Your recovery codes")
    return _render(request, "admin/twofactor/recovery_codes.html", title, codes=codes)


@require_http_methods(["GET", "POST"])
def manage(request):
    """The account's own page: is the second factor set up, how many recovery codes are left;
    new recovery codes."""
    user = request.user
    enrolled = devices.is_enrolled(user)
    if request.method == "POST":
        if not enrolled:
            raise PermissionDenied
        request.session[FRESH_CODES] = devices.new_recovery_codes(user)
        return redirect(_with_next("twofactor:recovery-codes", reverse("twofactor:manage")))
    context = {
        "enrolled": enrolled,
        "codes_left": devices.recovery_codes_left(user),
        "required": _required(),
    }
    return _render(request, "admin/twofactor/manage.html", _("Two-factor sign-in"), **context)


@require_http_methods(["GET", "POST"])
def reset(request, user_id: int):
    """An admin removes another account's app and recovery codes (a lost phone): the account sets
    up a new app at its next sign-in."""
    if not may_reset(request.user):
        raise PermissionDenied
    account = get_object_or_404(get_user_model(), pk=user_id)
    if request.method == "POST":
        devices.reset(account, by=request.user)
        messages.success(
            request,
            _(
                "The second factor of %(user)s was reset. They set up a new one at their next "
                "sign-in."
            )
            % {"user": account.get_username()},
        )
        return redirect("admin:auth_user_change", account.pk)
    context = {
        "opts": account._meta,
        "account": account,
        "enrolled": devices.is_enrolled(account),
        "codes_left": devices.recovery_codes_left(account),
    }
    title = _("Reset the second factor")
    return _render(request, "admin/twofactor/reset_confirm.html", title, **context)


def may_reset(user) -> bool:
    return user.has_perm(RESET_PERMISSION)


def urls() -> tuple[list, str]:
    """The pages, to be included at admin/two-factor/ (before the admin's own URLs), named
    twofactor:<name>."""
    view = admin.site.admin_view
    patterns = [
        path("", view(manage), name="manage"),
        path("verify/", view(verify), name="verify"),
        path("set-up/", view(enrol), name="enrol"),
        path("recovery-codes/", view(recovery_codes), name="recovery-codes"),
        path("reset/<int:user_id>/", view(reset), name="reset"),
    ]
    return patterns, "twofactor"


def _render(request, template: str, title: str, **extra) -> TemplateResponse:
    context = {**admin.site.each_context(request), "title": title, "next": _next(request)}
    return TemplateResponse(request, template, {**context, **extra})


def _next(request) -> str:
    """Where to go once through: the `next` asked for if it is on this site, else the admin."""
    target = request.POST.get("next") or request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse("admin:index")


def _posted(request):
    """A form's data: none for a GET (an unbound form), and a POST's even when it is empty."""
    return request.POST if request.method == "POST" else None


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


def _required() -> bool:
    return settings.ADMIN_REQUIRE_2FA


def _signed_in(request, device) -> None:
    """The session is verified with `device`, under a new session key (as at any sign-in)."""
    django_otp.login(request, device)
    request.session.cycle_key()


def _tell_codes_left(request) -> None:
    left = devices.recovery_codes_left(request.user)
    text = ngettext(
        "You signed in with a recovery code. You have %(count)d recovery code left.",
        "You signed in with a recovery code. You have %(count)d recovery codes left.",
        left,
    ) % {"count": left}
    if left > FEW_CODES_LEFT:
        messages.info(request, text)
    else:
        messages.warning(request, f"{text} {_('Make new ones under Two-factor sign-in.')}")


def _refusal(outcome: devices.Outcome, wrong: str) -> str:
    """Why a code was refused: wrong, or one wrong code too many for now."""
    seconds = outcome.wait_seconds
    if not seconds:
        return wrong
    if seconds < 60:
        return ngettext(
            "Too many wrong codes. Try again in %(count)d second.",
            "Too many wrong codes. Try again in %(count)d seconds.",
            seconds,
        ) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "Too many wrong codes. Try again in %(count)d minute.",
        "Too many wrong codes. Try again in %(count)d minutes.",
        minutes,
    ) % {"count": minutes}


def _qr(uri: str, title: str) -> str:
    """The otpauth:// address as an inline SVG QR code (presentation attributes, no style)."""
    code = segno.make(uri, error="m")
    drawing = code.svg_inline(scale=4, border=4, title=title, svgclass="kb-qr", light="#fff")
    return mark_safe(drawing)  # segno escapes the title; the rest is its own markup
