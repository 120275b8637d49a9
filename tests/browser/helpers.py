"""Shared by the browser tests."""

import re

# Any URL on another host: pages must load nothing from third parties.
EXTERNAL = re.compile(r"^https?://(?!127\.0\.0\.1|localhost)")


def log_in(page, live_server, user) -> None:
    """The browser's session is ``user``'s (force_login's session cookie for the live server)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
