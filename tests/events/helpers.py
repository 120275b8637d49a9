"""Shared helpers for the events tests: form data, mail links."""

import re

from django.utils import timezone

from smartregion.core.signing import make_token


def started_token(seconds_ago: float = 60) -> str:
    return make_token("form-started", timezone.now().timestamp() - seconds_ago)


def registration_data(**overrides) -> dict:
    data = {
        "name": "Anna Beispiel",
        "email": "anna@example.org",
        "organisation": "Beispiel GmbH",
        "consent": "on",
        "homepage": "",
        "started": started_token(),
    }
    data.update(overrides)
    return data


def path_in(message, pattern: str) -> str:
    """The path of the first absolute portal link in a mail's text matching ``pattern``."""
    match = re.search(r"https://portal\.example(" + pattern + r")", message.body)
    assert match, f"no link {pattern!r} in:\n{message.body}"
    return match.group(1)


CONFIRM_LINK = r"/veranstaltungen/anmeldung/[^/\s]+/bestaetigen/"
CANCEL_LINK = r"/veranstaltungen/anmeldung/[^/\s]+/abmelden/"
