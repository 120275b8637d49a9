"""Rendered HTML fragments kept in each worker's memory (the "fragments" cache).

Keys carry a version read from the database in the same request (for example the number and the
latest change of the posts a list shows), so a cached fragment is never stale: any change gives a
new key, and old entries simply age out. No cross-process invalidation is needed.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import caches
from django.utils.safestring import SafeString, mark_safe


def cached_fragment(key_parts: tuple, render: Callable[[], str]) -> SafeString:
    cache = caches["fragments"]
    key = "frag:" + hashlib.sha256(repr(key_parts).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = str(render())
        cache.set(key, html)
    return mark_safe(html)
