"""Signed tokens, here the form for an email address's local part (bounce addresses)."""

import re

import pytest

from smartregion.core.signing import BadToken, make_address_token, read_address_token


def test_an_address_token_fits_a_local_part_and_reads_back_in_any_case():
    token = make_address_token("newsletter-bounce", 4_294_967_295)
    assert re.fullmatch(r"[0-9]+\.[a-z2-7]{26}", token), token
    assert len("bounces+" + token) <= 64  # RFC 5321's limit for a local part
    assert read_address_token("newsletter-bounce", token) == 4_294_967_295
    # Some mail servers write the recipient in lower or upper case (Delivered-To).
    assert read_address_token("newsletter-bounce", token.upper()) == 4_294_967_295


@pytest.mark.parametrize(
    "forged",
    [
        lambda token: "4712." + token.partition(".")[2],  # another id, same signature
        lambda token: token[:-1] + ("a" if token[-1] != "a" else "b"),  # signature changed
        lambda token: token.partition(".")[0],  # no signature
        lambda token: "x" + token,
        lambda token: make_address_token("newsletter-other", 4711),  # another purpose
    ],
)
def test_a_forged_address_token_is_refused(forged):
    token = make_address_token("newsletter-bounce", 4711)
    with pytest.raises(BadToken):
        read_address_token("newsletter-bounce", forged(token))


def test_an_address_token_signed_with_a_previous_key_still_reads(settings):
    token = make_address_token("newsletter-bounce", 4711)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    assert make_address_token("newsletter-bounce", 4711) != token
    assert read_address_token("newsletter-bounce", token) == 4711
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(BadToken):
        read_address_token("newsletter-bounce", token)
