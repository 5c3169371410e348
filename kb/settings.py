"""Settings for the knowledge base. Everything that differs between a laptop and production comes
from the environment (README.md lists the variables); the defaults are safe for local use."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(
        f"{name} must be a boolean (1/0, true/false, yes/no), not {value!r}."
    )


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production needs a long random secret in the SECRET_KEY "
            "environment variable; for local development set DEBUG=1 (make run does) to use a "
            "development key."
        )
    SECRET_KEY = "django-insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
# Behind a TLS-terminating proxy, absolute links (canonical, hreflang, permalinks, sitemap) must say
# https: trust the proxy's X-Forwarded-Proto. Only set this when the proxy always sets that header.
BEHIND_TLS_PROXY = envbool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the app append to X-Forwarded-For (login throttling counts failed
# attempts per client address: behind a proxy that is the address the nearest proxy saw).
PROXY_COUNT = envint("PROXY_COUNT", 1 if BEHIND_TLS_PROXY else 0)
CSRF_FAILURE_VIEW = "kb.http.views.csrf_failure"
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

# HTTPS: served over TLS (directly or through the proxy). Cookies are then sent only over HTTPS,
# plain HTTP is redirected, and browsers are told to use HTTPS for a year (HSTS).
HTTPS = envbool("HTTPS", BEHIND_TLS_PROXY)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 365 * 24 * 60 * 60) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", True)
# Health checks come from the load balancer over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features the site never uses, switched off (kb.http.middleware.SecurityHeadersMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)
# Content Security Policy (django-csp): everything from this site only, no inline script or
# style, no plugins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Who may frame the embeddable role card (/embed/roles/<key>/), the one page other sites may show
# in an iframe: any HTTPS site by default (job boards and intranets are many); a list of origins
# (https://jobs.example.com) narrows it.
EMBED_FRAME_ANCESTORS = envlist("EMBED_FRAME_ANCESTORS", "https:")

# The admin's address (a path that is not the default keeps out most password-guessing robots),
# and editors' sessions: they end after SESSION_HOURS however busy, after SESSION_IDLE_MINUTES
# without a request (kb.http.sessions.SessionLimitsMiddleware), or when the browser closes.
ADMIN_PATH = os.environ.get("ADMIN_PATH", "admin").strip("/") + "/"
SESSION_COOKIE_AGE = envint("SESSION_HOURS", 8) * 60 * 60
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", 30)
# Where a sign-in lands when its `next` is missing or points off the site.
LOGIN_REDIRECT_URL = "admin:index"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ENGINE = "kb.http.sessions"  # Django's database sessions, refusing malformed keys
# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one user name from
# one address, that pair is locked out for LOGIN_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kb.http.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "kb.http.axes.client_ip"
AXES_USERNAME_CALLABLE = "kb.http.axes.login_username"
AXES_VERBOSE = False
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Two-factor sign-in (django-otp, kb/twofactor/): after the password, a code from an authenticator
# app or a recovery code. Required before any admin page when ADMIN_REQUIRE_2FA is on (the default
# in production); off by default with DEBUG, where enrolment is offered but not forced. An account
# that has enrolled is always asked for its second factor.
ADMIN_REQUIRE_2FA = envbool("ADMIN_REQUIRE_2FA", not DEBUG)
# The name authenticator apps show beside the account (tell staging from production by it).
OTP_TOTP_ISSUER = os.environ.get("TOTP_ISSUER", "Customer service KB")
# Wrong codes are throttled per account: after n failures in a row the next try waits 2^(n-1) s.
OTP_TOTP_THROTTLE_FACTOR = OTP_STATIC_THROTTLE_FACTOR = 1
# django-otp's own admin pages (which would show the secrets) are not used: see kb.twofactor.admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "reversion",
    "kb.http.axes_app.AxesConfig",  # django-axes, named in the admin's language
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "kb.twofactor",  # after django-otp's plugins: it takes their admin pages away
    "csp",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "roles",
    # Derived from the content, each listening to roles.changes: the search index and the page
    # cache; and the read-only JSON API.
    "kb.search",
    "kb.pagecache",
    "kb.api",
]

# Messages (the admin's "saved" notes) live in the session: the default, a signed cookie tried
# first, set up a signer on every request, public pages included (a tenth of robots.txt's cost in
# the app); only signed-in editors see messages, and they have a session.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kb.http.middleware.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag on every page and 304 for an unchanged one, kept pages included.
    "django.middleware.http.ConditionalGetMiddleware",
    # Cached public pages are answered here, before sessions, languages and views. They are kept
    # with the headers of the middleware below (CSP, Permissions-Policy, X-Frame-Options) and
    # their ETag, so a hit computes none of them again.
    "kb.pagecache.middleware.PageCacheMiddleware",
    # Cache-Control: what shared caches may keep (public pages), kept with the pages above.
    "kb.http.middleware.CacheControlMiddleware",
    "kb.http.csp.ContentSecurityPolicyMiddleware",  # django-csp's, the policy built once
    "kb.http.middleware.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kb.http.middleware.LocaleMiddleware",  # Django's, without redirects to a 404
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kb.http.sessions.SessionLimitsMiddleware",
    # request.user.is_verified(), then no admin page without the second factor.
    "django_otp.middleware.OTPMiddleware",
    "kb.twofactor.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
    "kb.http.middleware.AdminInputMiddleware",
]

ROOT_URLCONF = "kb.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "roles.context_processors.language_links",
            ],
        },
    },
    {
        # The parts of pages rendered on every request the page cache does not answer (the
        # role page's sections, a scenario): roles/jinja2.py.
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "roles.jinja2.environment", "keep_trailing_newline": True},
    },
]

WSGI_APPLICATION = "kb.wsgi.application"

# The embedded default is a SQLite file in the project folder; production sets DATABASE_URL
# (postgres://user:password@host:5432/name).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# A database that hangs rather than refuses (docs/DEPLOY.md, "When the database is down"): a
# connection attempt gives up after DATABASE_CONNECT_TIMEOUT seconds, and, in gunicorn's workers,
# a wait for any answer after DATABASE_QUERY_TIMEOUT (kb/postgresql/); TCP keepalives notice a
# lost network. Parameters in DATABASE_URL's query string win.
DATABASE_CONNECT_TIMEOUT = envint("DATABASE_CONNECT_TIMEOUT", 3)
DATABASE_QUERY_TIMEOUT = envint("DATABASE_QUERY_TIMEOUT", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "kb.postgresql"
    DATABASES["default"]["OPTIONS"] = {
        "connect_timeout": DATABASE_CONNECT_TIMEOUT,
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "tcp_user_timeout": 30_000,  # ms unacknowledged before the connection is given up
        **DATABASES["default"].get("OPTIONS", {}),
    }
# After a failure to reach the database or the cache, a process stops trying it for this many
# seconds, then lets one request try again (kb/outages.py).
OUTAGE_BACKOFF_SECONDS = envint("OUTAGE_BACKOFF_SECONDS", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The shared cache: Redis when REDIS_URL is set (redis://host:6379/0), else this process's memory.
# A Redis that does not answer in a second is taken for away (kb/outages.py); parameters in the
# URL's query string (socket_timeout=…) win.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Public pages are kept whole in the cache, per address and language, for anonymous readers
# (kb/pagecache/). Any committed change to the content makes every kept page stale at once.
PAGE_CACHE = envbool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", 60 * 60)
# Public pages (anonymous readers, answers of 200) may be kept by shared caches (a CDN, nginx's
# proxy_cache: docs/DEPLOY.md) for EDGE_CACHE_SECONDS (0: not at all), then served stale while one
# request fetches them again, or while the site cannot answer (kb.http.middleware).
EDGE_CACHE_SECONDS = envint("EDGE_CACHE_SECONDS", 60)
EDGE_STALE_WHILE_REVALIDATE_SECONDS = envint("EDGE_STALE_WHILE_REVALIDATE_SECONDS", 30)
EDGE_STALE_IF_ERROR_SECONDS = envint("EDGE_STALE_IF_ERROR_SECONDS", 24 * 60 * 60)
# A reader who meets a database outage is told to come back after this many seconds.
RETRY_AFTER_SECONDS = envint("RETRY_AFTER_SECONDS", 30)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # At least 12 characters; no maximum (Django sets none: a passphrase of any length is fine).
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: the only place the site's languages are listed. The first is the default and the
# source language of every text. Adding a language is an entry here (and in the settings that
# name each language: fallbacks, Open Graph locales, search configurations), migrations for its
# columns and its groups, and its catalogue and conventions in locale/: docs/ADDING-A-LANGUAGE.md
# has the exact steps, and tests/test_fourth_language.py runs the site with a fourth one.
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("el", _("Greek")),
    ("da", _("Danish")),
]
LANGUAGE_CODE = LANGUAGES[0][0]
# Open Graph names locales with a territory: one per language of LANGUAGES.
OPEN_GRAPH_LOCALES = {"nb": "nb_NO", "el": "el_GR", "da": "da_DK"}
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
# PostgreSQL text-search configuration per language (stemming, stop words); a language whose
# configuration the server lacks is searched with "simple" (no stemming).
SEARCH_CONFIGS = {"nb": "norwegian", "el": "greek", "da": "danish"}
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Date formats where a language's written style differs from Django's (kb/formats/<code>/).
FORMAT_MODULE_PATH = ["kb.formats"]
USE_TZ = True
TIME_ZONE = "Europe/Oslo"

# django-modeltranslation: a text missing in the reader's language is shown in the first language
# of this chain that has it. Scandinavian readers read each other's language, and the default
# language is always complete (it is required), so every chain ends in a text.
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_REQUIRED_LANGUAGES = (LANGUAGE_CODE,)
MODELTRANSLATION_FALLBACK_LANGUAGES = {
    "default": (LANGUAGE_CODE,),
    "nb": ("da",),
    "da": ("nb",),
}
# modeltranslation's tabbed admin needs jQuery UI (this setting has no MODELTRANSLATION_ prefix);
# it is served from static/ rather than a CDN.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SEEDS_DIR = BASE_DIR / "seeds"

# Translators' files uploaded in admin (roles/editorial/file_views.py): a larger file, or one with
# more entries, is refused before it is parsed, so that no import holds a worker for long. An
# upload waits for its confirm step in the database for TRANSLATION_UPLOAD_MINUTES.
TRANSLATION_FILE_MAX_BYTES = envint("TRANSLATION_FILE_MAX_KB", 1024) * 1024
TRANSLATION_FILE_MAX_ENTRIES = envint("TRANSLATION_FILE_MAX_ENTRIES", 1000)
TRANSLATION_UPLOAD_SECONDS = envint("TRANSLATION_UPLOAD_MINUTES", 60) * 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # A request refused while the database is away is not logged with its traceback: the outage
    # is logged once when it starts and once when it ends, with a count (kb/outages.py).
    "filters": {"outages": {"()": "kb.outages.QuietOutages"}},
    "loggers": {
        # django-axes reports every login at INFO; lockouts are warnings and still shown.
        "axes": {"level": "WARNING"},
        "django.request": {"filters": ["outages"]},
    },
}
