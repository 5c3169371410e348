from django.contrib.auth.management import create_permissions
from django.db import migrations, models

MODELS = ["contentversion"]


def move(apps, source: str, target: str) -> None:
    """The models' content types, and so their permissions, move with them. One made for the
    target meanwhile (by post_migrate, between two migrate commands) gives way."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=target, model__in=MODELS).delete()
    ContentType.objects.filter(app_label=source, model__in=MODELS).update(app_label=target)


def grant_editors(apps, schema_editor):
    """Editors hold every permission of these models, as they did while the models were in roles
    (a new database has them only now: permissions are normally made after all migrations)."""
    app_config = apps.get_app_config("pagecache")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.add(*Permission.objects.filter(content_type__app_label="pagecache"))


def move_content_types(apps, schema_editor):
    move(apps, "roles", "pagecache")


def move_content_types_back(apps, schema_editor):
    move(apps, "pagecache", "roles")


class Migration(migrations.Migration):
    """The content version, moved from the roles app: its table keeps its name."""

    initial = True

    dependencies = [
        ("roles", "0012_role_versions"),  # which made the group Editors (0004)
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),  # permissions go with content types
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ContentVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("value", models.PositiveBigIntegerField(default=0)),
                    ],
                    options={
                        "verbose_name": "content version",
                        "verbose_name_plural": "content versions",
                        "db_table": "roles_contentversion",
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
        migrations.RunPython(grant_editors, migrations.RunPython.noop),
    ]
