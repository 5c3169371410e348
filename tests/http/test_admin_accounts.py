"""Staff accounts at OWASP ASVS level 2, the parts Django itself governs: passwords of at least 12
characters (common ones and ones like the account's own names refused, no maximum below 64),
sessions that end after an idle spell besides their absolute limit, and a sign-in whose unsafe
`next` lands on the admin's index."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kb.http import sessions

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    [
        "Kx7#mq2!vw9",  # 11 characters
        "password1234",  # common
        "alice.example.com",  # like the account's e-mail
        "918273645501",  # only digits
    ],
)
def test_a_weak_password_is_refused(editor, password):
    with pytest.raises(ValidationError):
        validate_password(password, editor)


@pytest.mark.parametrize("length", [12, 64, 128])
def test_a_password_of_12_characters_or_far_more_is_accepted(editor, length):
    password = ("Tg8!kq2#Zr5%Lw" * 10)[:length]
    validate_password(password, editor)


def test_a_long_password_signs_in(client, editor):
    password = "Lange passord er gode, og de kan være setninger: 3 kaffe om dagen!" * 2
    editor.set_password(password)
    editor.save()
    response = client.post(reverse("admin:login"), {"username": "alice", "password": password})
    assert response.status_code == 302


def sign_in(client, **extra):
    url = reverse("admin:login")
    return client.post(url, {"username": "alice", "password": "pw-alice-1", **extra})


def test_an_unsafe_next_after_sign_in_lands_on_the_admin_index(client, editor):
    for unsafe in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
        response = sign_in(client, next=unsafe)
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index"), unsafe
        client.logout()


def test_a_safe_next_is_followed(client, editor):
    target = reverse("admin:roles_role_changelist")
    assert sign_in(client, next=target)["Location"] == target


def age(client, **spent):
    """Make the signed-in session's clock `spent` older, as if that long had passed."""
    session = client.session
    for name in (sessions.LAST_SEEN, sessions.SIGNED_IN):
        session[name] = (
            timezone.datetime.fromisoformat(session[name]) - timedelta(**spent)
        ).isoformat()
    session.save()


def test_a_session_idle_for_longer_than_the_limit_is_signed_out(client, editor, settings):
    settings.SESSION_IDLE_MINUTES = 30
    sign_in(client)
    index = reverse("admin:index")
    assert client.get(index).status_code == 200
    age(client, minutes=29)
    assert client.get(index).status_code == 200  # and the idle clock starts again
    age(client, minutes=29)
    assert client.get(index).status_code == 200
    age(client, minutes=31)
    response = client.get(index)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert "_auth_user_id" not in client.session


def test_a_busy_session_still_ends_at_its_absolute_limit(client, editor, settings):
    settings.SESSION_COOKIE_AGE = 8 * 60 * 60
    sign_in(client)
    index = reverse("admin:index")
    age(client, hours=7, minutes=59)
    session = client.session
    session[sessions.LAST_SEEN] = timezone.now().isoformat()  # active a moment ago
    session.save()
    assert client.get(index).status_code == 200
    age(client, minutes=2)
    session = client.session
    session[sessions.LAST_SEEN] = timezone.now().isoformat()
    session.save()
    assert client.get(index).status_code == 302


def test_the_idle_limit_is_a_setting(client, editor, settings):
    settings.SESSION_IDLE_MINUTES = 5
    sign_in(client)
    age(client, minutes=6)
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_reader_without_a_session_is_not_touched(client, seeded):
    response = client.get("/nb/")
    assert response.status_code == 200 and settings_cookie(response) is None


def settings_cookie(response):
    return response.cookies.get("sessionid")
