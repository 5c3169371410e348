"""Fuzzing: well over a thousand malformed requests, none of which may get a server error (5xx).

The inputs are built deterministically: fixed lists of bad values (mangled paths, query strings,
headers, methods and bodies), each applied to pages of the seed content that work, plus variants
drawn from `random.Random(1234)`. Each request goes through the whole stack as a WSGI server hands
it over: the path percent-decoded to bytes (PATH_INFO), the query string and header values as sent,
read as Latin-1. A 400, 403, 404, 405 or 429 is a fine answer to a bad request; a 5xx is a bug.
Every family collects all its failures, with the method, target and headers of each, and the
exception behind it, before it fails.

The requests go through Django's test client with what the WSGI entry point (kb/wsgi.py) puts in
front of Django: kb/content_type.py, which drops a Content-Type Django cannot read.

Not sent: malformed Content-Length values and raw CR, LF or NUL in header values. gunicorn (and
the proxy in front of it) refuses those requests itself, and Django's test client cannot send them
faithfully (it reads the body it is given, not what Content-Length says). A NUL reaches the app
only escaped, as in a quoted cookie ("\\000") or an RFC 2231 parameter ("%00"): those are sent.

For a logged-in editor, this app's own admin pages are fuzzed too (history, review, recovery,
translations, translation files), not Django's own change lists, actions and autocomplete. A NUL
in an admin filter or form, and a non-numeric id in a bulk action, are refused with 400 before
Django's admin sees them (tests in test_production.py).

At the end: tests of what the fuzz found, so that they hold on SQLite too.
"""

import asyncio
import random
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import quote, unquote_to_bytes
from wsgiref.util import setup_testing_defaults

import pytest
from django.conf import settings
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections
from django.test import Client, RequestFactory

from kb import content_type
from kb.http.axes import client_ip, login_username
from kb.http.sessions import SessionStore

ADMIN = f"/{settings.ADMIN_PATH}"
LANGS = [code for code, _name in settings.LANGUAGES]
# Objects of the seed content: every mangled input starts from a page that works.
REAL = {
    "lang": "el",
    "key": "agent",
    "quality": "patience",
    "scenario": "wrong-price",
    "workplace": "retail",
}
# Every public URL pattern (kb/urls.py, roles/urls.py), with its parts named.
PATTERNS = [
    "/{lang}/",
    "/{lang}/roles/{key}/",
    "/{lang}/qualities/{quality}/",
    "/{lang}/scenarios/",
    "/{lang}/scenarios/{scenario}/",
    "/{lang}/workplaces/{workplace}/",
    "/{lang}/about/",
    "/{lang}/search/",
    "/roles/{key}/",
    "/qualities/{quality}/",
    "/language/{lang}/",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
    ADMIN,
    f"{ADMIN}login/",
    "/i18n/setlang/",
]
PARTS = {
    "lang": "{lang}",
    "key": "{key}",
    "quality": "{quality}",
    "scenario": "{scenario}",
    "workplace": "{workplace}",
}

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


def page(pattern: str, **parts: str) -> str:
    return pattern.format(**{**REAL, **parts})


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


def fuzz(probes: list[Probe], client: Client | None = None) -> None:
    """Send every probe; fail listing every one answered with a 5xx (or that raised)."""
    client = client or served_client()
    raised = []

    def keep(sender, **kwargs):
        raised.append(sys.exc_info()[1])

    got_request_exception.connect(keep)
    failures = []
    try:
        for probe in probes:
            raised.clear()
            try:
                status = send(client, probe).status_code
            except Exception as error:  # noqa: BLE001 (any error is a finding)
                status, raised[:] = "raised", [error]
            if status == "raised" or status >= 500:
                cause = f"  <- {raised[0]!r:.300}" if raised else ""
                failures.append(f"{status}: {probe}{cause}")
    finally:
        got_request_exception.disconnect(keep)
    assert not failures, f"{len(failures)} of {len(probes)} requests failed:\n" + "\n".join(
        failures
    )


# The families of inputs


def path_probes() -> list[Probe]:
    probes = []
    for pattern in PATTERNS:
        for name, placeholder in PARTS.items():
            if placeholder not in pattern:
                continue
            values = LANG_CODES if name == "lang" else SEGMENTS
            probes += [Probe("GET", page(pattern, **{name: value})) for value in values]
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
        probes += [Probe("GET", f"{path}?{junk[(index + turn) % len(junk)]}") for turn in (0, 1)]
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


def header_probes() -> list[Probe]:
    headers = (
        [("Host", value) for value in HOSTS]
        + [("Accept-Language", value) for value in ACCEPT_LANGUAGES]
        + [("Cookie", value) for value in COOKIES]
        + OTHER_HEADERS
    )
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
    rng = random.Random(1234)
    pieces = SEGMENTS + LANG_CODES + ["/", "//", "?", "&", "=", "#", ";", ".."]
    headers = (
        [("Host", value) for value in HOSTS]
        + [("Accept-Language", value) for value in ACCEPT_LANGUAGES]
        + [("Cookie", value) for value in COOKIES]
        + OTHER_HEADERS
    )
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


FAMILIES = [path_probes, query_probes, header_probes, method_probes, random_probes, editor_probes]


def test_the_fuzz_sends_well_over_a_thousand_requests_built_the_same_every_run():
    probes = [probe for family in FAMILIES for probe in family()]
    assert len(probes) >= 1_000
    assert probes == [probe for family in FAMILIES for probe in family()]


def test_the_pages_the_fuzz_starts_from_work(seeded):
    client = Client()
    for path in real_pages():
        assert client.get(path).status_code < 400, path


def test_mangled_paths(seeded):
    fuzz(path_probes())


def test_junk_query_strings(seeded):
    fuzz(query_probes())


def test_junk_headers(seeded):
    fuzz(header_probes())


@pytest.mark.parametrize("enforce_csrf_checks", [False, True], ids=["no-csrf-check", "csrf-check"])
def test_every_method_and_junk_bodies(seeded, enforce_csrf_checks):
    """Without the CSRF check the junk reaches the views; with it, it meets the check first."""
    fuzz(method_probes(), served_client(enforce_csrf_checks=enforce_csrf_checks))


def test_junk_forwarded_headers_behind_a_tls_proxy(seeded, settings):
    """With BEHIND_TLS_PROXY's settings, X-Forwarded-For and -Proto are read: junk in them too."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.PROXY_COUNT = 1
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
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
    fuzz(probes)


def test_random_variants(seeded):
    fuzz(random_probes())


def test_junk_in_this_apps_admin_pages_for_an_editor(seeded, editor):
    """Django's own admin pages are left out (see the note at the top)."""
    client = served_client()
    client.force_login(editor)
    session = ("Cookie", f"{settings.SESSION_COOKIE_NAME}={client.session.session_key}")
    fuzz(
        [Probe(p.method, p.target, (*p.headers, session), p.body) for p in editor_probes()], client
    )


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
