"""Fuzzing: over ten thousand malformed requests, none of which may get a server error (5xx).

The inputs are built deterministically: fixed lists of bad values (mangled paths, query strings,
headers, methods and bodies), each applied to pages of the seed content that work, plus variants
drawn from `random.Random` seeded with SEED. Each request goes through the whole stack as a WSGI
server hands it over: the path percent-decoded to bytes (PATH_INFO), the query string and header
values as sent, read as Latin-1. A 400, 403, 404, 405 or 429 is a fine answer to a bad request; a
5xx is a bug. Every family collects all its failures, with the method, target and headers of each,
and the exception behind it (and the line of ours it came from), before it fails.

Every URL pattern of the site is read from the resolver (tests/http/url_patterns.py), so a new
pattern is fuzzed without being listed here, and a test checks that each gets inputs.

The page cache (kb/pagecache/) gets crafted Cookie, Accept-Language, `?lang=`, Host and
X-Forwarded-* combinations, directly and behind a TLS proxy; after each, plain requests for the
same address must answer in the language their own headers decide (cache_probes, below).

The requests go through Django's test client with what the WSGI entry point (kb/wsgi.py) puts in
front of Django: kb/content_type.py, which drops a Content-Type Django cannot read.

Not sent: malformed Content-Length values and raw CR, LF or NUL in header values. gunicorn (and
the proxy in front of it) refuses those requests itself, and Django's test client cannot send them
faithfully (it reads the body it is given, not what Content-Length says). A NUL reaches the app
only escaped, as in a quoted cookie ("\\000") or an RFC 2231 parameter ("%00"): those are sent.

For a logged-in editor, every admin page is fuzzed too (a few inputs each), and this app's own
(history, review, recovery, translations, translation files) with more. A NUL in an admin filter
or form, and a non-numeric id in a bulk action, are refused with 400 before Django's admin sees
them (tests in test_production.py).

At the end: tests of what the fuzz found, so that they hold on SQLite too.
"""

import asyncio
import functools
import itertools
import json
import random
import re
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes, urlsplit
from wsgiref.util import setup_testing_defaults

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import TooManyFieldsSent
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections
from django.http import QueryDict
from django.test import Client, RequestFactory

from kb import content_type
from kb.http.axes import client_ip, login_username
from kb.http.sessions import SessionStore
from tests.http.url_patterns import LANGUAGE_SLOTS, Target, fill, pattern_of, slots, targets

ADMIN = f"/{settings.ADMIN_PATH}"
LANGS = [code for code, _name in settings.LANGUAGES]
# Every variant below is drawn from a random.Random seeded with this and the family's name: the
# same inputs every run, on every worker.
SEED = 1234
# Every URL pattern of the site, read from the resolver (tests/http/url_patterns.py): a pattern
# added to any URLconf is fuzzed without being listed here. The public ones, with the admin's
# index and login, are the pages most families start from; pattern_probes covers all of them.
TARGETS = targets()
PUBLIC = [target for target in TARGETS if not target.admin]
PATTERNS = [target.template for target in PUBLIC] + [ADMIN, f"{ADMIN}login/"]
# What an address needs besides its path to be a page that works.
WORKING_QUERIES = {"/oembed": "url=http%3A%2F%2Ftestserver%2Froles%2Fagent%2F"}

LONG = "x" * 10_000

# Path segments as sent on the wire (percent-encoded where a client would encode; the rest raw).
SEGMENTS = [
    "",
    LONG,
    "%00",
    "a%00b",
    "%ff",
    "%fe%ff",
    "%c0%af",  # overlong "/"
    "%c0%ae%c0%ae",  # overlong ".."
    "%e0%80%af",
    "%ed%a0%80",  # a lone surrogate
    "%f4%90%80%80",  # beyond U+10FFFF
    "..",
    "%2e%2e",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%2f",
    "%5c",
    "%",
    "%zz",
    "%25",
    "πελάτης",
    "%CF%80%CE%B5%CE%BB",
    "😀",
    "%F0%9F%98%80",
    "\u200f",  # right-to-left mark
    "\u202eagent",  # right-to-left override
    "\ufeff",
    "<script>alert(1)</script>",
    "'%20OR%201=1--",
    "{{7*7}}",
    "{%25%20debug%20%25}",
    "%20",
    "%09",
    "%0d%0a",
    "AGENT",
    "agent;x=1",
    "agent.json",
    "-",
    "_",
    "0",
    "-1",
    "9" * 30,
]
LANG_CODES = [
    "xx",
    "en",
    "NB",
    "El",
    "nb-no",
    "nb_NO",
    "el-GR",
    "no",
    "zz-ZZ",
    "zh-hant",
    "i-klingon",
    LONG,
    "",
    "%00",
    "%ff",
    "ελ",
    "el%00",
    "..",
    "n",
]


@dataclass(frozen=True)
class Probe:
    method: str
    target: str  # path and query string as sent
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    secure: bool = False

    def __str__(self):
        parts = [self.method, _short(self.target)]
        parts += [f"{name}: {_short(value)}" for name, value in self.headers]
        if self.body:
            parts.append(f"body {_short(self.body)}")
        if self.secure:
            parts.append("https")
        return " | ".join(parts)


def _short(value) -> str:
    shown = repr(value)
    return shown if len(shown) <= 120 else f"{shown[:100]}… ({len(value)} long)"


def page(template: str, **values: str) -> str:
    """The address of `template` with the seed content's objects, or `values`, in its slots."""
    return with_query(fill(template, **values), WORKING_QUERIES.get(template, ""))


def with_query(target: str, query: str) -> str:
    if not query:
        return target
    return f"{target}{'&' if '?' in target else '?'}{query}"


def real_pages() -> list[str]:
    return [page(pattern) for pattern in PATTERNS]


def _wsgi(value: str) -> str:
    """A query string or header value as a WSGI server hands it over: its bytes, read as Latin-1."""
    return value.encode("utf-8", "surrogatepass").decode("iso-8859-1")


def send(client: Client, probe: Probe):
    path, _, query = probe.target.partition("?")
    environ = {
        # The path is given as PATH_INFO: the client would read "//x" as a host and drop ";x".
        "PATH_INFO": unquote_to_bytes(path).decode("iso-8859-1"),
        "QUERY_STRING": _wsgi(query),
    }
    for name, value in probe.headers:
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = _wsgi(value)
    client.cookies.clear()  # only the probe's own Cookie header is sent
    return client.generic(probe.method, "/", data=probe.body, secure=probe.secure, **environ)


def served_client(**options) -> Client:
    """The test client (a server error is a 500 answer, not an exception) with what kb/wsgi.py
    puts in front of Django."""
    client = Client(raise_request_exception=False, **options)
    handler = client.handler
    client.handler = lambda environ: handler(content_type.drop_unreadable(environ))
    return client


