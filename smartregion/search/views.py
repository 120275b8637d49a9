from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from smartregion.core import searchable
from smartregion.core.fragments import reading_page
from smartregion.core.models import taxonomy
from smartregion.search import engine, vocabulary
from smartregion.search.query import MAX_LENGTH, Query, clean

FEW = 3  # fewer results than this: look for a better spelling
EXAMPLES = [
    "Digitalisierung",
    "Künstliche Intelligenz",
    '"digitale Verwaltung"',
    "Onlineshop -Amazon",
    "Telemedizin OR Pflege",
]


def has_terms(query: Query) -> bool:
    """Whether anything is left to search for (not only stop words, signs or emoji)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT numnode(search_query(%s, %s)) > 0", [query.searched, query.variant])
        return cursor.fetchone()[0]


def _facet(param: str, items, counts, active, capped: bool) -> list[dict]:
    """Facet entries with counts and links (``params`` for {% querystring %}), the active one
    first (its link removes the filter); entries without results are left out."""
    entries = []
    for slug, label, key in items:
        count = counts.get(key, 0)
        if count or slug == active:
            entries.append(
                {
                    "slug": slug,
                    "label": label,
                    "count": count,
                    "capped": capped,
                    "active": slug == active,
                    "params": {param: None if slug == active else slug, "page": None},
                }
            )
    return sorted(entries, key=lambda e: (not e["active"], -e["count"], str(e["label"])))


@require_safe
@reading_page("search")
def results(request: HttpRequest) -> HttpResponse:
    return render(request, "search/results.html", results_context(request))


def results_context(request: HttpRequest) -> dict:
    """What the results page shows for the request's parameters (also read by bench/search.py:
    ``hits`` are the first page's, ``corrected`` the query searched instead of a typo)."""
    raw = request.GET.get("q", "")
    query = Query(clean(raw))
    topics, municipalities = taxonomy()
    # The Art facet's values in URLs are the kinds' German slugs.
    kinds = searchable.kinds()
    kind = next((k for k in kinds if k.slug == request.GET.get("art", "")), None)
    topic = next((t for t in topics if t.slug == request.GET.get("thema")), None)
    municipality = next((m for m in municipalities if m.slug == request.GET.get("ort")), None)
    context = {
        "query": query.text,
        "asked": "q" in request.GET,
        "shortened": len(" ".join(raw.split())) > MAX_LENGTH,
        "topics": topics,
        "examples": EXAMPLES,
        "active_kind": kind.slug if kind else "",
        "active_kind_label": kind.plural if kind else "",
        "active_topic": topic,
        "active_municipality": municipality,
    }
    context["filters"] = {
        "kinds": [kind.name] if kind else [k.name for k in kinds],
        "municipality_id": municipality.pk if municipality else None,
        "topic_id": topic.pk if topic else None,
    }
    if query:
        context.update(
            _search(
                request,
                query,
                context["filters"],
                (kind, topic, municipality),
                (kinds, topics, municipalities),
            )
        )
    title = _("Suche")
    if query.text:
        title = _("Suche nach „%(query)s“") % {"query": query.text[:60]}
    context["title"] = title
    return context


def _search(request, query, filters: dict, active: tuple, choices: tuple) -> dict:
    """The results of ``query`` within ``filters``: ``active`` are the chosen kind, Themenfeld
    and municipality (or None), ``choices`` all of them."""
    kind, topic, municipality = active
    kinds, topics, municipalities = choices
    found = engine.candidates(query, **filters)
    context = {}
    if len(found.hits) < FEW:
        suggestion = vocabulary.correction(query.text)
        context["suggestion"] = suggestion
        if suggestion and not found.hits:
            # Nothing for what was typed: show what the corrected query finds right away.
            corrected = engine.candidates(Query(suggestion), **filters)
            if corrected.hits:
                context["corrected"] = suggestion
                query, found = Query(suggestion), corrected
        if not found.hits:
            context["no_terms"] = not has_terms(query)
    page_obj, page_range = engine.paginate(found.hits, request.GET.get("page"))
    counts = engine.facet_counts(found)
    context.update(
        {
            "hits": engine.attach_objects(list(page_obj.object_list), query),
            "page_obj": page_obj,
            "page_range": page_range,
            "total": len(found.hits),
            "capped": found.capped,
            "kind_facet": _facet(
                "art",
                [(k.slug, k.plural, k.name) for k in kinds],
                counts["kind"],
                kind.slug if kind else "",
                False,
            ),
            "topic_facet": _facet(
                "thema",
                [(t.slug, t.name, t.pk) for t in topics],
                counts["topic"],
                topic.slug if topic else "",
                found.capped,
            ),
            "municipality_facet": _facet(
                "ort",
                [(m.slug, m.name, m.pk) for m in municipalities],
                counts["municipality"],
                municipality.slug if municipality else "",
                found.capped,
            ),
            "more_kinds": found.more,
        }
    )
    names = {k.slug: k.name for k in kinds}
    for entry in context["kind_facet"]:
        entry["capped"] = names[entry["slug"]] in found.more
    return context
