"""A Content-Type header that Django cannot read is dropped before Django sees the request (by
kb/wsgi.py and kb/asgi.py). Django reads it while it builds the request, before any middleware or
error page runs, and some values make it raise there: the server answers with its own bare 500."""

import codecs

from django.utils.http import parse_header_parameters


def readable(content_type: str) -> bool:
    """Whether Django can read a request with this Content-Type."""
    try:
        _type, params = parse_header_parameters(content_type)
        charset = params.get("charset")
        if charset:
            try:
                codecs.lookup(charset)
            except LookupError:
                return True  # a charset Python does not know: Django ignores it
            # Django decodes a query string with it: `rot13`, `base64`, `undefined`… raise there.
            "".encode(charset)  # LookupError: a codec that is not a text encoding
            b"".decode(charset)  # UnicodeError: the "undefined" codec
    # ValueError: a NUL in the charset, an unknown RFC 2231 encoding (`a*=junk''x`)
    except (LookupError, ValueError):
        return False
    return True


def drop_unreadable(environ: dict) -> dict:
    """The WSGI environ without a Content-Type that Django cannot read."""
    if not readable(environ.get("CONTENT_TYPE", "")):
        # As if there were none: a form in the body is not read, so the CSRF check refuses a POST
        # with the site's 403 page.
        environ["CONTENT_TYPE"] = ""
    return environ


def wsgi(application):
    def without_unreadable_content_type(environ, start_response):
        return application(drop_unreadable(environ), start_response)

    return without_unreadable_content_type


def asgi(application):
    async def without_unreadable_content_type(scope, receive, send):
        if scope["type"] == "http":
            headers = [
                (name, value)
                for name, value in scope["headers"]
                if name.lower() != b"content-type" or readable(value.decode("latin-1"))
            ]
            scope = {**scope, "headers": headers}
        return await application(scope, receive, send)

    return without_unreadable_content_type
