"""django-allauth's adapters: no public sign-up; rate limits per client address, password
failures left to django-axes; single sign-on's first sign-in gets the group of DJANGO_OIDC_GROUPS;
each refusal of single sign-on is a security event with a reason; second-factor secrets are stored
encrypted."""

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthError
from django.conf import settings
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import encryption
from .audit import Kind, security_event
from .clients import client_ip
from .oidc import group_for
from .sso import InvalidIdToken, IssuerMismatch, ProviderUnavailable

# What the refusal page says, by the reason recorded in the security log.
REFUSALS = {
    "state": _(
        "This sign-in did not start from this browser, or it took too long. "
        "Nothing was signed in: start again from the sign-in page."
    ),
    "id-token": _(
        "The identity provider's answer could not be verified (its ID token is "
        "forged, expired or meant for another site). Nothing was signed in."
    ),
    "issuer": _(
        "The identity provider is not the one this site is configured for. "
        "Nothing was signed in; tell the site's administrators."
    ),
    "unavailable": _(
        "The identity provider could not be reached. Nothing was signed in; try again later."
    ),
    "cancelled": _("Sign-in was cancelled at the identity provider. Nothing was signed in."),
    "refused": _("The identity provider refused the sign-in. Nothing was signed in."),
}


def refusal_reason(error: Any, exception: Exception | None, state_missing: bool) -> str:
    if isinstance(exception, InvalidIdToken):
        return "id-token"
    if isinstance(exception, IssuerMismatch):
        return "issuer"
    if isinstance(exception, ProviderUnavailable):
        return "unavailable"
    if error == AuthError.CANCELLED:
        return "cancelled"
    if exception is None and state_missing:
        return "state"
    return "refused"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Accounts are made by administrators, or by a first single sign-on."""
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address allauth's rate limits count (sign-in posts, password resets) is the one
        django-axes and the security log use: behind the proxy, each client's own."""
        return client_ip(request)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """No per-account count of wrong passwords here: django-axes counts them per account
        and address. allauth's count, per account from any address, would let one address
        lock an account out everywhere. (Its count of wrong second-factor codes remains.)"""

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Not just after signing in: whoever typed the password (and code) less than
        ACCOUNT_REAUTHENTICATION_TIMEOUT seconds ago is not asked for it again, as on the way
        from sign-in to setting up the authenticator app. Later, allauth asks as usual."""
        request = self.request
        if request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            if (
                records
                and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT
            ):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds encrypted with DJANGO_MFA_ENCRYPTION_KEYS, so that
    the database and its backups alone do not give anyone a working second factor."""

    def encrypt(self, text: str) -> str:
        return encryption.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return encryption.decrypt(encrypted_text)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        """First sign-in: the account, with the group of the first matching rule (none: the
        account only reads)."""
        user = super().save_user(request, sociallogin, form)
        data = sociallogin.account.extra_data
        claims = {**data.get("id_token", {}), **data.get("userinfo", {})}
        group = group_for(settings.OIDC_GROUP_RULES, claims)
        if group is not None:
            user.groups.add(Group.objects.get(name=group))
        sociallogin.state["new_user_group"] = group or ""
        return user

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Exception | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        context = extra_context if extra_context is not None else {}
        reason = refusal_reason(error, exception, "state_id" in context)
        context["refusal"] = REFUSALS[reason]
        detail = {"provider": getattr(provider, "name", ""), "reason": reason}
        if exception is not None:
            # Error messages of allauth, PyJWT and requests: no token, code or secret in them.
            detail["error"] = f"{type(exception).__name__}: {exception}"
        security_event(request, Kind.SSO_REFUSED, **detail)