class Server:
    """Sends probes through one client and notes each server error, with the exception behind it
    and where it was raised."""

    def __init__(self, client: Client | None = None):
        self.client = client or served_client()
        self.raised = []
        self.failures = []
        self.sent = 0

    def __enter__(self):
        got_request_exception.connect(self._keep)
        return self

    def __exit__(self, *exc_info):
        got_request_exception.disconnect(self._keep)

    def _keep(self, sender, **kwargs):
        self.raised.append(sys.exc_info()[1])

    def send(self, probe: Probe, context: str = ""):
        """The answer to `probe`, or None if it raised; a 5xx or an exception is a failure."""
        self.raised.clear()
        self.sent += 1
        try:
            response = send(self.client, probe)
        except Exception as error:  # noqa: BLE001 (any error is a finding)
            response, status, self.raised[:] = None, "raised", [error]
        else:
            status = response.status_code
        if response is None or (status >= 500 and not _deliberate(probe, response)):
            cause = f"  <- {_where(self.raised[0])}" if self.raised else ""
            self.failures.append(f"{status}: {context}{probe}{cause}")
        return response

    def check(self, total: int) -> None:
        assert not self.failures, (
            f"{len(self.failures)} failures in {total} inputs ({self.sent} requests):\n"
            + "\n".join(self.failures)
        )


def _deliberate(probe: Probe, response) -> bool:
    """A 5xx the site means: oEmbed's 501 for a format it does not implement (oembed.com 2.3.5)."""
    return (
        response.status_code == 501
        and probe.target.startswith("/oembed")
        and response.json().get("error") == "format_not_implemented"
    )


