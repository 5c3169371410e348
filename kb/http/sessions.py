"""Editors' sessions: Django's, in the database, refusing a session key Django cannot have made."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS

KEY_CHARS = frozenset(VALID_KEY_CHARS)


class SessionStore(db.SessionStore):
    """A session cookie whose key has characters Django never puts in one is no session, like any
    unknown key. (A NUL, which a quoted cookie can carry as "\\000", made PostgreSQL refuse the
    lookup: a 500 on every page.)"""

    def _validate_session_key(self, key):
        return bool(super()._validate_session_key(key)) and set(key) <= KEY_CHARS
