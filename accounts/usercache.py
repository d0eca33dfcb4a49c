"""The signed-in user, their permissions and their two-factor standing, from the shared cache.

Without it every signed-in request reads the user, then their permissions and their groups'
(the page cache's key and the navigation need them), and for an editor the two-factor gate's
answers: four queries before the page. Here they are one cache read, kept with the user object
(Django's own per-object permission cache, `_perm_cache`, travels with it).

Any save, delete or many-to-many change of a model of Django's auth app (users, groups,
permissions, who is in which group) or of allauth's second factors sets a new *users version*
in the shared cache, as the page cache does for the data (ops/pagecache.py): every stored user is
stale at once, on every server, so a removed editor, a changed password or a deactivated account
counts from the next request. The session is still checked against the stored user's password
hash, as Django does.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from ops.pagecache import first_version, new_version, now_and_at_commit

VERSION_KEY = "usercache:users-version"
# Who may do what: Django's users, groups and permissions, and allauth's second factors.
TRACKED_APPS = {"auth", "mfa"}
# A stored user is read again at least this often, whatever happens to the cache.
TIMEOUT_SECONDS = 300


def user_key(pk: Any) -> str:
    return f"usercache:user:{pk}"


def forget_all_users() -> None:
    cache.set(VERSION_KEY, new_version(), timeout=None)


def users_changed(sender: Any, **kwargs: Any) -> None:
    """Signal receiver (see AccountsConfig.ready), as ops.pagecache.data_changed is."""
    # Migrations' historical models too send signals, maybe before the cache's table exists:
    # the users they change were never stored.
    if sender._meta.app_label not in TRACKED_APPS or sender._meta.apps is not apps:
        return
    # Each sign-in saves the time of it, which nothing stored depends on.
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return
    now_and_at_commit(forget_all_users)


def remember(user: Any, version: str) -> None:
    """Store the user with what requests ask of them: permissions and two-factor standing."""
    # At call time: accounts.mfa needs allauth's models, loaded after this module.
    from .mfa import has_second_factor, needs_second_factor

    user.get_all_permissions()
    needs_second_factor(user)
    has_second_factor(user)
    cache.set(user_key(user.pk), (version, user), timeout=TIMEOUT_SECONDS)


def cached_user(request: HttpRequest) -> Any:
    """The request's user as `django.contrib.auth.get_user` finds it, from the cache when it
    holds this user at the current users version."""
    try:
        user_id = request.session[auth.SESSION_KEY]
        backend = request.session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        return auth.get_user(request)
    found = cache.get_many([VERSION_KEY, user_key(user_id)])
    version = found.get(VERSION_KEY) or first_version(VERSION_KEY)
    stored_at, user = found.get(user_key(user_id), (None, None))
    if (
        user is not None
        and stored_at == version
        and backend in settings.AUTHENTICATION_BACKENDS
        and constant_time_compare(
            request.session.get(auth.HASH_SESSION_KEY, ""), user.get_session_auth_hash()
        )
    ):
        return user
    # Not stored, stale, or the session does not match: Django decides (and flushes a session
    # whose password hash is outdated).
    user = auth.get_user(request)
    if user.is_authenticated and version is not None:
        remember(user, version)
    return user


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, with the user from `cached_user`."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)

        def user() -> Any:
            if not hasattr(request, "_cached_user"):
                request._cached_user = cached_user(request)
            return request._cached_user

        request.user = SimpleLazyObject(user)
