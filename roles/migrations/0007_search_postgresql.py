"""On PostgreSQL: the extensions search needs, and its indexes (GIN over the text-search vector and
over the unaccented text with trigrams). Nothing on other databases."""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations

INDEXES = [
    "CREATE INDEX IF NOT EXISTS search_entry_document ON roles_searchentry USING gin (document)",
    "CREATE INDEX IF NOT EXISTS search_entry_plain_trgm "
    "ON roles_searchentry USING gin (plain gin_trgm_ops)",
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in INDEXES:
            schema_editor.execute(statement)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_document")
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_plain_trgm")


class Migration(migrations.Migration):
    dependencies = [("roles", "0006_search")]

    operations = [
        CreateExtension("unaccent"),
        CreateExtension("pg_trgm"),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
