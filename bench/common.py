"""What the in-process benchmarks share: the site on a fresh database, and an editor's client.
Imported after django.setup(). (admin_save.py and role_page_path.py keep their own copy: they also
run at commits from before the restructure, where this module and roles.seeds do not exist.)"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from roles.seeds.loading import load_seeds


def fresh_site() -> None:
    """Migrate the benchmark's own database and load the seeds; serve static files plainly (the
    manifest of hashed names exists only after collectstatic) to the test client's host."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    load_seeds()


def superuser_client() -> Client:
    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "pw-bench-1")
    client = Client()
    client.force_login(user)
    return client
