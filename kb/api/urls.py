"""/api/: the read-only JSON API, version 1 under /api/v1/ (kb/api/views.py)."""

from django.urls import path, re_path

from kb.api import views

app_name = "api"

urlpatterns = [
    path("v1/", views.index, name="index"),
    path("v1/openapi.json", views.openapi, name="openapi"),
    path("v1/roles/", views.role_list, name="role-list"),
    path("v1/roles/<slug:key>/", views.role_detail, name="role"),
    path("v1/qualities/", views.quality_list, name="quality-list"),
    path("v1/qualities/<slug:slug>/", views.quality_detail, name="quality"),
    path("v1/scenarios/", views.scenario_list, name="scenario-list"),
    path("v1/scenarios/<slug:slug>/", views.scenario_detail, name="scenario"),
    path("v1/workplaces/", views.workplace_list, name="workplace-list"),
    path("v1/workplaces/<slug:slug>/", views.workplace_detail, name="workplace"),
    # Any other address under /api/ is the API's JSON 404, not the site's HTML page, whatever the
    # method and whatever its characters: `[\s\S]`, as `.` stops at a newline (/api/v1/roles/a%0Ab/,
    # which the slug converter refuses too, its pattern ending in \Z). (Django reverses no `(?s)`.)
    re_path(r"^(?P<rest>[\s\S]*)$", views.unknown, name="unknown"),
]