def _where(error: BaseException) -> str:
    """The exception, and the innermost line of the project's code (or else any) it came from."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if "/.venv/" not in frame.filename] or frames
    place = (
        f" at {Path(ours[-1].filename).name}:{ours[-1].lineno} in {ours[-1].name}" if ours else ""
    )
    return f"{error!r:.300}{place}"


def fuzz(probes: list[Probe], client: Client | None = None) -> None:
    """Send every probe; fail listing every one answered with a 5xx (or that raised)."""
    with Server(client) as server:
        for probe in probes:
            server.send(probe)
    server.check(len(probes))


# The families of inputs


def path_probes() -> list[Probe]:
    probes = []
    for pattern in PATTERNS:
        for slot in slots(pattern):
            values = LANG_CODES if slot in LANGUAGE_SLOTS else SEGMENTS
            probes += [Probe("GET", page(pattern, **{slot: value})) for value in values]
    for path in real_pages():
        mangled = [
            path.upper(),
            path.replace("/", "//"),
            "/" + path,
            path + "junk",
            path + "%00",
            path + "..",
            path + "/../../../etc/passwd",
            path + ";jsessionid=1",
            path.rstrip("/") or "/",
            path + "/",
            path + "%20",
            path + "%2f",
            path + "\u200f",
            path + "~",
            path + "index.php",
            path.replace("/", "/./", 1),
            path.replace("/", "/%2e/", 1),
            path + "%ff%fe",
            path + LONG,
        ]
        probes += [Probe("GET", target) for target in mangled]
    probes += [
        Probe("GET", target)
        for target in ["", "/", "//", "///", "/./", "/../", "/%2e%2e/", "/\\", "/" + "/" * 200]
    ]
    return probes


QUERIES = [
    "' OR '1'='1",
    "'; DROP TABLE roles_role; --",
    '" OR ""="',
    "1) OR (1=1",
    "{{ 7*7 }}",
    "{% debug %}",
    "${7*7}",
    "<script>alert(1)</script>",
    "a\x00b",
    "\x00",
    LONG,
    "kunde " * 2_000,
    "πελατες",
    "ΠΕΛΆΤΕΣ",
    "😀",
    "\u200fabc\u202e",
    "& | ! :*",
    "a:*",
    "!!!",
    "(((",
    "a <-> b",
    "\\",
    "%",
    "_",
    "*",
    " ",
    "\r\n",
    "OR",
    "or or or",
    "-kunde",
    '"unterminated',
    "tålmodighed",
    "TÅLMODIGHET",
    "ﬁ İ ß",
    "a" * 201,
]
# Query strings written out as sent: broken encodings, repeated and odd keys.
RAW_QUERIES = [
    "q=%ff",
    "q=%fe%ff",
    "q=%c0%af",
    "q=%ed%a0%80",
    "q=%",
    "q=%zz",
    "q=%00",
    "q=%00%00%00",
    "q",
    "q=",
    "q=a&q=b&q=c",
    "q[]=x",
    "q=&q=",
    "Q=kunde",
    "q=kunde;page=2",
    "&&&",
    "=",
    "==",
    "q==",
    "q=kunde&page=2&page=x",
    "q=+++",
    "q=kunde#x",
    "%ff=%ff",
    "q=\u00ff",
    "a=" + LONG,
    "&".join(f"k{i}=v" for i in range(2_000)),
]
PAGE_NUMBERS = [
    "-1",
    "0",
    "999999999999999999999",
    "abc",
    "1e9",
    "1.5",
    "2.0",
    "nan",
    "inf",
    "-0",
    "0x10",
    "%202",
    "%EF%BC%92",  # a full-width 2
    "",
    "%00",
    "1%00",
    "9" * 10_000,
    "last",
    "1&page=2",
]
NEXTS = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "////evil.example/el/",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java%0d%0ascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "mailto:a@evil.example",
    "/el/%0d%0aSet-Cookie:%20a=b",
    "%0d%0aLocation:%20https://evil.example",
    "/nb/%0aX:%20y",
    "/el/roles/agent/",
    "/el/roles/nope/",
    "/xx/roles/agent/",
    "/el/search/?q=kunde&page=2",
    "http://testserver/el/about/",
    "https://testserver/el/about/",
    "http://localhost:80x/el/",
    "/el/about/#sources",
    "/" + LONG,
    LONG,
    "%00",
    "/el/%00",
    "/el/roles/%ff/",
    "/el/roles/%c0%af/",
    "\u200f/el/",
    "/😀/",
    "",
]


def query_probes() -> list[Probe]:
    probes = []
    for index, text in enumerate(QUERIES):
        for lang in LANGS:
            probes.append(Probe("GET", f"/{lang}/search/?q={quote(text)}"))
        # Some also unencoded, as a careless client sends them.
        if text.isprintable() and "#" not in text and "&" not in text:
            probes.append(Probe("GET", f"/{LANGS[index % len(LANGS)]}/search/?q={text}"))
    probes += [Probe("GET", f"/el/search/?{query}") for query in RAW_QUERIES]
    for number in PAGE_NUMBERS:
        probes += [
            Probe("GET", f"/nb/search/?q=kunde&page={number}"),
            Probe("GET", f"/el/search/?page={number}"),
            Probe("GET", f"/sitemap.xml?p={number}"),
        ]
    for index, target in enumerate(NEXTS):
        encoded = quote(target, safe="%")
        code = LANGS[index % len(LANGS)]
        probes += [
            Probe("GET", f"/language/{code}/?next={encoded}"),
            Probe("GET", f"/language/el/?next={target}"),
            Probe("GET", f"/language/xx/?next={encoded}"),
            Probe("GET", f"{ADMIN}login/?next={encoded}"),
            Probe("GET", f"/i18n/setlang/?language={code}&next={encoded}"),
        ]
    junk = ["a=1&a=2", "%ff", "x=" + LONG, "q=%00&page=-1&next=//evil.example", "utm_source=😀"]
    for index, path in enumerate(real_pages()):
        probes += [
            Probe("GET", with_query(path, junk[(index + turn) % len(junk)])) for turn in (0, 1)
        ]
    return probes


HOSTS = [
    "evil.example",
    "",
    " ",
    "localhost:80x",
    "localhost:99999999999",
    "localhost:-1",
    "localhost:",
    ":80",
    "[::1",
    "[::1]:80",
    "[::g]",
    "127.0.0.1:80:80",
    LONG,
    "localhost.." + LONG,
    "localhost/../",
    "localhost@evil.example",
    "testserver:443",
    "TESTSERVER",
    "testserver.",
    "😀",
    "λ.gr",
    "localhost\t",
]
ACCEPT_LANGUAGES = [
    "garbage",
    LONG,
    "*",
    "el;q=abc",
    "el;q=",
    "el;q=-1",
    "el;q=2",
    "el;q=1e9",
    "el;q=nan",
    "zz",
    "xx-YY,yy;q=0.5",
    ",,,,",
    ";;;",
    "el-GR-x-private",
    "ελ",
    "el," * 3_000,
    "nb_NO",
    "NB",
    "i-klingon",
    "zh-Hant-TW",
    "el;q=0.5;q=0.9",
    "el; q = 0.8, da ; q=0.9",
    "el-" + LONG,
]
LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME
SESSION_COOKIE = settings.SESSION_COOKIE_NAME
COOKIES = [
    f"{LANGUAGE_COOKIE}=xx",
    f"{LANGUAGE_COOKIE}=",
    f"{LANGUAGE_COOKIE}={LONG}",
    f'{LANGUAGE_COOKIE}="\\000"',
    f"{LANGUAGE_COOKIE}=el; {LANGUAGE_COOKIE}=nb",
    f"{LANGUAGE_COOKIE}=../../",
    f"{LANGUAGE_COOKIE}=EL",
    f"{LANGUAGE_COOKIE}=zh-hant",
    f"{LANGUAGE_COOKIE}=😀",
    f"{LANGUAGE_COOKIE}=el;q=0.5",
    f"{SESSION_COOKIE}=garbage",
    f"{SESSION_COOKIE}=" + "a" * 10_000,
    f'{SESSION_COOKIE}="\\000abcdefgh"',
    f'{SESSION_COOKIE}="abcdefgh\\377"',
    f"{SESSION_COOKIE}=ελληνικά12345",
    f"{SESSION_COOKIE}=" + "z" * 32,
    f"{SESSION_COOKIE}='; DROP TABLE django_session; --",
    f"{settings.CSRF_COOKIE_NAME}=junk",
    "messages=junk",
    'messages="\\000"',
    "=",
    ";;;",
    "a",
    '"',
    'x="unterminated',
    "; ".join(f"c{i}={'v' * 100}" for i in range(200)),
]
# Content-Type headers Django fails on while building the request (kb/content_type.py).
UNREADABLE_CONTENT_TYPES = [
    "text/plain; charset=rot13",
    "text/plain; charset=base64",
    "text/plain; charset=hex",
    "text/plain; charset=undefined",
    "text/plain; charset*=utf-8''%00",
    "text/plain; charset*=utf-8''rot13",
    "text/plain; a*=junk''%41",
    "multipart/form-data; boundary*=junk''b",
]
OTHER_HEADERS = [
    *[("Content-Type", value) for value in UNREADABLE_CONTENT_TYPES],
    ("Content-Type", "text/plain; charset=junk"),
    ("Content-Type", LONG),
    ("Referer", "javascript:alert(1)"),
    ("Referer", "http://evil.example/"),
    ("Referer", LONG),
    ("Referer", "//"),
    ("Referer", "http://[::1"),
    ("Referer", "https://testserver/el/"),
    ("X-Forwarded-For", "junk"),
    ("X-Forwarded-For", "1.2.3.4, junk"),
    ("X-Forwarded-For", ", , ,"),
    ("X-Forwarded-For", LONG),
    ("X-Forwarded-For", "999.999.999.999"),
    ("X-Forwarded-Proto", "https"),
    ("X-Forwarded-Proto", "junk, https"),
    ("X-Forwarded-Host", "evil.example"),
    ("X-Forwarded-Port", "abc"),
    ("X-Real-IP", "junk"),
    ("Forwarded", "for=junk;proto=gopher"),
    ("Authorization", "Basic %%%"),
    ("If-Modified-Since", "yesterday"),
    ("If-None-Match", '"' + LONG),
    ("Range", "bytes=9-1"),
    ("Accept", "application/json;q=junk, */*;q=-1"),
    ("Accept-Encoding", "br;q=x, gzip;q=1e9"),
    ("User-Agent", LONG),
]
# Pages every header is sent to, and the ones taken in turn.
HEADER_PAGES = ["/", "/el/roles/agent/", "/roles/agent/", "/nb/search/?q=kunde", f"{ADMIN}login/"]


def junk_headers() -> list[tuple[str, str]]:
    return (
        [("Host", value) for value in HOSTS]
        + [("Accept-Language", value) for value in ACCEPT_LANGUAGES]
        + [("Cookie", value) for value in COOKIES]
        + OTHER_HEADERS
    )


def header_probes() -> list[Probe]:
    headers = junk_headers()
    others = [path for path in real_pages() if path not in HEADER_PAGES] + ["/el/nope/"]
    probes = []
    for index, header in enumerate(headers):
        for path in [*HEADER_PAGES, others[index % len(others)]]:
            probes.append(Probe("GET", path, (header,)))
    # Several at once, as a browser sends them.
    for index, cookie in enumerate(COOKIES):
        language = ACCEPT_LANGUAGES[index % len(ACCEPT_LANGUAGES)]
        both = (("Cookie", cookie), ("Accept-Language", language))
        probes.append(Probe("GET", "/qualities/patience/", both))
    return probes


METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"]
METHODS += ["PROPFIND", "BREW", "get"]
FORM = "application/x-www-form-urlencoded"
BODIES = [
    (FORM, b""),
    (FORM, b"a=1&b=%ff&c=%00&&&=&csrfmiddlewaretoken=junk"),
    (FORM, b"\xff\xfe\x00\x01"),
    (FORM, b"a=" + b"x" * 100_000),
    (FORM, b"&".join(b"f%d=1" % i for i in range(1_500))),  # more fields than allowed
    (FORM, b"a=" + b"x" * (3 * 1024 * 1024)),  # more than DATA_UPLOAD_MAX_MEMORY_SIZE
    (f"{FORM}; charset=junk", b"a=%ff"),
    (f"{FORM}; charset=utf-16", b"a=%ff&b=1"),
    (f"{FORM}; charset=rot13", b"a=%41"),
    (f"{FORM}; charset=base64", b"a=b"),
    (f"{FORM}; charset=undefined", b"a=b"),
    (f"{FORM}; charset*=utf-8''%00", b"a=b"),
    (f"{FORM}; charset*=junk''x", b"a=b"),
    (f'{FORM}; charset="', b"a=b"),
    ("application/json", b'{"a": [1, {"b": null}], "username": "alice"}'),
    ("application/json", b"{not json"),
    ("multipart/form-data", b"garbage"),
    ("multipart/form-data; boundary=", b"garbage"),
    ("multipart/form-data; boundary=b", b"garbage"),
    ("multipart/form-data; boundary=b", b"--b\r\n"),
    (f'multipart/form-data; boundary="{"x" * 200}"', b"--x\r\n"),
    (
        "multipart/form-data; boundary=b",
        b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--b--\r\n',
    ),
    (
        "multipart/form-data; boundary=b",
        b'--b\r\nContent-Disposition: form-data; name="f"; filename="../../x\x00.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\nx\r\n--b--\r\n",
    ),
    (
        "multipart/form-data; boundary=b; charset=rot13",
        b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--b--\r\n',
    ),
    ("multipart/mixed; boundary=b", b"--b--"),
    ("", b"a=1"),
    ("junk", b"a=1"),
    ("; ; ;", b"a=1"),
    ("text/plain; charset=junk", b"\xff"),
    (LONG, b"a=1"),
]
LOGIN_FORMS = [
    b"username=%00&password=x",
    b"username=" + b"x" * 10_000 + b"&password=y",
    b"username=alice&password=" + b"p" * 10_000,
    b"username=%CE%B5%CE%BB&password=%F0%9F%98%80",
    b"username=alice&password=wrong",
    b"username[]=a&password[]=b",
    b"username=alice&username=bob&password=x&next=javascript:alert(1)",
    b"username=alice&password=x&next=//evil.example",
    b"username=%ff%fe&password=%c0%af",
    b"username=" + b"x" * 300 + b"&password=y",
]
SETLANG_FORMS = [
    b"language=xx&next=//evil.example",
    b"language=%00",
    b"language=" + b"x" * 10_000,
    b"language=el&next=javascript:alert(1)",
    b"language=el&next=/el/%0d%0aSet-Cookie:a=b",
    b"language=el&next=/" + b"x" * 10_000,
    b"language=el&next=%ff",
    b"language[]=el",
]
BODY_TARGETS = ["/el/", "/el/search/", f"{ADMIN}login/", "/i18n/setlang/", "/language/el/"]


def method_probes() -> list[Probe]:
    targets = [*real_pages(), "/", "/el/nope/", f"{ADMIN}logout/", f"{ADMIN}roles/role/"]
    probes = [Probe(method, target) for target in targets for method in METHODS]
    for index, (kind, body) in enumerate(BODIES):
        for target in BODY_TARGETS:
            method = "POST" if (index + len(target)) % 4 else "PUT"
            probes.append(Probe(method, target, (("Content-Type", kind),), body))
    for form in LOGIN_FORMS:
        probes.append(Probe("POST", f"{ADMIN}login/", (("Content-Type", FORM),), form))
        probes.append(Probe("POST", f"{ADMIN}login/?next=//evil.example", (), form))
        long_headers = (("Content-Type", FORM), ("User-Agent", LONG), ("Accept", LONG))
        probes.append(Probe("POST", f"{ADMIN}login/", long_headers, form))
    for form in SETLANG_FORMS:
        probes.append(Probe("POST", "/i18n/setlang/", (("Content-Type", FORM),), form))
    # Over HTTPS the CSRF check also reads the Referer and Origin.
    for name, value in [
        ("Referer", "junk"),
        ("Referer", "https://evil.example/"),
        ("Referer", "http://[::1"),
        ("Referer", LONG),
        ("Origin", "null"),
        ("Origin", "https://evil.example"),
        ("Origin", "https://[::1"),
    ]:
        for target in (f"{ADMIN}login/", "/i18n/setlang/"):
            headers = ((name, value), ("Content-Type", FORM))
            probes.append(Probe("POST", target, headers, secure=True))
    return probes


def random_probes(count: int = 300) -> list[Probe]:
    """Random mixtures of all of the above, the same every run."""
    rng = random.Random(SEED)
    pieces = SEGMENTS + LANG_CODES + ["/", "//", "?", "&", "=", "#", ";", ".."]
    headers = junk_headers()
    keys = ["q", "page", "p", "next", "language", "", "Q"]
    values = QUERIES + NEXTS + PAGE_NUMBERS
    probes = []
    for _ in range(count):
        path = rng.choice(real_pages())
        for _change in range(rng.randint(0, 3)):
            at = rng.randint(0, len(path))
            kind = rng.random()
            if kind < 0.4:
                inserted = rng.choice(pieces)
            elif kind < 0.7:
                inserted = "".join(f"%{byte:02x}" for byte in rng.randbytes(rng.randint(1, 8)))
            else:
                inserted = "".join(chr(rng.randint(0x20, 0x2FFFF)) for _ in range(3))
                inserted = quote(inserted.encode("utf-8", "surrogatepass"), safe="")
            path = path[:at] + inserted + path[at:]
        if rng.random() < 0.7:
            pairs = [
                f"{rng.choice(keys)}={quote(rng.choice(values), safe=rng.choice(['', '%/']))}"
                for _ in range(rng.randint(1, 3))
            ]
            path = f"{path.split('?')[0]}?{'&'.join(pairs)}"
        method = rng.choice(["GET"] * 6 + ["HEAD", "POST", "PUT", "OPTIONS"])
        chosen = tuple(rng.sample(headers, rng.randint(0, 3)))
        body = b""
        if method in ("POST", "PUT") and rng.random() < 0.7:
            kind, body = rng.choice(BODIES)
            chosen += (("Content-Type", kind),)
        probes.append(Probe(method, path, chosen, body))
    return probes


# Values that fit a pattern's converter, so that they reach its view, but name nothing (or too
# much): for numbers, for language codes, and for slugs, strings and paths.
NEAR_NUMBERS = ["0", "00001", "2147483648", "9223372036854775808", "9" * 40, "1" * 400]
NEAR_CODES = ["xx", "EL", "el-gr", "e", "nb_NO", "zz" * 200]
NEAR_OTHERS = ["nosuch", "AGENT", "agent-", "a" * 300, "0", "1/2", "..%2f1", "_", "x%20y"]
# Query strings for any address: the site's parameters with junk in them, and the admin's own.
ANY_QUERIES = [
    *RAW_QUERIES,
    "o=junk",
    "o=-99.1",
    "o=1.2.3",
    "p=-1",
    "p=abc",
    "e=1",
    "all=",
    "_to_field=password",
    "_popup=1",
    "_changelist_filters=" + quote("o=x&p=-1", safe=""),
    "pk__gt=x",
    "id__in=1,a",
    "username__regex=(",
    "is_staff__exact=maybe",
    "action_time__gte=yesterday",
    "language__exact=xx",
    "_facets=1",
    "lang=xx",
    "lang=",
    "lang=el&lang=da",
    "format=junk",
    "format=xml&url=" + quote("//evil.example/", safe=""),
    "maxwidth=-1&maxheight=1e9",
    "number=" + "9" * 30,
    "next=" + quote("//evil.example", safe=""),
    "q=" + quote(LONG),
]


def near_misses(target: Target, slot: str) -> list[str]:
    if slot in target.numeric:
        return NEAR_NUMBERS
    return NEAR_CODES if slot in LANGUAGE_SLOTS else NEAR_OTHERS


def pattern_probes() -> list[Probe]:
    """Every URL pattern of the site, the admin's too (anonymous: its sign-in answers): values that
    fit its converters but name nothing, junk queries, junk headers, and, for the admin's, every
    method (method_probes sends every method to the public pages)."""
    rng = random.Random(f"{SEED}:patterns")
    headers = junk_headers()
    probes = []
    for target in TARGETS:
        address = page(target.template)
        for slot in target.slots:
            values = near_misses(target, slot)
            probes += [Probe("GET", page(target.template, **{slot: value})) for value in values]
        methods = METHODS if target.admin else rng.sample(METHODS, 3)
        probes += [Probe(method, address) for method in methods]
        probes += [Probe("GET", with_query(address, query)) for query in rng.sample(ANY_QUERIES, 6)]
        for _ in range(4):
            chosen = tuple(rng.sample(headers, rng.randint(1, 3)))
            probes.append(Probe(rng.choice(["GET", "GET", "HEAD", "POST"]), address, chosen))
    return probes


# The admin pages of this app (history, review, recovery, translations), for a logged-in editor.
EDITED = ["role", "duty", "quality", "scenario", "workplace", "source"]
OBJECT_IDS = ["0", "-1", "99999999999999999999", "abc", "%00", "a%00b", "%ff", LONG, "1.5", "😀"]
ADMIN_QUERIES = [
    "page=-1",
    "page=abc",
    "page=99999999999999999999",
    "language=xx",
    "language=%00",
    "language=el&only=junk",
    "language=el&format=junk",
    "q=%00",
    "missing_in=%00",
    "status_el=%00",
    "p=" + LONG,
]


def editor_probes() -> list[Probe]:
    probes = []
    for model in EDITED:
        base = f"{ADMIN}roles/{model}"
        for object_id in OBJECT_IDS:
            probes += [
                Probe("GET", f"{base}/{object_id}/history/"),
                Probe("GET", f"{base}/{object_id}/history/{object_id}/"),
                Probe("GET", f"{base}/recover/{object_id}/"),
                Probe("POST", f"{base}/{object_id}/review/el/"),
                Probe("POST", f"{base}/1/review/{object_id}/"),
            ]
        probes += [Probe("GET", f"{base}/recover/?{query}") for query in ADMIN_QUERIES[:3]]
    for query in ADMIN_QUERIES:
        probes += [
            Probe("GET", f"{ADMIN}content/translations/?{query}"),
            Probe("GET", f"{ADMIN}content/changes/?{query}"),
            Probe("GET", f"{ADMIN}translation-files/export/?{query}"),
        ]
    for kind, body in BODIES[:12] + [(FORM, b"content=%00&language=%00")]:
        probes.append(
            Probe("POST", f"{ADMIN}translation-files/import/", (("Content-Type", kind),), body)
        )
    upload = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="el.po"\r\n'
        b"Content-Type: text/plain\r\n\r\n\x00\xff\xfe msgid junk\r\n--b--\r\n"
    )
    probes.append(
        Probe(
            "POST",
            f"{ADMIN}translation-files/import/",
            (("Content-Type", "multipart/form-data; boundary=b"),),
            upload,
        )
    )
    return probes


# Forms posted to every admin page. Never one to a delete page: any field confirms the deletion.
ADMIN_FORMS = [
    b"a=1&b=%ff&_save=Save",
    b"name=" + b"x" * 300 + b"&_continue=1&_changelist_filters=o%3Dx",
    b"action=delete_selected&_selected_action=1&index=0",  # the confirmation page: no "post=yes"
    b"action=junk&_selected_action=1&select_across=2",
    b"username=alice&password1=x&password2=y&usable_password=maybe",
]


def admin_page_probes() -> list[Probe]:
    """Every admin pattern, for a logged-in editor: its page with a junk query, values that fit its
    converters but name nothing, and a junk form (but not to log out: the rest would be
    anonymous)."""
    rng = random.Random(f"{SEED}:admin")
    probes = []
    for target in TARGETS:
        if not target.admin:
            continue
        address = page(target.template)
        probes.append(Probe("GET", with_query(address, rng.choice(ANY_QUERIES))))
        for slot in target.slots:
            value = rng.choice(near_misses(target, slot))
            probes.append(Probe("GET", page(target.template, **{slot: value})))
        if not target.route.endswith(("logout/", "delete/")):
            form = rng.choice(ADMIN_FORMS)
            probes.append(Probe("POST", address, (("Content-Type", FORM),), form))
    return probes


def proxy_probes() -> list[Probe]:
    """Junk in X-Forwarded-For and -Proto, for the site behind a TLS proxy, which reads them."""
    forwarded = ["junk", "", " , ,", "1.2.3.4, junk", "999.999.999.999", "::1::1", LONG]
    forwarded += ["1.2.3.4", "[::1]", "fe80::1%eth0", "\u0661.\u0662.\u0663.\u0664"]
    probes = []
    for index, address in enumerate(forwarded):
        proto = ["https", "http", "junk", "https, http", "HTTPS", ""][index % 6]
        headers = (("X-Forwarded-For", address), ("X-Forwarded-Proto", proto))
        probes += [
            Probe("GET", "/el/roles/agent/", headers),
            Probe("GET", "/roles/agent/", headers),
            Probe("GET", f"{ADMIN}login/", headers),
        ]
        for form in LOGIN_FORMS[:5]:
            login = (*headers, ("Content-Type", FORM))
            probes.append(Probe("POST", f"{ADMIN}login/", login, form, secure=True))
    return probes


# Crafted requests against the page cache: odd language cookies, Accept-Language headers, `?lang=`
# values, Host and X-Forwarded-* headers, mixed. Each is sent with the cache empty, so that what it
# answers is kept; plain requests for the same address follow (one per language if something was
# kept, else one), and each must answer in the language its own headers decide (the rule of
# roles.languages.request_language, written out in expected_language), say that language in
# Content-Language, and carry nothing of the crafted request: no host it named, not its scheme.
POISON = "poison.example"  # named only in crafted headers
CSRF_COOKIE = settings.CSRF_COOKIE_NAME
CACHE_COOKIES = [
    f"{LANGUAGE_COOKIE}=el",
    f"{LANGUAGE_COOKIE}=da",
    f"{LANGUAGE_COOKIE}=nb",
    f"{LANGUAGE_COOKIE}=xx",
    f"{LANGUAGE_COOKIE}=",
    f"{LANGUAGE_COOKIE}=EL",
    f"{LANGUAGE_COOKIE}=el-GR",
    f"{LANGUAGE_COOKIE}=el_GR",
    f'{LANGUAGE_COOKIE}="el"',
    f'{LANGUAGE_COOKIE}="\\145l"',  # "el", its "e" escaped in octal
    f'{LANGUAGE_COOKIE}="\\000"',
    f'{LANGUAGE_COOKIE}="da\\000"',
    f"{LANGUAGE_COOKIE}={LONG}",
    f"{LANGUAGE_COOKIE}=" + "el-" * 200,
    f"{LANGUAGE_COOKIE}=ελ",
    f"{LANGUAGE_COOKIE}=😀",
    f"{LANGUAGE_COOKIE}=%65l",
    f"{LANGUAGE_COOKIE}=*",
    f"{LANGUAGE_COOKIE}=da,el",
    f"{LANGUAGE_COOKIE}=el;q=0.5",
    f"{LANGUAGE_COOKIE}=../da",
    f"{LANGUAGE_COOKIE}=el; {LANGUAGE_COOKIE}=da",
    f"{LANGUAGE_COOKIE}=da; {LANGUAGE_COOKIE}=",
    f" {LANGUAGE_COOKIE} = el ",
    f"{LANGUAGE_COOKIE.upper()}=el",
    f";;{LANGUAGE_COOKIE}=da;;",
    f"{LANGUAGE_COOKIE}",
    f"={LANGUAGE_COOKIE}=el",
    f'x="unterminated; {LANGUAGE_COOKIE}=da',
    f"{SESSION_COOKIE}=",
    f"{SESSION_COOKIE}=junk; {LANGUAGE_COOKIE}=el",
    f'{SESSION_COOKIE}="\\000"',
    f"{SESSION_COOKIE}=" + "a" * 4_096,
    f"{SESSION_COOKIE}=ελληνικά",
    f"{CSRF_COOKIE}=junk; {LANGUAGE_COOKIE}=da",
    f"{CSRF_COOKIE}=" + "x" * 64,
    f'{CSRF_COOKIE}="\\377"',
    f"{CSRF_COOKIE}=",
    f"messages=junk; {LANGUAGE_COOKIE}=el",
    "; ".join(f"c{i}={'v' * 50}" for i in range(300)) + f"; {LANGUAGE_COOKIE}=el",
]
CACHE_ACCEPT_LANGUAGES = [
    "el",
    "da",
    "nb",
    "el-GR",
    "EL",
    "da-DK,da;q=0.9",
    "nb-NO",
    "no",
    "nn",
    "en",
    "el;q=abc",
    "el;q=",
    "el;q=-1",
    "el;q=2",
    "el;q=1e9",
    "el;q=nan",
    "el;q=0, da",
    "el;q=0.1, da;q=0.9",
    "da;q=0.1, el;q=0.9",
    "el;q=0.5;q=0.9",
    "el;Q=0.1,da",
    "el;q=0.001,da;q=0.0001",
    ",".join(f"x{i}" for i in range(3_000)) + ",el",
    "el," * 3_000,
    "xx;q=1," * 500 + "da",
    "xx",
    "zz-ZZ",
    "i-klingon",
    "x-pig-latin",
    "el-" + "x" * 500,
    "*",
    "*, el",
    "el, *",
    "*;q=0.1, da",
    "*-GR",
    "el-*",
    "",
    " ",
    ",",
    ";q=1",
    "ελ",
    "😀",
    "da\t,el",
    LONG,
]
LANG_QUERIES = [
    "lang=el",
    "lang=da",
    "lang=nb",
    "lang=xx",
    "lang=",
    "lang",
    "lang=EL",
    "lang=el-GR",
    "lang=el_GR",
    "lang=el&lang=da",
    "lang=da&lang=el",
    "lang=el&lang=",
    "lang=&lang=el",
    "lang=el&lang=el&lang=el",
    "lang[]=el",
    "LANG=el",
    "lang=%CE%B5%CE%BB",
    "lang=ελ",
    "lang=%F0%9F%98%80",
    "lang=el%00",
    "lang=%00",
    "lang=%ff",
    "lang=%65l",
    "lang=+el",
    "lang=el+",
    "lang=%20el",
    "lang=el;da",
    "lang=el,da",
    "lang=*",
    f"lang={LONG}",
    "lang=el&utm_source=x",
    "utm_source=el&lang=da",
    "lang=el&q=x",
    "lang=el#da",
    "&".join(f"k{i}=v" for i in range(1_000)) + "&lang=el",  # one field too many
]
FORWARDED = [
    (("X-Forwarded-For", "1.2.3.4"),),
    (("X-Forwarded-For", "1.2.3.4, 10.0.0.1"), ("X-Forwarded-Proto", "https")),
    (("X-Forwarded-Proto", "https"),),
    (("X-Forwarded-Proto", "http"),),
    (("X-Forwarded-Proto", "https, http"),),
    (("X-Forwarded-Proto", "http, https"),),
    (("X-Forwarded-Proto", "HTTPS"),),
    (("X-Forwarded-Proto", "junk"),),
    (("X-Forwarded-Proto", ""),),
    (("X-Forwarded-Host", POISON),),
    (("X-Forwarded-Host", f"testserver, {POISON}"),),
    (("X-Forwarded-Host", "localhost"),),
    (("X-Forwarded-Port", "444"),),
    (("X-Forwarded-Port", "abc"),),
    (("X-Forwarded-For", "junk"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", POISON)),
    (("X-Forwarded-For", LONG), ("X-Forwarded-Proto", "https, https")),
    (("X-Forwarded-Server", POISON),),
    (("Forwarded", f"for=1.2.3.4;proto=https;host={POISON}"),),
    (("X-Original-URL", "/da/"),),
    (("X-Rewrite-URL", f"{ADMIN}"),),
    (("X-Real-IP", "1.2.3.4"), ("X-Forwarded-Proto", "http")),
]
# Host headers: the site's own (a plain request may send them too), then others.
SITE_HOSTS = ["localhost", "127.0.0.1", "testserver:80", "TESTSERVER", "testserver."]
CRAFTED_HOSTS = [*SITE_HOSTS, POISON, f"{POISON}:80", f"testserver:80@{POISON}"]
# Addresses that switch the language or report health: not pages in a language.
NOT_PAGES = ("/healthz", "/i18n/", "/language/")
# Addresses that take their language from `?lang=`, then Accept-Language, never the cookie.
CHOSEN_BY_QUERY = ("/api/", "/embed/", "/oembed")
CACHED_EXTRA = [
    "/",
    "/roles/nosuch/",
    "/qualities/nosuch/",
    "/embed/roles/nosuch/",
    "/api/v1/roles/nosuch/",
    "/oembed?url=http%3A%2F%2Ftestserver%2F{lang}%2Froles%2Fagent%2F",
    "/oembed?format=xml&url=http%3A%2F%2Ftestserver%2Froles%2Fagent%2Fv%2F1%2F",
]
CRAFTED_PER_ADDRESS = 14


def cached_addresses() -> list[str]:
    """Every public pattern's address but those that are not pages, and a few more kinds."""
    pages = [target.template for target in PUBLIC if not target.template.startswith(NOT_PAGES)]
    return pages + CACHED_EXTRA


