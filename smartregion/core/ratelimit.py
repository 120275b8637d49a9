"""A small fixed-window counter in the shared cache, for public forms (allauth has its own)."""

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The visitor's address.

    With ``TRUSTED_PROXY_COUNT = 0`` (the default) that is ``REMOTE_ADDR``. Behind N trusted
    proxies, each of which appends the address it was connected from to ``X-Forwarded-For``
    (nginx: ``$proxy_add_x_forwarded_for``), it is the N-th entry from the right: entries further
    left came from the client and may be forged. A header with fewer entries than trusted proxies,
    or an entry that is no IP address, means the request did not pass through every proxy: then
    the address of the nearest peer (``REMOTE_ADDR``) counts, never a client-supplied value.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    entries = [e for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
    if len(entries) < count:
        return remote
    return _valid_ip(entries[-count]) or remote


def hit(scope: str, key: str, *, limit: int, period_seconds: int) -> bool:
    """Count one attempt; True while the caller is within ``limit`` attempts per period."""
    digest = hashlib.sha256(f"{scope}:{key}".lower().encode()).hexdigest()[:32]
    cache_key = f"rl:{scope}:{digest}"
    cache.add(cache_key, 0, timeout=period_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period_seconds)
        count = 1
    return count <= limit
