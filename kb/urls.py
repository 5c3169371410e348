"""The site's URLs: the admin, the API, sharing, permalinks and site-wide pages, then the
reader-facing pages under each language's prefix."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from kb.http import views as site
from kb.twofactor import views as twofactor
from roles.editorial import dashboard, file_views
from roles.sharing import views as sharing
from roles.sitemaps import SITEMAPS
from roles.views import pages

ADMIN = settings.ADMIN_PATH  # "admin/" unless ADMIN_PATH says otherwise

urlpatterns = [
    path(f"{ADMIN}translation-files/", include(file_views.urls())),
    path(f"{ADMIN}content/", include(dashboard.urls())),
    path(f"{ADMIN}two-factor/", include(twofactor.urls())),
    path(ADMIN, admin.site.urls),
    path("healthz", site.healthz, name="healthz"),
    path("api/", include("kb.api.urls")),  # /api/v1/ and the API's JSON 404 for the rest of /api/
    path("i18n/", include("django.conf.urls.i18n")),
    path("language/<str:code>/", site.switch_language, name="switch-language"),
    # Sharing a role: its card for iframes, oEmbed, and its QR code as a file.
    path("embed/roles/<slug:key>/", sharing.embed_role, name="embed-role"),
    path(
        "embed/roles/<slug:key>/v/<int:number>/",
        sharing.embed_role_version,
        name="embed-role-version",
    ),
    # The card in a frame of its suggested size, as a job posting shows it.
    path("embed/roles/<slug:key>/preview/", sharing.embed_preview, name="embed-role-preview"),
    path(
        "embed/roles/<slug:key>/v/<int:number>/preview/",
        sharing.embed_preview,
        name="embed-role-version-preview",
    ),
    path("oembed", sharing.oembed, name="oembed"),
    path("roles/<slug:key>/qr.svg", sharing.role_qr, name="role-qr"),
    # Language-neutral permalinks for job postings: they redirect to the reader's language.
    path("roles/<slug:key>/", pages.role_permalink, name="role-permalink"),
    path(
        "roles/<slug:key>/v/<int:number>/",
        pages.role_version_permalink,
        name="role-version-permalink",
    ),
    path("qualities/<slug:slug>/", pages.quality_permalink, name="quality-permalink"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", site.robots_txt, name="robots-txt"),
    path("favicon.ico", site.favicon, name="favicon"),
]

# Reader-facing pages carry their language in the path: /<language>/...
urlpatterns += i18n_patterns(
    path("", include("roles.urls")),
    path("search/", include("kb.search.urls")),
)

handler400 = "kb.http.views.bad_request"
handler403 = "kb.http.views.permission_denied"
handler404 = "kb.http.views.page_not_found"
handler500 = "kb.http.views.server_error"
