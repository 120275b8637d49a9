"""Sessions in PostgreSQL with a copy in the shared cache (``SESSION_ENGINE`` with ``REDIS_URL``).

Django's ``cached_db`` store, with the cache copy kept for at most ``CACHE_SECONDS`` instead of
the session's whole lifetime. PostgreSQL holds every session; the cache only saves the read. While
Redis is down the store works from the database alone (``smartregion.core.cache`` answers a
miss and ignores writes), but a write it could not make there (a logout, a change) leaves the
old copy in Redis. Once Redis is back, that copy would be read instead of the database row: the
short lifetime bounds such a stale copy to a few minutes.
"""

from django.contrib.sessions.backends import cached_db

CACHE_SECONDS = 10 * 60


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _ShortLived(self._cache)


class _ShortLived:
    """The session cache with every timeout capped at ``CACHE_SECONDS``."""

    def __init__(self, cache):
        self._wrapped = cache

    def set(self, key, value, timeout=None, version=None):
        timeout = CACHE_SECONDS if timeout is None else min(timeout, CACHE_SECONDS)
        return self._wrapped.set(key, value, timeout, version=version)

    async def aset(self, key, value, timeout=None, version=None):
        timeout = CACHE_SECONDS if timeout is None else min(timeout, CACHE_SECONDS)
        return await self._wrapped.aset(key, value, timeout, version=version)

    def __contains__(self, key):
        return key in self._wrapped

    def __getattr__(self, name):
        return getattr(self._wrapped, name)
