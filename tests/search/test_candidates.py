"""search_ranked(): the best matches by relevance (the level, then the newest), the same
whichever path it takes (all matches at once; level by level with a walk, the GIN index, or a walk
then the GIN index; words and phrases), and the same as the plain
reference (engine.exhaustive(): every match read and sorted).

The site chooses the way by the planner's estimates, which only tell the ways apart with a lot of
content; here each way is forced, with small numbers, so that every path runs on a few posts.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from blog.models import Post
from smartregion.core.models import Municipality, Topic
from smartregion.search import engine
from smartregion.search.query import Query

pytestmark = pytest.mark.django_db

PATHS = {
    "auto": {"strategy": "auto", "walk": 3000, "checked": 1000},
    "all": {"strategy": "all", "walk": 3000, "checked": 1000},
    "gin": {"strategy": "index", "walk": 3000, "checked": 1000},
    "walk": {"strategy": "walk", "walk": 1000, "checked": 1000},
    "walk-then-gin": {"strategy": "walk", "walk": 4, "checked": 1000},
}


def ranked(query, *, wanted, municipality=None, topic=None, **limits):
    """(object id, level) of the posts search_ranked() finds, best first."""
    sql = """
        SELECT d.object_id, c.doc_level
          FROM search_ranked(search_query(%s, NULL), '{post}', %s, %s, %s, %s, %s, %s, 30000, %s)
               AS c
          LEFT JOIN search_document d ON d.id = c.doc_id
         ORDER BY c.doc_level DESC, d.date DESC, d.id DESC
    """
    params = [query, municipality, topic, timezone.localdate(), wanted]
    params += [limits["strategy"], limits["walk"], limits["checked"]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def reference(query, wanted, **filters):
    found = engine.exhaustive(Query(query), kinds=["post"], limit=wanted, **filters)
    return [object_id for _, object_id in found]


@pytest.fixture
def posts(post):
    """24 posts an hour apart, the newest first. Drones are in the title of every fourth, in the
    teaser of every fourth (another), in the body of every fourth, in the organisation's name of
    every eighth; every third has the phrase „digitale Verwaltung“ in its title, teaser or
    body."""
    made = []
    for n in range(24):
        drones = {0: "title", 1: "teaser", 2: "body", 3: "organisation_name"}[n % 4]
        fields = {
            "teaser": "Ein kurzer Text.",
            "body": "Verwaltung wird digitale.",
            "organisation_name": "Beispiel GmbH",
        }
        title = "Ein Beitrag"
        if drones == "title":
            title = "Drohnen im Einsatz"
        elif drones != "organisation_name" or n % 8 == 3:
            fields[drones] = f"{fields[drones]} Drohnen"
        if n % 3 == 0:
            where = ("title", "teaser", "body")[n % 9 // 3]
            if where == "title":
                title += ": die digitale Verwaltung"
            else:
                fields[where] += " Die digitale Verwaltung spart Zeit."
        made.append(
            post(
                title,
                city="bottrop" if n % 2 else "marl",
                published_at=timezone.now() - timedelta(hours=n + 1),
                **fields,
            )
        )
    return made


def test_the_reference_orders_by_level_then_newest(posts):
    def level(p):
        return 3 if "Drohnen" in p.title else 2 if "Drohnen" in p.teaser else 1

    matches = [
        p for p in posts if "Drohnen" in f"{p.title} {p.teaser} {p.body} {p.organisation_name}"
    ]
    expected = sorted(matches, key=lambda p: (-level(p), -p.published_at.timestamp()))
    assert reference("Drohnen", 100) == [p.pk for p in expected]
    assert {level(p) for p in matches} == {1, 2, 3}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("wanted", [1, 3, 7, 100])
def test_words_give_the_best_matches_on_every_path(posts, path, wanted):
    found = ranked("Drohnen", wanted=wanted, **PATHS[path])
    assert [object_id for object_id, _ in found] == reference("Drohnen", wanted)
    levels = [level for _, level in found]
    assert levels == sorted(levels, reverse=True)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("wanted", [2, 100])
def test_phrases_give_the_best_matches_on_every_path(posts, path, wanted):
    found = ranked('"digitale Verwaltung"', wanted=wanted, **PATHS[path])
    assert [object_id for object_id, _ in found] == reference('"digitale Verwaltung"', wanted)
    assert len(reference('"digitale Verwaltung"', 100)) == 8


def test_phrases_of_common_words_say_when_not_all_could_be_checked(posts):
    limits = {**PATHS["walk-then-gin"], "checked": 2}
    found = ranked('"digitale Verwaltung"', wanted=100, **limits)
    assert found[-1] == (None, 1)  # more documents had both words than were checked
    expected = reference('"digitale Verwaltung"', 100)
    assert [object_id for object_id, _ in found[:-1]] == expected[: len(found) - 1]


@pytest.mark.parametrize("path", PATHS)
def test_a_negation_needs_the_whole_document(posts, path):
    """„Drohnen -Beispiel“: a title without „Beispiel“ is not enough, the organisation has it."""
    Post.objects.filter(pk=posts[4].pk).update(organisation_name="Flug AG")
    found = ranked("Drohnen -Beispiel", wanted=100, **PATHS[path])
    assert [object_id for object_id, _ in found] == reference("Drohnen -Beispiel", 100)
    assert found == [(posts[4].pk, 3)]


@pytest.mark.parametrize("path", PATHS)
def test_filters_apply_on_every_path(posts, path):
    marl = Municipality.objects.get(slug="marl")
    topic = Topic.objects.get(slug="smart-economy")
    expected = reference("Drohnen", 100, municipality_id=marl.pk, topic_id=topic.pk)
    assert {p.municipality for p in Post.objects.filter(pk__in=expected)} == {marl}
    found = ranked("Drohnen", wanted=100, municipality=marl.pk, topic=topic.pk, **PATHS[path])
    assert [object_id for object_id, _ in found] == expected
    assert ranked("Drohnen", wanted=100, topic=0, **PATHS[path]) == []


@pytest.mark.parametrize("path", PATHS)
def test_hidden_posts_are_skipped_on_every_path(posts, path):
    Post.objects.filter(pk=posts[0].pk).update(published_at=timezone.now() + timedelta(days=1))
    Post.objects.filter(pk=posts[4].pk).update(status="rejected")
    found = [object_id for object_id, _ in ranked("Drohnen", wanted=100, **PATHS[path])]
    assert found == reference("Drohnen", 100)
    assert posts[0].pk not in found and posts[4].pk not in found and posts[8].pk in found


def test_an_empty_query_finds_nothing(posts):
    assert ranked("und", wanted=10, **PATHS["gin"]) == []


def test_the_title_and_lead_columns_hold_the_parts_of_the_vector(posts):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT title_vector::text, lead_vector::text FROM search_document"
            " WHERE kind = 'post' AND object_id IN (%s, %s) ORDER BY date DESC",
            [posts[0].pk, posts[1].pk],
        )
        (title, lead), (other_title, other_lead) = cursor.fetchall()
    assert set(title.split()) < set(lead.split())
    assert "'drohn':1A" in title and "'kurz':" in lead
    assert "drohn" not in other_title and "'drohn':" in other_lead  # in the teaser (B)
    assert "verwaltung" not in lead  # the body is neither


def test_all_at_once_gives_up_when_there_are_more_matches_than_expected(posts):
    sql = """
        SELECT ids IS NULL, cardinality(ids)
          FROM search_all_matches(search_query('Drohnen', NULL), 'post', NULL, NULL, %s, 3, %s)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.localdate(), 100])
        assert cursor.fetchone() == (False, 3)
        cursor.execute(sql, [timezone.localdate(), 5])  # more than 5 mention drones
        assert cursor.fetchone() == (True, None)
