"""The launch pages as deployed (nginx with TLS -> gunicorn, DEBUG off): the English version,
the legal pages and the accessibility feedback, by visitors with their own loopback addresses."""

import re
import time

import pytest

pytestmark = pytest.mark.deployed

FEEDBACK = "/barrierefreiheit/rueckmeldung/"
FEEDBACK_LIMIT_PER_IP = (
    5  # smartregion.site.legal.FEEDBACK_LIMIT_PER_IP (the stack's, not imported)
)
FEEDBACK_LIMITED = "sehr viele Rückmeldungen"
# A person takes longer than this to fill in a form (smartregion.core.spam.MIN_FILL_SECONDS).
FILL_SECONDS = 3.1


def send_feedback(visitor, fields: dict, message: str):
    data = {**fields, "message": message, "page_url": "", "name": "", "email": "", "homepage": ""}
    return visitor.post(FEEDBACK, data)


def test_english_pages_are_english_and_set_no_cookie_behind_the_proxy(stack, visitor):
    reader = visitor("127.0.0.51")
    for path in ["/en/", "/en/blog/", "/en/veranstaltungen/", "/en/datenschutz/"]:
        response = reader.get(path)
        assert response.status_code == 200, path
        assert '<html lang="en">' in response.text, path
        assert response.headers["content-language"] == "en", path
        assert "set-cookie" not in response.headers, path
    home = reader.get("/en/").text
    # hreflang alternates are absolute, on the site's public address.
    alternates = dict(re.findall(r'hreflang="([^"]+)" href="([^"]+)"', home))
    assert alternates["en"] == f"{stack.config.site_url}/en/"
    assert alternates["de"] == alternates["x-default"] == f"{stack.config.site_url}/"
    # German stays German at its old address, whatever the browser prefers.
    german = reader.get("/", headers={"Accept-Language": "en"})
    assert '<html lang="de">' in german.text


def test_english_404_page_is_the_sites_own(stack, visitor):
    response = visitor("127.0.0.52").get("/en/gibt-es-nicht/auch-nicht/")
    assert response.status_code == 404
    assert '<html lang="en">' in response.text
    assert "URLconf" not in response.text


def test_legal_and_easy_read_pages_answer_as_deployed(stack, visitor):
    reader = visitor("127.0.0.53")
    for path in ["/impressum/", "/datenschutz/", "/barrierefreiheit/", "/leichte-sprache/"]:
        response = reader.get(path)
        assert response.status_code == 200, path
        assert "set-cookie" not in response.headers, path
    assert "Erklärung zur Barrierefreiheit" in reader.get("/barrierefreiheit/").text


def test_feedback_limit_counts_per_visitor(stack, visitor, fresh_limits):
    first = visitor("127.0.0.54")
    fields = first.form(FEEDBACK)
    time.sleep(FILL_SECONDS)
    for index in range(FEEDBACK_LIMIT_PER_IP):
        response = send_feedback(first, fields, f"Der Kontrast im Kopf ist zu schwach ({index}).")
        assert response.status_code == 302, response.text[:500]
        assert response.headers["location"].endswith("/barrierefreiheit/rueckmeldung/danke/")

    limited = send_feedback(first, fields, "Noch eine Barriere, die ich melden möchte.")
    assert limited.status_code == 200
    assert FEEDBACK_LIMITED in limited.text
    assert "Noch eine Barriere, die ich melden möchte." in limited.text  # the input is kept

    # Someone else in the region is not affected.
    other = visitor("127.0.0.55")
    other_fields = other.form(FEEDBACK)
    time.sleep(FILL_SECONDS)
    response = send_feedback(other, other_fields, "Das PDF des Siegels ist nicht zugänglich.")
    assert response.status_code == 302, response.text[:500]
