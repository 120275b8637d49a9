"""One kind searched within a content app's own list (``/blog/?q=``), for
``smartregion.core.searchable.within()``: the same ranking and excerpts as ``/suche/``, and
„Meinten Sie …?“ when nothing is found."""

from __future__ import annotations

from smartregion.core.searchable import Found
from smartregion.search import engine, vocabulary
from smartregion.search.query import Query, clean


def search_within(
    kind: str, text: str | None, *, municipality_id=None, topic_id=None, page=None
) -> Found | None:
    query = Query(clean(text))
    if not query:
        return None
    found = engine.candidates(
        query, kinds=[kind], municipality_id=municipality_id, topic_id=topic_id
    )
    page_obj, page_range = engine.paginate(found.hits, page)
    hits = engine.attach_objects(list(page_obj.object_list), query)
    return Found(
        text=query.text,
        objects=[hit.obj for hit in hits],
        page_obj=page_obj,
        page_range=page_range,
        capped=found.capped,
        # Nothing found: perhaps a typo.
        suggestion=None if found.hits else vocabulary.correction(query.text),
    )
