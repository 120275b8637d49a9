"""Searching from the English pages finds the same content: one index holds the German texts and
the English titles and teasers the Redaktion wrote; hits link to the English pages and show the
English title where there is one, German text marked lang="de"."""

import re

import pytest

from blog.models import Post
from events.models import Event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def hits(html: str) -> list[tuple[str, str]]:
    """(link, title as shown, with its markup) of each hit."""
    return re.findall(r'<h3 class="hit__title"><a href="([^"]+)">(.*?)</a></h3>', html, re.S)


def test_english_search_finds_german_posts_by_german_words_and_english_ones_by_english(
    client, post
):
    german = post("Sensorik im Stall", teaser="Kühe mit Sensoren.")
    english = post(
        "Die Bäckerei-App",
        teaser="Vorbestellen per App.",
        title_en="The bakery app for pre-orders",
        teaser_en="Customers order bread ahead.",
    )

    html = client.get("/en/suche/", {"q": "Sensorik"}).text
    assert '<html lang="en">' in html and "1 result" in html
    assert hits(html) == [
        (f"/en/blog/{german.slug}/", '<span lang="de"><mark>Sensorik</mark> im Stall</span>')
    ]
    assert '<p class="hit__excerpt"><span lang="de">' in html

    html = client.get("/en/suche/", {"q": "bakery"}).text
    assert hits(html) == [
        (f"/en/blog/{english.slug}/", "The <mark>bakery</mark> app for pre-orders")
    ]
    assert "<mark>bread</mark>" not in html  # not searched for
    assert "Customers order" in html  # the English teaser opens the excerpt

    # The German words find the English-titled post too, shown with its English title.
    assert hits(client.get("/en/suche/", {"q": "Bäckerei"}).text) == [
        (f"/en/blog/{english.slug}/", "The bakery app for pre-orders")
    ]
    # The German pages show the German title, and link to German pages.
    assert hits(client.get("/suche/", {"q": "bakery"}).text) == [
        (f"/blog/{english.slug}/", "Die Bäckerei-App")
    ]


def test_an_english_title_added_later_is_found_at_once(client, post):
    german = post("Sensorik im Stall")
    assert hits(client.get("/en/suche/", {"q": "barn"}).text) == []
    Post.objects.filter(pk=german.pk).update(title_en="Sensors in the barn")
    assert hits(client.get("/en/suche/", {"q": "barn"}).text) == [
        (f"/en/blog/{german.slug}/", "Sensors in the <mark>barn</mark>")
    ]


def test_english_search_finds_events_by_their_english_title(client):
    event = EventFactory(title="Netzwerkabend", title_en="Networking evening")
    html = client.get("/en/suche/", {"q": "networking"}).text
    assert hits(html) == [(f"/en/veranstaltungen/{event.slug}/", "<mark>Networking</mark> evening")]
    assert "Event" in html
    Event.objects.filter(pk=event.pk).update(teaser_en="Drinks and talks.")
    assert hits(client.get("/en/suche/", {"q": "drinks"}).text) == [
        (f"/en/veranstaltungen/{event.slug}/", "Networking evening")
    ]


def test_the_blogs_own_search_on_the_english_list_finds_english_titles(client, post):
    english = post("Die Bäckerei-App", title_en="The bakery app")
    html = client.get("/en/blog/", {"q": "bakery"}).text
    assert f'<a href="/en/blog/{english.slug}/">The bakery app</a>' in html
    assert "1 post" in html


def test_search_page_in_english(client):
    html = client.get("/en/suche/").text
    assert "<h1>Search</h1>" in html
    assert '<form method="get" action="/en/suche/"' in html
    assert '<ul class="tag-list" lang="de">' in html  # the German example searches
    assert "Put whole phrases in quotation marks" in html


def test_english_stop_words_typed_on_the_english_pages_are_not_required(client, post):
    english = post("Die Stadt von morgen", title_en="Smart city future")
    query = {"q": "the future of a smart city"}
    assert hits(client.get("/en/suche/", query).text) == [
        (f"/en/blog/{english.slug}/", "<mark>Smart</mark> <mark>city</mark> <mark>future</mark>")
    ]
    # German pages search for every word typed: "the" and "of" are in no text.
    assert hits(client.get("/suche/", query).text) == []
    # In a quoted phrase the words stay: the phrase is not in the text.
    assert hits(client.get("/en/suche/", {"q": '"future of the city"'}).text) == []
    # A query of stop words alone is searched as typed (and finds nothing here).
    assert hits(client.get("/en/suche/", {"q": "the"}).text) == []
