"""„Ähnliche Beispiele“ under a post (blog/similar.py): shared Themenfelder, the same or a
neighbouring municipality and similar title and teaser bring a post up; the post itself, posts not
published and doubles never appear; three to five are shown, in one query."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from blog.similar import similar_posts
from smartregion.core.models import Municipality, Topic
from tests.factories import PostFactory
from tests.staff import login_staff

pytestmark = pytest.mark.django_db

# Texts with nothing in common, so that only the signal under test differs.
UNRELATED = [
    ("Wochenmarkt mit Lieferdienst", "Frisches Gemüse kommt jetzt mit dem Lastenrad."),
    ("Schulhof mit Wetterstation", "Kinder messen Wind und Regen selbst."),
    ("Chorprobe per Video", "Die Sängerinnen üben abends gemeinsam am Bildschirm."),
    ("Zahnarzttermin per App", "Die Praxis vergibt freie Zeiten über das Telefon im Netz."),
    ("Bauhof plant Streudienst", "Glätte wird mit Sensoren an Brücken erkannt."),
    ("Bibliothek verleiht Tablets", "Ausleihe ohne Wartezeit am Automaten."),
]


def topic(slug):
    return Topic.objects.get(slug=slug)


def city(slug):
    return Municipality.objects.get(slug=slug)


def make(n, *, topics=("bildung",), place="waltrop", hours=1, **fields):
    title, teaser = UNRELATED[n]
    return PostFactory(
        title=fields.pop("title", title),
        teaser=fields.pop("teaser", teaser),
        topics=[topic(slug) for slug in topics],
        municipality=city(place),
        published_at=timezone.now() - timedelta(hours=hours),
        **fields,
    )


def titles(posts) -> list[str]:
    return [post.title for post in posts]


@pytest.fixture
def post():
    return PostFactory(
        title="Digitale Sprechstunde in der Hausarztpraxis",
        teaser="Eine Praxis berät Patientinnen per Video und spart Wege.",
        topics=[topic("gesundheit-pflege"), topic("smart-demography")],
        municipality=city("gelsenkirchen"),
    )


def test_more_shared_themenfelder_rank_first(post):
    one = make(0, topics=["gesundheit-pflege"], hours=1)
    both = make(1, topics=["gesundheit-pflege", "smart-demography"], hours=50)
    make(2, topics=["bildung"])
    assert titles(similar_posts(post))[:2] == [both.title, one.title]


def test_the_same_municipality_ranks_before_a_neighbour_and_a_neighbour_before_a_far_one(post):
    # Gelsenkirchen borders Gladbeck, not Waltrop.
    far = make(0, place="waltrop", topics=["gesundheit-pflege"], hours=1)
    neighbour = make(1, place="gladbeck", topics=["gesundheit-pflege"], hours=20)
    same = make(2, place="gelsenkirchen", topics=["gesundheit-pflege"], hours=40)
    assert titles(similar_posts(post)) == [same.title, neighbour.title, far.title]


def test_the_redaktion_decides_which_municipalities_are_neighbours(post):
    waltrop = make(0, place="waltrop", topics=["gesundheit-pflege"], hours=1)
    gladbeck = make(1, place="gladbeck", topics=["gesundheit-pflege"], hours=2)
    assert titles(similar_posts(post))[:2] == [gladbeck.title, waltrop.title]
    city("gelsenkirchen").neighbours.remove(city("gladbeck"))
    city("gelsenkirchen").neighbours.add(city("waltrop"))
    assert titles(similar_posts(post))[:2] == [waltrop.title, gladbeck.title]


def test_a_regionwide_post_is_a_neighbour_of_every_city(post):
    region = make(0, place="region-emscher-lippe", topics=["gesundheit-pflege"], hours=30)
    far = make(1, place="waltrop", topics=["gesundheit-pflege"], hours=1)
    assert titles(similar_posts(post))[:2] == [region.title, far.title]


def test_similar_title_and_teaser_rank_first(post):
    make(0, topics=["gesundheit-pflege"], hours=1)
    alike = make(
        1,
        topics=["gesundheit-pflege"],
        hours=90,
        title="Digitale Sprechstunde in der Tierarztpraxis",
        teaser="Eine Tierarztpraxis berät per Video und spart Wege.",
    )
    make(2, topics=["gesundheit-pflege"], hours=2)
    assert titles(similar_posts(post))[0] == alike.title


def test_recency_breaks_ties(post):
    older = make(0, topics=["bildung"], hours=10, title="Gleich", teaser="Gleich.")
    newer = make(1, topics=["bildung"], hours=5, title="Gleich", teaser="Gleich.")
    assert [p.pk for p in similar_posts(post)] == [newer.pk, older.pk]


def test_never_itself_never_twice_never_unpublished(post):
    # This one is a candidate three ways: nearest text, same topic nearby, same topic anywhere.
    everything = make(
        0,
        topics=["gesundheit-pflege"],
        place="gelsenkirchen",
        title=post.title,
        teaser=post.teaser,
    )
    make(1, topics=["gesundheit-pflege"], status="confirmed", title=post.title)
    make(2, topics=["gesundheit-pflege"], status="rejected", title=post.title)
    scheduled = make(3, topics=["gesundheit-pflege"], title=post.title)
    scheduled.published_at = timezone.now() + timedelta(days=1)
    scheduled.save()
    shown = similar_posts(post)
    assert [p.pk for p in shown] == [everything.pk]
    # The same holds for the posts shown with it: each is never similar to itself.
    assert post.pk in [p.pk for p in similar_posts(everything)]
    assert everything.pk not in [p.pk for p in similar_posts(everything)]


def test_three_always_and_up_to_five_when_they_are_worth_it(post):
    # Nothing in common: three are still shown (a reader can go on), not more.
    for n in range(5):
        make(n, topics=["bildung"], place="waltrop")
    assert len(similar_posts(post)) == 3
    # Five alike: all five, never more.
    for n in range(6):
        make(n, topics=["gesundheit-pflege"], place="gladbeck", title=f"{UNRELATED[n][0]} {n}")
    shown = similar_posts(post)
    assert len(shown) == 5
    assert all(other.similarity >= 0.4 for other in shown)


def test_one_query(post, django_assert_num_queries):
    for n in range(6):
        make(n, topics=["gesundheit-pflege"], place="gladbeck")
    with django_assert_num_queries(1):
        shown = similar_posts(post)
        for other in shown:  # what a card shows comes with it
            assert other.municipality.name and other.topic_names


def test_the_post_page_shows_them_under_the_post(client, post):
    alike = make(0, topics=["gesundheit-pflege"], place="gelsenkirchen")
    html = client.get(post.get_absolute_url()).content.decode()
    section = re.search(
        r'<section class="wrap" aria-labelledby="related-title">(.*?)</section>', html, re.S
    ).group(1)
    assert '<h2 id="related-title">Ähnliche Beispiele</h2>' in section
    assert f'href="{alike.get_absolute_url()}"' in section
    english = client.get("/en" + post.get_absolute_url()).content.decode()
    assert '<h2 id="related-title">Similar examples</h2>' in english


def test_a_post_alone_in_the_blog_shows_no_section(client, post):
    html = client.get(post.get_absolute_url()).content.decode()
    assert "related-title" not in html


def test_neighbours_are_seeded_both_ways_and_kept_in_the_admin(client, staff_editor):
    gladbeck = city("gladbeck")
    assert city("bottrop") in gladbeck.neighbours.all()
    assert gladbeck in city("bottrop").neighbours.all()
    assert city("waltrop") not in city("gelsenkirchen").neighbours.all()
    region = set(city("region-emscher-lippe").neighbours.values_list("slug", flat=True))
    assert {"gelsenkirchen", "bottrop", "kreis-recklinghausen", "waltrop"} <= region
    kreis = set(city("kreis-recklinghausen").neighbours.values_list("slug", flat=True))
    assert "marl" in kreis and "gelsenkirchen" not in kreis

    staff_editor.is_superuser = True  # the taxonomy is the administrators'
    staff_editor.save()
    login_staff(client, staff_editor)
    html = client.get(f"/admin/smartregion/municipality/{gladbeck.pk}/change/").content.decode()
    assert 'name="neighbours"' in html and "Nachbarkommunen" in html
