"""A Content-Type header that Django cannot read is dropped before Django sees the request.

Django reads the Content-Type of every request while it builds the request, before any middleware
or error page runs. Some headers make it raise there, so the server answers with its own bare 500:
a parameter in an encoding Python does not know (RFC 2231: `a*=junk''x`), a charset with a NUL in
it, or (when there is a query string to decode) a charset that names a codec that is not a text
encoding (`charset=rot13`, `base64`, `undefined`…). The WSGI and ASGI entry points (kb/wsgi.py,
kb/asgi.py) drop such a header: the request goes on as if it had none (a form in its body is then
not read, so the CSRF check refuses a POST with the site's 403 page). A charset Python does not know
at all is left alone: Django ignores it.
"""

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
            "".encode(charset)  # LookupError: a codec that is not a text encoding
            b"".decode(charset)  # UnicodeError: the "undefined" codec
    except (LookupError, ValueError):  # ValueError: a NUL, an unknown RFC 2231 encoding
        return False
    return True


def drop_unreadable(environ: dict) -> dict:
    """The WSGI environ without a Content-Type that Django cannot read."""
    if not readable(environ.get("CONTENT_TYPE", "")):
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
