"""search_candidates(): the same newest matches whichever path it takes (walk, GIN, phrases).

The site chooses the way by the planner's estimates, which only tell the ways apart with a lot of
content; here each way is forced, with small numbers, so that every path runs on a few posts.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from blog.models import Post
from smartregion.core.models import Municipality, Topic
from smartregion.search.models import Document

pytestmark = pytest.mark.django_db

PATHS = {
    "auto": {"strategy": "auto", "walk": 3000, "checked": 1000},
    "gin": {"strategy": "index", "walk": 3000, "checked": 1000},
    "walk": {"strategy": "walk", "walk": 1000, "checked": 1000},
    "walk-then-gin": {"strategy": "walk", "walk": 4, "checked": 1000},
}


def candidates(query, *, wanted, municipality=None, topic=None, **limits):
    sql = """
        SELECT doc_id FROM search_candidates(search_query(%s, NULL), '{post}', %s, %s, %s, %s,
                                             %s, %s, 30000, %s)
    """
    params = [query, municipality, topic, timezone.localdate(), wanted]
    params += [limits["strategy"], limits["walk"], limits["checked"]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def newest(ids, wanted):
    documents = Document.objects.filter(kind="post", object_id__in=ids)
    return list(documents.order_by("-date", "-id").values_list("id", flat=True)[:wanted])


@pytest.fixture
def posts(post):
    """20 posts an hour apart; every third mentions drones, every fourth a phrase."""
    made = []
    for n in range(20):
        title = "Drohnen im Einsatz" if n % 3 == 0 else "Ein Beitrag"
        body = "Die digitale Verwaltung spart Zeit." if n % 4 == 0 else "Verwaltung wird digitale."
        made.append(
            post(
                title,
                body=body,
                city="bottrop" if n % 2 else "marl",
                published_at=timezone.now() - timedelta(hours=n + 1),
            )
        )
    return made


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("wanted", [1, 3, 100])
def test_words_give_the_newest_matches_on_every_path(posts, path, wanted):
    expected = newest([p.pk for p in posts if "Drohnen" in p.title], wanted)
    assert candidates("Drohnen", wanted=wanted, **PATHS[path]) == expected


@pytest.mark.parametrize("path", PATHS)
def test_phrases_give_the_newest_matches_on_every_path(posts, path):
    expected = newest([p.pk for p in posts if "digitale Verwaltung" in p.body], 100)
    assert candidates('"digitale Verwaltung"', wanted=100, **PATHS[path]) == expected


def test_phrases_of_common_words_say_when_not_all_could_be_checked(posts):
    limits = {**PATHS["walk-then-gin"], "checked": 2}
    found = candidates('"digitale Verwaltung"', wanted=100, **limits)
    assert found[-1] is None  # more documents had both words than were checked
    assert (
        found[:-1]
        == newest([p.pk for p in posts if "digitale Verwaltung" in p.body], 100)[: len(found) - 1]
    )


@pytest.mark.parametrize("path", PATHS)
def test_filters_apply_on_every_path(posts, path):
    marl = Municipality.objects.get(slug="marl")
    topic = Topic.objects.get(slug="smart-economy")
    expected = newest([p.pk for p in posts if "Drohnen" in p.title and p.municipality == marl], 100)
    found = candidates("Drohnen", wanted=100, municipality=marl.pk, topic=topic.pk, **PATHS[path])
    assert found == expected
    assert candidates("Drohnen", wanted=100, topic=0, **PATHS[path]) == []


@pytest.mark.parametrize("path", PATHS)
def test_hidden_posts_are_skipped_on_every_path(posts, path):
    Post.objects.filter(pk=posts[0].pk).update(published_at=timezone.now() + timedelta(days=1))
    Post.objects.filter(pk=posts[3].pk).update(status="rejected")
    expected = newest([p.pk for p in posts[4:] if "Drohnen" in p.title], 100)
    assert candidates("Drohnen", wanted=100, **PATHS[path]) == expected


def test_an_empty_query_finds_nothing(posts):
    assert candidates("und", wanted=10, **PATHS["gin"]) == []
