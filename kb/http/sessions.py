"""Editors' sessions: Django's, in the database, refusing a session key Django cannot have made;
and their limits: an idle spell and an absolute age (OWASP ASVS 3.3)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.dispatch import receiver
from django.utils import timezone

KEY_CHARS = frozenset(VALID_KEY_CHARS)


class SessionStore(db.SessionStore):
    """A session cookie whose key has characters Django never puts in one is no session, like any
    unknown key. (A NUL, which a quoted cookie can carry as "\\000", made PostgreSQL refuse the
    lookup: a 500 on every page.)"""

    def _validate_session_key(self, key):
        return bool(super()._validate_session_key(key)) and set(key) <= KEY_CHARS


# When the signed-in session last made a request, and when it signed in (ISO 8601, in the session).
LAST_SEEN, SIGNED_IN = "kb_last_seen", "kb_signed_in"
# The last-seen time is written at most this often: not a session write on every request.
SEEN_EVERY = timedelta(minutes=1)


@receiver(user_logged_in)
def start_clocks(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = timezone.now().isoformat()
        request.session[LAST_SEEN] = request.session[SIGNED_IN] = now


class SessionLimitsMiddleware:
    """Sign out a session idle for longer than SESSION_IDLE_MINUTES, or older than
    SESSION_COOKIE_AGE however busy (Django's own expiry moves on with every save)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without the session's cookie there is no session to sign out (and no user to load).
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    @staticmethod
    def check(request) -> None:
        session, now = request.session, timezone.now()
        seen, started = _when(session.get(LAST_SEEN)), _when(session.get(SIGNED_IN))
        if seen is None or started is None:  # a session from before the limits: clocks start now
            session[LAST_SEEN] = session[SIGNED_IN] = now.isoformat()
            return
        idle = now - seen > timedelta(minutes=settings.SESSION_IDLE_MINUTES)
        old = now - started > timedelta(seconds=settings.SESSION_COOKIE_AGE)
        if idle or old:
            logout(request)
        elif now - seen >= SEEN_EVERY:
            session[LAST_SEEN] = now.isoformat()


def _when(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
