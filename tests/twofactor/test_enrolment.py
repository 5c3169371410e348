"""Enrolment on first sign-in: the password, then the app's QR code and key, a code from the app
to confirm it, the ten recovery codes shown once, then the admin."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kb.twofactor import devices
from tests.twofactor.helpers import app_code, device_code, secret_on_page, sign_in

pytestmark = pytest.mark.django_db


def test_a_new_staff_member_enrols_on_first_sign_in_and_reaches_the_admin(client, editor):
    index = reverse("admin:roles_role_changelist")
    assert sign_in(client, next=index)["Location"] == index
    response = client.get(index)
    enrol_url = reverse("twofactor:enrol")
    assert response.status_code == 302
    assert response["Location"] == f"{enrol_url}?next=%2Fadmin%2Froles%2Frole%2F"

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg width="' in html and 'class="kb-qr"' in html  # the QR code, inline
    key = secret_on_page(html)
    assert key == TOTPDevice.objects.get(user=editor, confirmed=False).bin_key

    session_before = client.session.session_key
    confirmed = client.post(enrol_url, {"code": app_code(key), "next": index})
    assert confirmed.status_code == 302
    codes_url = confirmed["Location"]
    assert codes_url.startswith(reverse("twofactor:recovery-codes"))
    assert client.session.session_key != session_before  # a new session key, as at sign-in

    shown = client.get(codes_url)
    codes = shown.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    html = shown.content.decode()
    assert all(code in html for code in codes)
    assert "bare én gang" in html  # shown only once
    assert "no-store" in shown["Cache-Control"]
    assert {code.replace("-", "") for code in codes} == set(
        StaticToken.objects.filter(device__user=editor).values_list("token", flat=True)
    )
    assert f'href="{index}"' in html  # on to where the sign-in was going

    # Shown once: the page now sends to the account's page, where new ones can be made.
    assert client.get(codes_url)["Location"] == reverse("twofactor:manage")
    assert client.get(index).status_code == 200
    assert devices.is_enrolled(editor)
    assert LogEntry.objects.get(object_id=str(editor.pk)).get_change_message() == (
        "La til tofaktorinnlogging «alice»."
    )


def test_the_key_stays_the_same_until_the_app_is_confirmed(client, editor):
    sign_in(client)
    first = secret_on_page(client.get(reverse("twofactor:enrol")).content.decode())
    again = secret_on_page(client.get(reverse("twofactor:enrol")).content.decode())
    assert first == again
    assert TOTPDevice.objects.filter(user=editor).count() == 1


def test_the_secret_is_shown_for_typing_in(client, editor):
    sign_in(client)
    html = client.get(reverse("twofactor:enrol")).content.decode()
    device = TOTPDevice.objects.get(user=editor)
    assert devices.secret(device) in html
    assert "otpauth://" not in html  # only in the QR code's drawing


def test_a_wrong_code_is_refused_with_a_message_and_nothing_is_enrolled(client, editor):
    sign_in(client)
    enrol_url = reverse("twofactor:enrol")
    client.get(enrol_url)
    device = TOTPDevice.objects.get(user=editor)
    wrong = f"{(int(device_code(device)) + 1) % 1_000_000:06d}"
    for code in (wrong, "", "abc", "1" * 32, "١٢٣٤٥٦", "\x00" * 3):
        response = client.post(enrol_url, {"code": code})
        assert response.status_code in (200, 400), code
    response = client.post(enrol_url, {"code": "000000x"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not devices.is_enrolled(editor)
    assert client.get(reverse("admin:index"))["Location"].startswith(enrol_url)


def test_a_wrong_code_says_why(client, editor, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    sign_in(client)
    response = client.post(reverse("twofactor:enrol"), {"code": "123456"})
    assert "Koden er ikke gyldig" in response.content.decode()


def test_an_enrolled_account_cannot_set_up_another_app_without_its_second_factor(
    client, editor, enrolled
):
    """Someone who has only the password cannot replace the app with their own."""
    sign_in(client)
    response = client.get(reverse("twofactor:enrol"))
    assert response["Location"] == reverse("twofactor:manage")
    assert client.get(response["Location"])["Location"].startswith(reverse("twofactor:verify"))
    response = client.post(reverse("twofactor:enrol"), {"code": "123456"})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=editor).count() == 1


def test_enrolment_is_offered_but_not_forced_when_not_required(client, editor, settings):
    settings.ADMIN_REQUIRE_2FA = False
    sign_in(client)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert f'href="{reverse("twofactor:manage")}"' in index.content.decode()
    page = client.get(reverse("twofactor:manage"))
    assert f'href="{reverse("twofactor:enrol")}"' in page.content.decode()
    enrol = client.get(reverse("twofactor:enrol"))
    assert enrol.status_code == 200 and not enrol.context["required"]
    assert "Ikke nå: tilbake til administrasjonen" in enrol.content.decode()
    key = secret_on_page(enrol.content.decode())
    assert client.post(reverse("twofactor:enrol"), {"code": app_code(key)}).status_code == 302
    assert devices.is_enrolled(editor)
