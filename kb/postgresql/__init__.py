"""Django's PostgreSQL backend, with the limits a web worker needs against a database that hangs
(ENGINE "kb.postgresql", which kb/settings.py sets for a postgres:// DATABASE_URL)."""
