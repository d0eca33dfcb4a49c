"""Single sign-on through the OpenID Connect provider of DJANGO_OIDC_ISSUER (django-allauth).

allauth's own views, with three checks added: the provider's discovery document must name the
configured issuer; the ID token's signature is always checked against the provider's keys
(allauth skips it for a token fetched from the token endpoint, which the specification allows
over TLS — but a wrong key must not pass unnoticed); and an unreachable provider is a clear
refusal, not a 500.
"""

from typing import Any

from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.http import Http404, HttpRequest, HttpResponse
from requests import RequestException

from .audit import Kind, security_event


class ProviderUnavailable(OAuth2Error):
    """Discovery failed: nothing answers at the issuer, or not with a discovery document."""


class IssuerMismatch(OAuth2Error):
    """The discovery document names another issuer than DJANGO_OIDC_ISSUER."""


class InvalidIdToken(OAuth2Error):
    """Bad signature, expired, another issuer or audience."""


def same_issuer(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


class CheckedAdapter(oidc_views.OpenIDConnectOAuth2Adapter):
    @property
    def openid_config(self) -> dict[str, Any]:
        if not hasattr(self, "_openid_config"):
            try:
                config = super().openid_config
            except (RequestException, ValueError) as error:
                raise ProviderUnavailable(f"discovery failed: {type(error).__name__}") from error
            configured = self.get_provider().app.settings["server_url"]
            if not same_issuer(str(config.get("issuer", "")), configured):
                del self._openid_config
                raise IssuerMismatch("the provider names another issuer")
        return self._openid_config

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict[str, Any]:
        try:
            return jwtkit.verify_and_decode(
                credential=id_token,
                keys_url=self.openid_config["jwks_uri"],
                issuer=self.openid_config["issuer"],
                audience=app.client_id,
                lookup_kid=jwtkit.lookup_kid_jwk,
                verify_signature=True,
            )
        except (OAuth2Error, RequestException, KeyError) as error:
            raise InvalidIdToken(f"ID token refused: {error}") from error


def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """Starts the flow (a POST from the sign-in page), once discovery has worked."""
    adapter = CheckedAdapter(request, provider_id)
    try:
        adapter.openid_config  # noqa: B018 - fetched and checked, or refused here
    except SocialApp.DoesNotExist:
        raise Http404 from None
    except OAuth2Error as error:
        return render_authentication_error(request, adapter.get_provider(), exception=error)
    return oidc_views.login(request, provider_id)


def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    """The provider sends the browser back here with a code and the state."""
    try:
        return OAuth2CallbackView.adapter_view(CheckedAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


def signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """allauth's user_logged_in: a sign-in through the provider is an sso-sign-in event too."""
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is None:
        return
    new = "new_user_group" in sociallogin.state
    detail: dict[str, Any] = {"provider": sociallogin.account.get_provider().name, "new_user": new}
    if new:
        detail["group"] = sociallogin.state["new_user_group"]
    security_event(request, Kind.SSO_SIGN_IN, user=user, **detail)
