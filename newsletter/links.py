"""The personal links of the newsletter: signed tokens, never stored.

* Confirmation ``/newsletter/bestaetigen/<token>/``: valid 48 hours. It carries the subscriber and
  when it was issued, so a link mailed before an unsubscribe cannot confirm a later signup.
* Unsubscribe, preferences and „Meine Daten“ ``/newsletter/abmelden/<token>/``,
  ``/newsletter/einstellungen/<token>/``, ``/newsletter/meine-daten/<token>/``: one token per
  subscriber that does not expire (RFC 8058 links must keep working in old mails). Whoever has
  the mail can unsubscribe, see what is stored about the address and have it deleted; nothing
  else can be done with it.
* Bounce address (VERP) ``bounces+<token>@example.org``: the envelope sender of each campaign
  mail, with the delivery's id signed (``BOUNCE_ADDRESS``). A bounce comes back to it, and the
  address says which delivery bounced; a made-up address is not believed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation

from smartregion.core.signing import (
    BadToken,
    make_address_token,
    make_token,
    read_address_token,
    read_token,
)

CONFIRM_MAX_AGE = timedelta(hours=48)


@dataclass(frozen=True)
class ConfirmToken:
    subscriber_id: int
    issued_at: datetime
    expired: bool


def confirm_path(subscriber) -> str:
    """The confirmation page in the subscriber's language (/en/newsletter/… for English)."""
    issued = int(timezone.now().timestamp() * 1_000_000)
    token = make_token("newsletter-confirm", f"{subscriber.pk}-{issued}")
    with translation.override(subscriber.language):
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


def personal_links(subscriber, *, language: str | None = None) -> dict[str, str]:
    """Absolute unsubscribe, preferences and „Meine Daten“ URLs of one subscriber, to the pages
    in ``language`` or else in theirs (also in the German campaigns: an English reader lands on
    English pages)."""
    return _links(manage_token(subscriber), language or subscriber.language)


PERSONAL_PAGES = {
    "unsubscribe_url": "newsletter:unsubscribe",
    "preferences_url": "newsletter:preferences",
    "data_url": "newsletter:data",
}
TOKEN_STAND_IN = "0token0"  # no token looks like this (they are "<pk>:<time>:<signature>")


def _links(token: str, language: str) -> dict[str, str]:
    with translation.override(language):
        return {
            name: settings.SITE_URL + reverse(page, kwargs={"token": token})
            for name, page in PERSONAL_PAGES.items()
        }


class PersonalLinks:
    """``personal_links`` for many subscribers (a campaign's batch): the pages' URLs are
    reversed once per language, and only each subscriber's token is put in."""

    def __init__(self):
        self._urls: dict[str, dict[str, str] | None] = {}

    def __call__(self, subscriber) -> dict[str, str]:
        language = subscriber.language
        if language not in self._urls:
            urls = _links(TOKEN_STAND_IN, language)
            # The token as it is, once per URL (else reverse per subscriber, as personal_links).
            usable = all(url.count(TOKEN_STAND_IN) == 1 for url in urls.values())
            self._urls[language] = urls if usable else None
        urls, token = self._urls[language], manage_token(subscriber)
        if urls is None:
            return _links(token, language)
        return {name: url.replace(TOKEN_STAND_IN, token) for name, url in urls.items()}


BOUNCE_PURPOSE = "newsletter-bounce"
BOUNCE_DELIMITER = "+"


def bounce_address(delivery_id: int) -> str:
    """The envelope sender of a delivery's mail, ``BOUNCE_ADDRESS`` with the delivery's token
    after a "+"; "" when no BOUNCE_ADDRESS is set (the mail goes out from DEFAULT_FROM_EMAIL)."""
    if not settings.BOUNCE_ADDRESS:
        return ""
    local, _at, domain = settings.BOUNCE_ADDRESS.rpartition("@")
    token = make_address_token(BOUNCE_PURPOSE, delivery_id)
    return f"{local}{BOUNCE_DELIMITER}{token}@{domain}"


def delivery_from_bounce_address(address: str) -> int | None:
    """The delivery id in a bounce address made by ``bounce_address``; None for any other
    address and for a forged token."""
    if not settings.BOUNCE_ADDRESS:
        return None
    local, _at, domain = settings.BOUNCE_ADDRESS.lower().rpartition("@")
    their_local, _at, their_domain = address.strip().strip("<>").lower().rpartition("@")
    prefix = f"{local}{BOUNCE_DELIMITER}"
    if their_domain != domain or not their_local.startswith(prefix):
        return None
    try:
        return read_address_token(BOUNCE_PURPOSE, their_local.removeprefix(prefix))
    except BadToken:
        return None
