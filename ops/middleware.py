from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.views.defaults import bad_request

from accounts.middleware import signed_in


def reject_nul_characters(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Answer 400 to a NUL character (%00) in the path, the query string or a header.

    PostgreSQL text cannot hold NUL, so one that reaches a query (a country code in the path,
    a filter value) raises an error and would answer 500. No page has a use for it. Form fields
    already refuse it (Django's ProhibitNullCharactersValidator). Headers too: django-axes stores
    the User-Agent and Accept of a failed sign-in.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        query = (text for key, values in request.GET.lists() for text in (key, *values))
        headers = (value for key, value in request.META.items() if key.startswith("HTTP_"))
        if "\x00" in request.path or any("\x00" in text for text in (*query, *headers)):
            return bad_request(request, exception=None)
        return get_response(request)

    return middleware


class CompressPublicPages(GZipMiddleware):
    """gzip for pages that hold no secret: BREACH (docs/security.md, "Compression") guesses a
    secret in a compressed answer from its length, given some of the attacker's input reflected
    beside it (a filter's text, a `?next=`). So only answers to anonymous readers that used no
    CSRF token are compressed; a signed-in reader's page (their CSRF token, drafts) and the
    sign-in forms are sent as they are. Pages from the page cache come compressed already
    (ops/pagecache.py)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # No user: answered before the user was known (a redirect), perhaps to one signed in.
        secret = not hasattr(request, "user") or signed_in(request)
        if secret or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return response
        return super().process_response(request, response)
