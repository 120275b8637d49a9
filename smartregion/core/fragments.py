"""Rendered HTML fragments kept in each worker's memory (the "fragments" cache).

Keys carry a version read from the database in the same request (for example the number and the
latest change of the posts a list shows), so a cached fragment is never stale: any change gives a
new key, and old entries simply age out. No cross-process invalidation is needed.
"""

import hashlib
import time
from collections.abc import Callable

from django.core.cache import caches
from django.db import migrations
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from smartregion.core import sql


def cached(key_parts: tuple, compute: Callable[[], object]):
    """The value for ``key_parts`` from this worker's memory, computed on a miss."""
    cache = caches["fragments"]
    # Rendered text is in the active language: a fragment is kept per language.
    key_parts = (translation.get_language(), *key_parts)
    key = "frag:" + hashlib.sha256(repr(key_parts).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value)
    return value


def cached_fragment(key_parts: tuple, render: Callable[[], str]) -> SafeString:
    return mark_safe(cached(key_parts, lambda: str(render())))


def clock_minute() -> int:
    """Part of keys for content whose visibility moves with time (published_at <= now)."""
    return int(time.time() // 60)


def content_version(key: str) -> int:
    """The current version of a content area (one primary-key lookup)."""
    from smartregion.core.models import ContentVersion

    return ContentVersion.objects.filter(key=key).values_list("version", flat=True).first() or 0


# The trigger function of version_trigger() (kernel migration 0005 installs it).
BUMP_FUNCTION = sql.read("smartregion.core", "content_version")


def version_trigger(table: str, key: str) -> migrations.RunSQL:
    """A statement-level trigger that raises ``key``'s version on any write to ``table``
    (``key='*'`` raises every version: for taxonomy shown everywhere)."""
    name = f"{table}_{'all' if key == '*' else key}_version"
    return migrations.RunSQL(
        f"""
        CREATE TRIGGER {name}
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION smartregion_bump_content_version('{key}');
        """,
        f"DROP TRIGGER IF EXISTS {name} ON {table};",
    )
