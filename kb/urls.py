from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from roles import admin_translation_files, admin_views, views
from roles.sitemaps import SITEMAPS

ADMIN = settings.ADMIN_PATH  # "admin/" unless ADMIN_PATH says otherwise

urlpatterns = [
    path(f"{ADMIN}translation-files/", include(admin_translation_files.urls())),
    path(f"{ADMIN}content/", include(admin_views.urls())),
    path(ADMIN, admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/", include("roles.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("language/<str:code>/", views.switch_language, name="switch-language"),
    # Sharing a role: its card for iframes, oEmbed, and its QR code as a file.
    path("embed/roles/<slug:key>/", views.embed_role, name="embed-role"),
    path(
        "embed/roles/<slug:key>/v/<int:number>/",
        views.embed_role_version,
        name="embed-role-version",
    ),
    path("oembed", views.oembed, name="oembed"),
    path("roles/<slug:key>/qr.svg", views.role_qr, name="role-qr"),
    # Language-neutral permalinks for job postings: they redirect to the reader's language.
    path("roles/<slug:key>/", views.role_permalink, name="role-permalink"),
    path(
        "roles/<slug:key>/v/<int:number>/",
        views.role_version_permalink,
        name="role-version-permalink",
    ),
    path("qualities/<slug:slug>/", views.quality_permalink, name="quality-permalink"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
]

# Reader-facing pages carry their language in the path: /<language>/...
urlpatterns += i18n_patterns(path("", include("roles.urls")))

handler400 = "roles.views.bad_request"
handler403 = "roles.views.permission_denied"
handler404 = "roles.views.page_not_found"
handler500 = "roles.views.server_error"
