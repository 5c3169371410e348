"""The reader-facing pages, each under its language's prefix (/<language>/...)."""

from django.urls import path

from roles import feeds
from roles.sharing import employers, job_description
from roles.sharing import views as sharing
from roles.views import compare, pages, training, versions

app_name = "roles"

# Reader-facing pages, inside i18n_patterns (kb/urls.py): /<language>/...
urlpatterns = [
    path("", pages.home, name="home"),
    # Atom feeds of the published versions: the whole site's, and each role's.
    path("feed.atom", feeds.site_feed, name="site-feed"),
    path("roles/<slug:key>/feed.atom", feeds.role_feed, name="role-feed"),
    path("roles/<slug:key>/", pages.role_detail, name="role-detail"),
    path("roles/<slug:key>/for-employers/", employers.role_employers, name="role-employers"),
    # The role's scenarios as cards to print for role-play, with a page for the facilitator.
    path("roles/<slug:key>/training/", training.role_training, name="role-training"),
    path("roles/<slug:key>/v/", versions.role_versions, name="role-versions"),
    path("roles/<slug:key>/v/<int:number>/", versions.role_version, name="role-version"),
    path(
        "roles/<slug:key>/v/<int:number>/og.png",
        sharing.role_version_og_image,
        name="role-version-og-image",
    ),
    # A version's job description as a file for hiring systems, one address per format.
    *(
        path(
            f"roles/<slug:key>/v/<int:number>/job-description.{extension}",
            sharing.role_version_job_description,
            {"extension": extension},
            name="role-version-job-description",
        )
        for extension in job_description.FORMATS
    ),
    # The role's link-preview image in the page's language (og:image).
    path("roles/<slug:key>/og.png", sharing.role_og_image, name="role-og-image"),
    path("qualities/<slug:slug>/", pages.quality_detail, name="quality-detail"),
    path("scenarios/", pages.scenario_list, name="scenario-list"),
    path("scenarios/<slug:slug>/", pages.scenario_detail, name="scenario-detail"),
    path("workplaces/<slug:slug>/", pages.workplace_detail, name="workplace-detail"),
    path("about/", pages.about, name="about"),
    path("compare/", compare.compare, name="compare"),
]
