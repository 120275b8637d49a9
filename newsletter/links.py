"""The personal links of the newsletter: signed tokens, never stored.

* Confirmation ``/newsletter/bestaetigen/<token>/``: valid 48 hours. It carries the subscriber and
  when it was issued, so a link mailed before an unsubscribe cannot confirm a later signup.
* Unsubscribe and preferences ``/newsletter/abmelden/<token>/``, ``/newsletter/einstellungen/
  <token>/``: one token per subscriber that does not expire (RFC 8058 links must keep working
  in old mails). Whoever has the mail can unsubscribe; nothing else can be done with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from smartregion.core.signing import BadToken, make_token, read_token

CONFIRM_MAX_AGE = timedelta(hours=48)


@dataclass(frozen=True)
class ConfirmToken:
    subscriber_id: int
    issued_at: datetime
    expired: bool


def confirm_path(subscriber) -> str:
    issued = int(timezone.now().timestamp() * 1_000_000)
    token = make_token("newsletter-confirm", f"{subscriber.pk}-{issued}")
    return reverse("newsletter:confirm", kwargs={"token": token})


def read_confirm_token(token: str) -> ConfirmToken:
    """The token's content; ``expired`` when it is older than 48 hours. BadToken if forged."""
    expired = False
    try:
        value = read_token("newsletter-confirm", token, max_age=CONFIRM_MAX_AGE)
    except BadToken as error:
        if not isinstance(error.__cause__, signing.SignatureExpired):
            raise
        value = read_token("newsletter-confirm", token, max_age=None)
        expired = True
    try:
        pk, issued = (int(part) for part in value.split("-"))
    except ValueError as error:
        raise BadToken("malformed") from error
    issued_at = datetime.fromtimestamp(issued / 1_000_000, tz=timezone.get_fixed_timezone(0))
    return ConfirmToken(subscriber_id=pk, issued_at=issued_at, expired=expired)


def manage_token(subscriber) -> str:
    return make_token("newsletter-manage", subscriber.pk)


def read_manage_token(token: str) -> int:
    value = read_token("newsletter-manage", token, max_age=None)
    if not value.isdigit():
        raise BadToken("malformed")
    return int(value)


def personal_links(subscriber) -> dict[str, str]:
    """Absolute unsubscribe and preferences URLs of one subscriber."""
    token = manage_token(subscriber)
    return {
        "unsubscribe_url": settings.SITE_URL
        + reverse("newsletter:unsubscribe", kwargs={"token": token}),
        "preferences_url": settings.SITE_URL
        + reverse("newsletter:preferences", kwargs={"token": token}),
    }
