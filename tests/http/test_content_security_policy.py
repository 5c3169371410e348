"""The Content-Security-Policy header is django-csp's, built once per process for the responses
that take the site's policy as it is (kb/http/csp.py)."""

from unittest import mock

from csp.utils import build_policy

from kb.http import csp


def test_pages_carry_the_site_policy_as_django_csp_builds_it(client, seeded):
    csp.site_policy.cache_clear()
    for url in ("/robots.txt", "/nb/", "/nb/roles/agent/"):
        assert client.get(url)["Content-Security-Policy"] == build_policy()


def test_the_policy_is_built_once_not_per_response(client, seeded):
    csp.site_policy.cache_clear()
    with mock.patch("kb.http.csp.build_policy", wraps=build_policy) as built:
        for _ in range(3):
            client.get("/robots.txt")
            client.get("/nb/")
    # The policy, and the report-only one (none is configured: an empty header is not sent).
    assert built.call_count == 2


def test_a_views_own_policy_still_applies(client, seeded):
    # The embeddable card replaces frame-ancestors with the sites that may frame it.
    response = client.get("/embed/roles/agent/?lang=nb")
    assert response.status_code == 200
    assert "frame-ancestors" in response["Content-Security-Policy"]
    assert response["Content-Security-Policy"] != build_policy()


def test_a_new_setting_builds_the_policy_again(client, seeded, settings):
    client.get("/robots.txt")
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert client.get("/robots.txt")["Content-Security-Policy"] == "default-src 'none'"
