"""bench/search.py: the recall of the results page's first ten against the exhaustive ranking."""

import pytest

from bench import search as bench_search
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_recall_is_the_share_of_the_reference_that_is_shown():
    reference = [("post", n) for n in range(10)]
    assert bench_search.recall_at(reference, reference) == 1.0
    assert bench_search.recall_at(reference[:7] + [("post", 99)] * 3, reference) == 0.7
    assert bench_search.recall_at(list(reversed(reference)), reference) == 1.0  # order aside
    assert bench_search.recall_at([], [("event", 1), ("event", 2)]) == 0.0
    assert bench_search.recall_at([], []) is None  # nothing to find: not counted


def test_first_page_recall_of_a_small_blog_is_complete_and_follows_a_typo_correction():
    for n in range(15):
        PostFactory(title=f"Digitalisierung im Betrieb {n}")
    PostFactory(title="Ein Hofladen", teaser="Kartoffeln vom Feld.")
    from smartregion.search import vocabulary

    vocabulary.refresh()
    assert bench_search.first_page_recall("q=Digitalisierung") == 1.0
    assert bench_search.first_page_recall("q=Digitalisirung") == 1.0  # the corrected query
    assert bench_search.first_page_recall("q=Taubenzucht") is None
    assert bench_search.first_page_recall("q=Digitalisierung&art=veranstaltung") is None
