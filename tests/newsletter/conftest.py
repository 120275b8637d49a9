"""Fixtures for the newsletter tests."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from smartregion.core.signing import make_token

SITE_URL = "https://portal.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def fast_forms(monkeypatch):
    """Forms may be sent at once (spam.py's minimum fill time is tested on its own)."""
    monkeypatch.setattr("newsletter.forms.SubscribeForm.min_fill_seconds", 0)


@pytest.fixture
def signup(client, fast_forms, django_capture_on_commit_callbacks):
    """POST the signup form like a visitor; on-commit tasks (the mails) run."""
    from newsletter.models import ConsentText

    def post(email="anna@example.org", *, client=client, **extra):
        data = {
            "email": email,
            "name": "",
            "consent": "on",
            "consent_version": str(ConsentText.objects.current().version),
            "source": "",
            "homepage": "",
            "started": make_token("form-started", timezone.now().timestamp() - 30),
            **extra,
        }
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/newsletter/", data)

    return post


def link_in(message, pattern: str) -> str:
    """The site path of the first absolute link in a mail's text matching ``pattern``."""
    match = re.search(re.escape(SITE_URL) + r"(" + pattern + r")", message.body)
    assert match, f"no link {pattern!r} in:\n{message.body}"
    return match.group(1)


def confirm_link(message) -> str:
    return link_in(message, r"/newsletter/bestaetigen/[^/\s]+/")


def outbox_to(email: str) -> list:
    return [m for m in mail.outbox if m.to == [email]]
