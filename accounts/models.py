from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SecurityEvent(models.Model):
    """One event of the security log: who, from where, when, what; never a secret.

    Written by `accounts.audit.security_event`, read by superusers in Django admin, never
    changed. Kinds are not constrained in the database: a kind added by new code must still be
    recorded, never refused.
    """

    class Kind(models.TextChoices):
        SIGN_IN = "sign-in", "Signed in"
        SIGN_IN_FAILED = "sign-in-failed", "Sign-in failed"
        LOCKED_OUT = "locked-out", "Locked out"
        SIGN_OUT = "sign-out", "Signed out"
        SESSION_EXPIRED = "session-expired", "Session expired"
        PERMISSION_REFUSED = "permission-refused", "Permission refused (403)"
        PASSWORD_CHANGED = "password-changed", "Password changed"
        PASSWORD_RESET = "password-reset", "Password reset"
        MFA_ENROLLED = "mfa-enrolled", "Second factor enrolled"
        MFA_REMOVED = "mfa-removed", "Second factor removed"
        MFA_FAILED = "mfa-failed", "Second factor refused"
        RECOVERY_CODE_USED = "recovery-code-used", "Recovery code used"
        SSO_SIGN_IN = "sso-sign-in", "Signed in through single sign-on"
        SSO_REFUSED = "sso-refused", "Single sign-on refused"

    kind = models.CharField(max_length=40, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="security_events",
        help_text="The account, when one is known; kept empty after the account is deleted.",
    )
    username = models.CharField(
        max_length=200, blank=True, help_text="The name as given, cut to 200 characters."
    )
    ip_address = models.GenericIPAddressField("address", null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField("time", default=timezone.now, db_index=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "security event"
        verbose_name_plural = "security events"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username or '-'} from {self.ip_address or '?'}"


class Profile(models.Model):
    """What a person chooses for themselves; for now the language the tracker writes to them in
    (reminders and digests). Made on the first save of the preferences page or in Django admin:
    a user without one gets the site's default (`language_of`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the e-mails the tracker sends you."),
    )

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="profile_language_known",
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


def language_of(user) -> str:
    """The user's chosen language, or the site's default; no query when `profile` was selected
    with the user (`select_related("profile")`)."""
    try:
        return user.profile.language
    except Profile.DoesNotExist:
        return settings.LANGUAGE_CODE
