from django.db import migrations, models


def move_content_types(apps, schema_editor):
    """Their content types (and so their permissions) move with them."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="roles", model__in=["contentversion"]).update(
        app_label="pagecache"
    )


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="pagecache", model__in=["contentversion"]).update(
        app_label="roles"
    )


class Migration(migrations.Migration):
    """The content version, moved from the roles app: its table keeps its name."""

    initial = True

    dependencies = [
        ("roles", "0012_role_versions"),
        ("contenttypes", "0002_remove_content_type_name"),
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
    ]
