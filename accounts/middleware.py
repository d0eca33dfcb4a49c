"""Session security (ASVS 3.3) and the log of refusals: idle and absolute session expiry,
`Cache-Control: no-store` for signed-in users, a security event for every 403."""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from .audit import Kind, security_event

Middleware = Callable[[HttpRequest], HttpResponse]

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
# Activity is written to the session at most once a minute: a session write on every page would
# cost a query per request for a minute's precision in the idle timeout.
TOUCH_EVERY = 60


def now() -> int:
    """Seconds since the epoch: the sessions' clock, which tests move (time-machine)."""
    return int(time.time())


def start_session(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """At sign-in (user_logged_in), the times from which the session's lifetimes count."""
    request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = now()


def why_ended(session: Any, at: int) -> str | None:
    """'absolute' or 'idle' when the session has outlived DJANGO_SESSION_MAX_SECONDS or
    DJANGO_SESSION_IDLE_SECONDS, else None."""
    if at - session[SIGNED_IN_AT] > settings.SESSION_MAX_SECONDS:
        return "absolute"
    if at - session[LAST_SEEN] > settings.SESSION_IDLE_SECONDS:
        return "idle"
    return None


def signed_in(request: HttpRequest) -> bool:
    """Whether a signed-in user sent the request, without loading a session that the request
    has no cookie for and nothing has read: that would add `Vary: Cookie` to pages that vary on
    nothing (/healthz), and a query."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES or request.session.accessed:
        return request.user.is_authenticated
    return False


ENDED_MESSAGES = {
    "absolute": _(
        "You have been signed out: a session lasts %(hours)s hours at most. Sign in again to go on."
    ),
    "idle": _(
        "You have been signed out after %(minutes)s minutes without activity. "
        "Sign in again to go on."
    ),
}


def end_expired_sessions(get_response: Middleware) -> Middleware:
    """Sign out, server-side, a user whose session is too old or has been idle too long.

    The request then goes on as an anonymous one: a page that needs signing in sends the user
    to the sign-in page, which says why.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if signed_in(request):
            session, at = request.session, now()
            if SIGNED_IN_AT not in session:  # signed in before these times were kept
                session[SIGNED_IN_AT] = session[LAST_SEEN] = at
            reason = why_ended(session, at)
            if reason is not None:
                security_event(request, Kind.SESSION_EXPIRED, user=request.user, reason=reason)
                session.flush()
                request.user = AnonymousUser()
                hours = settings.SESSION_MAX_SECONDS // 3600
                minutes = settings.SESSION_IDLE_SECONDS // 60
                messages.info(
                    request, ENDED_MESSAGES[reason] % {"hours": hours, "minutes": minutes}
                )
            elif at - session[LAST_SEEN] >= TOUCH_EVERY:
                session[LAST_SEEN] = at
        return get_response(request)

    return middleware


def no_store_when_signed_in(get_response: Middleware) -> Middleware:
    """A page shown to a signed-in user is kept by no cache, shared or the browser's (ASVS
    8.2.1): it may show drafts, and the next user of a shared computer must not find it.

    Anonymous pages keep their own caching headers.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if signed_in(request):
            add_never_cache_headers(response)
        return response

    return middleware


def log_refusals(get_response: Middleware) -> Middleware:
    """Every 403, whatever refused (a view's PermissionDenied, Django admin, the CSRF check),
    becomes a `permission-refused` security event."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if response.status_code == 403:
            security_event(
                request,
                Kind.PERMISSION_REFUSED,
                user=request.user,
                path=request.path,
                method=request.method,
            )
        return response

    return middleware
