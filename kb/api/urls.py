"""/api/v1/: the read-only JSON API (kb/api/views.py)."""

from django.urls import path, re_path

from kb.api import views

app_name = "api"

urlpatterns = [
    path("", views.index, name="index"),
    path("openapi.json", views.openapi, name="openapi"),
    path("roles/", views.role_list, name="role-list"),
    path("roles/<slug:key>/", views.role_detail, name="role"),
    path("qualities/", views.quality_list, name="quality-list"),
    path("qualities/<slug:slug>/", views.quality_detail, name="quality"),
    path("scenarios/", views.scenario_list, name="scenario-list"),
    path("scenarios/<slug:slug>/", views.scenario_detail, name="scenario"),
    path("workplaces/", views.workplace_list, name="workplace-list"),
    path("workplaces/<slug:slug>/", views.workplace_detail, name="workplace"),
    # Anything else under /api/ is a JSON 404, not the site's HTML page.
    re_path(r"^(?P<rest>.*)$", views.unknown),
]
