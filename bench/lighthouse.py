"""Lighthouse scores (issue 16) of the home, role and employers' pages, served as in production.

    .venv/bin/python bench/lighthouse.py [--runs 3] [--languages nb el da] [--reports DIR]

Works on a site of its own: a new SQLite file in a temporary folder, migrated and seeded
(common.fresh_site). Compiles the interface catalogues and collects the static files into
staticfiles/ (hashed and compressed), as `make serve` and `make static` do. Serves the site under
gunicorn as `make serve` does (kb/gunicorn.conf.py, DEBUG off, a SECRET_KEY, whitenoise) on a
loopback port below 32768, with bench/load.py's process helpers, and stops it again by PID, even
on failure.

Lighthouse 12 comes from npm, installed once into a cache folder outside the project
(--lighthouse-dir, default ~/.cache/kb-bench/lighthouse-12; the project's package.json stays as
CI's `npm ci` needs it), and runs Debian's Chromium (CHROME_PATH=/usr/bin/chromium, headless) on
/<lang>/, /<lang>/roles/agent/, /<lang>/roles/manager/ and /<lang>/roles/agent/for-employers/ in
each language, in the mobile (Lighthouse's default) and desktop (--preset=desktop) form factors.

Targets: at least 0.98 in performance, accessibility and best practices everywhere, and 1.0 in
SEO on pages meant to be indexed (a page is not when it says noindex in a robots meta tag or an
X-Robots-Tag header; each page's state is printed). With --runs N each page is measured N times
and the median of each category is reported. Prints Markdown: the versions, a table of the four
scores per page, then every audit under 1 on a page that misses a target, with its details; exit
status 1 if a target is missed, 2 if the run itself failed.
"""

import argparse
import atexit
import datetime
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_folder = Path(tempfile.mkdtemp(prefix="kb-bench-lighthouse-"))
atexit.register(shutil.rmtree, _folder, ignore_errors=True)  # after main()'s finally
DATABASE_URL = f"sqlite:///{_folder}/bench.sqlite3"
SECRET_KEY = "lighthouse-benchmark-" + "k" * 50
os.environ.update(
    DJANGO_SETTINGS_MODULE="kb.settings",
    DATABASE_URL=DATABASE_URL,
    SECRET_KEY=SECRET_KEY,
    DEBUG="0",
)

import django

django.setup()

from common import fresh_site
from django.conf import settings
from load import (
    CLEARED,
    QUIET,
    VENV_BIN,
    BenchError,
    Processes,
    free_port,
    log_events,
    manage,
    settle,
    wait_for_gunicorn,
)

BASE_DIR = Path(settings.BASE_DIR)
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
LIGHTHOUSE_PACKAGE = "lighthouse@12"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 0.98, "accessibility": 0.98, "best-practices": 0.98, "seo": 1.0}
FORM_FACTORS = ("mobile", "desktop")
PAGES = (
    ("home", "/{lang}/"),
    ("role: agent", "/{lang}/roles/agent/"),
    ("role: manager", "/{lang}/roles/manager/"),
    ("HR: agent for employers", "/{lang}/roles/agent/for-employers/"),
)
# What else the server's environment must not take from the caller's: their database, their Redis.
ALSO_CLEARED = ("REDIS_URL", "DATABASE_URL", "DEBUG", "SECRET_KEY")
# Under this benchmark index Lighthouse warns that the CPU is slower than its throttling assumes
# (its SLOW_CPU_BENCHMARK_INDEX_THRESHOLD): a busy machine shows here first.
SLOW_INDEX = 1000
# Runs of Lighthouse on one page before the benchmark gives up (see lighthouse()).
ATTEMPTS = 3
# Audits that show a score without counting it.
UNSCORED = ("informative", "notApplicable", "manual")
# How many items of an audit's details are printed.
DETAIL_ITEMS = 5


