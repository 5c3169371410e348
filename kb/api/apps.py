"""The read-only JSON API, an app without models."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kb.api"
    label = "api"
    verbose_name = "API"
