"""The read-only JSON API: every response is validated against the OpenAPI 3.1 description."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import resolve
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from kb.api.openapi import description
from roles.models import Quality, Role

pytestmark = pytest.mark.django_db

SPEC = description()
REGISTRY = Registry().with_resource("urn:kb-api", Resource(SPEC, DRAFT202012))
PATHS = {
    "api:index": "/api/v1/",
    "api:role-list": "/api/v1/roles/",
    "api:role": "/api/v1/roles/{key}/",
    "api:quality-list": "/api/v1/qualities/",
    "api:quality": "/api/v1/qualities/{slug}/",
    "api:scenario-list": "/api/v1/scenarios/",
    "api:scenario": "/api/v1/scenarios/{slug}/",
    "api:workplace-list": "/api/v1/workplaces/",
    "api:workplace": "/api/v1/workplaces/{slug}/",
}


def conforms(url: str, response) -> None:
    """The response matches what the OpenAPI description says of this path and status."""
    template = PATHS[resolve(url.split("?")[0]).view_name]
    status = str(response.status_code)
    documented = SPEC["paths"][template]["get"]["responses"]
    assert status in documented, f"{url}: {status} is not documented"
    if status == "304":
        assert response.content == b""
        return
    # The answer described in place, or shared by all (#/components/responses/...).
    answer = f"#/paths/{template.replace('/', '~1')}/get/responses/{status}"
    answer = documented[status].get("$ref", answer)
    schema = {"$ref": f"urn:kb-api{answer}/content/application~1json/schema"}
    assert response["Content-Type"] == "application/json"
    Draft202012Validator(schema, registry=REGISTRY).validate(response.json())


def get(client, url, **meta):
    response = client.get(url, **meta)
    conforms(url, response)
    return response


def test_the_openapi_description_is_valid_openapi_3_1(client):
    validate(SPEC)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.json() == SPEC
    assert response.json()["openapi"] == "3.1.0"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/",
        "/api/v1/roles/",
        "/api/v1/roles/agent/",
        "/api/v1/roles/manager/?lang=da",
        "/api/v1/qualities/",
        "/api/v1/qualities/patience/?lang=el",
        "/api/v1/scenarios/",
        "/api/v1/scenarios/faulty-device/",
        "/api/v1/workplaces/?lang=el",
        "/api/v1/workplaces/retail/",
    ],
)
def test_every_response_matches_the_description(client, seeded, url):
    assert get(client, url).status_code == 200


def test_every_published_object_answers_in_every_language(client, seeded, languages):
    for code in languages:
        for kind in ("roles", "qualities", "scenarios", "workplaces"):
            listing = get(client, f"/api/v1/{kind}/?lang={code}").json()
            assert listing["count"] == len(listing["results"]) > 0
            for item in listing["results"]:
                key = item.get("key") or item["slug"]
                detail = get(client, f"/api/v1/{kind}/{key}/?lang={code}").json()
                assert detail["language"] == code


def test_a_role_in_the_chosen_language_with_its_links_and_status(client, seeded, languages):
    agent = Role.objects.get(key="agent")
    data = get(client, "/api/v1/roles/agent/?lang=el").json()
    assert data["title"] == agent.title_el
    assert data["links"]["permalink"] == "http://testserver/roles/agent/"
    assert data["links"]["pages"] == {
        code: f"http://testserver/{code}/roles/agent/" for code in languages
    }
    assert data["links"]["api"] == "http://testserver/api/v1/roles/agent/"
    assert set(data["translation"]) == set(languages)
    assert data["duties"] and data["qualities"] and data["leads_to"]["key"] == "manager"
    assert data["isco08"] == agent.isco08


def test_a_text_that_falls_back_says_so(client, seeded):
    Role.objects.filter(key="agent").update(summary_da="")
    data = get(client, "/api/v1/roles/agent/?lang=da").json()
    assert data["fallbacks"] == {"summary": "nb"}
    assert data["translation"]["da"]["status"] == "missing"
    assert data["translation"]["da"]["texts"]["missing"] == 1


def test_language_from_accept_language_else_the_default(client, seeded):
    response = get(client, "/api/v1/roles/agent/", HTTP_ACCEPT_LANGUAGE="da, en;q=0.5")
    assert response.json()["language"] == "da" and response["Content-Language"] == "da"
    assert "Accept-Language" in response["Vary"]
    response = get(client, "/api/v1/roles/agent/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.json()["language"] == "nb"
    explicit = get(client, "/api/v1/roles/agent/?lang=el", HTTP_ACCEPT_LANGUAGE="da")
    assert explicit.json()["language"] == "el"


def test_an_unknown_language_is_a_400_listing_the_languages(client, seeded, languages):
    for url in ("/api/v1/roles/?lang=fr", "/api/v1/roles/agent/?lang=<x>", "/api/v1/?lang="):
        response = get(client, url)
        assert response.status_code == 400
        assert response.json()["error"] == "unknown_language"
        assert response.json()["languages"] == languages


def test_an_unknown_or_unpublished_object_is_a_json_404(client, seeded):
    assert get(client, "/api/v1/roles/chef/").json()["error"] == "not_found"
    Quality.objects.filter(slug="patience").update(published=False)
    assert get(client, "/api/v1/qualities/patience/").status_code == 404
    assert "patience" not in client.get("/api/v1/qualities/").content.decode()
    other = client.get("/api/v1/nothing/here")
    assert other.status_code == 404 and other.json()["error"] == "not_found"


def test_conditional_get_answers_304(client, seeded):
    first = get(client, "/api/v1/roles/agent/?lang=da")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert get(client, "/api/v1/roles/agent/?lang=da", HTTP_IF_NONE_MATCH=etag).status_code == 304
    again = get(client, "/api/v1/roles/agent/?lang=da", HTTP_IF_MODIFIED_SINCE=modified)
    assert again.status_code == 304
    # Another language is another representation.
    assert get(client, "/api/v1/roles/agent/?lang=el", HTTP_IF_NONE_MATCH=etag).status_code == 200
    # A change gives a new ETag.
    agent = Role.objects.get(key="agent")
    agent.title_da = "Kundeserviceagent (ny)"
    agent.save()
    changed = get(client, "/api/v1/roles/agent/?lang=da", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_any_origin_may_read(client, seeded):
    response = get(client, "/api/v1/roles/", HTTP_ORIGIN="https://ats.example.com")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]


ADDRESSES = [*(path.format(key="agent", slug="patience") for path in PATHS.values())]
ADDRESSES += ["/api/v1/openapi.json", "/api/v1/qualities/nothing/"]


@pytest.mark.parametrize("url", ADDRESSES)
def test_options_says_what_is_allowed_without_content(client, seeded, url):
    preflight = client.options(url, HTTP_ORIGIN="https://ats.example.com")
    assert preflight.status_code == 204 and preflight.content == b""
    assert preflight["Allow"] == "GET, HEAD, OPTIONS"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert preflight["Access-Control-Allow-Origin"] == "*"
    # No content, so no type (it was text/html).
    assert not preflight.has_header("Content-Type")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "QUERY", "TRACE"])
def test_writing_gets_the_json_405_with_allow_not_the_csrf_page(seeded, method):
    # As browsers and other programs send them: without a CSRF token (the test client's default
    # skips the CSRF check, which hid the HTML 403 page these got before).
    client = Client(enforce_csrf_checks=True)
    for url in ADDRESSES:
        refused = client.generic(method, url, b"{}", content_type="application/json")
        assert refused.status_code == 405, (method, url)
        assert refused["Content-Type"] == "application/json"
        assert refused.json()["error"] == "method_not_allowed"
        assert refused["Allow"] == "GET, HEAD, OPTIONS"
        assert refused["Access-Control-Allow-Origin"] == "*"


def test_only_read_only_views_are_csrf_exempt():
    """Every view under /api/ is CSRF-exempt, so each must refuse to change anything: none of
    them reads the session or the user (the API has no login), and each answers only GET, HEAD
    and OPTIONS (the test above)."""
    from kb.api import urls

    for pattern in urls.urlpatterns:
        assert getattr(pattern.callback, "csrf_exempt", False), pattern
    source = Path(urls.__file__).with_name("views.py").read_text()
    assert "request.user" not in source and "request.session" not in source


@pytest.mark.parametrize(
    "url",
    [
        "/api/",
        "/api/v2/roles/",
        "/api/v1/nothing/here",
        "/api/v1/roles/a%0Ab/",  # a newline, which neither the slug nor `.` matches
        "/api/v1/roles/agent/%0A",  # which `$` would match before
        "/api/v1/roles/agent/extra/",
        "/api/v1/roles//",
        "/api/v1/qualities/%C3%A6/",
    ],
)
def test_any_other_address_under_api_is_the_json_404(seeded, url):
    client = Client(enforce_csrf_checks=True)
    for method in ("GET", "HEAD", "OPTIONS", "POST", "DELETE"):
        response = client.generic(method, url)
        assert response.status_code == 404, (method, url)
        assert response["Content-Type"] == "application/json"
        if method != "HEAD":
            assert response.json()["error"] == "not_found"


def test_answers_are_kept_in_the_page_cache_per_language(client, seeded):
    client.get("/api/v1/roles/?lang=el")
    assert client.get("/api/v1/roles/?lang=el")["X-Cache"] == "hit"
    assert client.get("/api/v1/roles/", HTTP_ACCEPT_LANGUAGE="el")["X-Cache"] == "miss"
    greek = client.get("/api/v1/roles/", HTTP_ACCEPT_LANGUAGE="el")
    assert greek["X-Cache"] == "hit" and greek.json()["language"] == "el"
    danish = client.get("/api/v1/roles/", HTTP_ACCEPT_LANGUAGE="da")
    assert danish["X-Cache"] == "miss" and danish.json()["language"] == "da"
    cached = client.get("/api/v1/roles/agent/?lang=da")
    assert (
        client.get("/api/v1/roles/agent/?lang=da", HTTP_IF_NONE_MATCH=cached["ETag"]).status_code
        == 304
    )


def test_a_role_names_its_current_published_version_with_its_links(client, seeded):
    from roles.versions import publishing

    data = client.get("/api/v1/roles/agent/?lang=el").json()
    assert data["version"]["number"] == 1
    assert data["version"]["permalink"] == "http://testserver/roles/agent/v/1/"
    assert data["version"]["page"] == "http://testserver/el/roles/agent/v/1/"
    before = client.get("/api/v1/roles/agent/?lang=el")

    role = Role.objects.get(key="agent")
    role.summary_el = "Νέα περίληψη."
    role.save()
    version = publishing.publish(role)
    publishing.withdraw(version, user=None, reason="test")  # only the version changes, back to 1
    publishing.publish(Role.objects.get(key="agent"))  # version 3

    after = client.get("/api/v1/roles/agent/?lang=el")
    assert after.json()["version"]["number"] == 3
    # A client holding the first answer is not told it is unchanged.
    again = client.get("/api/v1/roles/agent/?lang=el", HTTP_IF_NONE_MATCH=before["ETag"])
    assert again.status_code == 200
