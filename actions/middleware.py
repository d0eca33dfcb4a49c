"""Sign-in for reading, when the site is configured to require it."""

from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import get_language_from_path

# Sign-in itself, the admin (which has its own sign-in page) and static files stay reachable.
OPEN_PATHS = ("/accounts/", "/admin/")


def path_without_language(path: str) -> str:
    """The path as in English: /fr/accounts/login/ → /accounts/login/."""
    language = get_language_from_path(path)
    if language and path.startswith(f"/{language}/"):
        return path[len(language) + 1 :]
    return path


class RequireLoginToViewMiddleware(LoginRequiredMiddleware):
    """With `REQUIRE_LOGIN_TO_VIEW`, send anonymous readers of any page to LOGIN_URL?next=….

    The setting is read on each request, so tests can switch it with the `settings` fixture.
    """

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        # Sign-in in French or Spanish (/fr/accounts/…) is open too.
        path = path_without_language(request.path)
        if not settings.REQUIRE_LOGIN_TO_VIEW or path.startswith(
            (*OPEN_PATHS, "/" + settings.STATIC_URL.lstrip("/"))
        ):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
