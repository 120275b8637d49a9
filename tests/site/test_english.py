"""The site's frame in English: home page, navigation and footer, error pages, the sitemap."""

import re

import pytest
from django.test import RequestFactory

from smartregion.core.models import Topic
from smartregion.site.views import server_error
from tests.sitemaps import whole_sitemap

pytestmark = pytest.mark.django_db


def test_home_page_in_english_and_german_unchanged(client):
    english = client.get("/en/").content.decode()
    assert '<html lang="en">' in english
    assert "Digital ideas from the Emscher-Lippe region" in english
    assert "Upcoming events" in english and "New members" in english
    assert "The network's topics" in english
    # Main navigation, footer and skip link in English, the links under /en/.
    assert '<a href="/en/blog/">Blog</a>' in english
    assert '<a href="/en/veranstaltungen/">Events</a>' in english
    assert 'aria-current="page">Home</a>' in english
    assert "Skip to content" in english
    assert '<a href="/en/impressum/">Impressum</a>' in english
    assert '<a href="/en/datenschutz/">Privacy</a>' in english
    # The hero's buttons leave out the home page itself in English as in German.
    hero = english[english.index('class="hero__actions"') :]
    hero = hero[: hero.index("</ul>")]
    assert 'href="/en/"' not in hero and 'href="/en/mitglieder/">Members</a>' in hero

    german = client.get("/").content.decode()
    assert "Digitale Ideen aus der Emscher-Lippe-Region" in german
    assert 'aria-current="page">Start</a>' in german
    assert "Zum Inhalt springen" in german
    hero = german[german.index('class="hero__actions"') :]
    assert 'href="/"' not in hero[: hero.index("</ul>")]


def test_home_topics_show_the_english_name_or_the_german_one_marked(client):
    named, unnamed = Topic.objects.order_by("position", "name")[:2]
    named.name_en = "Smart living"
    named.save()
    english = client.get("/en/").content.decode()
    assert '<li class="tag">Smart living</li>' in english
    assert f'<li class="tag"><span lang="de">{unnamed.name}</span></li>' in english
    german = client.get("/").content.decode()
    assert f'<li class="tag">{named.name}</li>' in german


def test_404_in_english_under_en_and_german_elsewhere(client):
    english = client.get("/en/gibt-es-nicht/")
    assert english.status_code == 404
    assert '<html lang="en">' in english.text and "Page not found" in english.text
    german = client.get("/gibt-es-nicht/")
    assert "Seite nicht gefunden" in german.text


def test_500_page_follows_the_language_of_the_url():
    english = server_error(RequestFactory().get("/en/blog/"))
    html = english.content.decode()
    assert english.status_code == 500 and english["Content-Language"] == "en"
    assert '<html lang="en">' in html and "<h1>Technical error</h1>" in html
    assert '<a href="/en/">To the home page</a>' in html
    german = server_error(RequestFactory().get("/blog/")).content.decode()
    assert '<html lang="de">' in german and "<h1>Technischer Fehler</h1>" in german
    assert '<a href="/">Zur Startseite</a>' in german


def _urls(body: str) -> list[tuple[str, dict[str, str]]]:
    """Each <url>: its <loc> and its alternates {hreflang: href}."""
    entries = []
    for block in re.findall(r"<url>(.*?)</url>", body, re.S):
        loc = re.search(r"<loc>(.*?)</loc>", block).group(1)
        links = dict(
            re.findall(r'<xhtml:link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', block)
        )
        entries.append((loc, links))
    return entries


def test_sitemap_lists_every_page_in_both_languages_with_alternates(client, settings):
    from tests.members.helpers import member

    organisation = member()
    body = whole_sitemap(client)
    entries = dict(_urls(body))
    expected = {
        "de": "http://testserver/impressum/",
        "en": "http://testserver/en/impressum/",
        "x-default": "http://testserver/impressum/",
    }
    assert entries["http://testserver/impressum/"] == expected
    assert entries["http://testserver/en/impressum/"] == expected
    profile = f"http://testserver/mitglieder/{organisation.slug}/"
    assert entries[profile]["en"] == f"http://testserver/en/mitglieder/{organisation.slug}/"
    assert entries["http://testserver/en/"]["de"] == "http://testserver/"
    # Every URL has its counterpart: as many English as German ones.
    english = [loc for loc in entries if loc.startswith("http://testserver/en/")]
    assert len(english) * 2 == len(entries)


def test_403_in_english_under_en(client):
    from tests.members.helpers import member, verified_user

    organisation = member()
    client.force_login(verified_user("fremd@example.org"))
    english = client.get(f"/en/mein-bereich/organisation/{organisation.slug}/profil/")
    assert english.status_code == 403
    assert '<html lang="en">' in english.text and "<h1>No access</h1>" in english.text
    german = client.get(f"/mein-bereich/organisation/{organisation.slug}/profil/")
    assert "<h1>Kein Zugriff</h1>" in german.text
