"""Two-factor sign-in (django-allauth's TOTP and recovery codes): compulsory for editors and
superusers when DJANGO_REQUIRE_2FA is on, and each enrolment, removal, refusal and recovery code
in the security log."""

from collections.abc import Callable
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.core import context
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext

from .audit import Kind, security_event
from .gates import open_to_second_factor_gate

Middleware = Callable[[HttpRequest], HttpResponse]
SECOND_FACTORS = {"mfa", "socialaccount"}


class KeepSecretActivateTOTPForm(ActivateTOTPForm):
    """allauth's set-up form, keeping one secret for the whole enrolment.

    allauth draws a new secret at each GET of the set-up page, so any request that reaches the
    page meanwhile (another tab, a reload, a browser's own request redirected there) makes the
    QR code on screen wrong. Here the secret waiting in the session is kept until enrolment
    succeeds (allauth then removes it) or the session ends (signing out).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        session = context.request.session
        pending = session.get(SECRET_SESSION_KEY)
        super().__init__(*args, **kwargs)
        if pending and self.secret != pending:
            self.secret = session[SECRET_SESSION_KEY] = pending


# Groups whose members change what the tracker publishes, or propose it.
SECOND_FACTOR_GROUPS = ("Editors", "Focal points")


def needs_second_factor(user: Any) -> bool:
    """Editors, focal points (they propose what goes into a Governing Body paper) and
    superusers. The first call costs a query for a user who is not a superuser;
    the answer stays on the user object, which accounts.usercache keeps in the cache."""
    if getattr(user, "_needs_second_factor", None) is None:
        user._needs_second_factor = (
            user.is_superuser or user.groups.filter(name__in=SECOND_FACTOR_GROUPS).exists()
        )
    return user._needs_second_factor


def has_second_factor(user: Any) -> bool:
    """Whether the user has enrolled an authenticator; kept as `needs_second_factor` is."""
    if getattr(user, "_has_second_factor", None) is None:
        user._has_second_factor = Authenticator.objects.filter(user=user).exists()
    return user._has_second_factor


def signed_in_with_second_factor(request: HttpRequest) -> bool:
    """Signed in with a code, or through single sign-on (whose provider enforces its own
    second factor): the session says so, no query."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") in SECOND_FACTORS for record in records)


def is_page_request(request: HttpRequest) -> bool:
    """A page the person asked for: a GET or HEAD that wants HTML in the window (not an image,
    a script, a frame, a fetch, nor an htmx fragment). Clients that say nothing of what they
    want (test clients, older browsers) count as asking for a page."""
    headers = request.headers
    accept = headers.get("Accept", "text/html")
    return (
        request.method in ("GET", "HEAD")
        and headers.get("HX-Request") != "true"
        and headers.get("Sec-Fetch-Dest", "document") == "document"
        and ("text/html" in accept or "application/xhtml+xml" in accept)
    )


def require_second_factor(get_response: Middleware) -> Middleware:
    """With REQUIRE_2FA, an editor or superuser without a second factor is sent to enrol one
    before any other page, Django admin included: nothing is edited with a password alone.

    Only a page request is redirected to the set-up page (so that the set-up page is never
    what a favicon, a script or a form's POST gets); htmx is told to load it as a page; any
    other request is refused (403).

    Cheapest checks first: most requests are anonymous, or from a session with a code.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.REQUIRE_2FA
            and not open_to_second_factor_gate(request.path)
            and user.is_authenticated
            and not signed_in_with_second_factor(request)
            and needs_second_factor(user)
            and not has_second_factor(user)
        ):
            return send_to_enrolment(request)
        return get_response(request)

    return middleware


def send_to_enrolment(request: HttpRequest) -> HttpResponse:
    enrol = reverse("mfa_activate_totp")
    htmx = request.headers.get("HX-Request") == "true"
    if htmx or is_page_request(request):
        messages.warning(
            request,
            gettext(
                "Editors, focal points and administrators need a second factor: set up an "
                "authenticator app to go on."
            ),
        )
    if htmx:
        # htmx loads the set-up page as a whole page instead of swapping it into the target.
        response = HttpResponse(status=403)
        response["HX-Redirect"] = enrol
        return response
    if is_page_request(request):
        return HttpResponseRedirect(enrol)
    raise PermissionDenied


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
