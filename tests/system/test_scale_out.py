"""Two app instances behind nginx and its shared cache, sharing one PostgreSQL database and one
Redis: a page kept by one instance is served by the other, and an edit saved through one is seen
through the other at once, kept pages included (every change raises the content version in the
database); through nginx's cache within the shared max-age (EDGE_CACHE_SECONDS); and nginx serves
the pages it keeps while both instances are down.

nginx runs with the deployment's own files, deploy/nginx/kb-cache.conf (its cache folder replaced
by the test's) and deploy/nginx/kb-proxy.conf, as docs/DEPLOY.md sets it up. Running it by hand
(what the test does), from the project folder, with a PostgreSQL database and `make static` done:

    export SECRET_KEY=... DATABASE_URL=postgres://postgres@127.0.0.1:5432/kb \\
           REDIS_URL=redis://127.0.0.1:6379/0 WEB_CONCURRENCY=2 EDGE_CACHE_SECONDS=2
    redis-server --port 6379 --bind 127.0.0.1 --save "" --daemonize no &
    BIND=127.0.0.1:8001 .venv/bin/gunicorn -c kb/gunicorn.conf.py kb.wsgi &
    BIND=127.0.0.1:8002 .venv/bin/gunicorn -c kb/gunicorn.conf.py kb.wsgi &
    mkdir -p /tmp/kb-nginx/cache && sed "s|/var/cache/nginx/kb|/tmp/kb-nginx/cache|" \\
        deploy/nginx/kb-cache.conf > /tmp/kb-nginx/kb-cache.conf
    nginx -c "$PWD/kb-nginx.conf" -p /tmp/kb-nginx  # Ctrl-C stops it

with kb-nginx.conf (round robin over both instances; as root add `user root;` or use a folder the
`nobody` user may write):

    daemon off;
    pid /tmp/kb-nginx/nginx.pid;
    error_log /tmp/kb-nginx/error.log;
    events { worker_connections 256; }
    http {
        access_log off;
        client_body_temp_path /tmp/kb-nginx/client_body;
        proxy_temp_path /tmp/kb-nginx/proxy;
        include /tmp/kb-nginx/kb-cache.conf;
        upstream kb { server 127.0.0.1:8001; server 127.0.0.1:8002; }
        server {
            listen 127.0.0.1:8000;
            location / { include /path/to/the/project/deploy/nginx/kb-proxy.conf; }
        }
    }

The site is then at http://127.0.0.1:8000/. nginx forwards the Host without its port ($host), so
every instance sees the same Host header, and so the same page-cache keys (a kept page's key is its
full address, host included): the test's direct reads from A and B send that Host.
"""

import gzip
import re
import time
import uuid

import brotli
import pytest

from tests.helpers import form_data
from tests.system.conftest import Browser, manage, wait_until
from tests.twofactor.helpers import app_code, secret_on_page

# One worker runs every system test: they share the static files collected once.
pytestmark = [pytest.mark.system, pytest.mark.xdist_group("system")]

EDITOR, PASSWORD = "editor", "a-long-system-test-password-7Qx"
EDGE_SECONDS = 3


