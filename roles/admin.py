"""The admin's registrations live with the editorial workflow: roles/editorial/admin.py."""

import roles.editorial.admin  # noqa: F401 (registers the models with the admin site)
from roles.editorial.groups import show_translated_names

show_translated_names()
