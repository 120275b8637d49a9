"""Shared by the tests of English pages."""

import pytest
from django.utils import translation


@pytest.fixture
def no_language_left_active():
    """A request to /en/ leaves English active in the test's thread (LocaleMiddleware activates,
    nothing deactivates): afterwards the next test starts, as the worker does, with none."""
    yield
    translation.deactivate()


def queries_rendering(client, url: str) -> int:
    """How many queries the page at ``url`` takes when rendered, not taken from the fragment
    cache (the lists cache their rendering per language)."""
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    caches["fragments"].clear()
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)
