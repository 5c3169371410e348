"""Load benchmark: the production server (gunicorn, Redis, PostgreSQL) under wrk.

    DATABASE_URL=postgres://…/kb_load .venv/bin/python bench/load.py [--duration 15]
    DATABASE_URL=postgres://…/kb_load .venv/bin/python bench/load.py --soak

Starts everything it needs and stops it again (by PID), even on failure: a redis-server on
loopback, and the app under gunicorn as `make serve` runs it (kb/gunicorn.conf.py, its default
number of workers, production settings), after `migrate`, `load_seeds` and `collectstatic`.

The uncached role page is served by a second gunicorn with PAGE_CACHE=0: every request renders the
whole page, which is the real cost of rendering it. A session cookie also bypasses the page cache,
but what it measures is not a render: the role's sections kept in the cache are reused, and it
adds a session lookup and a cookie deletion that anonymous readers never cause. That path is in
the table too, for comparison, outside the targets.

Each page is checked first (200; X-Cache: hit on a second request to the cached role page), then
loaded with wrk (64 connections, 2 threads) for a few seconds of warm-up and --duration seconds
measured. Before each page it waits (--settle) for other programs to leave the CPU alone, and says
how busy they were. Prints a Markdown table, the machine and the targets met or missed (exit
status 1 if one is missed); writes nothing else (collectstatic fills staticfiles/, which
production needs). --soak instead loads a mix of the pages for 60 s and reports the total and the
errors.

Use a database of its own: the seeds are loaded into it. wrk shares the machine's cores with the
server, so compare the ratios within one run rather than absolute figures across machines.
"""

import argparse
import contextlib
import http.client
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = BASE_DIR / ".venv" / "bin"
WRK = "/usr/bin/wrk"
CONNECTIONS = 64
THREADS = 2
# Settings that would change what is measured if the caller's environment happened to set them.
CLEARED = (
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "ACCESS_LOG",
    "PORT",
    "PAGE_CACHE",
    "PAGE_CACHE_SECONDS",
    "HTTPS",
    "BEHIND_TLS_PROXY",
    "CONN_MAX_AGE",
    "DJANGO_SETTINGS_MODULE",
)
POSTGRES_SCHEMES = ("postgres://", "postgresql://", "pgsql://")
# Targets (for a 2-core machine, client and server on the same cores).
CACHED_SHARE = 0.80
UNCACHED_SHARE = 0.35
P99_LIMIT_MS = 100.0
# The machine counts as quiet when other programs use less than this share of its CPU.
QUIET = 0.10


@dataclass
class Page:
    label: str
    path: str
    server: str  # "main" (page cache on) or "uncached" (PAGE_CACHE=0)
    headers: dict[str, str] | None = None
    target: bool = True  # counted in the targets

    @property
    def name(self) -> str:
        if self.server == "uncached":
            return f"{self.path} (PAGE_CACHE=0)"
        return f"{self.path} (session cookie)" if self.headers else self.path


ROBOTS = Page("`/robots.txt` (no page cache: the floor)", "/robots.txt", "main")
CACHED_ROLE = Page("role page, cached `/nb/roles/agent/`", "/nb/roles/agent/", "main")
UNCACHED_ROLE = Page(
    "role page, uncached `/nb/roles/agent/` (PAGE_CACHE=0)", "/nb/roles/agent/", "uncached"
)
PAGES = [
    ROBOTS,
    Page("home `/nb/` (cached)", "/nb/", "main"),
    CACHED_ROLE,
    UNCACHED_ROLE,
    Page("search `/nb/search/?q=kunder` (cached)", "/nb/search/?q=kunder", "main"),
    Page("`/sitemap.xml` (cached)", "/sitemap.xml", "main"),
    # For comparison, not a target: what the page cache does not answer still reuses what the
    # app keeps in the cache besides whole pages (e.g. rendered sections), plus a session lookup.
    Page(
        "role page, session cookie (page cache bypassed; for comparison)",
        "/nb/roles/agent/",
        "main",
        {"Cookie": "sessionid=benchmark"},
        target=False,
    ),
]
# The soak runs against one server: there the session cookie is what bypasses the page cache.
SOAK_PAGES = [
    ("/robots.txt", None),
    ("/nb/", None),
    ("/nb/roles/agent/", None),
    ("/nb/roles/agent/", "sessionid=benchmark"),
    ("/nb/search/?q=kunder", None),
    ("/sitemap.xml", None),
]


