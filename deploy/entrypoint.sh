#!/bin/sh
# Container entry point (deploy/compose.yaml): bring the database schema up to date, then run the
# given command, by default gunicorn. Set MIGRATE_ON_START=0 on all but one app container when you
# run several, so that they do not migrate at the same time.
set -eu

cd "$(dirname "$0")/.."
if [ "${MIGRATE_ON_START:-1}" = 1 ]; then
  python manage.py migrate --no-input
fi

if [ "$#" -eq 0 ]; then
  set -- gunicorn -c kb/gunicorn.conf.py kb.wsgi
fi
exec "$@"
