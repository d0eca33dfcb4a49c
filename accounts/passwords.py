from typing import Any

from .audit import Kind, current_request, security_event


class RecordPasswordChanges:
    """Not a rule: a security event for every password changed through the site.

    Django tells every password validator when a password has been changed and saved (not when
    only its hash is upgraded): the one place that sees every way of changing one — the password
    change page, a reset by e-mail, Django admin. Changes made outside a request (management
    commands, accounts created in code) are not recorded.
    """

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        request = current_request()
        if request is None or user is None:
            return
        actor = request.user
        if not actor.is_authenticated:  # only a reset changes a password without signing in
            security_event(request, Kind.PASSWORD_RESET, user=user)
        elif actor.pk != user.pk:
            security_event(request, Kind.PASSWORD_CHANGED, user=user, by=actor.get_username())
        else:
            security_event(request, Kind.PASSWORD_CHANGED, user=user)

    def get_help_text(self) -> str:
        return "A change of password is recorded in the security log, never the password."
