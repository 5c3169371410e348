from django.urls import path

from roles import views

app_name = "roles"

# Reader-facing pages, inside i18n_patterns (kb/urls.py): /<language>/...
urlpatterns = [
    path("", views.home, name="home"),
    path("roles/<slug:key>/", views.role_detail, name="role-detail"),
    path("roles/<slug:key>/v/", views.role_versions, name="role-versions"),
    path("roles/<slug:key>/v/<int:number>/", views.role_version, name="role-version"),
    path(
        "roles/<slug:key>/v/<int:number>/og.png",
        views.role_version_og_image,
        name="role-version-og-image",
    ),
    # The role's link-preview image in the page's language (og:image).
    path("roles/<slug:key>/og.png", views.role_og_image, name="role-og-image"),
    path("qualities/<slug:slug>/", views.quality_detail, name="quality-detail"),
    path("scenarios/", views.scenario_list, name="scenario-list"),
    path("scenarios/<slug:slug>/", views.scenario_detail, name="scenario-detail"),
    path("workplaces/<slug:slug>/", views.workplace_detail, name="workplace-detail"),
    path("about/", views.about, name="about"),
    path("search/", views.search_page, name="search"),
    path("compare/", views.compare, name="compare"),
]
