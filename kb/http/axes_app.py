"""django-axes with a name in the admin's language (axes' own app has none, so the admin said
"Axes" in every language)."""

from axes.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AppConfig):
    verbose_name = _("Login security")
