"""A small fixed-window counter in the shared cache, for public forms (allauth has its own)."""

import hashlib

from django.core.cache import cache


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


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
