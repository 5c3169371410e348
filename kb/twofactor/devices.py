"""A staff account's second factor, on django-otp's devices: one TOTP device (the authenticator
app: enrolled once it has accepted a code) and one static device holding the account's recovery
codes, each usable once. Used by the pages, the admin's reset and the reset_2fa command."""

import logging
import math
import re
import secrets
from base64 import b32encode
from dataclasses import dataclass

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

logger = logging.getLogger(__name__)

RECOVERY_CODES = 10
# Ten characters without look-alikes (no 0/o, 1/l/i): about 50 bits each, typed as "abcde-fghjk".
# Wrong codes are throttled like app codes, so none can be guessed in practice.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10
APP_CODE = re.compile(r"[0-9]{6}")
# Device names, only seen in the database.
APP, RECOVERY = "authenticator app", "recovery codes"

# What the admin's history of the account says (Django's log messages, translated when shown).
SECOND_FACTOR = gettext_noop("two-factor sign-in")
RECOVERY_FIELD = gettext_noop("Recovery codes")


@dataclass(frozen=True)
class Outcome:
    """What a code did: the device that accepted it, or how long to wait before another try (a
    run of wrong codes), or neither (a wrong code)."""

    device: Device | None = None
    wait_seconds: int = 0


def is_enrolled(user) -> bool:
    """Whether the account has an authenticator app set up (its recovery codes come with it)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def normalize(code: str) -> str:
    """A code as typed (spaces, hyphens, capitals) as it is stored."""
    return re.sub(r"[\s-]", "", code).lower()


def pending_app(user) -> TOTPDevice:
    """The authenticator app being set up: the same secret until it is confirmed, so that a QR
    code scanned before a reload of the page still works."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").last()
    return device or TOTPDevice.objects.create(user=user, name=APP, confirmed=False)


def secret(device: TOTPDevice) -> str:
    """The device's secret as authenticator apps take it typed in: base32, in groups of four."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def confirm_app(device: TOTPDevice, code: str) -> Outcome:
    """Enrol the app that shows `code`: it replaces any app the account had."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        outcome = _try(device, normalize(code))
        if outcome.device is not None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
            _history(device.user, device.user, "added", {"name": SECOND_FACTOR})
    if outcome.device is not None:
        logger.info("second factor: %s enrolled an authenticator app", device.user)
    else:
        logger.warning("second factor: a wrong code while %s enrolled", device.user)
    return outcome


def verify(user, code: str) -> Outcome:
    """Check a code from the account's app (six digits) or one of its recovery codes (which is
    then used up). Each device throttles its own run of wrong codes."""
    code = normalize(code)
    kind = TOTPDevice if APP_CODE.fullmatch(code) else StaticDevice
    with transaction.atomic():
        devices = kind.objects.filter(user=user, confirmed=True).select_for_update()
        outcome = Outcome()
        for device in devices:
            outcome = _try(device, code)
            if outcome.device is not None or outcome.wait_seconds:
                break
    if outcome.wait_seconds:
        logger.warning("second factor: a code for %s while throttled", user)
    elif outcome.device is None:
        logger.warning("second factor: a wrong code for %s", user)
    elif kind is StaticDevice:
        left = recovery_codes_left(user)
        logger.info("second factor: %s used a recovery code (%d left)", user, left)
    return outcome


def _try(device, code: str) -> Outcome:
    allowed, details = device.verify_is_allowed()
    if not allowed:
        wait = (details["locked_until"] - timezone.now()).total_seconds()
        return Outcome(wait_seconds=max(1, math.ceil(wait)))
    return Outcome(device=device) if device.verify_token(code) else Outcome()


def new_recovery_codes(user, *, logged: bool = True) -> list[str]:
    """Replace the account's recovery codes with RECOVERY_CODES new ones, returned as shown to
    the user: they are not shown again."""
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODES)
    ]
    with transaction.atomic():
        device = StaticDevice.objects.filter(user=user).order_by("pk").first()
        if device is None:
            device = StaticDevice.objects.create(user=user, name=RECOVERY)
        StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        device.throttle_reset()
        if logged:
            _history(user, user, "changed", {"fields": [RECOVERY_FIELD]})
    if logged:
        logger.info("second factor: %s has new recovery codes", user)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def reset(user, *, by=None) -> bool:
    """Remove the account's app and recovery codes: it sets up a new app at its next request to
    the admin (at once when ADMIN_REQUIRE_2FA is on). `by`: the admin who did it (None: the
    reset_2fa command). Whether there was anything to remove."""
    with transaction.atomic():
        removed = sum(
            kind.objects.filter(user=user).delete()[0] for kind in (TOTPDevice, StaticDevice)
        )
        if by is not None:
            _history(by, user, "deleted", {"name": SECOND_FACTOR})
    actor = by if by is not None else "the reset_2fa command"
    logger.warning("second factor of %s reset by %s", user, actor)
    return bool(removed)


def _history(actor, user, kind: str, change: dict) -> None:
    """A line in the account's history in the admin: a change to the account, told in Django's
    JSON form of change messages ("added", "changed", "deleted"), which the history page shows
    in the reader's language."""
    change = {**change, "object": str(user)} if "name" in change else change
    LogEntry.objects.log_actions(
        actor.pk, [user], CHANGE, change_message=[{kind: change}], single_object=True
    )
