from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.views.defaults import bad_request


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
