"""The one place that keeps staff without a verified second factor out of the admin."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from kb.twofactor import devices


class SecondFactorMiddleware:
    """Every address under the admin's (ADMIN_PATH), except signing in and out and the pages that
    verify or set up the second factor, needs a session verified with a second factor when the
    account has one, and, with ADMIN_REQUIRE_2FA, an account that has one. Runs after django-otp's
    OTPMiddleware, which tells whether the session is verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(f"/{settings.ADMIN_PATH}") and request.user.is_authenticated:
            step = _missing_step(request)
            if step is not None and request.path not in _open_paths():
                query = {"next": request.get_full_path()} if request.method == "GET" else {}
                return redirect(reverse(step) + (f"?{urlencode(query)}" if query else ""))
        return self.get_response(request)


def _missing_step(request) -> str | None:
    """The page the signed-in user must go through before the admin, if any."""
    user = request.user
    if user.is_verified():
        return None
    if devices.is_enrolled(user):
        return "twofactor:verify"
    if settings.ADMIN_REQUIRE_2FA:
        return "twofactor:enrol"
    return None


def _open_paths() -> set[str]:
    """What an unverified session may open: signing in and out, and the second factor's pages."""
    names = ["admin:login", "admin:logout", "twofactor:verify", "twofactor:enrol"]
    return {reverse(name) for name in names}
