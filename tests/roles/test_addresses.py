"""Pages' addresses kept per process (roles/addresses.py)."""

from django.urls import reverse
from django.utils import translation

from roles.addresses import page_url


def test_a_kept_address_is_the_reversed_one_in_each_language(languages):
    for code in languages:
        with translation.override(code):
            for _ in range(2):  # worked out, then kept
                assert page_url("roles:quality-detail", slug="patience") == reverse(
                    "roles:quality-detail", kwargs={"slug": "patience"}
                )
                assert page_url("role-permalink", key="agent") == "/roles/agent/"
    with translation.override("el"):
        assert page_url("roles:role-detail", key="agent") == "/el/roles/agent/"


def test_kept_addresses_follow_a_changed_urlconf(settings):
    assert page_url("oembed") == "/oembed"
    settings.ROOT_URLCONF = "tests.urls_elsewhere"
    assert page_url("oembed") == "/elsewhere/oembed"
