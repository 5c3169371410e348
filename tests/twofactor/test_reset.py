"""An admin resets another account's second factor (a lost phone): from the account's page in the
admin, by a superuser or a holder of the permission; logged; the account sets up a new app at its
next sign-in. And `manage.py reset_2fa` for the last admin."""

import logging

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kb.twofactor import devices
from tests.twofactor.helpers import PASSWORD, device_code, sign_in, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob(django_user_model):
    """A staff member who lost the phone with the app."""
    bob = django_user_model.objects.create_user("bob", "bob@example.com", PASSWORD, is_staff=True)
    TOTPDevice.objects.create(user=bob, name=devices.APP, confirmed=True)
    devices.new_recovery_codes(bob, logged=False)
    return bob


@pytest.fixture
def admin_client(client, editor, enrolled):
    """alice, a superuser, signed in with her second factor."""
    app, _codes = enrolled
    sign_in(client)
    verify(client, device_code(app))
    return client


def test_a_superuser_resets_another_accounts_second_factor(admin_client, bob, caplog):
    change_page = admin_client.get(reverse("admin:auth_user_change", args=[bob.pk]))
    reset_url = reverse("twofactor:reset", args=[bob.pk])
    assert f'href="{reset_url}"' in change_page.content.decode()

    confirm = admin_client.get(reset_url)
    assert confirm.status_code == 200
    assert confirm.context["enrolled"] and confirm.context["codes_left"] == 10
    assert devices.is_enrolled(bob)  # a GET changes nothing

    with caplog.at_level(logging.INFO, logger="kb.twofactor"):
        response = admin_client.post(reset_url)
    assert response["Location"] == reverse("admin:auth_user_change", args=[bob.pk])
    assert not TOTPDevice.objects.filter(user=bob).exists()
    assert not StaticDevice.objects.filter(user=bob).exists()
    assert "second factor of bob reset by alice" in caplog.text
    entry = LogEntry.objects.get(object_id=str(bob.pk))
    assert entry.user.username == "alice"
    assert entry.get_change_message() == "Slettet tofaktorinnlogging «bob»."
    history = admin_client.get(reverse("admin:auth_user_history", args=[bob.pk]))
    assert "Slettet tofaktorinnlogging «bob»." in history.content.decode()


def test_after_a_reset_the_account_sets_up_a_new_app_at_its_next_sign_in(client, bob):
    devices.reset(bob)
    sign_in(client, "bob")
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("twofactor:enrol"))


def test_a_reset_ends_the_verified_state_of_the_accounts_open_session(client, bob):
    app = TOTPDevice.objects.get(user=bob)
    sign_in(client, "bob")
    verify(client, device_code(app))
    assert client.get(reverse("admin:index")).status_code == 200
    devices.reset(bob)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("twofactor:enrol"))


def test_a_staff_member_without_the_permission_cannot_reset(
    client, bob, django_user_model, settings
):
    settings.ADMIN_REQUIRE_2FA = False  # carol has no second factor: not the point here
    carol = django_user_model.objects.create_user("carol", "c@example.com", PASSWORD, is_staff=True)
    may_edit_accounts = Permission.objects.filter(codename__in=["view_user", "change_user"])
    carol.user_permissions.add(*may_edit_accounts)
    client.force_login(carol)
    page = client.get(reverse("admin:auth_user_change", args=[bob.pk]))
    assert page.status_code == 200
    assert reverse("twofactor:reset", args=[bob.pk]) not in page.content.decode()
    assert client.get(reverse("twofactor:reset", args=[bob.pk])).status_code == 403
    assert client.post(reverse("twofactor:reset", args=[bob.pk])).status_code == 403
    assert devices.is_enrolled(bob)


def test_a_staff_member_with_the_permission_can_reset(client, bob, django_user_model, settings):
    settings.ADMIN_REQUIRE_2FA = False
    dave = django_user_model.objects.create_user("dave", "d@example.com", PASSWORD, is_staff=True)
    dave.user_permissions.add(Permission.objects.get(codename="delete_totpdevice"))
    client.force_login(dave)
    assert client.post(reverse("twofactor:reset", args=[bob.pk])).status_code == 302
    assert not devices.is_enrolled(bob)


def test_resetting_a_missing_account_is_a_404(admin_client):
    assert admin_client.get(reverse("twofactor:reset", args=[9999])).status_code == 404


def test_the_account_list_shows_who_has_a_second_factor(admin_client, bob, django_user_model):
    django_user_model.objects.create_user("erin", "e@example.com", PASSWORD, is_staff=True)
    page = admin_client.get(reverse("admin:auth_user_changelist"))
    rows = {user.username: user.second_factor for user in page.context["cl"].result_list}
    assert rows == {"alice": True, "bob": True, "erin": False}


def test_the_command_resets_the_last_admins_second_factor(editor, enrolled, capsys):
    call_command("reset_2fa", "alice")
    assert "The second factor of alice is reset" in capsys.readouterr().out
    assert not devices.is_enrolled(editor)
    assert devices.recovery_codes_left(editor) == 0
    call_command("reset_2fa", "alice")
    assert "nothing to reset" in capsys.readouterr().out


def test_the_command_names_an_unknown_account(db):
    with pytest.raises(CommandError, match="No account has the user name 'nobody'"):
        call_command("reset_2fa", "nobody")