@dataclass
class Measured:
    label: str
    path: str
    form_factor: str
    indexed: bool
    robots: str  # what said noindex, or ""
    scores: dict[str, list[float | None]] = field(default_factory=dict)
    reports: list[dict] = field(default_factory=list)
    busy: list[float] = field(default_factory=list)  # other programs' CPU share before each run

    @property
    def benchmark_index(self) -> float:
        """Lighthouse's measure of the machine's speed during the runs (the median)."""
        return statistics.median(r["environment"]["benchmarkIndex"] for r in self.reports)

    def score(self, category: str) -> float | None:
        values = [value for value in self.scores.get(category, []) if value is not None]
        return statistics.median(values) if values else None

    def missed(self) -> list[str]:
        """The categories under their target (SEO only where the page is meant to be indexed)."""
        missed = []
        for category, target in TARGETS.items():
            if category == "seo" and not self.indexed:
                continue
            score = self.score(category)
            if score is None or score < target:
                missed.append(category)
        return missed


# Set-up --------------------------------------------------------------------------------------


def lighthouse_binary(folder: Path) -> tuple[Path, str]:
    """Lighthouse 12 in `folder` (installed there with npm the first time); its version."""
    binary = folder / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        npm = shutil.which("npm")
        if not npm:
            raise BenchError("npm not found: Lighthouse is installed with it")
        folder.mkdir(parents=True, exist_ok=True)
        print(f"Installing {LIGHTHOUSE_PACKAGE} into {folder} …", file=sys.stderr)
        done = subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(folder),
                "--no-audit",
                "--no-fund",
                LIGHTHOUSE_PACKAGE,
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode or not binary.exists():
            raise BenchError(
                f"npm install {LIGHTHOUSE_PACKAGE} failed:\n{done.stdout}{done.stderr}"
            )
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    found = version.stdout.strip()
    if not found.startswith("12."):
        raise BenchError(f"{binary} is Lighthouse {found or '?'}, not 12: remove {folder}")
    return binary, found


def chromium_version() -> str:
    if not Path(CHROMIUM).exists():
        raise BenchError(f"{CHROMIUM} missing (apt-get install chromium)")
    done = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True)
    # Debian's wrapper script may print a shell warning first; the version is the last line.
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else "unknown"


def server_env(port: int, folder: Path) -> dict[str, str]:
    """Production settings with the benchmark's database, and nothing of the caller's own."""
    runtime = folder / "run"  # gunicorn's $XDG_RUNTIME_DIR, not shared with another gunicorn
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in CLEARED + ALSO_CLEARED}
    env.update(
        DJANGO_SETTINGS_MODULE="kb.settings",
        DATABASE_URL=DATABASE_URL,
        SECRET_KEY=SECRET_KEY,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        BIND=f"127.0.0.1:{port}",
        XDG_RUNTIME_DIR=str(runtime),
    )
    return env


def robots_state(port: int, path: str) -> str:
    """What says noindex for the page (a robots meta tag, an X-Robots-Tag header), or "". Also
    checks that the page answers 200 (and puts it in the page cache, as readers find it)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    html = response.read().decode("utf-8", "replace")
    connection.close()
    if response.status != 200:
        raise BenchError(f"{path} answered {response.status}")
    found = []
    header = response.getheader("X-Robots-Tag") or ""
    if "noindex" in header.lower():
        found.append(f"X-Robots-Tag: {header}")
    for tag in re.findall(r"<meta\b[^>]*>", html, flags=re.IGNORECASE):
        if re.search(r"""name=["']?robots""", tag, re.IGNORECASE) and "noindex" in tag.lower():
            found.append(tag)
    return "; ".join(found)


# Lighthouse ----------------------------------------------------------------------------------


