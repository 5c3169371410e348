"""The search page, inside the reader's language: /<language>/search/."""

from django.urls import path

from kb.search.views import search_page

app_name = "search"

urlpatterns = [path("", search_page, name="search")]