def cache_probes(behind_proxy: bool) -> list[Probe]:
    """Crafted requests for every cached address, each value of each list in turn."""
    rng = random.Random(f"{SEED}:cache:{behind_proxy}")
    pools = CACHE_COOKIES, CACHE_ACCEPT_LANGUAGES, LANG_QUERIES, FORWARDED, CRAFTED_HOSTS
    turns = [itertools.cycle(pool) for pool in pools]
    probes = []
    for template in cached_addresses():
        for _ in range(CRAFTED_PER_ADDRESS):
            cookie, accept, query, forwarded, host = (next(turn) for turn in turns)
            headers = []
            if rng.random() < 0.75:
                headers.append(("Cookie", cookie))
            if rng.random() < 0.75:
                headers.append(("Accept-Language", accept))
            if rng.random() < 0.5:
                headers += forwarded
            if rng.random() < 0.15:
                headers.append(("Host", host))
            target = page(template, lang=rng.choice(LANGS))
            if rng.random() < 0.6:
                target = with_query(target, query)
            method = "GET" if rng.random() < 0.9 else "HEAD"
            probes.append(Probe(method, target, tuple(headers)))
    return probes


def expected_language(target: str, cookie: str | None, accept: str | None) -> str:
    """The language of the answer to a plain request (a cookie and Accept-Language that name one
    of the site's languages, or none): the address's prefix; for the API, cards and oEmbed
    `?lang=` (an unknown one, or too many fields: a 400 in the default language), then
    Accept-Language, never the cookie (but oEmbed of a page's address with a language prefix: that
    page's language); for the other addresses the cookie, then Accept-Language; else the
    default."""
    path, _, query = target.partition("?")
    prefix = path.split("/")[1]
    if prefix in LANGS:
        return prefix
    if path.startswith(CHOSEN_BY_QUERY):
        try:
            params = QueryDict(query)
        except TooManyFieldsSent:  # a 400, as for an unknown language
            return settings.LANGUAGE_CODE
        if "lang" in params and params["lang"] not in LANGS:
            return settings.LANGUAGE_CODE
        embedded = urlsplit(params.get("url", "")).path.split("/")[1:2]
        if path == "/oembed" and embedded and embedded[0] in LANGS:
            return embedded[0]  # the card of a page in that language (roles.sharing.embeds)
        return params.get("lang") or accept or settings.LANGUAGE_CODE
    return cookie or accept or settings.LANGUAGE_CODE


