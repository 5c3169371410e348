"""The editorial groups and the termbase: editors keep it and the dismissed warnings; translators
and reviewers read both (a translator dismisses a warning on their language's text)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

NEW_MODELS = ["term", "checkdismissal"]


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    app_config = apps.get_app_config("roles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    new = Permission.objects.filter(
        content_type__app_label="roles", content_type__model__in=NEW_MODELS
    )
    for group in Group.objects.filter(name="Editors"):
        group.permissions.add(*new)
    readers = Group.objects.filter(name__startswith="Translators (") | Group.objects.filter(
        name__startswith="Reviewers ("
    )
    for group in readers:
        group.permissions.add(*new.filter(codename__startswith="view_"))


class Migration(migrations.Migration):
    dependencies = [("roles", "0016_termbase")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
