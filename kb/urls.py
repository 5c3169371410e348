from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from roles import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Language-neutral permalinks for job postings: they redirect to the reader's language.
    path("roles/<slug:key>/", views.role_permalink, name="role-permalink"),
]

# Reader-facing pages carry their language in the path: /nb/, /el/, /da/.
urlpatterns += i18n_patterns(path("", include("roles.urls")))

handler400 = "roles.views.bad_request"
handler404 = "roles.views.page_not_found"
handler500 = "roles.views.server_error"
