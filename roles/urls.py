from django.urls import path

from roles import views

app_name = "roles"

urlpatterns = [
    path("", views.home, name="home"),
    path("roles/<slug:key>/", views.role_detail, name="role-detail"),
]
