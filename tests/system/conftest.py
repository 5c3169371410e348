"""Shared fixtures for the system tests: real servers in subprocesses, on loopback.

PostgreSQL (a throwaway cluster), Redis, gunicorn and nginx are started here, each with its files in
a temporary folder of its own, and stopped by their process ids (then the folder removed) when the
fixture ends, whether the test passed or not. The app runs as in production: DEBUG off, whitenoise's
manifest storage (so static files are collected once per session), settings from the environment.

A test needing a program that is missing is skipped, except under CI (the CI variable set), where
it fails: CI must install PostgreSQL 15, nginx, redis-server and wrk (.ci/run does).
"""

import fcntl
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.cookiejar import CookieJar
from importlib.util import find_spec
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import (
    HTTPCookieProcessor,
    HTTPRedirectHandler,
    ProxyHandler,
    Request,
    build_opener,
)

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
AS_ROOT = os.getuid() == 0
SECRET_KEY = "system-tests-only-" + "s3cr3t" * 8
ALLOWED_HOSTS = "127.0.0.1,localhost"


# --- What the tests need -------------------------------------------------------------------------


def _has_postgres_user() -> bool:
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return True


PROGRAMS = {
    "PostgreSQL 15 binaries": lambda: (
        all(
            (PGBIN / name).exists()
            for name in ("initdb", "pg_ctl", "pg_dump", "pg_restore", "createdb")
        )
        and (not AS_ROOT or (_has_postgres_user() and shutil.which("runuser") is not None))
    ),
    "gunicorn": lambda: find_spec("gunicorn") is not None,
    "nginx": lambda: os.access(NGINX, os.X_OK),
    "redis-server": lambda: os.access(REDIS, os.X_OK),
    "wrk": lambda: os.access(WRK, os.X_OK),
}


def need(*programs: str) -> None:
    """Skip the test unless every program is installed; under CI, fail instead."""
    missing = [name for name in programs if not PROGRAMS[name]()]
    if not missing:
        return
    message = f"system tests need {', '.join(missing)}"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: CI must install them")
    pytest.skip(message)


# --- Ports, folders, processes -------------------------------------------------------------------

_ports_given: set[int] = set()


def free_port() -> int:
    """A free loopback port below 32768 (the machine notes: the ephemeral range above it fills with
    TIME-WAIT sockets after load tests), never the same twice in a session."""
    for port in random.sample(range(20000, 30000), 500):
        if port in _ports_given:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        _ports_given.add(port)
        return port
    raise RuntimeError("no free port between 20000 and 30000")


@contextmanager
def temporary_folder(prefix: str):
    """A folder in /tmp (not pytest's tmp_path, whose parent the postgres user cannot enter)."""
    path = Path(tempfile.mkdtemp(prefix=f"kb-system-{prefix}-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no {path.name})"


class Process:
    """A server started in its own session, its output in `log`; stopped by its process id."""

    def __init__(self, name: str, args: list[str], log: Path, **popen):
        self.name, self.log = name, log
        with open(log, "ab") as out:
            self.popen = subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True, **popen,
            )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def terminate(self) -> None:
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)

    def wait_stopped(self, timeout: float = 15) -> None:
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            # Its session is its own (start_new_session): this kills it and its children only.
            with suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            self.popen.wait(5)

    def stop(self) -> None:
        self.terminate()
        self.wait_stopped()

    def failure(self, what: str) -> str:
        return f"{self.name} {what}; the end of its log:\n{tail(self.log)}"


