import pytest
from django.conf import settings
from django.test import Client

from roles.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", ["associate", "agent", "manager"])
def test_a_permalink_without_a_language_goes_to_the_default_language(client, seeded, key):
    response = client.get(f"/roles/{key}/")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/{settings.LANGUAGE_CODE}/roles/{key}/"
    assert {"Cookie", "Accept-Language"} <= {v.strip() for v in response.headers["Vary"].split(",")}


def test_the_permalink_follows_accept_language(client, seeded):
    response = client.get("/roles/agent/", HTTP_ACCEPT_LANGUAGE="el-GR,el;q=0.9,en;q=0.5")
    assert response.headers["Location"] == "/el/roles/agent/"


def test_the_chosen_language_wins_over_accept_language(client, seeded):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    response = client.get("/roles/agent/", HTTP_ACCEPT_LANGUAGE="el")
    assert response.headers["Location"] == "/da/roles/agent/"


def test_an_unknown_language_falls_back_to_the_default(client, seeded):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    response = client.get("/roles/agent/", HTTP_ACCEPT_LANGUAGE="fr, de;q=0.5")
    assert response.headers["Location"] == f"/{settings.LANGUAGE_CODE}/roles/agent/"


def test_an_unknown_or_unpublished_role_is_a_404(seeded):
    Role.objects.filter(key="manager").update(published=False)
    assert Client().get("/roles/cashier/").status_code == 404
    assert Client().get("/roles/manager/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/roles/nosuch/",
        "/roles/agent/v/99/",
        "/roles/nosuch/v/1/",
        "/roles/agent/v/0/",
        "/qualities/nosuch/",
    ],
)
def test_a_permalink_to_nothing_answers_404_at_once_in_the_readers_language(client, seeded, path):
    """Not a redirect to the language-prefixed page, which is missing too."""
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="el")

    assert response.status_code == 404
    assert "Location" not in response.headers
    assert '<html lang="el">' in response.content.decode()
    assert response.headers["Content-Language"] == "el"


def test_the_404_of_a_permalink_follows_the_chosen_language(client, seeded):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    response = client.get("/qualities/nosuch/", HTTP_ACCEPT_LANGUAGE="el")
    assert response.status_code == 404
    assert '<html lang="da">' in response.content.decode()


def test_a_permalink_to_a_version_still_leads_to_it(client, seeded):
    response = client.get("/roles/agent/v/1/", HTTP_ACCEPT_LANGUAGE="el")
    assert response.status_code == 302
    assert response.headers["Location"] == "/el/roles/agent/v/1/"


def test_the_permalink_leads_to_a_page(client, seeded):
    response = client.get("/roles/manager/", HTTP_ACCEPT_LANGUAGE="da", follow=True)
    assert response.status_code == 200
    assert Role.objects.get(key="manager").title_da in response.content.decode()