def lighthouse(binary: Path, url: str, form_factor: str, output: Path) -> tuple[dict, int]:
    """Lighthouse's report on `url`, and how many failed attempts came before it. Lighthouse now
    and then loses the trace of a load ("Something went wrong with recording the trace …
    (NO_NAVSTART)", "Please run Lighthouse again"): a run that fails is tried again, up to
    ATTEMPTS times in all, and the retries are reported."""
    args = [
        str(binary),
        url,
        "--output=json",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    if form_factor == "desktop":
        args.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    for attempt in range(1, ATTEMPTS + 1):
        output.unlink(missing_ok=True)
        try:
            done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            failure = "took over 300 s"
        else:
            report = json.loads(output.read_text()) if output.exists() else {}
            if not done.returncode and report and not report.get("runtimeError"):
                return report, attempt - 1
            failure = (report.get("runtimeError") or {}).get("message") or done.stderr[-3000:]
        print(f"Lighthouse on {url} ({form_factor}), attempt {attempt}: {failure}", file=sys.stderr)
    raise BenchError(f"Lighthouse on {url} ({form_factor}) failed {ATTEMPTS} times: {failure}")


def short(value, limit: int = 160) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def longest_chain(chains: dict) -> str:
    """The longest request chain of a network tree, as its addresses and time."""
    for chain in chains.values():
        if chain.get("isLongest"):
            rest = longest_chain(chain.get("children") or {})
            step = f"{chain.get('url')} ({chain.get('navStartToEndTime', 0):.0f} ms)"
            return f"{step} → {rest}" if rest else step
    return ""


def item_text(item: dict) -> str:
    """One row of an audit's details, as the parts that identify it."""
    value = item.get("value")
    if isinstance(value, dict) and value.get("type") == "network-tree":
        return short("longest chain: " + longest_chain(value.get("chains") or {}), 300)
    if item.get("type") == "table":  # a table within a list of tables (insights)
        rows = [item_text(row) for row in item.get("items") or [] if isinstance(row, dict)]
        return short("; ".join(rows), 300)
    parts = []
    node = item.get("node") if isinstance(item.get("node"), dict) else None
    if node:
        parts.append(node.get("selector") or "")
        if node.get("snippet"):
            parts.append(node["snippet"])
        if node.get("explanation"):
            parts.append(node["explanation"])
    for key in ("url", "source", "description", "sourceLocation", "label", "value"):
        value = item.get(key)
        if isinstance(value, dict) and value.get("type") == "source-location":
            # As the report gives them (its insights do not all count lines from the same base).
            value = f"{value.get('url')} line {value.get('line')} column {value.get('column')}"
        elif isinstance(value, dict):
            value = value.get("url") or value.get("value") or ""
        if value:
            parts.append(f"{key}: {value}")
    for key in ("wastedMs", "wastedBytes", "totalBytes", "reflowTime", "duration"):
        if item.get(key):
            parts.append(f"{key} {item[key]:,.0f}")
    if item.get("subItems", {}).get("items"):
        parts += [item_text(sub) for sub in item["subItems"]["items"][:3]]
    if not parts:
        parts.append(json.dumps(item, ensure_ascii=False))
    return short(" | ".join(part for part in parts if part), 300)


def detail_lines(audit: dict, limit: int) -> list[str]:
    """Up to `limit` rows of an audit's details (a checklist: what it found missing), else its
    explanation."""
    items = (audit.get("details") or {}).get("items") or []
    if isinstance(items, dict):
        lines = [
            check.get("label", name) for name, check in items.items() if not check.get("value")
        ]
    else:
        lines = [item_text(item) for item in items[:limit] if isinstance(item, dict)]
        if len(items) > limit:
            lines.append(f"… and {len(items) - limit} more")
    if not lines and audit.get("explanation"):
        lines.append(short(audit["explanation"], 300))
    return lines


def audits_below(report: dict, categories: list[str]) -> list[tuple[str, str, str, list[str]]]:
    """The audits scored under 1 in `categories`: (category, id, score and value, details)."""
    found = []
    for category in categories:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            score = audit.get("score")
            if score is None or score >= 1 or audit.get("scoreDisplayMode") in UNSCORED:
                continue
            value = f"score {score:g}, weight {ref.get('weight', 0):g}"
            if audit.get("displayValue"):
                value += f", {audit['displayValue']}"
            lines = detail_lines(audit, DETAIL_ITEMS)
            found.append((category, ref["id"], value, lines))
    return found


def weightless_below(measured: list[Measured]) -> list[tuple[str, str, int, str]]:
    """Audits under 1 that weigh nothing in their category's score (diagnostics, insights), over
    every report: (category, id, how many reports, the first report's value and first item)."""
    found: dict[tuple[str, str], list] = {}
    for page in measured:
        for report in page.reports:
            for category in CATEGORIES:
                for ref in report["categories"][category]["auditRefs"]:
                    audit = report["audits"][ref["id"]]
                    score = audit.get("score")
                    if ref.get("weight") or score is None or score >= 1:
                        continue
                    key = (category, ref["id"])
                    if key not in found:
                        first = detail_lines(audit, 1)
                        example = "; ".join(
                            part for part in [audit.get("displayValue"), *first[:1]] if part
                        )
                        found[key] = [0, f"{page.path} {page.form_factor}: {example}"]
                    found[key][0] += 1
    return [(category, audit, n, example) for (category, audit), (n, example) in found.items()]


# The run -------------------------------------------------------------------------------------


def commit() -> str:
    def git(*args: str) -> str:  # read-only: which code was measured
        done = subprocess.run(
            ["git", "--no-optional-locks", *args], cwd=BASE_DIR, capture_output=True, text=True
        )
        return done.stdout.strip()

    found = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = ("kb", "roles", "templates", "static", "locale")
    if git("status", "--porcelain", "--untracked-files=no", "--", *changed):
        found += " with uncommitted changes to the app"
    return found


def run(args: argparse.Namespace, processes: Processes) -> bool:
    started = time.monotonic()
    binary, lighthouse_version = lighthouse_binary(Path(args.lighthouse_dir).expanduser())
    chromium = chromium_version()
    languages = args.languages or [code for code, _name in settings.LANGUAGES]

    fresh_site()
    port = free_port(set())
    env = server_env(port, _folder)
    manage(env, "compilemessages", "--ignore=.venv", "--ignore=node_modules", "-v", "0")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    server = processes.start(
        "gunicorn", [str(VENV_BIN / "gunicorn"), "-c", "kb/gunicorn.conf.py", "kb.wsgi"], env
    )
    wait_for_gunicorn(server, port)
    prepared = time.monotonic() - started

    reports_dir = Path(args.reports) if args.reports else _folder / "reports"
    reports_dir.mkdir(parents=True, exist_ok=True)
    measured: list[Measured] = []
    retries = 0
    for lang in languages:
        for label, pattern in PAGES:
            path = pattern.format(lang=lang)
            robots = robots_state(port, path)
            for form_factor in FORM_FACTORS:
                page = Measured(f"{lang} {label}", path, form_factor, not robots, robots)
                for number in range(args.runs):
                    page.busy.append(settle(args.settle))
                    name = f"{path.strip('/').replace('/', '_')}-{form_factor}-{number + 1}.json"
                    report, failed = lighthouse(
                        binary, f"http://127.0.0.1:{port}{path}", form_factor, reports_dir / name
                    )
                    retries += failed
                    for category in CATEGORIES:
                        score = report["categories"][category]["score"]
                        page.scores.setdefault(category, []).append(score)
                    page.reports.append(report)
                    print(
                        f"{path} {form_factor} #{number + 1} (others' CPU {page.busy[-1]:.0%}, "
                        f"benchmark index {report['environment']['benchmarkIndex']:.0f}): "
                        + ", ".join(
                            f"{category} {report['categories'][category]['score']}"
                            for category in CATEGORIES
                        ),
                        file=sys.stderr,
                    )
                measured.append(page)
    elapsed = time.monotonic() - started

    print(f"# Lighthouse (issue 16), {datetime.date.today().isoformat()}\n")
    print(
        f"{chromium} (headless, `{CHROME_FLAGS}`); Lighthouse "
        f"{lighthouse_version}, its default throttling (simulated; mobile: Moto G Power, slow 4G; "
        "desktop: `--preset=desktop`). "
        f"Server: gunicorn as `make serve` (kb/gunicorn.conf.py), DEBUG off, whitenoise, a fresh "
        f"seeded SQLite database, http://127.0.0.1:{port}. Code: {commit()}. {args.runs} run(s) "
        f"per page (the median). {len(measured) * args.runs} Lighthouse runs "
        f"({retries} tried again after a failed run) in {elapsed:.0f} s ({prepared:.0f} s of "
        "set-up).\n"
    )
    print(
        "Targets: performance, accessibility, best practices ≥ 0.98; SEO 1.0 where the page is "
        "meant to be indexed.\n"
    )
    print(
        "| page | path | form factor | indexed | performance | accessibility | best practices "
        "| SEO | result | benchmark index | others' CPU |"
    )
    print("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |")

    def shown(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f}"

    for page in measured:
        missed = page.missed()
        result = "PASS" if not missed else "MISS: " + ", ".join(missed)
        indexed = "yes" if page.indexed else "no (noindex)"
        scores = " | ".join(shown(page.score(category)) for category in CATEGORIES)
        print(
            f"| {page.label} | `{page.path}` | {page.form_factor} | {indexed} | {scores} "
            f"| {result} | {page.benchmark_index:.0f} | {max(page.busy):.0%} |"
        )
    print(
        "\nBenchmark index: Lighthouse's measure of the machine's speed during the run (the "
        f"median), under {SLOW_INDEX} it warns that the CPU is slower than its throttling "
        "assumes; others' CPU: the share other programs used just before the page's runs (the "
        f"most). Performance figures of a row with an index under {SLOW_INDEX} or others' CPU "
        f"of {QUIET:.0%} or more are skewed by the machine."
    )

    noindexed = [page for page in measured if not page.indexed and page.form_factor == "mobile"]
    if noindexed:
        print("\nNot meant to be indexed (SEO target not applied):")
        for page in noindexed:
            print(f"- `{page.path}`: {page.robots}")

    failing = [page for page in measured if page.missed()]
    if failing:
        print("\n## Audits under 1 on the pages that miss a target\n")
        for page in failing:
            print(f"### {page.label} `{page.path}`, {page.form_factor}\n")
            seen = set()
            for report in page.reports:
                for category, audit, value, lines in audits_below(report, page.missed()):
                    if (category, audit) in seen:
                        continue
                    seen.add((category, audit))
                    print(f"- {category} / `{audit}`: {value}")
                    for line in lines:
                        print(f"    - {line}")
            print()
    weightless = weightless_below(measured)
    if weightless:
        runs = sum(len(page.reports) for page in measured)
        print(f"\nAudits under 1 that weigh nothing in the scores ({runs} reports):\n")
        for category, audit, n, example in weightless:
            print(f"- {category} / `{audit}`: {n} of {runs}; e.g. {short(example, 240)}")
    events, _timeouts = log_events(processes.log("gunicorn"))
    print(f"\nServer log: {events}.")
    if args.reports:
        print(f"JSON reports in {reports_dir}.")
    return not failing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (median)")
    parser.add_argument(
        "--languages", nargs="+", help="language codes (default: every language of the site)"
    )
    parser.add_argument("--reports", help="keep the JSON reports in this folder")
    parser.add_argument(
        "--settle",
        type=int,
        default=60,
        help=f"seconds to wait before each run for other programs to use under {QUIET:.0%}% CPU",
    )
    parser.add_argument(
        "--lighthouse-dir",
        default=str(
            Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
            / "kb-bench"
            / "lighthouse-12"
        ),
        help="where Lighthouse is installed with npm (once)",
    )
    args = parser.parse_args()
    known = {code for code, _name in settings.LANGUAGES}
    if args.languages and not set(args.languages) <= known:
        parser.error(f"languages of the site: {', '.join(sorted(known))}")
    # A SIGTERM or SIGHUP still stops the server (the finally below).
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda number, _frame: sys.exit(128 + number))
    processes = Processes(_folder)
    try:
        passed = run(args, processes)
    except BenchError as error:
        print(f"lighthouse.py: {error}", file=sys.stderr)
        tail = processes.log("gunicorn").splitlines()[-40:]
        if tail:
            print("--- gunicorn log (last lines) ---", *tail, sep="\n", file=sys.stderr)
        sys.exit(2)
    finally:
        processes.stop_all()
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
