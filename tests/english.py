"""Shared by the tests of English pages."""

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_rendering(client, url: str) -> int:
    """How many queries the page at ``url`` takes when rendered, not taken from the fragment
    cache (the lists cache their rendering per language)."""
    caches["fragments"].clear()
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)