class BenchError(Exception):
    pass


@dataclass
class Result:
    requests: int
    seconds: float
    rate: float
    p50: float
    p99: float
    non_2xx_3xx: int
    socket_errors: dict[str, int]

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + sum(self.socket_errors.values())


# Processes -----------------------------------------------------------------------------------


def free_port(taken: set[int]) -> int:
    """A port below the ephemeral range (load leaves client sockets in TIME-WAIT there)."""
    for _ in range(200):
        port = random.randint(20000, 32767)
        if port in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        taken.add(port)
        return port
    raise BenchError("no free port found below 32768")


def children_of(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


class Processes:
    """The servers this run started, stopped by PID in reverse order."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")
        process = subprocess.Popen(
            args,
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        self.started.append((name, process))
        return process

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop_all(self) -> None:
        for _name, process in reversed(self.started):
            workers = children_of(process.pid)
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            for pid in workers:  # a worker the master left behind (killed before it could reap)
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
        self.started.clear()


def wait_for_redis(process: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError("redis-server exited at start")
        with contextlib.suppress(OSError):
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(16).startswith(b"+PONG"):
                    return
        time.sleep(0.1)
    raise BenchError("redis-server did not answer PING in 10 s")


def get(port: int, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def wait_for_gunicorn(process: subprocess.Popen, port: int) -> None:
    """Until /healthz says the database and the cache answer."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn on port {port} exited at start")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if get(port, "/healthz").status == 200:
                return
        time.sleep(0.2)
    raise BenchError(f"gunicorn on port {port} did not pass /healthz in 60 s")


def manage(env: dict[str, str], *args: str) -> str:
    completed = subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    if completed.returncode:
        raise BenchError(
            f"manage.py {' '.join(args)} failed:\n{completed.stdout}{completed.stderr}"
        )
    return completed.stdout


# wrk -----------------------------------------------------------------------------------------

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def milliseconds(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value)
    if not match:
        raise BenchError(f"unreadable wrk duration {value!r}")
    return float(match[1]) * UNITS_MS[match[2]]


def parse_wrk(output: str) -> Result:
    def find(pattern: str) -> re.Match:
        match = re.search(pattern, output)
        if not match:
            raise BenchError(f"wrk output without {pattern!r}:\n{output}")
        return match

    total = find(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h)")
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Result(
        requests=int(total[1]),
        seconds=milliseconds(total[2] + total[3]) / 1000,
        rate=float(find(r"Requests/sec:\s+([\d.]+)")[1]),
        # The percentile lines of "Latency Distribution" (--latency), not the Stdev columns.
        p50=milliseconds(find(r"(?m)^\s+50%\s+(\S+)\s*$")[1]),
        p99=milliseconds(find(r"(?m)^\s+99%\s+(\S+)\s*$")[1]),
        non_2xx_3xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=(
            dict(
                zip(
                    ("connect", "read", "write", "timeout"), map(int, sockets.groups()), strict=True
                )
            )
            if sockets
            else {}
        ),
    )


