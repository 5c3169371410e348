"""Site-wide views: the language switcher, robots.txt, /favicon.ico, the error pages, the login
lockout page and the health check."""

import functools
import logging
import secrets
import sys
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_from_path, override
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from kb import outages
from kb.pagecache import store
from roles.languages import languages, request_language, same_page_in

logger = logging.getLogger(__name__)


@require_safe
def switch_language(request, code):
    """The language switcher: remember the reader's choice, then show the same page in it."""
    if code not in languages():
        raise Http404
    target = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if safe:
        # The page we come from is resolved in its own language.
        with override(get_language_from_path(target) or settings.LANGUAGE_CODE):
            response = redirect(same_page_in(target, code))
    else:
        with override(code):
            response = redirect("roles:home")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri("/sitemap.xml")
    # The admin is not listed: its address may be kept private (ADMIN_PATH).
    lines = [
        "User-agent: *",
        "Disallow: /language/",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """/favicon.ico, which browsers ask the site's root for whatever the page's head links (and
    feed readers, and the admin's pages): the file itself, not a redirect, kept for a week."""
    response = HttpResponse(_favicon(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=604800"
    return response


@functools.cache
def _favicon() -> bytes:
    return Path(finders.find("brand/favicon.ico")).read_bytes()


ERRORS = {
    403: (
        _("Request refused"),
        _("The site refused this request. If you sent a form, reload the page and try again."),
    ),
    400: (
        _("Bad request"),
        _("The site could not understand this request. Please check the address and try again."),
    ),
    404: (
        _("Page not found"),
        _(
            "There is no page at this address. It may have been unpublished, "
            "or the link may be mistyped."
        ),
    ),
    503: (
        _("Temporarily unavailable"),
        _("The knowledge base cannot reach its database just now. Please try again in a minute."),
    ),
    500: (
        _("Something went wrong"),
        _(
            "The page could not be shown because of an error on our side. "
            "Please try again in a moment."
        ),
    ),
}


def error_page(request, status: int):
    """The error pages, in the reader's language and the site's design (handler400/404/500)."""
    heading, message = ERRORS[status]
    context = {"heading": heading, "message": message, "error_page": True}
    # An error met before the locale middleware ran (a bad Host header, a lost database) is still
    # told in the language of the address, or the reader's.
    language = request_language(request)
    with override(language):
        return render(request, "error.html", context, status=status)


def bad_request(request, exception):
    return error_page(request, 400)


def permission_denied(request, exception):
    return error_page(request, 403)


def csrf_failure(request, reason=""):
    return error_page(request, 403)


def page_not_found(request, exception):
    return error_page(request, 404)


def server_error(request):
    """handler500, called while the exception is handled: a lost database is a 503, not a 500.
    While the database is away, the 503s are counted, not logged one by one (kb.outages)."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        if outages.database_unreachable(error):
            _refused(error)
        response = error_page(request, 503)
        response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return error_page(request, 500)


def _refused(error: BaseException) -> None:
    if outages.database.down:
        outages.database.count()
    else:
        # A connection lost on its own (the next one decides whether the database is away), or
        # a backend other than PostgreSQL's: one line, without the traceback.
        logger.warning("database error, answered 503: %s", outages.describe(error))


def locked_out(request, response=None, credentials=None):
    """django-axes' answer once a user name has failed too often from one address: the admin's
    login page design, in the admin's language, with 429 Too Many Requests."""
    context = {
        **admin.site.each_context(request),
        "title": _("Too many failed logins"),
        "minutes": int(settings.AXES_COOLOFF_TIME * 60),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "admin/locked_out.html", context, status=429)


@require_safe
def healthz(request):
    """For load balancers and monitoring: 200 when the database and the cache answer, else 503
    naming what is down. It never waits long: a database or cache known to be away is not tried
    again before its back-off ends (kb.outages), and one that hangs is given up after
    DATABASE_QUERY_TIMEOUT seconds."""
    checks = {"database": _database_answers, "cache": _cache_answers}
    state = {name: "ok" if check() else "unavailable" for name, check in checks.items()}
    healthy = all(value == "ok" for value in state.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "unavailable", **state}, status=200 if healthy else 503
    )
    response["Cache-Control"] = "no-store"
    return response


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def _cache_answers() -> bool:
    """A write and a read, unless the cache is known to be away (its back-off, kb.outages)."""
    token = secrets.token_hex(8)
    store.shared("set", "healthz", token, 10, local=False)
    return store.shared("get", "healthz", local=False) == token
