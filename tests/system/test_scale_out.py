"""Two app instances behind nginx, sharing one PostgreSQL database and one Redis: a page kept by one
instance is served by the other, and an edit saved through one is seen through the other at once,
kept pages included (every change raises the content version in the database).

Running it by hand (what the test does), from the project folder, with a PostgreSQL database and
`make static` done:

    export SECRET_KEY=... DATABASE_URL=postgres://postgres@127.0.0.1:5432/kb \\
           REDIS_URL=redis://127.0.0.1:6379/0 WEB_CONCURRENCY=2
    redis-server --port 6379 --bind 127.0.0.1 --save "" --daemonize no &
    BIND=127.0.0.1:8001 .venv/bin/gunicorn -c kb/gunicorn.conf.py kb.wsgi &
    BIND=127.0.0.1:8002 .venv/bin/gunicorn -c kb/gunicorn.conf.py kb.wsgi &
    mkdir -p /tmp/kb-nginx && nginx -c "$PWD/kb-nginx.conf" -p /tmp/kb-nginx  # Ctrl-C stops it

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
        upstream kb { server 127.0.0.1:8001; server 127.0.0.1:8002; }
        server {
            listen 127.0.0.1:8000;
            location / {
                proxy_pass http://kb;
                proxy_set_header Host $http_host;
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            }
        }
    }

The site is then at http://127.0.0.1:8000/. Behind nginx every instance sees the same Host header,
and so the same page-cache keys (a kept page's key is its full address, host and port included):
the test's direct reads from A and B send the Host that nginx forwards.
"""

import re
import uuid

import pytest

from tests.helpers import form_data
from tests.system.conftest import Browser, manage
from tests.twofactor.helpers import app_code, secret_on_page

# One worker runs every system test: they share the static files collected once.
pytestmark = [pytest.mark.system, pytest.mark.xdist_group("system")]

EDITOR, PASSWORD = "editor", "a-long-system-test-password-7Qx"


@pytest.fixture
def cluster_of_two(pg_cluster, seeded_database, redis_server, start_gunicorn, start_nginx):
    database = f"sys_scale_{uuid.uuid4().hex[:8]}"
    database_url = pg_cluster.create_database(database, template=seeded_database)
    env = {"REDIS_URL": redis_server.url}
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


def test_two_instances_share_the_page_cache_and_see_each_others_edits_at_once(
    cluster_of_two, reader
):
    a, b, proxy, patience_pk = cluster_of_two
    public_host = {"Host": proxy.url.removeprefix("http://")}
    through_nginx = []

    def via_nginx(path: str):
        reply = reader.get(f"{proxy.url}{path}")
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

    # Round robin: nginx sends requests to both instances.
    marker = uuid.uuid4().hex
    for _ in range(4):
        assert via_nginx(f"/nb/?round-robin={marker}").status == 200
    for instance in (a, b):
        assert marker in instance.access_log.read_text(), f"nginx sent nothing to {instance.name}"

    # (b) The quality's page kept in the shared cache, then renamed through A.
    quality = "/nb/qualities/patience/"
    for _ in range(2):
        assert reader.get(f"{b.url}{quality}", headers=public_host).status == 200
        old = via_nginx(quality)
    assert old.header("X-Cache") == "hit"
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

    from_b = reader.get(f"{b.url}{quality}", headers=public_host)
    assert (from_b.status, from_b.header("X-Cache")) == (200, "miss")
    assert new_name in from_b.body
    for _ in range(4):  # through nginx, from both instances
        reply = via_nginx(quality)
        assert new_name in reply.body
    assert reply.header("X-Cache") == "hit"
    assert new_name in reader.get(f"{a.url}{quality}", headers=public_host).body

    # (c) Everything through nginx was a 200.
    assert through_nginx and all(status == 200 for _path, status in through_nginx), through_nginx
