"""The words of the public content, for „Meinten Sie …?“ when a search finds little.

``refresh()`` rebuilds the ``Word`` table from the documents in the search index that are
public right now (so no word from a pending post, a draft event or a revoked member is ever
suggested). ``manage.py housekeeping`` runs it as a periodic task, which skips the work when
the index has not changed since the last build. ``correction()`` finds the closest known word
for each unknown word of a query with pg_trgm (trigram similarity, GIN index on the key).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.utils import timezone

from smartregion.search.models import Word
from smartregion.search.query import words

MIN_LENGTH, MAX_LENGTH = 4, 40
MAX_CORRECTED_WORDS = 4
RARER = 3

# Each public document's distinct words (unstemmed, lower case: the 'simple' configuration).
# Titles, teasers and names of all of them; the long texts of the newest FULL_TEXTS per kind
# only, so that a rebuild takes about a second however much content there is (parsing text is
# what costs, some 0.15 ms for a post).
_WORDS_SQL = """
WITH public AS (
    SELECT d.kind, d.object_id,
           row_number() OVER (PARTITION BY d.kind ORDER BY d.date DESC, d.id DESC) <= %s AS full
      FROM search_document d
     WHERE (d.visible_from IS NULL OR d.visible_from <= now())
       AND (d.visible_until IS NULL OR d.visible_until >= %s)
)
SELECT w.word, count(*)
  FROM public d
  LEFT JOIN blog_post p ON d.kind = 'post' AND p.id = d.object_id
  LEFT JOIN members_organisation o ON d.kind = 'member' AND o.id = d.object_id
  LEFT JOIN events_event e ON d.kind = 'event' AND e.id = d.object_id
 CROSS JOIN LATERAL unnest(tsvector_to_array(to_tsvector('simple', concat_ws(' ',
       p.title, p.teaser, p.organisation_name, o.name, e.title, e.teaser, e.venue_name,
       CASE WHEN d.full THEN search_plain(p.body_html) END,
       CASE WHEN d.full THEN search_plain(o.description_html) END,
       CASE WHEN d.full THEN search_plain(e.description_html) END)))) AS w(word)
 WHERE char_length(w.word) BETWEEN %s AND %s
 GROUP BY w.word
"""
FULL_TEXTS = 10_000


def fold(word: str) -> str:
    """Lower case without accents, ß as ss: "Straße" and "Strasse" give the same key."""
    word = word.lower().replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def refresh() -> int:
    """Rebuild the vocabulary; returns the number of words."""
    params = [FULL_TEXTS, timezone.localdate(), MIN_LENGTH, MAX_LENGTH]
    counts: Counter = Counter()
    spellings: dict[str, Counter] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # A background task: it may take longer than the site's statement timeout.
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute(_WORDS_SQL, params)
        for word, documents in cursor.fetchall():
            # Letters only (no numbers, addresses, hyphenated compounds); lower case
            # here, since the database may run in the C locale.
            if not word.isalpha():
                continue
            word, key = word.lower(), fold(word)
            counts[key] += documents
            spellings.setdefault(key, Counter())[word] += documents
    rows = [
        Word(key=key, word=spellings[key].most_common(1)[0][0], documents=documents)
        for key, documents in counts.items()
    ]
    with transaction.atomic():
        Word.objects.all().delete()
        Word.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _like(original: str, word: str) -> str:
    """``word`` in the case of what was typed: "Digitalisirung" -> "Digitalisierung"."""
    if original.isupper() and len(original) > 1:
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def correction(text: str) -> str | None:
    """``text`` with unknown or rare words replaced by a similar, more common word; None if
    nothing would change. A known word is replaced only by one at least ``RARER`` times as
    frequent (a typo in a post must not hide the right spelling)."""
    typed = [w for w in dict.fromkeys(words(text)) if MIN_LENGTH <= len(w) <= MAX_LENGTH]
    if not typed:
        return None
    frequency = dict(
        Word.objects.filter(key__in=[fold(w) for w in typed]).values_list("key", "documents")
    )
    corrected = text
    for original in typed[:MAX_CORRECTED_WORDS]:
        key = fold(original)
        known = frequency.get(key, 0)
        best = (
            Word.objects.filter(key__trigram_similar=key, documents__gte=known * RARER + 1)
            .exclude(key=key)
            .annotate(similarity=TrigramSimilarity("key", key))
            .order_by("-similarity", "-documents", "key")
            .first()
        )
        if best is not None:
            corrected = re.sub(
                rf"(?<!\w){re.escape(original)}(?!\w)",
                _like(original, best.word),
                corrected,
                count=1,
            )
    return corrected if corrected != text else None
