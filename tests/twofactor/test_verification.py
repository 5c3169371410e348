"""Signing in with a second factor: the password, then a code from the app or one recovery code
(each good once), a wrong code told as such, and a run of wrong codes throttled."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken

from kb.twofactor import devices
from tests.twofactor.helpers import device_code, sign_in, verify

pytestmark = pytest.mark.django_db


def test_a_code_from_the_app_opens_the_admin(client, editor, enrolled):
    app, _codes = enrolled
    target = reverse("admin:roles_role_changelist")
    sign_in(client, next=target)
    response = client.get(target)
    assert response["Location"] == f"{reverse('twofactor:verify')}?next=%2Fadmin%2Froles%2Frole%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200 and page.context["next"] == target

    before = client.session.session_key
    response = verify(client, device_code(app), next=target)
    assert response.status_code == 302 and response["Location"] == target
    assert client.session.session_key != before
    assert client.get(target).status_code == 200
    # Verified once per session: the verification page now just passes on.
    assert client.get(reverse("twofactor:verify"))["Location"] == reverse("admin:index")


def test_a_code_from_the_app_is_good_once(client, editor, enrolled, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    app, _codes = enrolled
    code = device_code(app)
    sign_in(client)
    assert verify(client, code).status_code == 302
    client.logout()
    sign_in(client)
    assert verify(client, code).status_code == 200  # replayed: refused
    assert verify(client, device_code(app, steps_ahead=1)).status_code == 302


def test_a_recovery_code_opens_the_admin_once(client, editor, enrolled):
    _app, codes = enrolled
    sign_in(client)
    response = verify(client, codes[3].upper().replace("-", " "))  # as typed from paper
    assert response.status_code == 302
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert [str(message) for message in index.context["messages"]] == [
        "Du logget inn med en gjenopprettingskode. Du har 9 gjenopprettingskoder igjen."
    ]
    assert devices.recovery_codes_left(editor) == 9
    assert not StaticToken.objects.filter(token=codes[3].replace("-", "")).exists()

    client.logout()
    sign_in(client)
    response = verify(client, codes[3])
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_last_recovery_codes_come_with_a_warning(client, editor, enrolled):
    _app, codes = enrolled
    StaticToken.objects.exclude(token=codes[0].replace("-", "")).delete()
    sign_in(client)
    verify(client, codes[0])
    messages = list(client.get(reverse("admin:index")).context["messages"])
    assert messages[0].level_tag == "warning"
    assert "0 gjenopprettingskoder" in str(messages[0])


@pytest.mark.parametrize("code", ["000000", "12345", "abcde-fghjk", "", " ", "x" * 40, "٠١٢٣٤٥"])
def test_a_wrong_code_is_refused_with_a_message(client, editor, enrolled, settings, code):
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
    sign_in(client)
    response = verify(client, code)
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert 'class="errorlist' in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_wrong_codes_in_a_row_are_throttled(client, editor, enrolled):
    app, _codes = enrolled
    sign_in(client)
    assert verify(client, "000000").status_code == 200
    # Within a second of the wrong code, even the right one waits.
    response = verify(client, device_code(app))
    assert "Prøv igjen om 1 sekund" in response.content.decode()
    app.refresh_from_db()
    app.throttling_failure_count = 10  # the next try waits 2^9 s
    app.throttling_failure_timestamp = timezone.now()
    app.save()
    response = verify(client, device_code(app))
    assert "Prøv igjen om 9 minutter" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_unsafe_next_after_the_second_factor_lands_on_the_admin_index(client, editor, enrolled):
    app, _codes = enrolled
    sign_in(client)
    response = verify(client, device_code(app), next="https://evil.example/")
    assert response["Location"] == reverse("admin:index")


def test_the_verification_page_passes_an_account_without_a_second_factor_on(client, editor):
    sign_in(client)
    response = client.get(reverse("twofactor:verify"))
    assert response["Location"].startswith(reverse("twofactor:enrol"))


def test_the_session_stays_verified_and_ends_as_any_session(client, editor, enrolled):
    app, _codes = enrolled
    sign_in(client)
    verify(client, device_code(app))
    for _ in range(3):
        assert client.get(reverse("admin:index")).status_code == 200
    client.post(reverse("admin:logout"))
    sign_in(client)
    assert client.get(reverse("admin:index")).status_code == 302
