"""/blog/?q=: the blog's own list searched, within its Themenfeld and Kommune filters."""

import re

import pytest

from smartregion.search import vocabulary

pytestmark = pytest.mark.django_db


def card_titles(html: str) -> list[str]:
    titles = re.findall(r'<h3 class="card__title"><a href="[^"]*">(.*?)</a></h3>', html, re.S)
    return [re.sub(r"<[^>]+>", "", t).strip() for t in titles]


def test_blog_search_ranks_matches_within_the_filters(client, post):
    post("Sensorik im Stall", city="marl", topics=["smart-economy"])
    post("Ein Beitrag", body="Wir nutzen Sensorik.", city="marl", topics=["smart-economy"])
    post("Sensorik in Bottrop", city="bottrop", topics=["smart-economy"])
    post("Sensorik für Schulen", city="marl", topics=["bildung"])
    html = client.get("/blog/", {"q": "Sensorik", "ort": "marl", "thema": "smart-economy"})
    html = html.content.decode()
    assert card_titles(html) == ["Sensorik im Stall", "Ein Beitrag"]
    assert "2 Beiträge" in html
    assert "<mark>Sensorik</mark>" in html
    assert 'value="Sensorik"' in html
    assert 'href="/suche/?q=Sensorik"' in html


def test_blog_search_is_cached_per_query(client, post, django_assert_num_queries):
    post("Sensorik im Stall")
    post("Drohnen über dem Feld")
    assert card_titles(client.get("/blog/", {"q": "Sensorik"}).content.decode()) == [
        "Sensorik im Stall"
    ]
    # The same search again is served from the cache: the blog's content version is all that
    # is read (no topics, no candidates, no posts).
    with django_assert_num_queries(1):
        html = client.get("/blog/", {"q": "Sensorik"}).content.decode()
    assert card_titles(html) == ["Sensorik im Stall"]
    # Another query is another entry: searched, not the cached listing (the content versions,
    # the candidates, the posts; the filters' Themenfelder and Kommunen are kept).
    with django_assert_num_queries(3):
        html = client.get("/blog/", {"q": "Drohnen"}).content.decode()
    assert card_titles(html) == ["Drohnen über dem Feld"]


def test_blog_search_sees_new_posts_at_once(client, post):
    post("Sensorik im Stall")
    client.get("/blog/", {"q": "Sensorik"})
    post("Sensorik im Keller")
    html = client.get("/blog/", {"q": "Sensorik"}).content.decode()
    assert len(card_titles(html)) == 2


def test_blog_search_needs_at_most_five_queries(client, post, django_assert_num_queries):
    for n in range(15):
        post(f"Sensorik Teil {n}")
    # content version, topics, municipalities, candidates with ranks, the page's posts
    with django_assert_num_queries(5):
        response = client.get("/blog/", {"q": "Sensorik", "thema": "smart-economy"})
    assert len(card_titles(response.content.decode())) == 12


def test_blog_search_offers_a_correction_when_nothing_is_found(client, post):
    post("Ladeinfrastruktur für alle")
    vocabulary.refresh()
    html = client.get("/blog/", {"q": "Ladeinfrastrucktur"}).content.decode()
    assert "0 Beiträge" in html
    assert 'Meinten Sie <a href="?q=Ladeinfrastruktur">„Ladeinfrastruktur“</a>?' in html


def test_a_query_of_nothing_but_blanks_lists_the_posts(client, post):
    post("Sensorik im Stall")
    post("Drohnen über dem Feld")
    html = client.get("/blog/", {"q": "   "}).content.decode()
    assert card_titles(html) == ["Sensorik im Stall", "Drohnen über dem Feld"]
    assert 'value=""' in html


def test_unpublished_posts_are_not_found_in_the_blog(client, post):
    post("Geheime Sensorik", status="submitted")
    assert card_titles(client.get("/blog/", {"q": "Sensorik"}).content.decode()) == []