def plain_requests(probe: Probe, behind_proxy: bool, kept: bool) -> list[tuple[Probe, str]]:
    """Plain requests for the crafted probe's address (with its Host, if the site's), each with
    the language its answer must be in: one per language if the probe's answer was kept, by
    Accept-Language or, every other one, by the cookie (for the API, cards and oEmbed with another
    language's cookie, which they ignore); else one."""
    path = probe.target.partition("?")[0]
    host = dict(probe.headers).get("Host")
    base = [("Host", host)] if host in SITE_HOSTS else []
    if behind_proxy:
        base.append(("X-Forwarded-Proto", "https"))
    first = len(probe.target) % len(LANGS)
    codes = LANGS if kept else [LANGS[first]]
    plain = []
    for index, code in enumerate(codes):
        cookie = accept = None
        if index % 2 == 0:
            accept = code
        elif path.startswith(CHOSEN_BY_QUERY):
            accept, cookie = code, LANGS[(LANGS.index(code) + 1) % len(LANGS)]
        else:
            cookie = code
        headers = [*base]
        if cookie:
            headers.append(("Cookie", f"{LANGUAGE_COOKIE}={cookie}"))
        if accept:
            headers.append(("Accept-Language", accept))
        plain.append(
            (
                Probe("GET", probe.target, tuple(headers)),
                expected_language(probe.target, cookie, accept),
            )
        )
    return plain


