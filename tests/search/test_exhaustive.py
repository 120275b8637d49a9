"""The reference ranking (engine.exhaustive()): every visible match ordered by the search's own
relevance (the level: title, title and teaser, anywhere), newer first within a level.
bench/search.py and tests/search/test_recall.py measure the results page against it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from blog.models import Post
from smartregion.core.models import Municipality, Topic
from smartregion.search import engine
from smartregion.search.query import Query

pytestmark = pytest.mark.django_db

FILLER = "Ein Betrieb aus der Region hat einen neuen Weg gefunden."


def ids(query: str, **filters) -> list[int]:
    filters.setdefault("kinds", ["post"])
    return [object_id for _, object_id in engine.exhaustive(Query(query), **filters)]


def test_the_best_match_comes_first_however_old_and_however_many_newer_ones(post, monkeypatch):
    monkeypatch.setattr(engine, "CANDIDATES", 3)  # fewer candidates than matches
    best = post(
        "Zisterne im Hof",
        teaser=FILLER,
        body="",
        published_at=timezone.now() - timedelta(days=900),
    )
    second = post(
        "Hof", teaser=f"{FILLER} Zisterne.", published_at=timezone.now() - timedelta(days=800)
    )
    newer = [post(f"Hof {n}", body=f"{FILLER} Zisterne.") for n in range(6)]
    assert ids("Zisterne")[:2] == [best.pk, second.pk]
    assert set(ids("Zisterne")) == {best.pk, second.pk, *(p.pk for p in newer)}
    # The ranked search finds the same first ones among its three candidates.
    found = engine.candidates(Query("Zisterne"), kinds=["post"])
    assert [hit.object_id for hit in found.hits] == ids("Zisterne", limit=3)
    assert found.capped


def test_recency_breaks_ties(post):
    older = post(
        "Gleich", body=FILLER + " Regentonne.", published_at=timezone.now() - timedelta(days=5)
    )
    newer = post(
        "Gleich", body=FILLER + " Regentonne.", published_at=timezone.now() - timedelta(days=1)
    )
    assert ids("Regentonne") == [newer.pk, older.pk]


def test_only_what_is_visible_within_the_filters(post):
    now = timezone.now()
    shown = post("Regentonne in Marl", city="marl", topics=("smart-energy",))
    post("Regentonne in Bottrop", city="bottrop", topics=("smart-energy",))
    post("Regentonne in Marl, anderes Thema", city="marl", topics=("bildung",))
    post(
        "Regentonne geplant",
        city="marl",
        topics=("smart-energy",),
        published_at=now + timedelta(days=1),
    )
    post("Regentonne abgelehnt", city="marl", topics=("smart-energy",), status="rejected")
    marl = Municipality.objects.get(slug="marl").pk
    energy = Topic.objects.get(slug="smart-energy").pk
    assert ids("Regentonne", municipality_id=marl, topic_id=energy) == [shown.pk]
    assert ids("Regentonne", kinds=["event", "member"]) == []
    assert len(ids("Regentonne", limit=2)) == 2
    assert Post.objects.count() == 5


def test_nothing_to_search_finds_nothing():
    assert engine.exhaustive(Query(""), kinds=["post"]) == []
    assert engine.exhaustive(Query("und die"), kinds=["post"]) == []
