"""Two-factor sign-in (django-allauth's TOTP and recovery codes): compulsory for editors and
superusers when DJANGO_REQUIRE_2FA is on, and each enrolment, removal, refusal and recovery code
in the security log."""

from collections.abc import Callable
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext

from actions.middleware import path_without_language

from .audit import Kind, security_event

Middleware = Callable[[HttpRequest], HttpResponse]
# Reachable without a second factor: enrolling one, signing out, and what pages load.
OPEN_PATHS = ("/accounts/", "/static/", "/healthz")
SECOND_FACTORS = {"mfa", "socialaccount"}


def needs_second_factor(user: Any) -> bool:
    """Editors and superusers. Costs a query for a user who is not a superuser."""
    return user.is_superuser or user.groups.filter(name="Editors").exists()


def signed_in_with_second_factor(request: HttpRequest) -> bool:
    """Signed in with a code, or through single sign-on (whose provider enforces its own
    second factor): the session says so, no query."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") in SECOND_FACTORS for record in records)


def require_second_factor(get_response: Middleware) -> Middleware:
    """With REQUIRE_2FA, an editor or superuser without a second factor is sent to enrol one
    before any other page, Django admin included: nothing is edited with a password alone.

    Cheapest checks first: most requests are anonymous, or from a session with a code.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.REQUIRE_2FA
            # In every language: /fr/accounts/2fa/… too, or enrolling in French would loop.
            and not path_without_language(request.path).startswith(OPEN_PATHS)
            and user.is_authenticated
            and not signed_in_with_second_factor(request)
            and needs_second_factor(user)
            and not Authenticator.objects.filter(user=user).exists()
        ):
            messages.warning(
                request,
                gettext(
                    "Editors and administrators need a second factor: set up an authenticator "
                    "app to go on."
                ),
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return get_response(request)

    return middleware


def added(sender: Any, request: HttpRequest, user: Any, authenticator: Authenticator, **kw: Any):
    if authenticator.type != Authenticator.Type.RECOVERY_CODES:  # made along with the app
        security_event(request, Kind.MFA_ENROLLED, user=user, type=authenticator.type)


def removed(sender: Any, request: HttpRequest, user: Any, authenticator: Authenticator, **kw: Any):
    security_event(request, Kind.MFA_REMOVED, user=user, type=authenticator.type)


def used(sender: Any, request: HttpRequest, user: Any, authenticator: Authenticator, **kw: Any):
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        # Read again: the form marked the code used on a copy of its own.
        stored = Authenticator.objects.get(pk=authenticator.pk)
        remaining = len(stored.wrap().get_unused_codes())
        security_event(request, Kind.RECOVERY_CODE_USED, user=user, remaining=remaining)


def failed(sender: Any, request: HttpRequest, user: Any, authenticator: Authenticator, **kw: Any):
    security_event(
        request,
        Kind.MFA_FAILED,
        user=user,
        reauthentication=bool(kw.get("reauthentication")),
    )


def connect() -> None:
    from allauth.mfa import signals

    signals.authenticator_added.connect(added, dispatch_uid="security-log-mfa-added")
    signals.authenticator_removed.connect(removed, dispatch_uid="security-log-mfa-removed")
    signals.authenticator_used.connect(used, dispatch_uid="security-log-mfa-used")
    signals.authentication_failed.connect(failed, dispatch_uid="security-log-mfa-failed")