def wrk(url: str, seconds: int, *, headers=None, script: Path | None = None) -> Result:
    # A slow answer is measured (up to 10 s) rather than dropped as a timeout (wrk's default: 2 s).
    args = [WRK, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
    args.append("--latency")
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    if script:
        args += ["-s", str(script)]
    completed = subprocess.run([*args, url], capture_output=True, text=True, timeout=seconds + 60)
    if completed.returncode:
        raise BenchError(f"wrk failed:\n{completed.stdout}{completed.stderr}")
    return parse_wrk(completed.stdout)


def soak_script(path: Path) -> None:
    """A wrk script that sends the soak's pages in turn."""
    entries = []
    for page, cookie in SOAK_PAGES:
        headers = f'{{["Cookie"] = "{cookie}"}}' if cookie else "{}"
        entries.append(f'  {{"{page}", {headers}}},')
    path.write_text(
        "local pages = {\n" + "\n".join(entries) + "\n}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #pages + 1\n"
        '  return wrk.format("GET", pages[i][1], pages[i][2])\n'
        "end\n"
    )


# The run -------------------------------------------------------------------------------------


def cpu_busy(seconds: float = 1.0) -> float:
    """The share of the machine's CPU time in use over `seconds` (taken with the servers idle, it
    is what other programs use: they skew the figures)."""

    def sample() -> tuple[int, int]:
        fields = [int(value) for value in Path("/proc/stat").read_text().split()[1:9]]
        idle = fields[3] + fields[4]  # idle, iowait
        return sum(fields) - idle, sum(fields)

    busy_before, total_before = sample()
    time.sleep(seconds)
    busy_after, total_after = sample()
    return (busy_after - busy_before) / max(1, total_after - total_before)


def settle(seconds: int) -> float:
    """Wait up to `seconds` for other programs to use under QUIET of the CPU (the servers idle);
    the share last seen."""
    deadline = time.monotonic() + seconds
    busy = cpu_busy()
    while busy >= QUIET and time.monotonic() < deadline:
        busy = cpu_busy(2.0)
    return busy


def machine(env: dict[str, str], workers: int) -> str:
    postgres = manage(
        env,
        "shell",
        "-v",
        "0",
        "-c",
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('SHOW server_version')\n"
        "    print(connection.vendor, c.fetchone()[0])",
    ).strip()
    vendor, _, version = postgres.splitlines()[-1].partition(" ")
    if vendor != "postgresql":
        raise BenchError(f"the app is not on PostgreSQL but on {vendor}")
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    wrk_version = subprocess.run([WRK, "-v"], capture_output=True, text=True).stdout.split()
    gunicorn = subprocess.run(
        [str(VENV_BIN / "gunicorn"), "--version"], capture_output=True, text=True
    ).stdout.strip()
    import django

    def git(*args: str) -> str:  # read-only: which code was measured
        done = subprocess.run(
            ["git", "--no-optional-locks", *args], cwd=BASE_DIR, capture_output=True, text=True
        )
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    if git("status", "--porcelain", "--untracked-files=no", "--", "kb", "roles", "templates"):
        commit += " with uncommitted changes to the app"
    return (
        f"Machine: {os.cpu_count()} cores (`nproc` {nproc}), {model}; PostgreSQL {version}; "
        f"Python {platform.python_version()}, Django {django.get_version()}, {gunicorn}, "
        f"{workers} sync workers (cores + 1); wrk {wrk_version[1] if len(wrk_version) > 1 else ''}"
        f" with {THREADS} threads and {CONNECTIONS} connections on the same cores. Code: {commit}."
    )


def check_pages(ports: dict[str, int]) -> list[str]:
    """Each page answers 200; the cached role page is a hit the second time."""
    lines = []
    for page in PAGES:
        port = ports[page.server]
        first = get(port, page.path, page.headers)
        second = get(port, page.path, page.headers)
        if first.status != 200 or second.status != 200:
            raise BenchError(f"{page.path} answered {first.status}, then {second.status}")
        cache = second.getheader("X-Cache") or "none"
        if page is CACHED_ROLE and cache != "hit":
            raise BenchError(f"{page.path}: X-Cache {cache!r} on the second request, not 'hit'")
        if page.headers and cache != "none":
            raise BenchError(f"{page.path} with a session cookie: X-Cache {cache!r}")
        if page.server == "uncached" and cache != "none":
            raise BenchError(f"{page.path} on the PAGE_CACHE=0 server: X-Cache {cache!r}")
        lines.append(f"{page.name} 200, X-Cache on 2nd request: {cache}")
    return lines


def report_table(results: list[tuple[Page, Result]]) -> None:
    floor = results[0][1].rate
    print("| page | requests/s | p50 ms | p99 ms | errors | % of robots.txt |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for page, result in results:
        errors = str(result.errors)
        if result.errors:
            parts = [f"{n} non-2xx/3xx"] if (n := result.non_2xx_3xx) else []
            parts += [f"{n} {kind}" for kind, n in result.socket_errors.items() if n]
            errors += f" ({', '.join(parts)})"
        print(
            f"| {page.label} | {result.rate:,.0f} | {result.p50:.1f} | {result.p99:.1f} "
            f"| {errors} | {100 * result.rate / floor:.0f} % |"
        )


def report_targets(results: list[tuple[Page, Result]]) -> bool:
    by_page = {page.label: result for page, result in results}
    floor = by_page[ROBOTS.label].rate
    cached = by_page[CACHED_ROLE.label].rate / floor
    uncached = by_page[UNCACHED_ROLE.label].rate / floor
    counted = [(page, result) for page, result in results if page.target]
    worst_p99 = max(counted, key=lambda item: item[1].p99)
    errors = sum(result.errors for _page, result in counted)
    targets = [
        (
            f"cached role page ≥ {CACHED_SHARE:.0%} of robots.txt",
            cached >= CACHED_SHARE,
            f"{cached:.0%}",
        ),
        (
            f"uncached role page ≥ {UNCACHED_SHARE:.0%} of robots.txt",
            uncached >= UNCACHED_SHARE,
            f"{uncached:.0%}",
        ),
        (
            f"p99 < {P99_LIMIT_MS:.0f} ms everywhere",
            worst_p99[1].p99 < P99_LIMIT_MS,
            f"worst {worst_p99[1].p99:.1f} ms ({worst_p99[0].name})",
        ),
        ("no errors", errors == 0, f"{errors} errors"),
    ]
    print("| target | result | measured |")
    print("| --- | --- | --- |")
    for name, met, measured in targets:
        print(f"| {name} | {'PASS' if met else 'MISS'} | {measured} |")
    if os.cpu_count() != 2:
        print(f"\nThe targets are set for 2 cores; this machine has {os.cpu_count()}.")
    return all(met for _name, met, _measured in targets)


def log_events(log: str) -> tuple[str, int]:
    """What the servers logged: worker restarts and timeouts, and each kind of error (Django logs
    a 4xx or 5xx answer as "<reason>: <path>", and an exception's traceback ends with its
    message)."""
    lines = log.splitlines()
    problems = Counter()
    for number, line in enumerate(lines):
        if re.fullmatch(r"[A-Z][A-Za-z ]+: /\S*", line):
            problems[line] += 1
        elif line.startswith("Traceback"):
            tail = (text for text in lines[number + 1 :] if not text.startswith((" ", "\t")))
            problems[next(tail, "Traceback")[:160]] += 1
        elif re.search(r"\[(ERROR|CRITICAL)\]", line) and "Traceback" not in line:
            problems[re.sub(r"^\[[^]]*\] \[\d+\] ", "", line)[:160]] += 1
    summary = (
        f"{log.count('Autorestarting worker')} worker restarts (max_requests), "
        f"{log.count('WORKER TIMEOUT')} worker timeouts, {sum(problems.values())} errors logged"
    )
    if problems:
        summary += ": " + "; ".join(f"{n}× {text}" for text, n in problems.most_common(3))
    return summary, log.count("WORKER TIMEOUT")


def run(args: argparse.Namespace, processes: Processes) -> bool:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(POSTGRES_SCHEMES):
        raise BenchError(
            "Run it on PostgreSQL: set DATABASE_URL=postgres://… (a database of its own)."
        )
    for tool in (WRK, shutil.which("redis-server"), str(VENV_BIN / "gunicorn")):
        if not tool or not Path(tool).exists():
            raise BenchError(
                f"missing: {tool or 'redis-server'} (apt-get install wrk redis-server)"
            )
    taken: set[int] = set()
    redis_port, main_port, uncached_port = (free_port(taken) for _ in range(3))

    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(
        SECRET_KEY="load-benchmark-" + "k" * 50,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
    )
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_seeds")
    manage(env, "collectstatic", "--no-input", "-v", "0")

    redis = processes.start(
        "redis",
        [
            shutil.which("redis-server"),
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
        ],  # fmt: skip
        env,
    )
    wait_for_redis(redis, redis_port)
    ports = {"main": main_port}
    if not args.soak:
        ports["uncached"] = uncached_port
    servers = {}
    for name, port in ports.items():
        # gunicorn's control socket goes to $XDG_RUNTIME_DIR (else ~/.gunicorn/, shared with any
        # other gunicorn of this user): one folder per server, removed at the end.
        runtime = processes.logs / f"run-{name}"
        runtime.mkdir(mode=0o700)
        server_env = {**env, "BIND": f"127.0.0.1:{port}", "XDG_RUNTIME_DIR": str(runtime)}
        if name == "uncached":
            server_env["PAGE_CACHE"] = "0"
        servers[name] = processes.start(
            f"gunicorn-{name}",
            [str(VENV_BIN / "gunicorn"), "-c", "kb/gunicorn.conf.py", "kb.wsgi"],
            server_env,
        )
    for name, port in ports.items():
        wait_for_gunicorn(servers[name], port)
    workers = len(children_of(servers["main"].pid))
    about = machine(env, workers)

    if args.soak:
        return soak(args, processes, main_port, about)

    checks = check_pages(ports)
    results = []
    background = []
    for page in PAGES:
        before = settle(args.settle)
        url = f"http://127.0.0.1:{ports[page.server]}{page.path}"
        wrk(url, args.warmup, headers=page.headers)
        results.append((page, wrk(url, args.duration, headers=page.headers)))
        time.sleep(2)  # the workers finish the requests still queued when wrk stopped
        background.append(max(before, cpu_busy()))

    print(f"# Load: {args.duration} s per page after {args.warmup} s of warm-up\n")
    print(about + "\n")
    print("Checked first: " + "; ".join(checks) + ".\n")
    print(
        "CPU used by other programs just before and after each page (servers idle): "
        + ", ".join(f"{page.name} {busy:.0%}" for page, busy in zip(PAGES, background, strict=True))
        + (
            ". Other programs were busy: these figures are skewed.\n"
            if max(background) >= QUIET
            else ".\n"
        )
    )
    report_table(results)
    print()
    passed = report_targets(results)
    events, _timeouts = log_events(
        processes.log("gunicorn-main") + processes.log("gunicorn-uncached")
    )
    print(f"\nServer log: {events}.")
    return passed


def soak(args: argparse.Namespace, processes: Processes, port: int, about: str) -> bool:
    for path, cookie in SOAK_PAGES:
        response = get(port, path, {"Cookie": cookie} if cookie else None)
        if response.status != 200:
            raise BenchError(f"{path} answered {response.status}")
    script = processes.logs / "soak.lua"
    soak_script(script)
    url = f"http://127.0.0.1:{port}/"
    before = settle(args.settle)
    result = wrk(url, args.soak_duration, script=script)
    time.sleep(2)  # the workers finish the requests still queued when wrk stopped
    background = max(before, cpu_busy())
    healthy = get(port, "/healthz").status == 200
    events, timeouts = log_events(processes.log("gunicorn-main"))
    pages = ", ".join(
        f"`{path}`" + (" with a session cookie (page cache bypassed)" if cookie else "")
        for path, cookie in SOAK_PAGES
    )
    print(f"# Soak: {args.soak_duration} s, {CONNECTIONS} connections, {THREADS} threads\n")
    print(about + "\n")
    print(f"Pages in turn: {pages}.\n")
    print(f"CPU used by other programs before and after (servers idle): {background:.0%}.\n")
    print("| requests | requests/s | p50 ms | p99 ms | non-2xx/3xx | socket errors | result |")
    print("| ---: | ---: | ---: | ---: | ---: | --- | --- |")
    sockets = ", ".join(f"{kind} {n}" for kind, n in result.socket_errors.items()) or "none"
    passed = result.errors == 0 and healthy and not timeouts
    print(
        f"| {result.requests:,} | {result.rate:,.0f} | {result.p50:.1f} | {result.p99:.1f} "
        f"| {result.non_2xx_3xx} | {sockets} | {'PASS' if passed else 'MISS'} |"
    )
    print(f"\nAfterwards /healthz: {'200' if healthy else 'not 200'}. Server log: {events}.")
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds measured per page")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per page")
    parser.add_argument("--soak", action="store_true", help="a mix of pages for --soak-duration")
    parser.add_argument("--soak-duration", type=int, default=60)
    parser.add_argument(
        "--settle",
        type=int,
        default=120,
        help=f"seconds to wait before each page for other programs to use under {QUIET:.0%}% CPU",
    )
    args = parser.parse_args()
    # A SIGTERM or SIGHUP still stops the servers (the finally below).
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda number, _frame: sys.exit(128 + number))
    with tempfile.TemporaryDirectory(prefix="kb-load-") as logs:
        processes = Processes(Path(logs))
        try:
            passed = run(args, processes)
        except BenchError as error:
            print(f"load.py: {error}", file=sys.stderr)
            for name, _process in processes.started:
                tail = processes.log(name).splitlines()[-30:]
                if tail:
                    print(f"--- {name} log (last lines) ---", *tail, sep="\n", file=sys.stderr)
            sys.exit(2)
        finally:
            processes.stop_all()
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
