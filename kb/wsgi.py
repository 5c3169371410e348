"""WSGI entry point (gunicorn, mod_wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from kb import content_type

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")

# A Content-Type Django cannot read fails a request before any error page: see kb/content_type.py.
application = content_type.wsgi(get_wsgi_application())