def body_language(response, target: str) -> str | None:
    """The language an answer is in, where it says: a redirect's prefix, a page's <html lang>, the
    API's "language", the oEmbed card's `lang=`."""
    if 300 <= response.status_code < 400:
        prefix = urlsplit(response.get("Location", "")).path.split("/")[1:2]
        return prefix[0] if prefix and prefix[0] in LANGS else None
    if response.streaming or not response.content:
        return None
    kind = response.get("Content-Type", "")
    text = response.content.decode("utf-8", "replace")
    data = _json(text) if kind.startswith("application/json") else None
    if target.startswith("/oembed") and response.status_code == 200:
        found = re.search(r"lang=(\w+)", str(data.get("html", "")) if data else text)
        return found[1] if found else None
    if data:
        language = data.get("language")
        return language if isinstance(language, str) else None
    if kind.startswith("text/html"):
        found = re.search(r'<html lang="([\w-]+)"', text)
        return found[1] if found else None
    return None


def _json(text: str) -> dict | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def poisoned(response, want: str, plain: Probe, behind_proxy: bool) -> list[str]:
    """What is wrong with the answer to a plain request: its language, or what it carries."""
    problems = []
    said = response.get("Content-Language")
    if said and said != want:
        problems.append(f"Content-Language: {said}")
    body = body_language(response, plain.target)
    if body and body != want:
        problems.append(f"the body is in {body!r}")
    everything = repr(response.items()) + response.content.decode("utf-8", "replace")
    if POISON in everything:
        problems.append(f"it names {POISON}")
    host = dict(plain.headers).get("Host", "testserver")
    other = "http" if behind_proxy else "https"
    if f"{other}://{host}/" in everything and not plain.target.startswith("/oembed"):
        problems.append(f"it links to {other}://{host}/")
    return problems


