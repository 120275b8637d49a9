"""Shared by the tests of English pages."""

import pytest
from django.utils import translation


@pytest.fixture
def no_language_left_active():
    """A request to /en/ leaves English active in the test's thread (LocaleMiddleware activates,
    nothing deactivates): afterwards the next test starts, as the worker does, with none."""
    yield
    translation.deactivate()
