"""The second factor's pages speak the admin's languages (the admin's language is the reader's:
the language cookie, then Accept-Language)."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.twofactor.helpers import device_code, sign_in, verify

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def translated(code: str, text: str) -> str:
    with translation.override(code):
        result = translation.gettext(text)
    assert result != text, f"{text!r} is not translated into {code}"
    return result


def in_language(client, code: str, url: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert f'<html lang="{code}"' in html
    return html


@pytest.mark.parametrize("code", LANGUAGES)
def test_enrolment_and_the_recovery_codes_speak_the_language(client, editor, code):
    sign_in(client)
    html = in_language(client, code, reverse("twofactor:enrol"))
    assert translated(code, "Set up two-factor sign-in") in html
    assert translated(code, "The six-digit code from the app") in html
    assert translated(code, "QR code for your authenticator app") in html
    assert translated(code, "Log out") in html


@pytest.mark.parametrize("code", LANGUAGES)
def test_verification_and_the_account_page_speak_the_language(
    client, editor, enrolled, code, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    app, _codes = enrolled
    sign_in(client)
    html = in_language(client, code, reverse("twofactor:verify"))
    assert translated(code, "Two-factor sign-in") in html
    assert translated(code, "No access to your phone?") in html
    with translation.override(code):
        wrong = verify(client, "000000").content.decode()
    assert 'class="errorlist' in wrong and f'<html lang="{code}"' in wrong
    verify(client, device_code(app, steps_ahead=1))
    html = in_language(client, code, reverse("twofactor:manage"))
    assert translated(code, "Make new recovery codes") in html
    client.post(reverse("twofactor:manage"))
    html = in_language(client, code, reverse("twofactor:recovery-codes"))
    assert translated(code, "I have stored them: continue") in html


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_reset_page_speaks_the_language(client, editor, code, settings):
    settings.ADMIN_REQUIRE_2FA = False
    client.force_login(editor)
    html = in_language(client, code, reverse("twofactor:reset", args=[editor.pk]))
    assert translated(code, "Reset the second factor") in html
    html = in_language(client, code, reverse("admin:auth_user_change", args=[editor.pk]))
    assert translated(code, "Reset second factor") in html
