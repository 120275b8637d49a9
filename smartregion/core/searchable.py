"""What a content app tells the search about its content, without importing the search.

The search (``smartregion.search``) lies above the content apps, which must not import it. So
each content app describes what it puts into the index with ``register(Kind(...))`` from its
``AppConfig.ready()``, and the search reads ``kinds()``: the name of the kind in
``search_document.kind`` (the rows themselves are kept by the app's SQL functions, in
``<app>/sql/search_index.sql``), how results name it, which public objects a hit may show and
which of their fields are highlighted, the template of a hit, and the app's SQL functions that
(re)index objects and give their words to the vocabulary.

The other way round, a content app searches its own list (``/blog/?q=``) with ``within()``,
which the search provides from its ``ready()`` with ``provide_within()``.

The names of SQL functions are code of the registering app, never user input; ``Kind`` accepts
only plain lower-case identifiers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.core.paginator import Page
    from django.db.models import QuerySet

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
MAX_NAME = 10  # search_document.kind is a varchar(10)


@dataclass(frozen=True)
class Kind:
    name: str  # search_document.kind: "post"
    slug: str  # the value of the Art facet in URLs: ?art=beitrag
    label: str  # one of them, on a hit: „Beitrag“
    plural: str  # the Art facet's entry: „Beiträge“
    order: int  # kinds are searched in this order; hits of equal rank and date come in it
    # The objects a hit may show, with what its template needs; never more than is public, so
    # a stale index row shows nothing.
    public: Callable[[], QuerySet]
    title: str  # the field shown as the hit's title, every match marked
    excerpt: tuple[str, ...]  # plain-text fields for the excerpt around the matches …
    excerpt_html: tuple[str, ...]  # … followed by fields of sanitised HTML, in this order
    template: str  # a hit's kind, title and meta lines on /suche/; the object is ``obj``
    sync_function: str  # SQL f(ids bigint[]): (re)index these objects (``search_reindex``)
    # SQL f(ids bigint[], long_texts boolean) RETURNS SETOF text: one text per object, with the
    # long texts only when asked, for the vocabulary of „Meinten Sie …?“
    words_function: str

    def __post_init__(self) -> None:
        if not _IDENTIFIER.fullmatch(self.name) or len(self.name) > MAX_NAME:
            raise ValueError(f"kind name {self.name!r}: lower case, at most {MAX_NAME} letters")
        if not self.excerpt and not self.excerpt_html:
            raise ValueError(f"kind {self.name!r}: no field for the excerpt")
        for function in (self.sync_function, self.words_function):
            if not _IDENTIFIER.fullmatch(function):
                raise ValueError(f"SQL function {function!r}: a plain lower-case identifier")


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    """Make ``kind`` searchable (again: a second registration under a name replaces the first)."""
    _KINDS[kind.name] = kind


def kinds() -> list[Kind]:
    """The registered kinds in their order."""
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.name))


def get(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no searchable kind {name!r} is registered") from None


@dataclass(frozen=True)
class Found:
    """One page of the objects of a kind that match a search, best first."""

    text: str  # the query as searched (cleaned, at most 200 characters)
    objects: list  # the page's objects, with .title_html and .excerpt (matches marked)
    page_obj: Page
    page_range: list
    capped: bool  # more matches than were ranked: the count is a lower bound
    suggestion: str | None  # nothing found: the query in a spelling that finds something


_within: Callable[..., Found | None] | None = None


def provide_within(function: Callable[..., Found | None]) -> None:
    """Called by the search app's ``ready()``: the function behind ``within()``."""
    global _within
    _within = function


def within(
    kind: str, text: str | None, *, municipality_id=None, topic_id=None, page=None
) -> Found | None:
    """Page ``page`` of the public objects of ``kind`` matching ``text`` (as typed) within the
    filters, ranked by the search; None when ``text`` holds nothing to search for."""
    if _within is None:
        raise ImproperlyConfigured("No search is installed to provide searchable.within().")
    return _within(kind, text, municipality_id=municipality_id, topic_id=topic_id, page=page)
