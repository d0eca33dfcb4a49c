"""The site's URLs plus views that fail, to see the error pages as production shows them."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from reform_tracker.urls import urlpatterns as site_urlpatterns

DETAIL = "internal detail that must not reach the visitor"


def bad_request(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation(DETAIL)


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(DETAIL)


def not_found(request: HttpRequest) -> HttpResponse:
    raise Http404(DETAIL)


def server_error(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(DETAIL)


urlpatterns = [
    *site_urlpatterns,
    path("fail/400/", bad_request),
    path("fail/403/", forbidden),
    path("fail/404/", not_found),
    path("fail/500/", server_error),
]
