from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from smartregion.core.models import Municipality, Topic
from smartregion.search import engine, vocabulary
from smartregion.search.models import Document
from smartregion.search.query import MAX_LENGTH, Query, clean

# German URL values of the Art facet.
KINDS = {
    "beitrag": Document.Kind.POST,
    "veranstaltung": Document.Kind.EVENT,
    "mitglied": Document.Kind.MEMBER,
}
KIND_SLUGS = {kind: slug for slug, kind in KINDS.items()}
KIND_LABELS = {
    Document.Kind.POST: gettext_lazy("Beiträge"),
    Document.Kind.EVENT: gettext_lazy("Veranstaltungen"),
    Document.Kind.MEMBER: gettext_lazy("Mitglieder"),
}
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
        cursor.execute("SELECT numnode(search_query(%s, %s)) > 0", [query.text, query.variant])
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


@require_GET
def results(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    query = Query(clean(raw))
    topics = list(Topic.objects.all())
    municipalities = list(Municipality.objects.all())
    kind = KINDS.get(request.GET.get("art", ""))
    topic = next((t for t in topics if t.slug == request.GET.get("thema")), None)
    municipality = next((m for m in municipalities if m.slug == request.GET.get("ort")), None)
    context = {
        "query": query.text,
        "asked": "q" in request.GET,
        "shortened": len(" ".join(raw.split())) > MAX_LENGTH,
        "topics": topics,
        "examples": EXAMPLES,
        "active_kind": KIND_SLUGS.get(kind, ""),
        "active_kind_label": KIND_LABELS.get(kind, ""),
        "active_topic": topic,
        "active_municipality": municipality,
    }
    if query:
        context.update(_search(request, query, kind, topic, municipality, topics, municipalities))
    title = _("Suche")
    if query.text:
        title = _("Suche nach „%(query)s“") % {"query": query.text[:60]}
    context["title"] = title
    return render(request, "search/results.html", context)


def _search(request, query, kind, topic, municipality, topics, municipalities) -> dict:
    filters = {
        "kinds": [kind] if kind else engine.KIND_ORDER,
        "municipality_id": municipality.pk if municipality else None,
        "topic_id": topic.pk if topic else None,
    }
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
                [(KIND_SLUGS[k], KIND_LABELS[k], k) for k in engine.KIND_ORDER],
                counts["kind"],
                KIND_SLUGS.get(kind, ""),
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
    for entry in context["kind_facet"]:
        entry["capped"] = KINDS[entry["slug"]] in found.more
    return context
