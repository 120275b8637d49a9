"""The site in German at the old URLs and in English under /en/ (smartregion/core/i18n.py)."""

import re

import pytest
from django.utils import translation

from smartregion.core.fragments import cached_fragment
from smartregion.core.mail import render_mail
from smartregion.core.models import Page

pytestmark = pytest.mark.django_db


def _alternates(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def test_german_urls_stay_and_english_lives_under_en(client, settings):
    german = client.get("/ueber-uns/")
    english = client.get("/en/ueber-uns/")
    assert german.status_code == english.status_code == 200
    assert '<html lang="de">' in german.text
    assert '<html lang="en">' in english.text
    assert german["Content-Language"] == "de"
    assert english["Content-Language"] == "en"
    # The language comes from the URL alone: a browser asking for English gets German at /.
    assert '<html lang="de">' in client.get("/", HTTP_ACCEPT_LANGUAGE="en").text


def test_each_page_links_its_other_language_with_hreflang(client, settings):
    settings.SITE_URL = "https://portal.example"
    html = client.get("/blog/?thema=x").text
    assert _alternates(html) == {
        "de": "https://portal.example/blog/",
        "x-default": "https://portal.example/blog/",
        "en": "https://portal.example/en/blog/",
    }
    switcher = html[html.index('class="language-nav"') :]
    switcher = switcher[: switcher.index("</nav>")]
    # The switcher keeps the query (a filtered list or a search stays what it is).
    assert 'href="/en/blog/?thema=x" hreflang="en" lang="en">English</a>' in switcher
    assert 'href="/blog/?thema=x" hreflang="de" lang="de" aria-current="true">Deutsch' in switcher


def test_english_pages_set_no_cookie(client):
    for path in ["/en/", "/en/blog/", "/en/veranstaltungen/", "/en/ueber-uns/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert not response.cookies, path


def test_pages_outside_the_language_prefix_have_no_language_links(client):
    response = client.get("/gibt/es/nicht/")
    assert response.status_code == 404
    assert "hreflang" not in response.text


def test_staff_written_page_in_english_and_german_fallback_marked(client):
    page = Page.objects.get(slug="ueber-uns")
    page.title_en = "About us"
    page.intro_en = ""
    page.body_en = ""
    page.save()
    english = client.get("/en/ueber-uns/").text
    assert "<h1>About us</h1>" in english
    # No English body: the German one, marked as German for screen readers.
    assert '<div lang="de">' in english
    if page.intro:
        assert f'<p class="lead"><span lang="de">{page.intro}</span></p>' in english

    german = client.get("/ueber-uns/").text
    assert f"<h1>{page.title}</h1>" in german
    assert 'lang="de"><' not in german.replace('<html lang="de">', "")

    page.body_en = "We are the network."
    page.save()
    english = client.get("/en/ueber-uns/").text
    assert "<div><p>We are the network.</p>" in english.replace("\n", "")


def test_page_title_falls_back_to_german_inside_a_span(client):
    page = Page.objects.get(slug="ueber-uns")
    html = client.get("/en/ueber-uns/").text
    assert f'<h1><span lang="de">{page.title}</span></h1>' in html
    # In <title> it is plain text: no markup inside.
    assert f"<title>{page.title} · " in html


def test_fragments_are_kept_per_language():
    with translation.override("de"):
        german = cached_fragment(("same-key",), lambda: "Deutsch")
    with translation.override("en"):
        english = cached_fragment(("same-key",), lambda: "English")
    assert (german, english) == ("Deutsch", "English")


def test_mails_follow_the_visitors_language_unless_one_is_given():
    with translation.override("en"):
        visitor = render_mail("email/test_message", to="a@example.org")
        staff = render_mail("email/test_message", to="a@example.org", language="de")
    assert '<html lang="en">' in visitor.html
    assert '<html lang="de">' in staff.html
    with translation.override("de"):
        assert render_mail("email/test_message", to="a@example.org").html == staff.html
