"""The editorial groups: editors, and per language of settings.LANGUAGES its translators and its
reviewers. Run again (a new migration calling `create_groups`) when a language is added."""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = ["role", "duty", "quality", "rolequality", "scenario", "workplace", "source"]


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    roles = Permission.objects.filter(content_type__app_label="roles")

    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*roles)
    for code, _name in settings.LANGUAGES:
        translators, _ = Group.objects.get_or_create(name=f"Translators ({code})")
        translators.permissions.add(
            *roles.filter(codename__in=[f"view_{m}" for m in CONTENT_MODELS]),
            *roles.filter(codename__in=[f"change_{m}" for m in CONTENT_MODELS]),
            *roles.filter(codename=f"translate_{code}"),
        )
        reviewers, _ = Group.objects.get_or_create(name=f"Reviewers ({code})")
        reviewers.permissions.add(
            *roles.filter(codename__in=[f"view_{m}" for m in CONTENT_MODELS]),
            *roles.filter(codename=f"review_{code}"),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0003_text_status"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
