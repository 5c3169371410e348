"""The content app: it watches its own changes (roles.changes) once its models are loaded, gives
SQLite the languages' collations (roles.collation), and checks that each language of LANGUAGES
has what it needs (roles.languages, roles.collation)."""

from django.apps import AppConfig
from django.core import checks
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

from roles import changes, collation, languages


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = _("Customer service roles")

    def ready(self):
        changes.watch()
        checks.register(changes.check_bulk_writes)
        checks.register(languages.check_languages)
        checks.register(collation.check_collations, checks.Tags.database)
        languages.register_language_info()
        connection_created.connect(collation.install, dispatch_uid="roles.collation")
