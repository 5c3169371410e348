"""Staff who sign in with a second factor: the setting on, as in production, and an editor whose
authenticator app is set up."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from kb.twofactor import devices


@pytest.fixture(autouse=True)
def _second_factor_required(settings):
    settings.ADMIN_REQUIRE_2FA = True


@pytest.fixture
def enrolled(editor):
    """The editor's app, set up, and its recovery codes (as shown once)."""
    app = TOTPDevice.objects.create(user=editor, name=devices.APP, confirmed=True)
    return app, devices.new_recovery_codes(editor, logged=False)
