"""Personal API tokens: what a reader sends to the API when reading needs signing in
(`REQUIRE_LOGIN_TO_VIEW`), or to see drafts as an editor. Shown once, stored hashed."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Tokens start with this, so that a leaked one is recognisable (secret scanners, logs).
PREFIX = "rt_"


def digest(token: str) -> str:
    """SHA-256 of the token: tokens are 256 random bits, so a fast hash is enough (no salt or
    slow hash needed, unlike passwords), and a lookup is one indexed query."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def authenticate(self, token: str):
        """The active user whose token this is, or None. One query."""
        found = (
            self.filter(digest=digest(token), user__is_active=True).select_related("user").first()
        )
        return found.user if found else None


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    # The first characters, to tell tokens apart on the account page; never the whole token.
    hint = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, user, name: str) -> tuple[ApiToken, str]:
        """A new token for `user`: the stored record, and the token itself, which is shown once
        and kept nowhere."""
        token = PREFIX + secrets.token_urlsafe(32)
        record = cls.objects.create(user=user, name=name, hint=token[:8], digest=digest(token))
        return record, token
