"""JSON answers that the API and oEmbed share: errors in one shape, and CORS for any origin."""

from django.http import JsonResponse

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept-Language, If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Content-Language",
    "Access-Control-Max-Age": "86400",
}


class JsonError(Exception):
    """An error answered as JSON: its status, a code for programs and a message for people."""

    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def cors(response) -> None:
    for name, value in CORS.items():
        response[name] = value


def error(status: int, code: str, message: str, **extra) -> JsonResponse:
    response = JsonResponse({"error": code, "message": message, **extra}, status=status)
    cors(response)
    return response
