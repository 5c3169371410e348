"""Load for the outage tests: a small threaded client that records every answer (its status,
headers and time), and wrk for throughput."""

import http.client
import re
import statistics
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError

from tests.system.conftest import WRK, Browser


@dataclass
class Answer:
    kind: str
    path: str
    started: float  # time.monotonic()
    seconds: float
    status: int | None  # None: no answer within the client's timeout, or the connection failed
    headers: dict[str, str]

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class Load:
    """A bounded load on `base`: for each kind, a number of clients, each sending one request at a
    time (the address from its function) and pausing between them. Every answer is kept."""

    def __init__(self, base: str, kinds: dict[str, tuple[int, float, Callable[[], str]]], *,
                 timeout: float):  # fmt: skip
        self.base, self.kinds, self.timeout = base, kinds, timeout
        self.answers: list[Answer] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._client, args=(kind, pause, address), daemon=True)
            for kind, (clients, pause, address) in kinds.items()
            for _ in range(clients)
        ]

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        for thread in self._threads:
            thread.join(self.timeout + 5)

    def _client(self, kind: str, pause: float, address: Callable[[], str]) -> None:
        browser = Browser()
        while not self._stop.is_set():
            path = address()
            started = time.monotonic()
            try:
                reply = browser.get(f"{self.base}{path}", timeout=self.timeout)
                status, headers = reply.status, reply.headers
            except (URLError, OSError, http.client.HTTPException):
                status, headers = None, {}
            seconds = time.monotonic() - started
            self.answers.append(Answer(kind, path, started, seconds, status, headers))
            self._stop.wait(pause)

    def of(self, kind: str, start: float = 0.0, end: float = float("inf")) -> list[Answer]:
        """The answers of `kind` to requests sent between `start` and `end` (monotonic)."""
        return [a for a in self.answers if a.kind == kind and start <= a.started < end]


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def summary(answers: list[Answer]) -> str:
    """'n answers: 200 ×n, 503 ×n, none ×n; p50 x ms, p99 x ms, max x ms'."""
    if not answers:
        return "no requests"
    counts: dict[str, int] = {}
    for answer in answers:
        name = str(answer.status) if answer.status else "no answer"
        counts[name] = counts.get(name, 0) + 1
    seconds = [a.seconds for a in answers]
    statuses = ", ".join(f"{name} ×{count}" for name, count in sorted(counts.items()))
    return (
        f"{len(answers)} requests: {statuses}; p50 {percentile(seconds, 0.5) * 1000:.0f} ms, "
        f"p99 {percentile(seconds, 0.99) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms"
    )


# wrk asks for a new address every time: the path with ?n=<this run's token>-<thread>-<count>.
FRESH_ADDRESSES = """\
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
counter = 0
request = function()
  counter = counter + 1
  local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format("GET", wrk.path .. separator .. "n=RUN-" .. id .. "-" .. counter)
end
"""


@dataclass
class Throughput:
    requests: int
    per_second: float
    p50_ms: float
    p99_ms: float
    not_2xx: int
    socket_errors: int

    def __str__(self) -> str:
        return (
            f"{self.per_second:.0f} requests/s ({self.requests} in all), p50 {self.p50_ms:.0f} ms, "
            f"p99 {self.p99_ms:.0f} ms, {self.not_2xx} not 2xx/3xx, {self.socket_errors} socket "
            "errors"
        )


def wrk(url: str, *, seconds: int, folder: Path, connections: int = 8) -> Throughput:
    """wrk on `url` with a new address for every request (so every page is rendered)."""
    script = folder / "fresh.lua"
    script.write_text(FRESH_ADDRESSES.replace("RUN", uuid.uuid4().hex))
    result = subprocess.run(
        [WRK, "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", "--timeout",
         "10s", "-s", str(script), url],
        capture_output=True, text=True, timeout=seconds + 30, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout

    def number(pattern: str, default: str = "0") -> float:
        found = re.search(pattern, out)
        return float(found.group(1) if found else default)

    def milliseconds(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return Throughput(
        requests=int(number(r"(\d+) requests in")),
        per_second=number(r"Requests/sec:\s+([\d.]+)"),
        p50_ms=milliseconds("50%"),
        p99_ms=milliseconds("99%"),
        not_2xx=int(number(r"Non-2xx or 3xx responses: (\d+)")),
        socket_errors=sum(map(int, errors.groups())) if errors else 0,
    )