def stop_all(processes: list[Process]) -> None:
    """Stop them together: each takes a moment to shut down gracefully."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait_stopped()


def run(args: list[str], *, env: dict | None = None, timeout: float = 120) -> str:
    result = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


# --- HTTP ----------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str
    raw: bytes = b""  # the body's bytes as sent (compressed, if it was)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 3xx is the answer (urllib then raises it as an HTTPError)


class Browser:
    """urllib without proxies (loopback must not go through http_proxy) or redirects; with
    cookies=True it keeps cookies like a browser (an editor's session), else sends none (an
    anonymous reader, whose pages the page cache keeps)."""

    def __init__(self, *, cookies: bool = False):
        handlers = [ProxyHandler({}), _NoRedirects()]
        self.cookies = CookieJar()
        if cookies:
            handlers.append(HTTPCookieProcessor(self.cookies))
        self.opener = build_opener(*handlers)

    def request(
        self, url: str, *, data: dict | None = None, headers: dict | None = None, timeout=15
    ) -> Reply:
        body = urlencode(data, doseq=True).encode() if data is not None else None
        request = Request(url, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                raw = response.read()
                return Reply(response.status, _lower(response.headers), _text(raw), raw)
        except HTTPError as error:  # 3xx, 4xx and 5xx: an answer all the same
            with error:
                raw = error.read()
                return Reply(error.code, _lower(error.headers), _text(raw), raw)

    get = request

    def post(self, url: str, data: dict, **kwargs) -> Reply:
        return self.request(url, data=data, **kwargs)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)


def _lower(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def _text(content: bytes) -> str:
    return content.decode("utf-8", errors="replace")


def wait_until(condition, *, timeout: float, interval: float = 0.2, message=""):
    """Poll `condition` until it returns something true; that value, or an AssertionError saying
    `message` (a string, or a function that returns it: a log read at the time of failure)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError((message() if callable(message) else message) or "timed out")
        time.sleep(interval)


@pytest.fixture
def reader() -> Browser:
    """An anonymous reader: no cookies."""
    return Browser()


# --- PostgreSQL ----------------------------------------------------------------------------------


class PgCluster:
    """A throwaway PostgreSQL cluster on 127.0.0.1 (trust authentication, no fsync), run as the
    postgres user when the tests run as root (PostgreSQL refuses root)."""

    def __init__(self, base: Path):
        self.base, self.data, self.port = base, base / "data", free_port()
        self.log = base / "server.log"
        (base / "sock").mkdir()
        self.data.mkdir(mode=0o700)
        if AS_ROOT:
            shutil.chown(base, "postgres", "postgres")
            for path in (base / "sock", self.data):
                shutil.chown(path, "postgres", "postgres")
        self._pg(
            "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync",
            "--locale=C.UTF-8",
        )  # fmt: skip

    def _pg(self, program: str, *args) -> None:
        command = [str(PGBIN / program), *map(str, args)]
        if AS_ROOT:
            command = ["runuser", "-u", "postgres", "--", *command]
        # Output to a file, not a pipe: the server pg_ctl starts must not hold our pipe open.
        with open(self.base / "pg_ctl.out", "a+b") as out:
            result = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, timeout=60)
        assert result.returncode == 0, (
            f"{program} failed:\n{tail(self.base / 'pg_ctl.out')}\n--- server log:\n"
            f"{tail(self.log)}"
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.base / 'sock'} -c listen_addresses=127.0.0.1 -c fsync=off"
        )
        self._pg(
            "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "30", "-o", options, "start"
        )

    def stop(self, mode: str = "fast") -> None:
        self._pg("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "30", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def processes(self) -> list[int]:
        """The server's process ids: the postmaster and every process it started (the backends
        serving open connections among them)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        return [postmaster, *children_of(postmaster)]

    @contextmanager
    def frozen(self):
        """Every process of the server stopped (SIGSTOP), as a server that hangs: connections stay
        open and the kernel still accepts new ones, but nothing answers. Running again (SIGCONT)
        when the block ends, whatever happens in it."""
        stopped = []
        try:
            for pid in self.processes():
                os.kill(pid, signal.SIGSTOP)
                stopped.append(pid)
            yield
        finally:
            for pid in stopped:
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.url(database), autocommit=True, connect_timeout=10)

    def create_database(self, name: str, *, template: str | None = None) -> str:
        """A new database, empty or a copy of `template`; its DATABASE_URL."""
        with self.connect() as connection:
            sql = f'CREATE DATABASE "{name}"'
            connection.execute(sql + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)


def children_of(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError):
                # "pid (command) state ppid ...": the command may hold spaces and parentheses.
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
                if int(fields[1]) == parent:
                    children.append(int(entry.name))
    return children


@contextmanager
def throwaway_cluster(name: str):
    need("PostgreSQL 15 binaries")
    with temporary_folder(name) as base:
        cluster = PgCluster(base)
        cluster.start()
        try:
            yield cluster
        finally:
            if cluster.running():
                try:
                    cluster.stop("fast")
                except (AssertionError, subprocess.TimeoutExpired):
                    cluster.stop("immediate")


@pytest.fixture(scope="session")
def pg_cluster():
    """A cluster the whole session shares (never stopped before the end)."""
    with throwaway_cluster("pg") as cluster:
        yield cluster


@pytest.fixture
def own_pg_cluster():
    """A cluster of the test's own, which it may stop and start again."""
    with throwaway_cluster("pg-own") as cluster:
        yield cluster


# --- The app -------------------------------------------------------------------------------------


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """The app's environment as in production: only what the settings read, nothing inherited from
    the test run (its DATABASE_URL, DEBUG, REDIS_URL...) but the basics of the shell."""
    env = {
        name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ
    }
    env.update(
        SECRET_KEY=SECRET_KEY,
        DATABASE_URL=database_url,
        ALLOWED_HOSTS=ALLOWED_HOSTS,
        DJANGO_SETTINGS_MODULE="kb.settings",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str]) -> str:
    return run([sys.executable, "manage.py", *args], env=env)


