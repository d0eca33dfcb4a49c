"""Sign-in, sign-out, failures, lock-outs and every edit go to the application log: who, from
where, when.

The log record's time says when. Usernames are written with repr(), so that a name typed with
line breaks cannot forge log lines, and cut short, so that a megabyte of name cannot flood the log.
"""

import logging
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from .clients import client_ip

log = logging.getLogger("reform_tracker.security")
edits = logging.getLogger("reform_tracker.edits")
# Longer than any username the site accepts (150 characters).
NAME_LIMIT = 200


def address(request: HttpRequest | None) -> str:
    return client_ip(request) if request is not None else "unknown"


def security_event(
    request: HttpRequest | None, kind: str, user: Any = None, username: str = "", **detail: Any
) -> None:
    """One security event (sign-in, failure, lock-out, second factor, refusal): who, where, what.

    `detail` must never hold a secret (password, code, token).
    """
    name = user.get_username() if user is not None else str(username)[:NAME_LIMIT]
    extra = " ".join(f"{key}={value!r}" for key, value in sorted(detail.items()))
    log.info("%s: user=%r ip=%s %s", kind, name, address(request), extra)


def logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    log.info("sign-in: user=%r ip=%s", user.get_username(), address(request))


def login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    log.warning(
        "sign-in failed: username=%r ip=%s",
        str(credentials.get("username", ""))[:NAME_LIMIT],
        address(request),
    )


def logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    username = user.get_username() if user is not None else ""
    log.info("sign-out: user=%r ip=%s", username, address(request))


def locked_out(
    sender: Any, request: HttpRequest, username: str, ip_address: str, **kwargs: Any
) -> None:
    log.warning("sign-in locked out: username=%r ip=%s", str(username)[:NAME_LIMIT], ip_address)


def edited(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    """Every change the audit trail records, also in the log, with the address it came from."""
    request = getattr(HistoricalRecords.context, "request", None)
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


def connect() -> None:
    user_logged_in.connect(logged_in, dispatch_uid="security-log-logged-in")
    user_login_failed.connect(login_failed, dispatch_uid="security-log-login-failed")
    user_logged_out.connect(logged_out, dispatch_uid="security-log-logged-out")
    user_locked_out.connect(locked_out, dispatch_uid="security-log-locked-out")
    post_create_historical_record.connect(edited, dispatch_uid="edit-log")
