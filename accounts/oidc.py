"""Single sign-on configuration, read by settings.py from the environment: the provider and the
rules that give a first sign-in its group. Imports nothing of Django's but the error, since
settings import it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# allauth's id for the one provider: part of the callback URL registered at the provider,
# /accounts/oidc/sso/login/callback/.
PROVIDER_ID = "sso"
DEFAULT_NAME = "Organisation account"
# The groups a rule may give: the README's roles (accounts.roles.ROLES).
GROUPS = ("Editors", "Viewers")
SYNTAX = "rules look like domain:ilo.org=Editors or claim:groups:gb-members=Viewers"


@dataclass(frozen=True)
class GroupRule:
    """`domain:<domain>=<group>`: a verified e-mail address at that domain;
    `claim:<claim>:<value>=<group>`: the claim is that value or a list holding it."""

    kind: str
    claim: str
    value: str
    group: str

    def matches(self, claims: Mapping[str, Any]) -> bool:
        if self.kind == "domain":
            email = str(claims.get("email") or "")
            verified = claims.get("email_verified") in (True, "true")
            return verified and email.lower().rpartition("@")[2] == self.value.lower()
        found = claims.get(self.claim)
        return found == self.value if not isinstance(found, list) else self.value in found


def parse_group_rules(text: str) -> list[GroupRule]:
    """DJANGO_OIDC_GROUPS: comma-separated rules, the first matching one wins.

    A malformed rule stops the start with ImproperlyConfigured: a typo must not silently leave
    every editor read-only, or make every reader an editor.
    """
    rules = []
    for raw in (part.strip() for part in text.split(",")):
        if not raw:
            continue
        condition, equals, group = raw.rpartition("=")
        kind, _, rest = condition.partition(":")
        parts = rest.split(":", 1)
        claim, value = parts if kind == "claim" and len(parts) == 2 else ("email", rest)
        problem = None
        if not equals or kind not in {"domain", "claim"}:
            problem = SYNTAX
        elif group.strip() not in GROUPS:
            problem = f"the group must be one of {', '.join(GROUPS)}, not {group.strip()!r}"
        elif not value.strip() or not claim.strip() or (kind == "claim" and len(parts) != 2):
            problem = SYNTAX
        if problem:
            raise ImproperlyConfigured(f"DJANGO_OIDC_GROUPS: {raw!r}: {problem}.")
        rules.append(GroupRule(kind, claim.strip(), value.strip(), group.strip()))
    return rules


def group_for(rules: list[GroupRule], claims: Mapping[str, Any]) -> str | None:
    return next((rule.group for rule in rules if rule.matches(claims)), None)


def oidc_apps(issuer: str, env: Mapping[str, str]) -> list[dict[str, Any]]:
    """allauth's openid_connect APPS entry from DJANGO_OIDC_*: none without an issuer."""
    if not issuer:
        return []
    client_id = env.get("DJANGO_OIDC_CLIENT_ID", "").strip()
    secret = env.get("DJANGO_OIDC_CLIENT_SECRET", "").strip()
    if not client_id or not secret:
        raise ImproperlyConfigured(
            "DJANGO_OIDC_ISSUER is set: DJANGO_OIDC_CLIENT_ID and DJANGO_OIDC_CLIENT_SECRET "
            "must be set too."
        )
    if not issuer.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"DJANGO_OIDC_ISSUER must be a URL, not {issuer!r}.")
    return [
        {
            "provider_id": PROVIDER_ID,
            "name": env.get("DJANGO_OIDC_NAME", "").strip() or DEFAULT_NAME,
            "client_id": client_id,
            "secret": secret,
            "settings": {"server_url": issuer, "oauth_pkce_enabled": True},
        }
    ]