def migrate_and_seed(database_url: str) -> None:
    env = app_env(database_url)
    manage("migrate", "--no-input", "-v", "0", env=env)
    manage("load_seeds", env=env)


def pg_dump(database_url: str, dump: Path) -> None:
    """The whole database in pg_dump's custom format (compressed, restorable selectively)."""
    run([str(PGBIN / "pg_dump"), "--format=custom", "--no-owner", "--file", str(dump),
         "--dbname", database_url])  # fmt: skip


def pg_restore(dump: Path, database_url: str) -> None:
    """Into an empty database (created from template0); stops at the first error."""
    run([str(PGBIN / "pg_restore"), "--no-owner", "--exit-on-error", "--dbname", database_url,
         str(dump)])  # fmt: skip


@pytest.fixture(scope="session")
def seeded_database(pg_cluster) -> str:
    """The name of a migrated and seeded database in the shared cluster. Left unchanged: tests that
    change content work on a copy (create_database(..., template=seeded_database))."""
    migrate_and_seed(pg_cluster.create_database("kb_seeded"))
    return "kb_seeded"


@pytest.fixture(scope="session")
def seeded_dump(pg_cluster, seeded_database):
    """A pg_dump of the seeded database, to restore in another cluster (faster than seeding)."""
    with temporary_folder("dump") as folder:
        pg_dump(pg_cluster.url(seeded_database), folder / "kb_seeded.dump")
        yield folder / "kb_seeded.dump"


