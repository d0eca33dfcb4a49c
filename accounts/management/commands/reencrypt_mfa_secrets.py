"""After a new key was put first in DJANGO_MFA_ENCRYPTION_KEYS: store every second-factor secret
encrypted with it, so that the older keys can be removed (docs/security.md, "Two-factor")."""

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import encryption


class Command(BaseCommand):
    help = (
        "Encrypt every stored TOTP secret and recovery-code seed with the first key of "
        "DJANGO_MFA_ENCRYPTION_KEYS (they may have been clear or encrypted with a later key)."
    )

    def handle(self, *args: Any, verbosity: int, **options: Any) -> None:
        with transaction.atomic():
            changed = encryption.reencrypt(Authenticator.objects.select_for_update())
        if verbosity:
            self.stdout.write(f"Re-encrypted the secrets of {changed} authenticators.")
