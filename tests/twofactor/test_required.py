"""ADMIN_REQUIRE_2FA: no address under the admin's, but signing in and out and the second factor's
own pages, opens for a staff session without a verified second factor; off (local development),
an account without one passes, and an account with one is still asked for it."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from tests.twofactor.helpers import device_code, sign_in, verify

pytestmark = pytest.mark.django_db

OPEN = ["admin:login", "admin:logout", "twofactor:verify", "twofactor:enrol"]


def named_patterns(patterns=None, namespace=""):
    """Every named address of the site, with the names of its parameters."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name, list(pattern.pattern.regex.groupindex)


def admin_addresses() -> dict[str, str]:
    """An address for every named page under the admin's, by its name."""
    found = {}
    for name, parameters in named_patterns():
        for sample in ("1", "auth"):
            try:
                url = reverse(name, kwargs=dict.fromkeys(parameters, sample))
            except NoReverseMatch:
                continue
            if url.startswith(f"/{django_settings.ADMIN_PATH}"):
                found[name] = url
            break
    return found


def test_every_admin_address_is_listed():
    names = admin_addresses()
    expected = {"admin:index", "admin:roles_role_change", "admin:password_change"}
    expected |= {"admin:app_list", "translation-dashboard", "translation-files-import"}
    expected |= {"twofactor:manage", "twofactor:reset", "admin:jsi18n", "admin:view_on_site"}
    assert expected <= set(names)
    assert len(names) > 80


def test_a_staff_session_without_a_second_factor_reaches_no_admin_page(client, editor):
    sign_in(client)
    enrol = reverse("twofactor:enrol")
    reached = {}
    for name, url in admin_addresses().items():
        if name in OPEN:
            continue
        for response in (client.get(url), client.post(url, {"action": "delete_selected"})):
            if response.status_code != 302 or not response["Location"].startswith(enrol):
                reached[f"{response.request['REQUEST_METHOD']} {url}"] = response.status_code
    for url in ("/admin/nosuch/", "/admin/roles/role/1/change/?_popup=1"):
        if not client.get(url)["Location"].startswith(enrol):
            reached[url] = "no redirect"
    assert reached == {}


def test_an_enrolled_staff_session_is_sent_to_verify_from_every_admin_page(
    client, editor, enrolled
):
    sign_in(client)
    verify_url = reverse("twofactor:verify")
    reached = [
        url
        for name, url in admin_addresses().items()
        if name not in OPEN and not client.get(url)["Location"].startswith(verify_url)
    ]
    assert reached == []


def test_signing_in_and_out_and_the_second_factors_pages_stay_open(client, editor):
    assert client.get(reverse("admin:login")).status_code == 200
    sign_in(client)
    assert client.get(reverse("twofactor:enrol")).status_code == 200
    assert client.get(reverse("twofactor:verify")).status_code == 302  # to enrolment
    assert client.post(reverse("admin:logout")).status_code == 200
    assert "_auth_user_id" not in client.session
    # Static files and the reader's pages are not the admin's.
    assert not django_settings.STATIC_URL.startswith(django_settings.ADMIN_PATH)


def test_an_anonymous_visitor_is_sent_to_the_login_page_as_before(client, editor):
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("admin:login"))
    response = client.get(reverse("twofactor:enrol"))
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_verified_session_reaches_the_admin(client, editor, enrolled):
    app, _codes = enrolled
    sign_in(client)
    verify(client, device_code(app))
    for name in ("admin:index", "translation-dashboard", "twofactor:manage"):
        assert client.get(reverse(name)).status_code == 200, name


def test_when_not_required_an_account_without_a_second_factor_passes(client, editor, settings):
    settings.ADMIN_REQUIRE_2FA = False
    sign_in(client)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:roles_role_changelist")).status_code == 200


def test_when_not_required_an_account_with_a_second_factor_is_still_asked(
    client, editor, enrolled, settings
):
    settings.ADMIN_REQUIRE_2FA = False
    sign_in(client)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("twofactor:verify"))


def test_a_session_signed_in_another_way_needs_the_second_factor_too(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("twofactor:enrol"))


def required_by_default(env: dict) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "ADMIN_REQUIRE_2FA")}
    result = subprocess.run(
        [sys.executable, "-c", "import kb.settings as s; print(s.ADMIN_REQUIRE_2FA)"],
        env={**clean, "SECRET_KEY": "s" * 50, **env},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_it_is_required_in_production_and_not_in_local_development():
    assert required_by_default({}) == "True"
    assert required_by_default({"DEBUG": "0"}) == "True"
    assert required_by_default({"DEBUG": "1"}) == "False"
    assert required_by_default({"DEBUG": "1", "ADMIN_REQUIRE_2FA": "1"}) == "True"
    assert required_by_default({"ADMIN_REQUIRE_2FA": "0"}) == "False"