@pytest.fixture(scope="session")
def collected_static() -> None:
    """whitenoise's manifest storage answers 500 without the manifest collectstatic writes (into
    STATIC_ROOT, /staticfiles in the project, which git ignores). One collectstatic at a time:
    a CI run once failed on a file that vanished under collectstatic, as when two write the same
    folder."""
    with open(ROOT / "staticfiles.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        manage("collectstatic", "--no-input", "-v", "0", env=app_env("sqlite:///unused.sqlite3"))


class Gunicorn(Process):
    def __init__(self, folder: Path, database_url: str, *, workers: int = 2, **env: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log = folder / f"access-{self.port}.log"
        environment = app_env(
            database_url,
            BIND=f"127.0.0.1:{self.port}",
            WEB_CONCURRENCY=str(workers),
            ACCESS_LOG=str(self.access_log),
            **env,
        )
        self.environment = environment
        args = [sys.executable, "-m", "gunicorn", "-c", "kb/gunicorn.conf.py", "kb.wsgi"]
        super().__init__(
            f"gunicorn :{self.port}", args, folder / f"gunicorn-{self.port}.log", cwd=ROOT,
            env=environment,
        )  # fmt: skip

    def wait_ready(self) -> None:
        wait_until(
            self._answers, timeout=30, message=lambda: self.failure("did not answer in 30 s")
        )

    def _answers(self) -> bool:
        assert self.alive(), self.failure("exited")
        try:
            Browser().get(f"{self.url}/healthz", timeout=2)
        except (URLError, OSError):
            return False
        return True


@pytest.fixture
def start_gunicorn(collected_static):
    """start_gunicorn(database_url, workers=2, **environment): a running gunicorn (kb.wsgi with
    kb/gunicorn.conf.py), stopped at the end of the test."""
    need("gunicorn")
    started: list[Gunicorn] = []
    with temporary_folder("gunicorn") as folder:

        def start(database_url: str, **kwargs) -> Gunicorn:
            server = Gunicorn(folder, database_url, **kwargs)
            started.append(server)  # stopped at the end even if it never answers
            server.wait_ready()
            return server

        try:
            yield start
        finally:
            stop_all(started)


# --- Redis and nginx -----------------------------------------------------------------------------


class RedisServer:
    """A redis-server on loopback that keeps nothing on disk; .url is its REDIS_URL. It may be
    killed (kill(): SIGKILL, as a crash) and started again on the same port."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: Process | None = None

    def start(self) -> None:
        self.process = Process(
            f"redis :{self.port}",
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
             "no", "--dir", str(self.folder), "--daemonize", "no"],
            self.folder / "redis.log",
        )  # fmt: skip
        wait_until(
            self.answers, timeout=10, message=lambda: self.process.failure("did not answer in 10 s")
        )

    def answers(self) -> bool:
        assert self.process.alive(), self.process.failure("exited")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def command(self, *words: str) -> bytes:
        """One command (inline, words without spaces), and the first bytes of its reply."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as connection:
            connection.sendall(" ".join(words).encode() + b"\r\n")
            return connection.recv(256)

    def kill(self) -> None:
        self.process.popen.kill()
        self.process.popen.wait(5)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


@pytest.fixture
def redis_server():
    """A running RedisServer, stopped at the end of the test."""
    need("redis-server")
    with temporary_folder("redis") as folder:
        server = RedisServer(folder)
        try:
            server.start()
            yield server
        finally:
            server.stop()


# The deployment's own nginx files (docs/DEPLOY.md): the shared cache, with its folder replaced by
# the test's, and the proxy with its cache, included as they are.
DEPLOY_NGINX = ROOT / "deploy" / "nginx"
CACHE_FOLDER = "/var/cache/nginx/kb"

NGINX_CONF = """\
daemon off;
{user}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/kb-cache.conf;
    upstream kb {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            include {proxy};
        }}
    }}
}}
"""


@pytest.fixture
def start_nginx():
    """start_nginx([port, ...]): nginx on a port of its own, round robin over the ports, through
    the shared cache of deploy/nginx/ (as docs/DEPLOY.md sets it up)."""
    need("nginx")
    started: list[Process] = []
    with temporary_folder("nginx") as folder:

        def start(upstream_ports: list[int]) -> Process:
            port = free_port()
            servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstream_ports)
            cache = (DEPLOY_NGINX / "kb-cache.conf").read_text()
            assert CACHE_FOLDER in cache, "deploy/nginx/kb-cache.conf names no cache folder"
            cache = cache.replace(CACHE_FOLDER, str(folder / "cache"))
            (folder / "kb-cache.conf").write_text(cache)
            conf = folder / "nginx.conf"
            conf.write_text(
                NGINX_CONF.format(
                    folder=folder,
                    port=port,
                    servers=servers,
                    proxy=DEPLOY_NGINX / "kb-proxy.conf",
                    # As root, nginx's workers would run as nobody, who cannot enter the folder.
                    user="user root;" if AS_ROOT else "",
                )  # fmt: skip
            )
            server = Process(
                f"nginx :{port}",
                [NGINX, "-c", str(conf), "-p", str(folder), "-e", str(folder / "error.log")],
                folder / "nginx.out",
            )
            started.append(server)
            server.url = f"http://127.0.0.1:{port}"
            server.log = folder / "error.log"

            def answers() -> bool:
                assert server.alive(), server.failure("exited")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        return True
                except OSError:
                    return False

            wait_until(
                answers, timeout=10, message=lambda: server.failure("did not listen in 10 s")
            )
            return server

        try:
            yield start
        finally:
            stop_all(started)
