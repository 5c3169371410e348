"""The account's own page (a link in the admin's user tools): whether two-factor sign-in is set up,
how many recovery codes are left, and new ones, shown once, that replace the old."""

import pytest
from django.urls import reverse

from kb.twofactor import devices
from tests.twofactor.helpers import sign_in, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, editor, enrolled):
    app, codes = enrolled
    sign_in(client)
    verify(client, codes[0])  # one recovery code used
    return client, app, codes


def test_the_page_tells_how_many_recovery_codes_are_left(signed_in):
    client, _app, _codes = signed_in
    index = client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("twofactor:manage")}"' in index  # in the user tools
    page = client.get(reverse("twofactor:manage"))
    assert page.context["enrolled"] and page.context["codes_left"] == 9
    assert "9" in page.content.decode()


def test_new_recovery_codes_replace_the_old_and_are_shown_once(signed_in, editor, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    client, app, old = signed_in
    response = client.post(reverse("twofactor:manage"))
    assert response.status_code == 302
    shown = client.get(response["Location"])
    new = shown.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert f'href="{reverse("twofactor:manage")}"' in shown.content.decode()
    assert client.get(response["Location"])["Location"] == reverse("twofactor:manage")
    assert devices.recovery_codes_left(editor) == 10

    client.logout()
    sign_in(client)
    assert verify(client, old[1]).status_code == 200  # an old code no longer works
    assert verify(client, new[0]).status_code == 302


def test_an_account_without_a_second_factor_cannot_make_recovery_codes(client, editor, settings):
    settings.ADMIN_REQUIRE_2FA = False
    sign_in(client)
    assert client.post(reverse("twofactor:manage")).status_code == 403
    assert devices.recovery_codes_left(editor) == 0


def test_the_pages_answer_only_their_methods(signed_in):
    client, app, _codes = signed_in
    assert client.put(reverse("twofactor:manage")).status_code == 405
    assert client.post(reverse("twofactor:recovery-codes")).status_code == 405
    assert client.delete(reverse("twofactor:verify")).status_code in (302, 405)
