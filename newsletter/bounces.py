"""Reading bounces: which delivery a returned mail is about, and whether it failed for good.

A bounce is a delivery status notification (DSN, RFC 3464): a ``multipart/report`` with a
``message/delivery-status`` part that has a block of fields per recipient (``Action``,
``Status``, ``Diagnostic-Code``). It is sent to the envelope sender of the mail, which for a
campaign mail is the delivery's own bounce address (VERP, ``links.bounce_address``), and the
mail server that puts it into the bounce mailbox keeps that address in ``Delivered-To`` or
``X-Original-To`` (and the DSN's ``To`` is usually the same). So the delivery is known without
trusting anything the remote server wrote about the original message.

Status 5.x.x is a permanent failure; 4.x.x (``Action: delayed``) only says that the remote
server is still trying, and is ignored. Mails that are no DSN to one of our bounce addresses
(auto-replies, spam, a DSN without a valid token) are not bounces.
"""

from __future__ import annotations

import email.message
from dataclasses import dataclass
from email.utils import getaddresses

from newsletter import links

# Where the bounce's envelope recipient is found, most reliable first: written by the mail
# server that delivered the bounce into the mailbox, then the header of the DSN itself.
RECIPIENT_HEADERS = ("X-Original-To", "Delivered-To", "Envelope-To", "X-Envelope-To", "To")


@dataclass(frozen=True)
class Bounce:
    delivery_id: int
    permanent: bool
    status: str  # the DSN's status code, e.g. "5.1.1"
    reason: str  # the status and the remote server's diagnostic, for the admin


def read_bounce(message: email.message.Message) -> Bounce | None:
    """The bounce a mail reports, or None if it is no DSN to one of our bounce addresses."""
    delivery_id = _delivery_id(message)
    if delivery_id is None:
        return None
    recipients = _recipient_fields(message)
    if not recipients:
        return None
    # A campaign mail has one recipient; should a report list several, a permanent failure wins.
    fields = max(recipients, key=lambda f: _status(f).startswith("5"))
    status = _status(fields)
    diagnostic = " ".join(str(fields.get("Diagnostic-Code", "")).split())
    permanent = status.startswith("5") and str(fields.get("Action", "")).lower() == "failed"
    reason = f"Bounce {status}: {diagnostic}" if diagnostic else f"Bounce {status}"
    return Bounce(delivery_id=delivery_id, permanent=permanent, status=status, reason=reason)


def _delivery_id(message: email.message.Message) -> int | None:
    for header in RECIPIENT_HEADERS:
        values = [str(value) for value in message.get_all(header, [])]
        for _name, address in getaddresses(values):
            delivery_id = links.delivery_from_bounce_address(address)
            if delivery_id is not None:
                return delivery_id
    return None


def _recipient_fields(message: email.message.Message) -> list[email.message.Message]:
    """The per-recipient field blocks of the DSN's ``message/delivery-status`` part: those with
    a ``Status`` (the first block, about the message as a whole, has none)."""
    if message.get_content_type() != "multipart/report":
        return []
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status":
            blocks = part.get_payload()
            if isinstance(blocks, list):
                return [block for block in blocks if block.get("Status")]
    return []


def _status(fields: email.message.Message) -> str:
    """The status code without a comment: "5.1.1 (bad destination mailbox)" gives "5.1.1"."""
    value = str(fields.get("Status", "")).strip()
    return value.split()[0] if value else ""
