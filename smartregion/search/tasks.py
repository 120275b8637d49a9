from django.core.cache import cache
from django.tasks import task
from django.utils import timezone

from smartregion.core.fragments import content_version

BUILT_KEY = "search:vocabulary-built"


@task
def refresh_vocabulary() -> int | None:
    """Rebuild the words for „Meinten Sie …?“ when the index changed (or a day began: time
    alone makes posts public and memberships run out). Returns the number of words, or None
    when nothing had changed."""
    from smartregion.search import vocabulary

    state = [content_version("search"), timezone.localdate().isoformat()]
    if cache.get(BUILT_KEY) == state:
        return None
    words = vocabulary.refresh()
    cache.set(BUILT_KEY, state, None)
    return words
