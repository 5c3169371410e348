"""ASGI entry point (uvicorn, daphne)."""

import os

from django.core.asgi import get_asgi_application

from kb import content_type

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")

# A Content-Type Django cannot read fails a request before any error page: see kb/content_type.py.
application = content_type.asgi(get_asgi_application())
