from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

from .http import JSON, PROBLEM, is_public, problem

API_PATH = "/api/"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Content-Language, Retry-After",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD",
    "Access-Control-Allow-Headers": "Accept-Language, If-None-Match",
    "Access-Control-Max-Age": "86400",
}


def api_responses(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Under /api/: CORS open for public data (any site's page may read it; GET only, no
    credentials), and every error as application/problem+json, whatever answered it (an address
    that is no resource, a NUL character refused by ops.middleware, a server error), never an
    HTML page. First in the stack but for SecurityMiddleware and whitenoise."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PATH):
            return get_response(request)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204, headers={"Allow": "GET, HEAD, OPTIONS"})
            if is_public(request):
                for name, value in PREFLIGHT_HEADERS.items():
                    response[name] = value
        else:
            response = get_response(request)
        content_type = response.get("Content-Type", "")
        if response.status_code >= 400 and not content_type.startswith((PROBLEM, JSON)):
            status = response.status_code
            detail = (
                gettext("There is nothing at this address.")
                if status == 404
                else HTTPStatus(status).description
            )
            response = problem(status, detail, instance=request.get_full_path())
        if is_public(request):
            for name, value in CORS_HEADERS.items():
                response[name] = value
        return response

    return middleware
