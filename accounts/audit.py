"""Security events (sign-in, failures, lock-outs, sign-out, refusals, second factor, …) and every
edit: who, from where, when.

A security event is a `SecurityEvent` row, which superusers read in Django admin, and a line in
the application log, which is kept even when the row cannot be (see `store`). Usernames are
written with repr(), so that a name typed with line breaks cannot forge log lines, and cut short,
so that a megabyte of name cannot flood the log or the table.
"""

import ipaddress
import logging
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import DatabaseError, transaction
from django.http import HttpRequest
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from .clients import client_ip
from .models import SecurityEvent

log = logging.getLogger("reform_tracker.security")
edits = logging.getLogger("reform_tracker.edits")
# Longer than any username the site accepts (150 characters).
NAME_LIMIT = 200
AGENT_LIMIT = 300
DETAIL_LIMIT = 500
Kind = SecurityEvent.Kind
# The log's wording for these predates the stored log; alerting may match it.
LOG_NAMES = {Kind.SIGN_IN_FAILED: "sign-in failed", Kind.LOCKED_OUT: "sign-in locked out"}
WARNINGS = {
    Kind.SIGN_IN_FAILED,
    Kind.LOCKED_OUT,
    Kind.PERMISSION_REFUSED,
    Kind.MFA_FAILED,
    Kind.SSO_REFUSED,
}


def address(request: HttpRequest | None) -> str:
    return client_ip(request) if request is not None else "unknown"


def plain(value: Any, limit: int) -> Any:
    """A value fit for the log and a JSON column: PostgreSQL refuses NUL, and length is capped."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value).replace("\x00", "")[:limit]


def security_event(
    request: HttpRequest | None, kind: str, user: Any = None, username: str = "", **detail: Any
) -> None:
    """One security event: who (an account, or the name typed), from where, what happened.

    `detail` must never hold a secret (password, code, token).
    """
    account = user if user is not None and user.is_authenticated else None
    name = account.get_username() if account is not None else plain(username, NAME_LIMIT)
    detail = {key: plain(value, DETAIL_LIMIT) for key, value in sorted(detail.items())}
    ip = address(request)
    words = [
        f"{'user' if account is not None else 'username'}={name!r}",
        f"ip={ip}",
        *(f"{key}={value!r}" for key, value in detail.items()),
    ]
    level = logging.WARNING if kind in WARNINGS else logging.INFO
    log.log(level, "%s: %s", LOG_NAMES.get(kind, kind), " ".join(words))
    store(
        SecurityEvent(
            kind=plain(kind, 40),
            user=account,
            username=name,
            ip_address=ip_or_none(ip),
            user_agent=plain(request.META.get("HTTP_USER_AGENT", ""), AGENT_LIMIT)
            if request is not None
            else "",
            detail=detail,
        )
    )


def ip_or_none(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def store(event: SecurityEvent) -> None:
    """Save the row in a savepoint: if saving fails, the caller's transaction goes on unharmed
    (a failed sign-in must still be answered) and the log line already written is the record.

    The row is written on the request's own connection, so a transaction that the caller rolls
    back takes it along. No view here runs in one (ATOMIC_REQUESTS is off, and a refusal reaches
    the log after the view's transaction has ended); a second connection would survive it but
    costs a connection per worker and a database alias for what has not happened.
    """
    try:
        with transaction.atomic():
            event.save()
    except DatabaseError:
        log.exception("security event not stored: %s", event.kind)


def logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    security_event(request, Kind.SIGN_IN, user=user)


def login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Cleansed by Django: the password is starred out, and only the name is read anyway.
    typed = credentials.get("username") or credentials.get("email") or ""
    security_event(request, Kind.SIGN_IN_FAILED, username=typed)


def logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:  # None: nobody was signed in (a session that had just expired)
        security_event(request, Kind.SIGN_OUT, user=user)


def locked_out(
    sender: Any, request: HttpRequest, username: str, ip_address: str, **kwargs: Any
) -> None:
    security_event(request, Kind.LOCKED_OUT, username=username or "")


def edited(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    """Every change the audit trail records, also in the log, with the address it came from."""
    request = current_request()
    user = history_instance.history_user
    edits.info(
        "edit: user=%r ip=%s %s %s pk=%s reason=%r",
        user.get_username() if user is not None else "",
        address(request),
        {"+": "created", "~": "changed", "-": "deleted"}[history_instance.history_type],
        instance._meta.label,
        instance.pk,
        (history_instance.history_change_reason or "")[:NAME_LIMIT],
    )


def current_request() -> HttpRequest | None:
    """The request being answered, as django-simple-history's middleware keeps it (None in a
    management command)."""
    return getattr(HistoricalRecords.context, "request", None)


def connect() -> None:
    user_logged_in.connect(logged_in, dispatch_uid="security-log-logged-in")
    user_login_failed.connect(login_failed, dispatch_uid="security-log-login-failed")
    user_logged_out.connect(logged_out, dispatch_uid="security-log-logged-out")
    user_locked_out.connect(locked_out, dispatch_uid="security-log-locked-out")
    post_create_historical_record.connect(edited, dispatch_uid="edit-log")
