"""The admin's registrations live with the editorial workflow: roles/editorial/admin.py (the
content), versions_admin.py (published versions) and checks/admin.py (the termbase, dismissals)."""

import roles.editorial.admin
import roles.editorial.checks.admin
import roles.editorial.versions_admin  # noqa: F401
from roles.editorial.groups import show_translated_names

show_translated_names()