@pytest.fixture
def cluster_of_two(pg_cluster, seeded_database, redis_server, start_gunicorn, start_nginx):
    database = f"sys_scale_{uuid.uuid4().hex[:8]}"
    database_url = pg_cluster.create_database(database, template=seeded_database)
    # nginx keeps public pages for EDGE_CACHE_SECONDS, then serves them stale while it fetches them
    # again (one request) or while the app is down.
    env = {"REDIS_URL": redis_server.url, "EDGE_CACHE_SECONDS": str(EDGE_SECONDS),
           "EDGE_STALE_WHILE_REVALIDATE_SECONDS": "1"}  # fmt: skip
    a = start_gunicorn(database_url, workers=2, **env)
    b = start_gunicorn(database_url, workers=2, **env)
    proxy = start_nginx([a.port, b.port])
    manage(
        "createsuperuser", "--no-input", "--username", EDITOR, "--email", "editor@example.com",
        env={**a.environment, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
    )  # fmt: skip
    with pg_cluster.connect(database) as connection:
        patience = connection.execute("SELECT id FROM roles_quality WHERE slug = 'patience'")
        patience_pk = patience.fetchone()[0]
    return a, b, proxy, patience_pk


def log_in(editor: Browser, base: str) -> None:
    page = editor.get(f"{base}/admin/login/")
    assert page.status == 200, page.status
    data = form_data(page.body, "login-form")
    assert data["csrfmiddlewaretoken"] and editor.cookie("csrftoken")
    data.update(username=[EDITOR], password=[PASSWORD], next=["/admin/"])
    reply = editor.post(f"{base}/admin/login/", data, headers={"Referer": f"{base}/admin/login/"})
    assert reply.status == 302, (reply.status, reply.body[:2000])
    assert editor.cookie("sessionid")
    # Production asks for a second factor (ADMIN_REQUIRE_2FA): the editor sets up the app.
    enrol_url = f"{base}/admin/two-factor/set-up/"
    page = editor.get(enrol_url)
    assert page.status == 200, page.status
    data = form_data(page.body, "kb-enrol-form")
    data["code"] = [app_code(secret_on_page(page.body))]
    reply = editor.post(enrol_url, data, headers={"Referer": enrol_url})
    assert reply.status == 302, (reply.status, reply.body[:2000])


def test_two_instances_share_the_page_cache_and_see_each_others_edits(cluster_of_two, reader):
    a, b, proxy, patience_pk = cluster_of_two
    public_host = {"Host": "127.0.0.1"}  # as nginx forwards it ($host)
    through_nginx = []

    def via_nginx(path: str, **headers):
        reply = reader.get(f"{proxy.url}{path}", headers=headers)
        through_nginx.append((path, reply.status))
        return reply

    # (a) Kept by B, then served from the shared cache by B and by A.
    page = "/da/roles/agent/"
    first = reader.get(f"{b.url}{page}", headers=public_host)
    assert (first.status, first.header("X-Cache")) == (200, "miss")
    again = reader.get(f"{b.url}{page}", headers=public_host)
    assert (again.status, again.header("X-Cache")) == (200, "hit")
    from_a = reader.get(f"{a.url}{page}", headers=public_host)
    assert (from_a.status, from_a.header("X-Cache")) == (200, "hit")
    assert from_a.body == first.body
    assert via_nginx(page).header("X-Cache") == "hit"
    assert via_nginx(page).header("X-Cache-Status") == "HIT"  # now kept by nginx too

    # Round robin: nginx sends requests to both instances (new addresses: nginx keeps none yet).
    marker = uuid.uuid4().hex
    for n in range(4):
        assert via_nginx(f"/nb/?round-robin={marker}-{n}").status == 200
    for instance in (a, b):
        assert marker in instance.access_log.read_text(), f"nginx sent nothing to {instance.name}"

    # (b) The quality's page kept in the shared cache and by nginx, then renamed through A.
    quality = "/nb/qualities/patience/"
    for _ in range(2):
        assert reader.get(f"{b.url}{quality}", headers=public_host).status == 200
        old = via_nginx(quality)
    assert (old.header("X-Cache"), old.header("X-Cache-Status")) == ("hit", "HIT")
    new_name = f"Tålmodighet {marker[:6]}"
    assert new_name not in old.body

    editor = Browser(cookies=True)
    log_in(editor, a.url)
    change_url = f"{a.url}/admin/roles/quality/{patience_pk}/change/"
    form = editor.get(change_url)
    assert form.status == 200, form.status
    data = form_data(form.body, "quality_form")
    assert "edit_token" in data and data["name_nb"] != [""]
    data["name_nb"] = [new_name]
    saved = editor.post(change_url, data, headers={"Referer": change_url})
    errors = re.findall(r'<ul class="errorlist[^>]*>.*?</ul>', saved.body, re.S)
    assert saved.status == 302, (saved.status, errors)
    saved_at = time.monotonic()

    # At once from both instances...
    from_b = reader.get(f"{b.url}{quality}", headers=public_host)
    assert (from_b.status, from_b.header("X-Cache")) == (200, "miss")
    assert new_name in from_b.body
    assert new_name in reader.get(f"{a.url}{quality}", headers=public_host).body
    # ...and through nginx's cache within the shared max-age (and the one request that finds the
    # page expired, answered with the old one while nginx fetches it again).
    wait_until(
        lambda: new_name in via_nginx(quality).body,
        timeout=EDGE_SECONDS + 5,
        message="nginx kept serving the page from before the edit",
    )
    assert time.monotonic() - saved_at <= EDGE_SECONDS + 1.5
    for _ in range(4):  # every later request, from nginx or either instance
        assert new_name in via_nginx(quality).body

    # An editor goes past nginx's cache, and gets a page for no shared cache.
    mine = editor.get(f"{proxy.url}{quality}")
    assert mine.header("X-Cache-Status") == "BYPASS"
    assert "private" in mine.header("Cache-Control")

    # (c) Everything through nginx was a 200.
    assert through_nginx and all(status == 200 for _path, status in through_nginx), through_nginx


def test_nginx_keeps_each_encoding_apart_and_serves_its_pages_while_both_instances_are_down(
    cluster_of_two, reader
):
    a, b, proxy, _patience_pk = cluster_of_two
    pages = ["/nb/", "/el/roles/manager/", "/sitemap.xml", "/api/v1/roles/agent/?lang=da"]
    plain = {}
    for page in pages:
        for _ in range(2):
            plain[page] = reader.get(f"{proxy.url}{page}")
            brotli_page = reader.get(f"{proxy.url}{page}", headers={"Accept-Encoding": "br"})
            gzip_page = reader.get(f"{proxy.url}{page}", headers={"Accept-Encoding": "gzip"})
        # nginx keeps a copy per Accept-Encoding (the pages vary on it): each reader gets hers.
        assert plain[page].header("X-Cache-Status") == "HIT", page
        assert plain[page].header("Content-Encoding") is None, page
        assert brotli_page.header("X-Cache-Status") == "HIT", page
        assert brotli_page.header("Content-Encoding") == "br", page
        assert brotli.decompress(brotli_page.raw) == plain[page].raw
        assert gzip_page.header("Content-Encoding") == "gzip", page
        assert gzip.decompress(gzip_page.raw) == plain[page].raw
        assert "s-maxage=3" in plain[page].header("Cache-Control"), page

    for instance in (a, b):
        instance.stop()
    time.sleep(EDGE_SECONDS + 1)  # every kept page has expired
    for page in pages:
        down = reader.get(f"{proxy.url}{page}")
        assert (down.status, down.header("X-Cache-Status")) == (200, "STALE"), page
        assert down.raw == plain[page].raw
        compressed = reader.get(f"{proxy.url}{page}", headers={"Accept-Encoding": "br"})
        assert compressed.status == 200 and compressed.header("Content-Encoding") == "br", page
    # A page nginx never kept cannot be served.
    assert reader.get(f"{proxy.url}/da/roles/manager/").status == 502
