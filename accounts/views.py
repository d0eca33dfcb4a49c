from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE), in the site layout."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_hours": int(settings.AXES_COOLOFF_TIME.total_seconds() // 3600),
    }
    return render(request, "registration/locked_out.html", context, status=429)
