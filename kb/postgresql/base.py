"""Django's PostgreSQL backend, whose connections give up on a database that does not answer.

A database that refuses connections fails fast on its own; one that hangs (a frozen server, a lost
network) does not: its statement_timeout cannot fire, and TCP keepalives are answered by the
server's kernel. So, in gunicorn's workers (kb.outages.limit_database_waits):

- a wait for any answer ends after DATABASE_QUERY_TIMEOUT seconds: the connection is closed (its
  answer may still come) and the database taken for away (kb.outages.database), as when a
  connection attempt fails (connect_timeout, DATABASE_CONNECT_TIMEOUT);
- while it is away, connecting and querying fail at once, but for one try per back-off;
- PostgreSQL itself cancels a statement a second sooner (statement_timeout) and a lock wait after
  half the time (lock_timeout), so that a slow query is an error of its own, not an outage.

A connection lost on its own (a restarted server, a killed backend) is not an outage either: the
next connection attempt tells. Management commands (migrations, imports) wait as long as they
need.
"""

import types

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base
from psycopg.connection import _WAIT_INTERVAL
from psycopg.errors import _WaitTimeout
from psycopg.waiting import READY_R

from kb import outages


class Connection(psycopg.Connection):
    """psycopg's connection, reporting to kb.outages.database and refused while it is away."""

    @classmethod
    def connect(cls, conninfo: str = "", **kwargs):
        if not outages.database.admits():
            raise psycopg.OperationalError("the database is unreachable (not tried again yet)")
        asked = outages.now()
        try:
            connection = super().connect(conninfo, **kwargs)
        except psycopg.Error as error:
            if outages.database_unreachable(error):
                outages.database.failed(error)
            else:  # the server answered, with an error (a wrong password, no such database)
                outages.database.succeeded(asked=asked)
            raise
        outages.database.succeeded(asked=asked)
        return connection

    def wait(self, gen, interval=_WAIT_INTERVAL, timeout=None):
        if not outages.database.admits():
            gen.close()
            raise psycopg.OperationalError("the database is unreachable (not tried again yet)")
        limit = settings.DATABASE_QUERY_TIMEOUT if outages.database_waits_limited() else 0
        # A caller's own timeout (psycopg's notifies and cancellation have one) is left alone.
        own = timeout is not None
        asked = outages.now()
        # While the database is taken for away, this is the one try of its back-off: only an
        # answer read from the server ends the outage (setting autocommit reads nothing).
        heard = [] if outages.database.down else [True]
        if not heard:
            gen = _noting_answers(gen, heard)
        try:
            result = super().wait(gen, interval, timeout if own else limit or None)
        except _WaitTimeout:
            if own:
                raise
            # Its answer may still come, into a connection nobody will read again.
            self.close()
            error = psycopg.OperationalError(f"no answer from the database in {limit} s")
            outages.database.failed(error)
            raise error from None
        except psycopg.Error as error:
            # A lost connection (a restarted server, a killed backend) is not taken for an
            # outage: Django opens a new one, and whether that succeeds tells.
            if heard and not outages.database_unreachable(error):
                outages.database.succeeded(asked=asked)  # the server answered, with an error
            raise
        if heard:
            outages.database.succeeded(asked=asked)
        else:
            outages.database.give_back()
        return result


def _noting_answers(gen, heard: list):
    """psycopg's generator `gen` as it is, noting in `heard` when the socket had something from
    the server to read."""
    try:
        state = next(gen)
        while True:
            ready = yield state
            if ready & READY_R:
                heard.append(True)
            state = gen.send(ready)
    except StopIteration as done:
        return done.value


# psycopg as Django's backend sees it, except that its connections are the Connection above.
driver = types.SimpleNamespace(**vars(psycopg))
driver.connect = Connection.connect


class DatabaseWrapper(base.DatabaseWrapper):
    Database = driver

    def get_connection_params(self):
        params = super().get_connection_params()
        seconds = settings.DATABASE_QUERY_TIMEOUT
        if outages.database_waits_limited() and seconds:
            statement = max(seconds * 1000 - 1000, seconds * 500)
            limits = f"-c statement_timeout={statement} -c lock_timeout={seconds * 500}"
            params["options"] = f"{params.get('options', '')} {limits}".strip()
        return params
