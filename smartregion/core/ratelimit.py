"""Fixed-window counters in the shared cache for public forms (allauth has its own), and the
visitor's address behind the trusted proxies.

``hit()`` counts in the default cache: Redis in production (``REDIS_URL``), shared by all
workers and machines; a per-process memory cache in development. Each counter belongs to one
window of ``period_seconds`` aligned to the clock (the window number is part of the key), so a
hit never extends a window and a counter for a past window is never read again. While Redis
cannot be reached, nothing is counted and every attempt is allowed (``smartregion.core.cache``):
the forms keep working through an outage, which the cache logs and /healthz reports.
"""

import hashlib
import ipaddress
import logging
import time
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from smartregion.core.cache import CacheUnavailable

logger = logging.getLogger(__name__)

# A counter outlives its window by this much, so it still exists while a request that
# computed the window just before its end increments it.
EXPIRY_MARGIN_SECONDS = 60
_ADD_ATTEMPTS = 3


def client_ip(request: HttpRequest) -> str:
    """The visitor's address: ``REMOTE_ADDR``, or the one the outermost trusted proxy saw.

    With ``TRUSTED_PROXY_COUNT`` = n > 0, each of the n proxies appends the address it received
    the request from to ``X-Forwarded-For`` (nginx: ``$proxy_add_x_forwarded_for``), so the n-th
    entry from the right was written by the outermost trusted proxy; whatever a visitor sends
    stands further left and is never read. When the header is missing, has fewer entries than n,
    or that entry is not an IP address, the request did not come through the proxies as
    configured: the answer is then ``REMOTE_ADDR`` (the nearest proxy, if any, so such requests
    share one limit rather than escaping it). Never raises.
    """
    remote = request.META.get("REMOTE_ADDR", "").strip() or "unknown"
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry.strip() for entry in header.split(",")] if header else []
    if len(entries) < count:
        if header:
            logger.warning(
                "X-Forwarded-For has %d entries, fewer than TRUSTED_PROXY_COUNT=%d; using REMOTE_ADDR",
                len(entries),
                count,
            )
        return remote
    try:
        return str(ipaddress.ip_address(entries[-count]))
    except ValueError:
        logger.warning(
            "X-Forwarded-For entry %d from the right is not an IP address; using REMOTE_ADDR", count
        )
        return remote


def hit(scope: str, key: str, *, limit: int, period_seconds: int, cost: int = 1) -> bool:
    """Count one attempt; True while the caller is within ``limit`` attempts in this window.

    ``cost`` counts the attempt as that many (bytes, say, when ``limit`` is a number of bytes).

    The window is the current multiple of ``period_seconds`` since the epoch, and at most
    RATE_LIMIT_MAX_WINDOW_SECONDS long (the privacy statement names that bound). The counter is
    created with ``add`` (atomic, with its expiry) and raised with ``incr`` (Redis INCR, atomic
    and keeping the expiry).
    """
    if period_seconds > settings.RATE_LIMIT_MAX_WINDOW_SECONDS:
        # The privacy statement promises no counter lives longer (it shows the setting).
        raise ValueError(
            f"rate limit {scope!r}: a window of {period_seconds} s is longer than "
            f"RATE_LIMIT_MAX_WINDOW_SECONDS ({settings.RATE_LIMIT_MAX_WINDOW_SECONDS} s)"
        )
    digest = hashlib.sha256(f"{scope}:{key}".lower().encode()).hexdigest()[:32]
    now = time.time()
    window = int(now // period_seconds)
    cache_key = f"rl:{scope}:{digest}:{window}"
    expires_in = (window + 1) * period_seconds - now + EXPIRY_MARGIN_SECONDS
    count = 1
    for _ in range(_ADD_ATTEMPTS):
        cache.add(cache_key, 0, timeout=expires_in)
        try:
            count = cache.incr(cache_key, cost)
        except ValueError:  # gone between add and incr (evicted, or the cache was cleared)
            continue
        except CacheUnavailable:
            # Redis is down (logged by the cache): the form keeps working, uncounted, rather
            # than every form failing until Redis is back.
            return True
        break
    if count == cost:
        # Django's RedisCache.incr is EXISTS then INCR: had the key expired in between, INCR
        # made one without expiry. The first hit of a window sets it again, so every counter
        # expires (and one for a past window would never be read anyway).
        cache.touch(cache_key, timeout=expires_in)
    return count <= limit


class Limit(NamedTuple):
    """``attempts`` per window of ``seconds``."""

    attempts: int
    seconds: int


def allow(
    request: HttpRequest,
    scope: str,
    *,
    per_ip: Limit,
    email: str | None = None,
    per_email: Limit | None = None,
) -> bool:
    """Count one attempt of the visitor (``client_ip``) and, if given, one for ``email``.

    Both counters are raised whether or not the first is exhausted; True only while both are
    within their limits. The scopes are ``<scope>-ip`` and ``<scope>-email``.
    """
    ok = hit(
        f"{scope}-ip", client_ip(request), limit=per_ip.attempts, period_seconds=per_ip.seconds
    )
    if email is not None and per_email is not None:
        ok = (
            hit(
                f"{scope}-email",
                email.strip(),
                limit=per_email.attempts,
                period_seconds=per_email.seconds,
            )
            and ok
        )
    return ok
