"""On a generated corpus (bench/support/corpus.py, as bench/search.py measures it), the results
page's first page is the reference ranking (engine.exhaustive(): every visible match read and
ordered by the same relevance), in order, for every query of the bench: common words whose
matches are most of the corpus, rare words, phrases, exclusion, OR, typos, umlaut spellings,
facets. The paths are chosen by the planner's real estimates (after ANALYZE), and once more with
few candidates per kind, so that each level is left early."""

from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test import RequestFactory

from bench.search import QUERIES
from bench.support.corpus import generate_posts
from smartregion.search import engine, vocabulary
from smartregion.search.query import Query, clean
from smartregion.search.views import results_context

pytestmark = pytest.mark.django_db

POSTS = 3000


def first_page_and_reference(query_string: str) -> tuple[list, list]:
    request = RequestFactory().get("/suche/?" + query_string)
    context = results_context(request)
    shown = [(hit.kind, hit.object_id) for hit in context.get("hits", [])]
    searched = Query(context.get("corrected") or clean(request.GET.get("q", "")))
    return shown, engine.exhaustive(searched, limit=engine.PAGE_SIZE, **context["filters"])


def test_the_first_page_is_the_exhaustive_ranking_for_every_query_of_the_bench(monkeypatch):
    generate_posts(POSTS, seed=1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_document")
    vocabulary.refresh()
    checked, levels = 0, set()
    for candidates in (engine.CANDIDATES, 13):
        monkeypatch.setattr(engine, "CANDIDATES", candidates)
        for label, query_string in QUERIES:
            shown, reference = first_page_and_reference(query_string)
            assert shown == reference, (label, query_string, candidates)
            checked += bool(reference)
            text = parse_qs(query_string)["q"][0]
            levels |= {hit.level for hit in engine.candidates(Query(text), kinds=["post"]).hits}
    assert checked == 2 * len(QUERIES)  # every query finds something on this corpus
    assert levels == {1, 2, 3}
    # A common word has more matches in titles alone than candidates.
    found = engine.candidates(Query("Krise"), kinds=["post"])
    assert {hit.level for hit in found.hits} == {3} and found.capped
