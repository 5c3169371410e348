"""The admin's registrations live with the editorial workflow: roles/editorial/admin.py."""

import roles.editorial.admin  # noqa: F401 (registers the models with the admin site)
