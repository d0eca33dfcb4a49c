"""Redis as the shared cache (DJANGO_CACHE_URL), without making the site depend on it.

The cache only saves work: when Redis is down or does not answer, pages are rendered uncached
(see docs/operations.md, "Page cache"). Every cache operation gives up after a short time, and
after a failure Redis is left alone for PAUSE_SECONDS, so that a dead Redis costs requests
nothing; one warning is logged when it stops answering and one line when it answers again, not
one per request. When it answers again, every page stored before is made stale: an edit saved
meanwhile could not do it.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError, TimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# Time allowed to connect to Redis and for each answer: a cache read that takes longer than a
# page's rendering is worth nothing.
SOCKET_TIMEOUT_SECONDS = 0.5
# After a failure, how long the cache is not asked at all.
PAUSE_SECONDS = 5.0

# Per process and server: until when Redis is left alone; present while it is known to be down.
_down_until: dict[str, float] = {}


def _tolerant(fallback: Callable[..., Any]) -> Callable:
    """Run the cache operation, or answer `fallback(*arguments)` when Redis cannot."""

    def decorate(method: Callable) -> Callable:
        @functools.wraps(method)
        def operation(self: TolerantRedisCache, *args: Any, **kwargs: Any) -> Any:
            down_until = _down_until.get(self._location)
            if down_until is not None and (time.monotonic() < down_until or not self.available()):
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except (ConnectionError, TimeoutError) as error:
                self._failed(error)
                return fallback(*args, **kwargs)

        return operation

    return decorate


class TolerantRedisCache(RedisCache):
    """Django's RedisCache, with Redis's failures answered as misses.

    A read finds nothing; a write is lost; `add` says it stored the value, so that what relies on
    it keeps working (allauth's lock around its rate limits, its record of used second-factor
    codes: while Redis is down, neither holds, as with any cache miss).
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = {
            "socket_connect_timeout": SOCKET_TIMEOUT_SECONDS,
            "socket_timeout": SOCKET_TIMEOUT_SECONDS,
            # redis-py retries a failed command three times, with pauses, by default.
            "retry": Retry(NoBackoff(), 0),
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = server

    def _failed(self, error: Exception) -> None:
        if self._location not in _down_until:
            # Not the URL: it may hold a password.
            logger.warning(
                "The Redis cache does not answer (%s): pages are served uncached until it does.",
                error,
            )
        _down_until[self._location] = time.monotonic() + PAUSE_SECONDS

    def available(self) -> bool:
        """Whether Redis answers now, whatever the pause says (also for /healthz)."""
        try:
            self._cache.get_client().ping()
        except (ConnectionError, TimeoutError) as error:
            self._failed(error)
            return False
        if _down_until.pop(self._location, None) is not None:
            logger.info("The Redis cache answers again.")
            # Edits saved meanwhile could not make the pages and users stored before stale:
            # now they are.
            from accounts.usercache import forget_all_users

            from .pagecache import bump_data_version

            bump_data_version()
            forget_all_users()
        return True

    @_tolerant(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_tolerant(lambda keys, version=None: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_tolerant(lambda key, version=None: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_tolerant(lambda *args, **kwargs: True)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_tolerant(lambda *args, **kwargs: None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_tolerant(lambda data, *args, **kwargs: list(data))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_tolerant(lambda *args, **kwargs: False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_tolerant(lambda key, version=None: False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_tolerant(lambda keys, version=None: None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)


def cache_available() -> bool:
    """For /healthz: whether the shared cache answers. The database cache is the database,
    which /healthz checks anyway."""
    from django.core.cache import cache

    available = getattr(cache, "available", None)
    return available() if available else True