def fuzz_the_page_cache(probes: list[Probe], behind_proxy: bool) -> None:
    """Send each crafted probe with the cache empty, then the plain requests for its address;
    fail listing every 5xx, every crafted answer whose Content-Language is not its body's
    language, and every plain answer that is wrong (poisoned)."""
    with Server() as server:
        for probe in probes:
            cache.clear()
            response = server.send(probe)
            if response is not None:
                said = response.get("Content-Language")
                body = body_language(response, probe.target)
                if said and body and said != body:
                    server.failures.append(f"Content-Language: {said} on a body in {body}: {probe}")
            kept = response is not None and response.get("X-Cache") == "miss"
            for plain, want in plain_requests(probe, behind_proxy, kept):
                context = f"after {probe}\n    plain "
                answer = server.send(plain, context)
                if answer is None or answer.status_code >= 500:
                    continue
                problems = poisoned(answer, want, plain, behind_proxy)
                if problems:
                    # A kept answer is a poisoned cache; a fresh one is wrong without it.
                    kind = "poisoned" if answer.get("X-Cache") == "hit" else "wrong, fresh"
                    server.failures.append(
                        f"{kind} (want {want}: {', '.join(problems)}): {context}{plain}"
                    )
    server.check(len(probes))


FAMILIES = [
    path_probes,
    query_probes,
    header_probes,
    method_probes,
    random_probes,
    editor_probes,
    pattern_probes,
    admin_page_probes,
    proxy_probes,
    functools.partial(cache_probes, behind_proxy=False),
    functools.partial(cache_probes, behind_proxy=True),
]


MINIMUM_INPUTS = 10_000
MINIMUM_PER_PATTERN = 10


