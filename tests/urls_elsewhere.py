"""Another URLconf, where oEmbed has another address (tests/roles/test_addresses.py)."""

from django.urls import path

from roles.sharing import views

urlpatterns = [path("elsewhere/oembed", views.oembed, name="oembed")]
