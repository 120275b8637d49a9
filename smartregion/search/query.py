"""What people type into the search box, made safe and understood the way they meant it.

The text is never parsed as tsquery syntax: PostgreSQL's ``websearch_to_tsquery`` reads it as a
search engine would ("quoted phrases", ``-exclusion``, ``OR``) and ignores everything else, so
``& | ! : * ( ) ' " \\`` alone or in any mix cannot cause an error. Here we only cut the text to a
sensible length, drop characters PostgreSQL cannot store (NUL) or nobody types (control
characters), and add a spelling variant for "ae/oe/ue" written for "ä/ö/ü".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQueryField
from django.db.models import Func, Value

from smartregion.core.i18n import current_language

MAX_LENGTH = 200

_DIGRAPHS = {"ae": "ä", "oe": "ö", "ue": "ü", "Ae": "Ä", "Oe": "Ö", "Ue": "Ü", "AE": "Ä", "OE": "Ö"}
# "ue" after "q" (Quelle) or a vowel (Feuer, Bauer) is no "ü"; "ae"/"oe" after a vowel neither.
_DIGRAPH = re.compile(r"(?<![aeiouäöüqAEIOUÄÖÜQ])(ae|oe|ue|Ae|Oe|Ue|AE|OE)")
# A term of the websearch syntax: an optional "-", then a quoted phrase or a bare word.
_TERM = re.compile(r'(-?)("[^"]*"?|[^\s"]+)')
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def clean(raw: str | None) -> str:
    """The query as searched: printable, single spaces, at most MAX_LENGTH characters."""
    text = "".join(
        ch if unicodedata.category(ch) not in {"Cc", "Cs", "Co"} else " " for ch in raw or ""
    )
    text = " ".join(text.split())
    if len(text) > MAX_LENGTH:
        cut = text[:MAX_LENGTH]
        # Do not leave half a word at the end, unless the "word" is all there is.
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return text


def spelling_variant(text: str) -> str | None:
    """ "Muenster" also as "Münster", "Aerzte" as "Ärzte"; None when nothing would change.

    Only terms that are searched for get the variant; an excluded term (-Muenster) keeps its
    spelling, so the variant never lets through what the original query excludes.
    """
    changed = False

    def replace(match: re.Match) -> str:
        nonlocal changed
        minus, term = match.groups()
        if minus:
            return match.group(0)
        variant = _DIGRAPH.sub(lambda m: _DIGRAPHS[m.group(1)], term)
        changed = changed or variant != term
        return minus + variant

    variant = _TERM.sub(replace, text)
    return variant if changed else None


# English words nobody searches for. The index is German-configured, where these are no stop
# words: "city of the future" would ask for "of" and "the" and find nothing. Typed on the English
# pages, they are left out (not in quoted phrases, where they are part of the words' order).
ENGLISH_STOP_WORDS = frozenset(
    "a about an and are as at be by can do does for from how i in into is it its my of on our "
    "that the their this to was we what when where which who why with you your".split()
)


def without_english_stop_words(text: str) -> str:
    """``text`` without bare English stop words; unchanged if nothing else would be left."""
    kept = [
        match.group(0)
        for match in _TERM.finditer(text)
        if match.group(1) or match.group(2).lower() not in ENGLISH_STOP_WORDS
    ]
    return " ".join(kept) if kept else text


def words(text: str) -> list[str]:
    """The searched words (not the excluded ones, not OR), for „Meinten Sie …?“."""
    found = []
    for minus, term in _TERM.findall(text):
        if minus or term.upper() == "OR":
            continue
        found += _WORD.findall(term)
    return found


@dataclass(frozen=True)
class Query:
    """A cleaned query and the SQL expression for it (search_query() of sql/search_functions.sql)."""

    text: str

    @property
    def searched(self) -> str:
        """The text given to PostgreSQL: on English pages without English stop words."""
        if current_language() == "en":
            return without_english_stop_words(self.text)
        return self.text

    @property
    def variant(self) -> str | None:
        return spelling_variant(self.searched)

    def expression(self) -> Func:
        return Func(
            Value(self.searched),
            Value(self.variant),
            function="search_query",
            output_field=SearchQueryField(),
        )

    def __bool__(self) -> bool:
        return bool(self.text)
