"""Second-factor secrets encrypted at rest (TOTP secrets, recovery-code seeds), with Fernet keys
from DJANGO_MFA_ENCRYPTION_KEYS: the first encrypts, every one decrypts, so that a key can be
replaced without signing anyone out of their authenticator app (docs/security.md, "Two-factor")."""

import base64
import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Every Fernet token starts with its version byte, 0x80: "gAAAAA" in URL-safe base64. A clear
# TOTP secret (base32) or recovery-code seed (hex) never does.
TOKEN_PREFIX = "gAAAAA"


def parse_keys(value: str, secret_key: str) -> list[str]:
    """DJANGO_MFA_ENCRYPTION_KEYS: Fernet keys, comma-separated, newest first. Unset, one key
    derived from SECRET_KEY (so a development site or an older installation works as it is)."""
    keys = [part.strip() for part in value.split(",") if part.strip()]
    if not keys:
        digest = hashlib.sha256(f"reform-tracker mfa secrets:{secret_key}".encode()).digest()
        return [base64.urlsafe_b64encode(digest).decode()]
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"DJANGO_MFA_ENCRYPTION_KEYS: key {number} is not a Fernet key (32 bytes in "
                "URL-safe base64, e.g. from python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())')."
            ) from None
    return keys


def fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.MFA_ENCRYPTION_KEYS])


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored second-factor secret cannot be decrypted with any key of "
            "DJANGO_MFA_ENCRYPTION_KEYS (or, unset, with the key derived from "
            "DJANGO_SECRET_KEY): a key it was encrypted with is missing."
        ) from None


def with_newest_key(value: str) -> str:
    """A stored value encrypted with the first key, whether it was clear or encrypted with an
    older one."""
    if not value.startswith(TOKEN_PREFIX):
        return encrypt(value)
    try:
        return fernet().rotate(value.encode()).decode()
    except InvalidToken:
        return encrypt(decrypt(value))  # raises the explanation


def change_secrets(data: dict[str, Any], change: Callable[[str], str]) -> dict[str, Any]:
    """An authenticator's data with each secret it holds changed: a TOTP secret, recovery codes'
    seed, or codes carried over from django-allauth-2fa."""
    data = dict(data)
    for field in ("secret", "seed"):
        if isinstance(data.get(field), str):
            data[field] = change(data[field])
    if isinstance(data.get("migrated_codes"), list):
        data["migrated_codes"] = [change(code) for code in data["migrated_codes"]]
    return data


def reencrypt(authenticators: Iterable[Any], change: Callable[[str], str] = with_newest_key) -> int:
    """Store each authenticator's secrets encrypted with the newest key; how many changed."""
    changed = 0
    for authenticator in authenticators:
        data = change_secrets(authenticator.data, change)
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])
            changed += 1
    return changed
