"""What shared caches (a CDN, nginx's proxy_cache) may keep: public pages for EDGE_CACHE_SECONDS,
then stale while revalidated or while the site is down; nothing with a session, a cookie, a CSRF
token, an error or a language chosen from the reader's headers (issue 18, part 3). The system test
tests/system/test_scale_out.py runs the pages through nginx's cache."""

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import path

from roles.models import Role

pytestmark = pytest.mark.django_db

PUBLIC = "public, max-age=0, s-maxage=60, stale-while-revalidate=30, stale-if-error=86400"


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


SHOWS_DRAFTS = {
    "/nb/",
    "/el/roles/agent/",
    "/da/qualities/patience/",
    "/nb/compare/?roles=agent&roles=manager",
    "/embed/roles/agent/?lang=da",
    "/oembed?url=http://testserver/nb/roles/agent/",
    "/roles/agent/qr.svg",
}


@pytest.mark.parametrize(
    "address",
    [
        "/nb/",
        "/el/roles/agent/",
        "/da/qualities/patience/",
        "/nb/search/?q=kunde",
        "/nb/compare/?roles=agent&roles=manager",
        "/sitemap.xml",
        "/robots.txt",
        "/api/v1/roles/agent/",
        "/api/v1/roles/?lang=el",
        "/embed/roles/agent/?lang=da",
        "/oembed?url=http://testserver/nb/roles/agent/",
        "/roles/agent/qr.svg",
    ],
)
def test_public_pages_may_be_kept_by_shared_caches_for_a_short_while(client, seeded, address):
    first, second = client.get(address), client.get(address)
    assert first.status_code == 200, address
    assert first["Cache-Control"] == PUBLIC
    assert second["Cache-Control"] == PUBLIC  # a kept page too, if kept
    # A page that shows editors their drafts varies on Cookie; one that is the same for every
    # reader does not, so that a shared cache keeps one copy of it whatever cookies come.
    assert ("cookie" in first.get("Vary", "").lower()) == (address in SHOWS_DRAFTS), address


def test_images_keep_their_hour_in_browsers_and_get_the_edges_lifetime(client, seeded):
    image = client.get("/nb/roles/agent/og.png")
    assert directives(image) == {
        "public", "max-age=3600", "s-maxage=60", "stale-while-revalidate=30",
        "stale-if-error=86400",
    }  # fmt: skip


def test_the_lifetimes_are_settings(client, seeded, settings):
    settings.EDGE_CACHE_SECONDS = 3
    settings.EDGE_STALE_WHILE_REVALIDATE_SECONDS = 7
    settings.EDGE_STALE_IF_ERROR_SECONDS = 600
    assert directives(client.get("/nb/")) == {
        "public", "max-age=0", "s-maxage=3", "stale-while-revalidate=7", "stale-if-error=600"
    }  # fmt: skip
    settings.EDGE_CACHE_SECONDS = 0
    assert client.get("/el/")["Cache-Control"] == "no-cache"


def test_a_language_chosen_from_the_readers_headers_varies_on_them(client, seeded):
    api = client.get("/api/v1/roles/agent/", HTTP_ACCEPT_LANGUAGE="el")
    assert "accept-language" in api["Vary"].lower() and "public" in directives(api)
    compressed = client.get("/nb/roles/agent/", HTTP_ACCEPT_ENCODING="br")
    assert "accept-encoding" in compressed["Vary"].lower()


def test_editors_pages_are_private(editor_client, seeded):
    for address in ("/nb/roles/agent/", "/nb/roles/agent/og.png", "/api/v1/roles/agent/"):
        response = editor_client.get(address)
        assert response.status_code == 200
        assert {"private", "no-cache"} <= directives(response), address
        assert "public" not in directives(response) and "s-maxage=60" not in directives(response)


def test_a_readers_cookie_without_a_session_still_gets_the_public_page(seeded):
    reader = Client()
    reader.cookies["django_language"] = "da"
    assert reader.get("/nb/roles/agent/")["Cache-Control"] == PUBLIC


def test_a_drafts_preview_stays_private(editor_client, seeded):
    Role.objects.filter(key="manager").update(published=False)
    card = editor_client.get("/embed/roles/manager/")
    assert card.status_code == 200 and {"private", "no-cache"} <= directives(card)


def test_the_admin_is_never_kept(client, editor_client, seeded):
    assert "private" in directives(client.get("/admin/login/"))
    assert "private" in directives(editor_client.get("/admin/"))


def test_redirects_to_the_readers_language_are_private(client, seeded):
    for address in ("/roles/agent/", "/qualities/patience/", "/"):
        response = client.get(address, HTTP_ACCEPT_LANGUAGE="el")
        assert response.status_code == 302, address
        assert directives(response) == {"private", "no-cache"}, address


def test_the_language_switchers_answer_sets_a_cookie_and_is_private(client, seeded):
    response = client.get("/language/da/?next=/nb/")
    assert response.cookies and directives(response) == {"private", "no-cache"}


def test_errors_and_answers_to_forms_are_never_stored(client, seeded):
    assert client.get("/nb/no-such-page/")["Cache-Control"] == "no-store"
    assert client.get("/api/v1/roles/nosuch/")["Cache-Control"] == "no-store"
    assert client.get("/embed/roles/nosuch/")["Cache-Control"] == "no-store"
    assert client.post("/i18n/setlang/", {"language": "da"})["Cache-Control"] == "no-store"
    assert client.post("/nb/search/")["Cache-Control"] == "no-store"
    assert client.get("/healthz")["Cache-Control"] == "no-store"


# A page with a form (a CSRF token), in a URLconf of its own.


def form(request):
    return HttpResponse(f"<form>{get_token(request)}</form>")


urlpatterns = [path("form/", form)]


def test_a_page_with_a_csrf_token_is_private(client, settings):
    settings.ROOT_URLCONF = __name__
    assert {"private", "no-cache"} <= directives(client.get("/form/"))
    client.cookies["csrftoken"] = "a" * 32  # a token already: no new cookie, still private
    assert {"private", "no-cache"} <= directives(client.get("/form/"))


def test_the_apis_own_304_says_what_its_200_says(client, seeded, settings):
    settings.PAGE_CACHE = False  # the API's view answers the conditional request itself
    etag = client.get("/api/v1/roles/agent/?lang=da")["ETag"]
    response = client.get("/api/v1/roles/agent/?lang=da", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response["Cache-Control"] == PUBLIC


def test_pages_kept_under_other_lifetimes_are_not_served(settings):
    from kb.pagecache import store

    store.release.cache_clear()
    try:
        before = store.release()
        settings.EDGE_CACHE_SECONDS = 5  # as after a restart with another value
        store.release.cache_clear()
        assert store.release() != before  # another key for every page
    finally:
        store.release.cache_clear()


def test_nginxs_cache_goes_past_readers_with_a_session_as_the_docs_install_it():
    from django.conf import settings

    deploy = Path(settings.BASE_DIR) / "deploy" / "nginx"
    proxy = (deploy / "kb-proxy.conf").read_text()
    cookie = f"$cookie_{settings.SESSION_COOKIE_NAME}"
    assert re.search(rf"^proxy_cache_bypass .*\{cookie}\b", proxy, re.M)
    assert re.search(rf"^proxy_no_cache .*\{cookie}\b", proxy, re.M)
    docs = (Path(settings.BASE_DIR) / "docs" / "DEPLOY.md").read_text()
    assert "include /etc/nginx/snippets/kb-proxy.conf;" in docs
    assert "deploy/nginx/kb-cache.conf /etc/nginx/conf.d/" in docs
