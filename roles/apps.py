"""The content app: it watches its own changes (roles.changes) once its models are loaded, and
gives SQLite the languages' collations (roles.collation)."""

from django.apps import AppConfig
from django.core import checks
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

from roles import changes, collation


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = _("Customer service roles")

    def ready(self):
        changes.watch()
        checks.register(changes.check_bulk_writes)
        connection_created.connect(collation.install, dispatch_uid="roles.collation")
