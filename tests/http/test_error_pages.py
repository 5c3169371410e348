import pytest
from django.test import RequestFactory
from django.utils import translation

from kb.http.views import bad_request, server_error


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["nb", "el", "da"])
def test_a_missing_page_is_a_404_in_the_readers_language(client, code):
    response = client.get(f"/{code}/roles/cashier/")

    assert response.status_code == 404
    content = response.content.decode()
    assert f'<html lang="{code}">' in content
    with translation.override(code):
        assert translation.gettext("Page not found") in content
    assert 'href="/' + code + '/"' in content


@pytest.mark.parametrize(
    ("view", "status", "title"),
    [(server_error, 500, "Something went wrong"), (bad_request, 400, "Bad request")],
)
def test_error_pages_are_in_the_sites_design_and_language(view, status, title):
    request = RequestFactory().get("/el/")
    with translation.override("el"):
        response = view(request) if view is server_error else view(request, exception=None)
        expected = translation.gettext(title)
    assert response.status_code == status
    content = response.content.decode()
    assert expected in content and expected != title
    assert '<html lang="el">' in content
    assert "site.css" in content
