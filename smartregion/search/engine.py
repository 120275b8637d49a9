"""Search over all the kinds that content apps register (smartregion/core/searchable.py).

1. ``candidates()``: one SQL statement. ``search_ranked()`` (sql/ranking.sql) finds, per kind,
   the best public matches by the search's relevance (at most ``CANDIDATES`` + 1): the level of
   the match (the query found in the title, in title and teaser, anywhere), newer first within a
   level. Exact over every match, at a cost that does not grow with the number of matches: it
   goes level by level and stops when it has enough. A static statement with bound parameters;
   the user's text reaches PostgreSQL only as a value.
2. Facet counts come from the candidates (drill-down: each count says how many of the current
   results a filter would keep). When a kind has more matches than candidates, its counts are
   lower bounds and shown with "+".
3. Only the rows of the page shown are loaded, through each kind's public queryset (so a stale
   index row could never show something that is not public), with highlighted excerpts.

The index holds the German texts and the English titles and teasers the Redaktion wrote
(``title_en``), so one search serves both languages. On English pages a hit shows the English
title and teaser where there is one; German text there is marked ``lang="de"``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, CharField, F, Func, Q, TextField, Value, When
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from smartregion.core import searchable
from smartregion.core.i18n import current_language, translated_expression
from smartregion.search.models import CONFIG
from smartregion.search.query import Query

CANDIDATES = 500  # the best of each kind, for the pages and the facet counts
PAGE_SIZE = 12

# ts_headline marks matches with two private-use characters; the text is escaped first and only
# then are they turned into <mark> tags, so nothing from the content is ever trusted as HTML.
MARK_START, MARK_END = "\ue000", "\ue001"

CANDIDATES_SQL = """
SELECT c.doc_kind, d.object_id, d.date, d.municipality_id, d.topic_ids, c.doc_level, d.id
  FROM (SELECT search_query(%s, %s) AS query) AS q
 CROSS JOIN LATERAL search_ranked(q.query, %s::text[], %s, %s, %s, %s) AS c
  LEFT JOIN search_document d ON d.id = c.doc_id
"""


@dataclass
class Hit:
    kind: str
    object_id: int
    date: datetime
    municipality_id: int | None
    topic_ids: list[int]
    level: int  # of relevance: 3 title, 2 title and teaser, 1 anywhere (sql/ranking.sql)
    doc_id: int  # the row of the index: the last tie-break, as in the database
    obj: object = None  # from the kind's public queryset, with .title_html and .excerpt
    template: str = ""  # the kind's template for a hit

    def relevance(self) -> tuple:
        """The order of the results, best first when sorted in reverse: the level, then newer
        (as ``search_ranked()`` and ``exhaustive()`` order them)."""
        return (self.level, self.date, self.doc_id)


@dataclass
class Candidates:
    hits: list[Hit]  # best first: level, then recency
    more: set[str] = field(default_factory=set)  # kinds with more matches than candidates

    @property
    def capped(self) -> bool:
        return bool(self.more)


def _ranked_rows(sql: str, query: Query, kinds, municipality_id, topic_id, limit) -> list:
    """The rows of CANDIDATES_SQL or EXHAUSTIVE_SQL, which take the same parameters."""
    params = [query.searched, query.variant, kinds, municipality_id, topic_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, timezone.localdate(), limit])
        return cursor.fetchall()


def candidates(
    query: Query, *, kinds: Iterable[str], municipality_id=None, topic_id=None
) -> Candidates:
    """The ranked candidates for ``query`` within the filters (one SQL statement)."""
    kinds = [str(kind) for kind in kinds]
    if not query or not kinds:
        return Candidates(hits=[])
    rows = _ranked_rows(CANDIDATES_SQL, query, kinds, municipality_id, topic_id, CANDIDATES + 1)
    per_kind: dict[str, list[Hit]] = {}
    more = set()
    for kind, object_id, date, municipality, topics, level, doc_id in rows:
        if object_id is None:  # search_level_index(): more matches than it could check
            more.add(kind)
            continue
        per_kind.setdefault(kind, []).append(
            Hit(kind, object_id, date, municipality, list(topics or []), level, doc_id)
        )
    hits = []
    for kind, kind_hits in per_kind.items():
        kind_hits.sort(key=Hit.relevance, reverse=True)
        if len(kind_hits) > CANDIDATES:
            more.add(kind)
            del kind_hits[CANDIDATES:]
        hits += kind_hits
    hits.sort(key=Hit.relevance, reverse=True)
    return Candidates(hits=hits, more=more)


EXHAUSTIVE_SQL = """
SELECT d.kind, d.object_id
  FROM (SELECT search_query(%s, %s) AS query) AS q
  JOIN search_document d ON d.vector @@ q.query
 WHERE d.kind = ANY(%s::text[])
   AND search_public(d.visible_from, d.visible_until, d.municipality_id, d.topic_ids,
                     %s::bigint, %s::bigint, %s)
 ORDER BY search_level(d.title_vector, d.lead_vector, q.query) DESC, d.date DESC, d.id DESC
 LIMIT %s
