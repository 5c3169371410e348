"""Faster search at scale (issue 5).

- Typo tolerance moves from a trigram index over every text (`SearchEntry.plain`) to a lexicon of the
  words in public texts (`SearchWord`), a few thousand rows that a trigram index answers at once.
- Full-text search uses one GIN index over (language, document) for public entries (btree_gin), so a
  query reads only its own language's entries instead of intersecting two indexes.
On other databases only the tables change.
"""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations, models

FORWARD = [
    "DROP INDEX IF EXISTS search_entry_document",
    "CREATE INDEX IF NOT EXISTS search_entry_public_document "
    "ON roles_searchentry USING gin (language, document) WHERE public",
    "CREATE INDEX IF NOT EXISTS search_word_trgm "
    "ON roles_searchword USING gin (language, folded gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_public_document",
    "DROP INDEX IF EXISTS search_word_trgm",
    "CREATE INDEX IF NOT EXISTS search_entry_document ON roles_searchentry USING gin (document)",
]


def fill_lexicon(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        schema_editor.execute(statement)
    schema_editor.execute(
        "INSERT INTO roles_searchword (language, word, folded) "
        "SELECT DISTINCT language, word, unaccent(word) "
        "FROM roles_searchentry, "
        "unnest(tsvector_to_array(to_tsvector('simple', title || ' ' || body))) AS word "
        "WHERE public AND length(word) BETWEEN 3 AND 60 ON CONFLICT DO NOTHING"
    )


def empty_lexicon(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('roles', '0008_order_integer'),
    ]

    operations = [
        CreateExtension("btree_gin"),
        migrations.RemoveField(
            model_name='searchentry',
            name='plain',
        ),
        migrations.CreateModel(
            name='SearchWord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(choices=[('nb', 'Norwegian Bokmål'), ('el', 'Greek'), ('da', 'Danish')], max_length=10, verbose_name='language')),
                ('word', models.CharField(max_length=60, verbose_name='word')),
                ('folded', models.CharField(max_length=60, verbose_name='word without accents')),
            ],
            options={
                'verbose_name': 'search word',
                'verbose_name_plural': 'search words',
                'constraints': [models.UniqueConstraint(fields=('language', 'word'), name='search_word_unique')],
            },
        ),
        migrations.RunPython(fill_lexicon, empty_lexicon),
    ]
