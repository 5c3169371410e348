"""Reads compiled once. A page that runs the same few queries on every request has the ORM build
and compile each of them once per process, database and language, then runs that SQL with the
request's argument through a cursor, and takes its rows as plain dicts.

The SQL is the ORM's own, so a model's table, columns, filters and order are stated once, as
QuerySets. What is saved is the ORM's work on every request: building a QuerySet (with
modeltranslation, a new QuerySet class each time), compiling it, and making a model instance of
each row. On the role page that was about 1 ms a query, some forty times what the database took
to answer it (docs/BENCHMARKS.md, "Rendering (issue 18)").

The rows come as the ORM's values() would return them, with its conversions of their values.
"""

from collections.abc import Callable

from django.core.signals import setting_changed
from django.db import connections
from django.db.models import QuerySet
from django.dispatch import receiver

_all: list["Compiled"] = []


class Compiled:
    """A values_list() QuerySet, compiled once per database, language and variant.

    `build(argument, language, variant)` returns the QuerySet; it filters on `argument`, which
    stands for the value each run gives: `placeholder` while the ORM compiles it, a value that
    must appear exactly once among the compiled query's parameters."""

    def __init__(self, build: Callable[..., QuerySet], *, placeholder):
        self.build = build
        self.placeholder = placeholder
        self._sql: dict[tuple, tuple[str, list, int, list]] = {}
        _all.append(self)

    def _compiled(self, using: str, language: str, variant) -> tuple:
        key = (using, language, variant)
        if key not in self._sql:
            queryset = self.build(self.placeholder, language, variant)
            compiler = queryset.query.get_compiler(using)
            sql, params = compiler.as_sql()
            at = [i for i, value in enumerate(params) if value == self.placeholder]
            if len(at) != 1:
                raise ValueError(f"the argument appears {len(at)} times in {sql!r}")
            # The columns by the names values_list() was given (modeltranslation's QuerySet may
            # select them in another order, each under its name), and the conversions the ORM
            # makes of their values (SQLite's dates and JSON are text).
            names = [alias or column.target.attname for column, _sql, alias in compiler.select]
            converters = compiler.get_converters(
                [column for column, _sql, _alias in compiler.select]
            )
            self._sql[key] = (sql, list(params), at[0], names, list(converters.items()))
        return self._sql[key]

    def rows(self, argument, language: str, variant=None, *, using: str = "default"):
        """The rows of the query for `argument`, each a dict by the values_list() names."""
        sql, params, at, names, converters = self._compiled(using, language, variant)
        params = params.copy()
        params[at] = argument
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = [list(row) for row in rows]
            for row in rows:
                for index, (functions, column) in converters:
                    for function in functions:
                        row[index] = function(row[index], column, connection)
        return [dict(zip(names, row, strict=True)) for row in rows]

    def forget(self):
        self._sql.clear()


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    # Tests that change the languages or the databases compile the queries again.
    if setting in (
        "LANGUAGES",
        "LANGUAGE_CODE",
        "MODELTRANSLATION_FALLBACK_LANGUAGES",
        "DATABASES",
    ):
        for compiled in _all:
            compiled.forget()
