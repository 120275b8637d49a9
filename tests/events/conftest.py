"""Fixtures for the events tests."""

import pytest


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://portal.example"


@pytest.fixture
def fast_forms(monkeypatch):
    """Forms may be sent at once (spam.py's minimum fill time is tested on its own)."""
    monkeypatch.setattr("smartregion.core.spam.SpamProtectedForm.min_fill_seconds", 0)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``committed(func, *args, **kwargs)``: call it and run what waits for the commit
    (mail delivery, image tasks), as after a real request."""

    def run(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return run


@pytest.fixture
def sign_up(committed):
    """Register through the service (pending); ``confirm=True`` also confirms."""
    from events import services

    counter = iter(range(1, 10_000))

    def make(event, email=None, *, name=None, confirm=False):
        n = next(counter)
        registration = committed(
            services.registration_create,
            event=event,
            name=name or f"Gast {n}",
            email=email or f"gast{n}@example.org",
        )
        if confirm:
            committed(services.registration_confirm, registration=registration)
            registration.refresh_from_db()
        return registration

    return make
