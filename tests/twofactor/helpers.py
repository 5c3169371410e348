"""Signing in to the admin, and the codes an authenticator app would show, computed as the app
does (RFC 6238)."""

import re
import time
from base64 import b32decode

from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "pw-alice-1"


def app_code(key: bytes, steps_ahead: int = 0) -> str:
    """The code an authenticator app with this secret shows now (or `steps_ahead` 30-second steps
    later: the site accepts one step either way, and never the same step twice)."""
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def device_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    return app_code(device.bin_key, steps_ahead)


def secret_on_page(html: str) -> bytes:
    """The key the enrolment page shows for typing into an app, as the app reads it."""
    typed = re.search(r'<code class="kb-secret"[^>]*>([A-Z2-7 ]+)</code>', html).group(1)
    text = typed.replace(" ", "")
    return b32decode(text + "=" * (-len(text) % 8))


def sign_in(client, username="alice", password=PASSWORD, **extra):
    """The admin's password sign-in (django-axes counts it)."""
    data = {"username": username, "password": password, **extra}
    return client.post(reverse("admin:login"), data)


def verify(client, code, **extra):
    return client.post(reverse("twofactor:verify"), {"code": code, **extra})
