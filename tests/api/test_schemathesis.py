"""Schemathesis against the API's OpenAPI description (/api/v1/openapi.json), with every check it
has: the examples, the coverage phase (undocumented methods, missing and malformed parameters)
and a bounded, derandomized fuzz of every operation, through the WSGI application on the test
database with the seed content. Any failure is a bug in the API or in its description."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from kb import wsgi
from kb.api.openapi import description

pytestmark = pytest.mark.django_db

load_all_checks()
# Every check that judges one response (the others follow links between operations, and the API
# has none): conformance of status, content type, headers and body, negative and positive data,
# undocumented methods and Allow, missing required headers, no server error.
ALL_CHECKS = [check for check in CHECKS.get_all() if not isinstance(check, type)]


def in_the_tests_transaction(application):
    """The WSGI application as Django's test client runs it: without closing the database
    connection at each request's start and end (close_old_connections), which would close the
    test's transaction, and the seed content with it, on PostgreSQL."""

    def run(environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = application(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                if hasattr(response, "close"):
                    response.close()  # sends request_finished
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    return run


# What /api/v1/openapi.json serves (test_api checks that it is this), loaded here without a request
# so that pytest can collect a test per operation before any database is open. The application is
# the one gunicorn serves (kb/wsgi.py).
schema = schemathesis.openapi.from_dict(description())
schema.app = in_the_tests_transaction(wsgi.application)


@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,  # the same cases on every run: CI fails only for a change in the code
    database=None,
    # The seed content is read-only here: every example may share the test's database.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_conforms_to_its_description(case, seeded):
    # Uncompressed: requests' default Accept-Encoding asks for gzip, which the in-process WSGI
    # client, unlike an HTTP client, does not decode for the checks.
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, checks=ALL_CHECKS)


def test_each_operation_is_a_test_of_its_own(request):
    # (xdist runs a test per id: tests sharing one would not all run.)
    ids = [
        item.nodeid
        for item in request.session.items
        if item.name.startswith("test_the_api_conforms_to_its_description")
    ]
    assert len(ids) == len(set(ids))
