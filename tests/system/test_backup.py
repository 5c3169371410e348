"""A backup and its restore bring back every text in every language exactly.

The seeded database (migrate, then load_seeds) is dumped and restored into a new, empty database
on the same server with PostgreSQL 15's own tools, as an operator would:

    pg_dump --format=custom --no-owner --file kb.dump --dbname postgres://postgres@HOST:PORT/kb
    createdb --host HOST --port PORT --username postgres --template template0 kb_restored
    pg_restore --no-owner --exit-on-error \\
        --dbname postgres://postgres@HOST:PORT/kb_restored kb.dump

(template0: a database with nothing in it, not even the extensions a site may have added to
template1, which the dump creates itself.) Then, for every model of the roles app that
modeltranslation registers, every translated field's column in every language of
settings.LANGUAGES is compared row by row, as bytes (UTF-8), and every roles table has as many rows
in both databases.
"""

import pytest
from django.apps import apps
from django.conf import settings
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname
from psycopg import sql

from tests.system.conftest import PGBIN, pg_dump, pg_restore, run, temporary_folder

# One worker runs every system test: they share the static files collected once.
pytestmark = [pytest.mark.system, pytest.mark.xdist_group("system")]


def translated_models() -> list:
    return [m for m in translator.get_registered_models() if m._meta.app_label == "roles"]


def translated_columns(model, code: str) -> list[str]:
    """The columns of the model's translated fields in the language `code` (<field>_<code>)."""
    fields = sorted(translator.get_options_for_model(model).fields)
    return [model._meta.get_field(build_localized_fieldname(f, code)).column for f in fields]


def texts(connection, model, columns: list[str]) -> list[tuple]:
    """Each row's primary key and the columns' values as UTF-8 bytes, in key order."""
    as_bytes = [sql.SQL("convert_to({}, 'UTF8')").format(sql.Identifier(c)) for c in columns]
    query = sql.SQL("SELECT {pk}, {columns} FROM {table} ORDER BY {pk}").format(
        pk=sql.Identifier(model._meta.pk.column),
        columns=sql.SQL(", ").join(as_bytes),
        table=sql.Identifier(model._meta.db_table),
    )
    return connection.execute(query).fetchall()


def row_count(connection, table: str) -> int:
    query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
    return connection.execute(query).fetchone()[0]


def test_a_dump_restored_into_an_empty_database_brings_back_every_text(pg_cluster, seeded_database):
    restored = "sys_restored"
    with temporary_folder("backup") as folder:
        dump = folder / "kb.dump"
        pg_dump(pg_cluster.url(seeded_database), dump)
        run([str(PGBIN / "createdb"), "--host", "127.0.0.1", "--port", str(pg_cluster.port),
             "--username", "postgres", "--template", "template0", restored])  # fmt: skip
        pg_restore(dump, pg_cluster.url(restored))

    models = translated_models()
    assert {"Role", "Quality", "Scenario", "Duty"} <= {model.__name__ for model in models}
    tables = sorted(
        model._meta.db_table
        for model in apps.get_app_config("roles").get_models(include_auto_created=True)
    )
    with pg_cluster.connect(seeded_database) as before, pg_cluster.connect(restored) as after:
        for table in tables:
            assert row_count(after, table) == row_count(before, table), table
        compared = dict.fromkeys((code for code, _name in settings.LANGUAGES), 0)
        for model in models:
            for code in compared:
                columns = translated_columns(model, code)
                original = texts(before, model, columns)
                assert texts(after, model, columns) == original, (model.__name__, code)
                compared[code] += sum(1 for row in original for value in row[1:] if value)
    # Not a comparison of empty tables: the seeds have texts in every language.
    assert all(count > 100 for count in compared.values()), compared