def inputs_per_pattern(probes: list[Probe]) -> dict[str, int]:
    """How many inputs reach each URL pattern (None: none, a 404 before any view)."""
    counts = dict.fromkeys([target.route for target in TARGETS], 0)
    for probe in probes:
        route = pattern_of(probe.target)
        counts[route] = counts.get(route, 0) + 1
    return counts


def test_the_fuzz_sends_over_ten_thousand_inputs_built_the_same_every_run():
    probes = [probe for family in FAMILIES for probe in family()]
    assert len(probes) >= MINIMUM_INPUTS
    assert probes == [probe for family in FAMILIES for probe in family()]


def test_every_url_pattern_gets_inputs():
    """Every pattern the resolver has, read from it: a new one is fuzzed without being listed."""
    counts = inputs_per_pattern([probe for family in FAMILIES for probe in family()])
    starved = {route: count for route, count in counts.items() if count < MINIMUM_PER_PATTERN}
    starved.pop(None, None)
    assert starved == {}


def test_each_patterns_address_reaches_it():
    for target in TARGETS:
        assert pattern_of(page(target.template)) == target.route, target.template


def test_the_pages_the_fuzz_starts_from_work(seeded):
    """Each public pattern's address answers (a catch-all's with its 404)."""
    client = Client()
    for target in PUBLIC:
        path = page(target.template)
        status = client.get(path).status_code
        catch_all = ".*" in target.route or r"[\s\S]*" in target.route
        assert status == 404 if catch_all else status < 400, path
    for path in [ADMIN, f"{ADMIN}login/"]:
        assert client.get(path).status_code < 400, path


# The larger families are sent in parts, so that the workers share them.
PARTS = 2


@pytest.mark.parametrize("part", range(PARTS))
def test_mangled_paths(seeded, part):
    fuzz(path_probes()[part::PARTS])


def test_junk_query_strings(seeded):
    fuzz(query_probes())


def test_junk_headers(seeded):
    fuzz(header_probes())


@pytest.mark.parametrize("enforce_csrf_checks", [False, True], ids=["no-csrf-check", "csrf-check"])
def test_every_method_and_junk_bodies(seeded, enforce_csrf_checks):
    """Without the CSRF check the junk reaches the views; with it, it meets the check first."""
    fuzz(method_probes(), served_client(enforce_csrf_checks=enforce_csrf_checks))


def behind_a_tls_proxy(settings) -> None:
    """BEHIND_TLS_PROXY's settings (kb/settings.py): X-Forwarded-Proto and -For are read."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.PROXY_COUNT = 1
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.LANGUAGE_COOKIE_SECURE = True


def test_junk_forwarded_headers_behind_a_tls_proxy(seeded, settings):
    behind_a_tls_proxy(settings)
    fuzz(proxy_probes())


def test_random_variants(seeded):
    fuzz(random_probes())


def fuzz_as(editor, probes: list[Probe]) -> None:
    client = served_client()
    client.force_login(editor)
    session = ("Cookie", f"{settings.SESSION_COOKIE_NAME}={client.session.session_key}")
    fuzz([Probe(p.method, p.target, (*p.headers, session), p.body) for p in probes], client)


@pytest.fixture
def editor_past_second_factor(editor, settings):
    """The pages behind the admin's second factor are fuzzed, not its sign-in (pattern_probes
    sends that anonymous inputs)."""
    settings.ADMIN_REQUIRE_2FA = False
    return editor


def test_junk_in_this_apps_admin_pages_for_an_editor(seeded, editor_past_second_factor):
    fuzz_as(editor_past_second_factor, editor_probes())


@pytest.mark.parametrize("part", range(PARTS))
def test_every_pattern(seeded, part):
    """Every URL pattern, read from the resolver, the admin's included (for an anonymous reader)."""
    fuzz(pattern_probes()[part::PARTS])


@pytest.mark.parametrize("part", range(PARTS))
def test_every_admin_pattern_for_an_editor(seeded, editor_past_second_factor, part):
    fuzz_as(editor_past_second_factor, admin_page_probes()[part::PARTS])


@pytest.mark.parametrize("part", range(PARTS))
@pytest.mark.parametrize("behind_proxy", [False, True], ids=["direct", "behind-a-tls-proxy"])
def test_crafted_headers_do_not_poison_the_page_cache(seeded, settings, behind_proxy, part):
    assert settings.PAGE_CACHE
    if behind_proxy:
        behind_a_tls_proxy(settings)
    fuzz_the_page_cache(cache_probes(behind_proxy)[part::PARTS], behind_proxy)


# What the fuzz found, checked on every database


@pytest.mark.parametrize("value", UNREADABLE_CONTENT_TYPES)
def test_a_content_type_django_cannot_read_is_told_apart(value):
    assert not content_type.readable(value)


@pytest.mark.parametrize(
    "value",
    ["", "text/html", f"{FORM}; charset=utf-8", "text/plain; charset=junk", "multipart/form-data"],
)
def test_a_content_type_django_reads_is_kept(value):
    assert content_type.readable(value)


def test_the_wsgi_entry_point_drops_a_content_type_django_cannot_read(seeded):
    from kb.wsgi import application

    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    # As the test client does: the test's transaction keeps its connection between requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        for value in UNREADABLE_CONTENT_TYPES:
            environ = {"PATH_INFO": "/el/search/", "QUERY_STRING": "q=kunde", "CONTENT_TYPE": value}
            setup_testing_defaults(environ)
            body = application(environ, start_response)
            b"".join(body)
            body.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert statuses == ["200 OK"] * len(UNREADABLE_CONTENT_TYPES)


def test_the_asgi_entry_point_drops_a_content_type_django_cannot_read():
    received = []

    async def django(scope, receive, send):
        received.append(scope["headers"])

    scope = {"type": "http", "headers": [(b"content-type", b"text/plain; charset=rot13")]}
    scope["headers"].append((b"accept-language", b"el"))
    # In a thread of its own: the browser tests' event loop may be running in this one.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, content_type.asgi(django)(scope, None, None)).result()
    assert received == [[(b"accept-language", b"el")]]


@pytest.mark.parametrize("key", ["\x00abcdefgh", "abcdefgh\xff", "ABCDEFGH", "abcd efgh", "short"])
def test_a_session_key_django_cannot_have_made_is_no_session(key):
    assert SessionStore(key).session_key is None
    assert SessionStore("k3y0f32lowercaseletters4nddigits").session_key is not None


@pytest.mark.parametrize(
    "forwarded", ["junk", "1.2.3.4, junk", "999.999.999.999", "fe80::1%eth0", "x" * 10_000]
)
def test_a_forwarded_for_entry_that_is_not_an_address_is_not_the_clients(settings, forwarded):
    settings.PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == "10.0.0.2"


def test_the_user_name_counted_for_login_throttling_fits_axes_table():
    request = RequestFactory().post(f"{ADMIN}login/", {"username": "x" * 10_000})
    assert login_username(request) == "x" * 255
    assert login_username(request, {"username": "alice"}) == "alice"
    assert login_username(RequestFactory().post("/", {})) is None
