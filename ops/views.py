from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

from .cache import cache_available


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when the database answers, 503 when it does not.

    The cache is only reported: without it the site serves pages uncached, so it still works.
    Touches neither the session nor the user, so it sets no cookie and varies on none.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    status = "ok" if cache_available() else "ok; cache unavailable, pages served uncached"
    return HttpResponse(status, content_type="text/plain")
