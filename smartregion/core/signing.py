"""Signed links for every capability: confirmations, cancellations, unsubscribes, revisions.

A token names its purpose (the salt) and the object's primary key, and carries its creation time,
so a token for one purpose never works for another and old tokens expire. Whether a token may be
used twice is up to the caller: it checks the object's state, and a used link changes nothing.
"""

from datetime import timedelta

from django.core import signing


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
