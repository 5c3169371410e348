"""The admin's registrations live with the editorial workflow: roles/editorial/admin.py."""

from roles.editorial import admin  # noqa: F401
