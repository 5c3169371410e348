"""Production settings and behaviour: check --deploy, security headers, login throttling, the
admin's address, sessions, the health check, and a lost database."""

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import clear_url_caches, reverse

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-secret-" + "x7Kq" * 10,
    "DEBUG": "0",
    "ALLOWED_HOSTS": "kb.example.com",
    "HTTPS": "1",
    "DATABASE_URL": "postgres://kb:pw@db:5432/kb",
    "REDIS_URL": "redis://cache:6379/0",
}

pytestmark = pytest.mark.django_db


# What the test run itself sets and production never does (the browser tests allow Django's
# synchronous calls from Playwright's event loop).
NOT_PRODUCTION = ("DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")


def manage(*args, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in NOT_PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_check_deploy_reports_no_issues_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_https_is_off():
    result = manage("check", "--deploy", env={**PRODUCTION, "HTTPS": "0"})
    assert "security.W004" in result.stderr or "security.W004" in result.stdout


def test_https_settings_follow_the_environment():
    script = (
        "import kb.settings as s, json; print(json.dumps([s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.ADMIN_PATH]))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in NOT_PRODUCTION}

    def values(env):
        out = subprocess.run(
            [sys.executable, "-c", script], env={**clean, **env}, cwd=ROOT, capture_output=True
        )
        return json.loads(out.stdout)

    assert values(PRODUCTION) == [True, True, True, 31536000, "admin/"]
    assert values({**PRODUCTION, "HTTPS": "0"})[:4] == [False, False, False, 0]
    assert values({**PRODUCTION, "ADMIN_PATH": "/staff-only/"})[4] == "staff-only/"


@pytest.mark.parametrize("url", ["/nb/", "/el/roles/agent/", "/robots.txt", "/admin/login/"])
def test_every_response_carries_the_security_headers(client, seeded, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "*" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_holds_inline_script_or_style():
    """CSP allows no inline code: scripts and styles live in static/."""
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        for marker in ("<style", " style=", "<script>", " onclick=", " onload=", " onchange="):
            if marker in text:
                offenders.append(f"{template.relative_to(ROOT)}: {marker.strip()}")
        for line in text.splitlines():
            if "<script" in line and "src=" not in line and "application/ld+json" not in line:
                offenders.append(f"{template.relative_to(ROOT)}: {line.strip()}")
    assert offenders == []


def test_hsts_and_secure_redirect_when_served_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/nb/").status_code == 301
    response = client.get("/nb/about/", secure=True)
    assert "max-age=31536000" in response["Strict-Transport-Security"]
    assert client.get("/healthz").status_code == 200  # the load balancer's plain HTTP


def test_login_is_throttled_after_repeated_failures(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("admin:login")
    for _ in range(3):
        response = client.post(url, {"username": "alice", "password": "wrong"})
    assert response.status_code == 429
    assert 'lang="nb"' in response.content.decode()
    # Even the right password is refused while locked out.
    locked = client.post(url, {"username": "alice", "password": "pw-alice-1"})
    assert locked.status_code == 429
    # Another user name from the same address is not locked out.
    assert client.post(url, {"username": "bob", "password": "x"}).status_code == 200


def test_a_successful_login_clears_earlier_failures(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("admin:login")
    client.post(url, {"username": "alice", "password": "wrong"})
    client.post(url, {"username": "alice", "password": "wrong"})
    assert client.post(url, {"username": "alice", "password": "pw-alice-1"}).status_code == 302


def test_the_admin_can_live_at_another_address(client, settings):
    import kb.urls

    settings.ADMIN_PATH = "staff-only/"
    try:
        import importlib

        importlib.reload(kb.urls)
        clear_url_caches()
        assert client.get("/staff-only/login/").status_code == 200
        assert client.get("/admin/login/").status_code == 404
    finally:
        settings.ADMIN_PATH = "admin/"
        importlib.reload(kb.urls)
        clear_url_caches()


def test_editor_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_client_address_behind_a_proxy(rf, settings):
    from kb.http.axes import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7")
    settings.PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # without a proxy the header is the client's own
    settings.PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.7"
    settings.PROXY_COUNT = 2
    assert client_ip(request) == "203.0.113.9"


def test_healthz_reports_the_database_and_the_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_healthz_answers_load_balancers_probing_by_address():
    from django.test import Client

    response = Client(HTTP_HOST="10.0.0.5").get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert Client(HTTP_HOST="10.0.0.5").get("/nb/").status_code == 400


def test_healthz_names_what_is_down(client):
    with mock.patch("kb.http.views._database_answers", return_value=False):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert response.json()["cache"] == "ok"
    with mock.patch("django.core.cache.cache.get", side_effect=ConnectionError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["cache"] == "unavailable"


@pytest.mark.parametrize("code", ["nb", "el", "da"])
def test_a_lost_database_gives_a_503_in_the_readers_language(seeded, code):
    from django.test import Client

    client = Client(raise_request_exception=False)
    lost = OperationalError("connection refused")
    with mock.patch("kb.pagecache.store._stored_version", side_effect=lost):
        response = client.get(f"/{code}/roles/agent/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    content = response.content.decode()
    assert f'<html lang="{code}">' in content
    assert 'name="robots" content="noindex"' in content
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_a_lost_database_in_a_view_gives_a_503_too(seeded):
    from django.test import Client

    client = Client(raise_request_exception=False)
    with mock.patch("roles.views.pages.occupation", side_effect=OperationalError("server closed")):
        response = client.get("/da/roles/agent/")
    assert response.status_code == 503 and 'lang="da"' in response.content.decode()


def test_gunicorn_takes_its_workers_from_the_core_count():
    env = {k: v for k, v in os.environ.items() if k != "WEB_CONCURRENCY"}
    script = "import runpy; c = runpy.run_path('kb/gunicorn.conf.py'); print(c['workers'])"
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert int(result.stdout) == os.cpu_count() + 1
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "WEB_CONCURRENCY": "3"},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert int(result.stdout) == 3


@pytest.mark.parametrize(
    "url", ["/admin/roles/quality/?slug=%00", "/admin/roles/source/?language=a%00b"]
)
def test_a_nul_in_an_admin_filter_is_a_400_not_a_500(editor_client, url):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.cookies = editor_client.cookies
    response = client.get(url)
    assert response.status_code == 400
    assert 'name="robots" content="noindex"' in response.content.decode()


def test_a_bulk_action_on_ids_that_are_not_numbers_is_a_400(editor_client, seeded):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.cookies = editor_client.cookies
    data = {"action": "delete_selected", "_selected_action": ["abc"], "post": "yes"}
    assert client.post("/admin/roles/quality/", data).status_code == 400


def test_a_fresh_gunicorn_worker_warms_up_before_its_first_request(caplog):
    import runpy

    from kb import outages
    from kb.pagecache import store as page_cache

    hooks = runpy.run_path(str(ROOT / "kb" / "gunicorn.conf.py"))
    page_cache.release.cache_clear()
    # A cache server that is away does not stop a worker from starting.
    with mock.patch("kb.pagecache.store.cache.get", side_effect=ConnectionError("down")):
        hooks["post_worker_init"](worker=None)
    assert page_cache.release.cache_info().currsize == 1
    assert "cache unreachable (ConnectionError: down)" in caplog.text
    assert "not loaded" not in caplog.text  # every template compiled
    # A worker gives up on a database that does not answer; management commands wait.
    assert outages.database_waits_limited()
