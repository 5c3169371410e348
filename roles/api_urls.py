"""/api/v1/: the read-only JSON API (roles/api.py)."""

from django.urls import path, re_path

from roles import api

app_name = "api"

urlpatterns = [
    path("", api.index, name="index"),
    path("openapi.json", api.openapi, name="openapi"),
    path("roles/", api.role_list, name="role-list"),
    path("roles/<slug:key>/", api.role_detail, name="role"),
    path("qualities/", api.quality_list, name="quality-list"),
    path("qualities/<slug:slug>/", api.quality_detail, name="quality"),
    path("scenarios/", api.scenario_list, name="scenario-list"),
    path("scenarios/<slug:slug>/", api.scenario_detail, name="scenario"),
    path("workplaces/", api.workplace_list, name="workplace-list"),
    path("workplaces/<slug:slug>/", api.workplace_detail, name="workplace"),
    # Anything else under /api/ is a JSON 404, not the site's HTML page.
    re_path(r"^(?P<rest>.*)$", api.unknown),
]
