"""Who is signing in, from where: one rule for django-axes' lock-outs, django-allauth's rate
limits (accounts.adapters) and the security log."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

# django-axes' username column; no account's name is this long (Django allows 150).
AXES_USERNAME_LENGTH = 255


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind PROXY_COUNT reverse proxies the address the outermost one saw.

    Each proxy appends the address it received the request from to X-Forwarded-For, so only
    the last PROXY_COUNT entries are trustworthy; anything to their left the client may have
    written itself.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    if settings.PROXY_COUNT <= 0:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < settings.PROXY_COUNT or not forwarded[-settings.PROXY_COUNT]:
        # Not through every proxy: the connection's address is the only one known.
        return remote_addr
    return forwarded[-settings.PROXY_COUNT]


def client_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account tried, as django-axes counts failures and locks: the name without the
    spaces around it, in lower case, cut to fit django-axes' column.

    Sign-in matches names that way (allauth's form strips the name, its backend compares it in
    lower case), so `Viewer` and `viewer ` are the account `viewer` and share its count.
    Django's sign-in form checks the username's length only in the browser, so a long one
    reaches django-axes, which PostgreSQL would refuse to store (an error, a 500). Cutting
    cannot merge two accounts: every real name is shorter than the cut.
    """
    # django-allauth's form posts the name as "login" (AXES_USERNAME_FORM_FIELD), django-axes'
    # backend passes it on under that key, Django's failure signal as "username".
    field = settings.AXES_USERNAME_FORM_FIELD
    source = credentials or request.POST
    username = source.get(field, source.get("username"))
    return None if username is None else str(username).strip().lower()[:AXES_USERNAME_LENGTH]
