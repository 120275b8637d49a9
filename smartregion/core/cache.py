"""The shared cache (Redis, ``REDIS_URL``) degrades while Redis is down instead of failing requests.

Everything the portal keeps in Redis can be done without it for a while: sessions are read from
and written to PostgreSQL as well (``smartregion.core.sessions``), cached values are computed
again, and rate limits are not counted. So ``ResilientRedisCache`` answers a connection error or
timeout as a miss: reads give the default, writes and deletes do nothing and return False,
``add`` returns True (so that a lock taken with it is had, not waited for), and ``incr``/``decr``
raise ``CacheUnavailable`` for the callers that count (``ratelimit.hit()`` lets the attempt
through). Logins (allauth's limits) and the portal's forms therefore work uncounted during an
outage: availability over limits, for the minutes until Redis is back. Each process logs the outage at ERROR at most once a minute, and
``/healthz`` reports the cache as failed while answering 200 ("degraded"), so that a load
balancer keeps the app servers and monitoring still sees it.

Any other error (a bug, a bad key, a full Redis refusing writes) still raises.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
LOG_INTERVAL_SECONDS = 60


class CacheUnavailable(Exception):
    """The cache could not be reached, so nothing was counted."""


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, answering a miss while Redis cannot be reached (module docstring)."""

    degrades = True  # for /healthz: an outage of this cache is reported, not failed

    def __init__(self, server, params):
        super().__init__(server, params)
        self._last_logged = 0.0
        self._log_lock = threading.Lock()

    def _unavailable(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        with self._log_lock:
            if now - self._last_logged < LOG_INTERVAL_SECONDS:
                return
            self._last_logged = now
        logger.error(
            "Redis cache unavailable (%s: %r): served without it; sessions from the database, "
            "rate limits not counted. Logged at most once a minute per process.",
            operation,
            error,
        )

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNAVAILABLE as error:
            self._unavailable("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE as error:
            self._unavailable("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNAVAILABLE as error:
            self._unavailable("has_key", error)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNAVAILABLE as error:
            self._unavailable("add", error)
            # True, as if stored: a lock taken with add() (allauth's rate limits take one per
            # check) would otherwise be waited for and refused, locking everybody out.
            return True

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except UNAVAILABLE as error:
            self._unavailable("set", error)
            return False

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNAVAILABLE as error:
            self._unavailable("set_many", error)
            return list(data)  # the keys that were not stored

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNAVAILABLE as error:
            self._unavailable("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNAVAILABLE as error:
            self._unavailable("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except UNAVAILABLE as error:
            self._unavailable("delete_many", error)
            return None

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE as error:
            self._unavailable("incr", error)
            raise CacheUnavailable(str(error)) from error

    def clear(self):
        try:
            return super().clear()
        except UNAVAILABLE as error:
            self._unavailable("clear", error)
            return False