"""


def exhaustive(
    query: Query, *, kinds: Iterable[str], municipality_id=None, topic_id=None, limit: int = 10
) -> list[tuple[str, int]]:
    """The reference ranking: the best ``limit`` of *every* visible match by the same relevance
    as ``candidates()`` (the level, newer first within a level), as (kind, id), computed the
    plain way: every match read and sorted.

    Its cost grows with the matches: for checking the ranked search against (bench/search.py,
    the tests), never for a page.
    """
    kinds = [str(kind) for kind in kinds]
    if not query or not kinds:
        return []
    rows = _ranked_rows(EXHAUSTIVE_SQL, query, kinds, municipality_id, topic_id, limit)
    return [(kind, object_id) for kind, object_id in rows]


def facet_counts(result: Candidates) -> dict[str, Counter]:
    """How many candidates each kind, Themenfeld and municipality has."""
    kinds, topics, municipalities = Counter(), Counter(), Counter()
    for hit in result.hits:
        kinds[hit.kind] += 1
        topics.update(hit.topic_ids)
        if hit.municipality_id is not None:
            municipalities[hit.municipality_id] += 1
    return {"kind": kinds, "topic": topics, "municipality": municipalities}


def paginate(hits: list[Hit], number) -> tuple[Page, list]:
    paginator = Paginator(hits, PAGE_SIZE)
    page = paginator.get_page(number)
    return page, list(paginator.get_elided_page_range(page.number))


# --- the rows of a page ---------------------------------------------------------------------


def highlighted(raw: str | None) -> SafeString:
    """ts_headline output with our markers as escaped HTML with <mark> around the matches."""
    text = escape(raw or "")
    return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def _plain(expression) -> Func:
    """Text for ts_headline: HTML as plain text, without our two marker characters."""
    return Func(
        expression,
        Value(MARK_START + MARK_END),
        Value(""),
        function="translate",
        output_field=TextField(),
    )


def _headline(expression, query: Query, *, whole: bool = False) -> SearchHeadline:
    options = (
        {"highlight_all": True}
        if whole
        else {
            "max_words": 35,
            "min_words": 15,
            "short_word": 3,
            "max_fragments": 2,
            "fragment_delimiter": " … ",
        }
    )
    return SearchHeadline(
        _plain(expression),
        query.expression(),
        config=CONFIG,
        start_sel=MARK_START,
        stop_sel=MARK_END,
        **options,
    )


def _in_language(html: SafeString, language: str) -> SafeString:
    """``html`` marked with its language where that is not the page's (a German fallback on an
    English page), so screen readers speak it right."""
    if not html or language == current_language():
        return html
    return format_html('<span lang="{}">{}</span>', language, html)


def _html_text(field_name: str) -> Func:
    return Func(F(field_name), function="search_plain", output_field=TextField())


def _translation(model, field_name: str) -> str | None:
    """The name of the field holding ``field_name`` in the active language (``title_en``), None
    on German pages and for fields nobody translates."""
    language = current_language()
    if language == settings.LANGUAGE_CODE:
        return None
    try:
        return model._meta.get_field(f"{field_name}_{language}").name
    except FieldDoesNotExist:
        return None


def _text(model, field_name: str):
    """The field's text in the active language: the translation where one was written."""
    if _translation(model, field_name) is None:
        return F(field_name)
    return translated_expression(field_name)


def _language(model, field_names) -> Case | Value:
    """The active language where one of the fields has a translation, else German."""
    translated = [name for name in map(partial(_translation, model), field_names) if name]
    if not translated:
        return Value(settings.LANGUAGE_CODE, output_field=CharField())
    condition = Q()
    for name in translated:
        condition |= ~Q(**{name: ""})
    return Case(
        When(condition, then=Value(current_language())),
        default=Value(settings.LANGUAGE_CODE),
        output_field=CharField(),
    )


def _excerpt_text(kind: searchable.Kind, model):
    """The kind's excerpt fields as one text: the plain ones, then the HTML ones as plain text."""
    parts = [_text(model, name) for name in kind.excerpt]
    parts += [_html_text(name) for name in kind.excerpt_html]
    if len(parts) == 1:
        return parts[0]
    spaced = [parts[0]]
    for part in parts[1:]:
        spaced += [Value(" "), part]
    return Concat(*spaced, output_field=TextField())


def load(kind: searchable.Kind, ids: list[int], query: Query) -> dict[int, object]:
    """The public objects of ``kind`` among ``ids`` with their title and excerpt marked, through
    the app's own public queryset."""
    queryset = kind.public()
    model = queryset.model
    objects = queryset.filter(pk__in=ids).annotate(
        title_marked=_headline(_text(model, kind.title), query, whole=True),
        excerpt_marked=_headline(_excerpt_text(kind, model), query),
        title_lang=_language(model, [kind.title]),
        excerpt_lang=_language(model, kind.excerpt),
    )
    return {obj.pk: obj for obj in objects}


def attach_objects(hits: list[Hit], query: Query) -> list[Hit]:
    """Load the objects of ``hits`` (one query per kind shown); drop any that is not public."""
    by_kind: dict[str, list[int]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit.object_id)
    registered = {kind.name: kind for kind in searchable.kinds()}
    objects = {}
    for name, ids in by_kind.items():
        if name in registered:
            objects[name] = load(registered[name], ids, query)
    shown = []
    for hit in hits:
        obj = objects.get(hit.kind, {}).get(hit.object_id)
        if obj is None:
            continue
        obj.title_html = _in_language(highlighted(obj.title_marked), obj.title_lang)
        obj.excerpt = _in_language(highlighted(obj.excerpt_marked), obj.excerpt_lang)
        hit.obj = obj
        hit.template = registered[hit.kind].template
        shown.append(hit)
    return shown
