"""Signed links for every capability: confirmations, cancellations, unsubscribes, revisions.

A token names its purpose (the salt) and the object's primary key, and carries its creation time,
so a token for one purpose never works for another and old tokens expire. Whether a token may be
used twice is up to the caller: it checks the object's state, and a used link changes nothing.

``make_address_token`` is the same signature (same keys, salts and key rotation) in a form that
fits into the local part of an email address, for bounce addresses (VERP): short, only digits,
lower-case letters and a dot, and readable whatever case a mail server gives it back in.
"""

import base64
from datetime import timedelta

from django.core import signing
from django.utils.crypto import constant_time_compare

# Characters of an address token's signature: 26 base32 characters carry 130 bits of the HMAC.
ADDRESS_SIGNATURE_LENGTH = 26


class BadToken(Exception):
    """The token is forged, for another purpose, or expired."""


def make_token(purpose: str, value: str | int) -> str:
    return signing.TimestampSigner(salt=f"smartregion.{purpose}").sign(str(value))


def read_token(purpose: str, token: str, *, max_age: timedelta | None) -> str:
    signer = signing.TimestampSigner(salt=f"smartregion.{purpose}")
    try:
        if max_age is None:
            return signer.unsign(token)
        return signer.unsign(token, max_age=max_age)
    except signing.BadSignature as error:  # includes SignatureExpired
        raise BadToken(str(error)) from error


def make_address_token(purpose: str, value: int) -> str:
    """``<value>.<signature>``, e.g. ``4711.mfrggzdfmztwq2lknnwg23tpob``: at most 37 characters
    for a value below 10¹⁰, to put after ``bounces+`` (a local part may have 64). It carries no
    time and does not expire: a bounce may come days after the mail."""
    signer = _address_signer(purpose)
    return f"{int(value)}.{_address_signature(signer, str(int(value)), signer.key)}"


def read_address_token(purpose: str, token: str) -> int:
    """The value of an address token, in any letter case. BadToken if forged or malformed."""
    value, _dot, signature = token.lower().partition(".")
    if not value.isdigit():
        raise BadToken("malformed")
    signer = _address_signer(purpose)
    for key in [signer.key, *signer.fallback_keys]:
        if constant_time_compare(signature, _address_signature(signer, value, key)):
            return int(value)
    raise BadToken("bad signature")


def _address_signer(purpose: str) -> signing.Signer:
    return signing.Signer(salt=f"smartregion.{purpose}")


def _address_signature(signer: signing.Signer, value: str, key) -> str:
    """The signer's HMAC, in base32 lower case instead of the case-sensitive base64."""
    digest = signing.b64_decode(signer.signature(value, key).encode())
    return base64.b32encode(digest).decode().lower()[:ADDRESS_SIGNATURE_LENGTH]
