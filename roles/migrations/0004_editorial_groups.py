"""The editorial groups: editors, and per language of settings.LANGUAGES its translators and its
reviewers (roles.editorial.groups.create_groups). A language added later gets its groups from a
migration of its own calling the same function (docs/ADDING-A-LANGUAGE.md)."""

from django.db import migrations

from roles.editorial import groups


def create_groups(apps, schema_editor):
    groups.create_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0003_text_status"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
