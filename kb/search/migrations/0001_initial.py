import django.contrib.postgres.search
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

MODELS = ["searchentry", "searchword"]


def move(apps, source: str, target: str) -> None:
    """The models' content types, and so their permissions, move with them. One made for the
    target meanwhile (by post_migrate, between two migrate commands) gives way."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=target, model__in=MODELS).delete()
    ContentType.objects.filter(app_label=source, model__in=MODELS).update(app_label=target)


def grant_editors(apps, schema_editor):
    """Editors hold every permission of these models, as they did while the models were in roles
    (a new database has them only now: permissions are normally made after all migrations)."""
    app_config = apps.get_app_config("search")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.add(*Permission.objects.filter(content_type__app_label="search"))


def move_content_types(apps, schema_editor):
    move(apps, "roles", "search")


def move_content_types_back(apps, schema_editor):
    move(apps, "search", "roles")


class Migration(migrations.Migration):
    """The search index's models, moved from the roles app: their tables keep their names."""

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
                    name="SearchEntry",
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
                        ("kind", models.CharField(max_length=20, verbose_name="kind")),
                        ("object_id", models.PositiveBigIntegerField(verbose_name="object")),
                        (
                            "language",
                            models.CharField(
                                choices=[
                                    ("nb", "Norwegian Bokmål"),
                                    ("el", "Greek"),
                                    ("da", "Danish"),
                                ],
                                max_length=10,
                                verbose_name="language",
                            ),
                        ),
                        ("public", models.BooleanField(default=False, verbose_name="public")),
                        ("title", models.TextField(verbose_name="title")),
                        ("body", models.TextField(blank=True, verbose_name="body")),
                        ("url", models.CharField(max_length=300, verbose_name="address")),
                        ("document", django.contrib.postgres.search.SearchVectorField(null=True)),
                    ],
                    options={
                        "verbose_name": "search entry",
                        "verbose_name_plural": "search entries",
                        "db_table": "roles_searchentry",
                        "indexes": [
                            models.Index(
                                fields=["language", "public"], name="search_entry_language"
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("kind", "object_id", "language"), name="search_entry_unique"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SearchWord",
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
                        (
                            "language",
                            models.CharField(
                                choices=[
                                    ("nb", "Norwegian Bokmål"),
                                    ("el", "Greek"),
                                    ("da", "Danish"),
                                ],
                                max_length=10,
                                verbose_name="language",
                            ),
                        ),
                        ("word", models.CharField(max_length=60, verbose_name="word")),
                        (
                            "folded",
                            models.CharField(max_length=60, verbose_name="word without accents"),
                        ),
                    ],
                    options={
                        "verbose_name": "search word",
                        "verbose_name_plural": "search words",
                        "db_table": "roles_searchword",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("language", "word"), name="search_word_unique"
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
        migrations.RunPython(grant_editors, migrations.RunPython.noop),
    ]
