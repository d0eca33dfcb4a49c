"""The two gates in front of the pages, and the one list of paths they leave open.

- Sign-in to view (`REQUIRE_LOGIN_TO_VIEW`): anonymous readers go to the sign-in page.
- Two factors (`REQUIRE_2FA`, `accounts.mfa.require_second_factor`): editors and superusers
  without a second factor go to enrolment.

Both leave open signing in, enrolling and signing out (in every language: /fr/accounts/… too,
or signing in in French would loop) and static files: `OPEN_PATHS`. Beyond that the two rules
genuinely differ, so each adds to the base list and says why.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponseBase

from reform_tracker.languages import path_without_language

OPEN_PATHS = ("/accounts/", "/" + settings.STATIC_URL.lstrip("/"))
# Django admin has its own sign-in page, which signs in through the site's (and so asks for the
# second factor): the sign-in gate leaves it to that page. The two-factor gate does not: nothing
# is edited with a password alone.
SIGN_IN_OPEN_PATHS = (*OPEN_PATHS, "/admin/")
# What pages load on their own and monitors ask for (the health check, icons, robots.txt) edit
# nothing: the two-factor gate lets them through rather than answer them with its set-up page.
# The API (/api/) reads with tokens, never with the session, so it has nothing to guard there.
SECOND_FACTOR_OPEN_PATHS = (*OPEN_PATHS, "/healthz", "/favicon.ico", "/robots.txt", "/api/")
ICONS = ("/apple-touch-icon", "/android-chrome-", "/mstile-", "/site.webmanifest")


def open_to_sign_in_gate(path: str) -> bool:
    return path_without_language(path).startswith(SIGN_IN_OPEN_PATHS)


def open_to_second_factor_gate(path: str) -> bool:
    """The base list, the health check, robots.txt and the icons at the root of the site."""
    path = path_without_language(path)
    return path.startswith(SECOND_FACTOR_OPEN_PATHS) or (
        path.startswith(ICONS) and path.count("/") == 1
    )


class RequireLoginToViewMiddleware(LoginRequiredMiddleware):
    """With `REQUIRE_LOGIN_TO_VIEW`, send anonymous readers of any page to LOGIN_URL?next=….

    The setting is read on each request, so tests can switch it with the `settings` fixture.
    """

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if not settings.REQUIRE_LOGIN_TO_VIEW or open_to_sign_in_gate(request.path):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
