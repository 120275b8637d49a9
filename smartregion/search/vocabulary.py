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

from smartregion.core import searchable
from smartregion.search.models import Word
from smartregion.search.query import words

MIN_LENGTH, MAX_LENGTH = 4, 40
MAX_CORRECTED_WORDS = 4
RARER = 3

# Each public document's distinct words (unstemmed, lower case: the 'simple' configuration), one
# kind at a time; the kind's words function (its app's SQL, smartregion/core/searchable.py) gives
# the text of each document. Titles, teasers and names of all of them; the long texts of the
# newest FULL_TEXTS per kind only, since parsing text is what costs (some 0.15 ms for a post):
# the long texts' share of a rebuild does not grow with the content (100,000 posts: about 5 s on
# the 2-CPU development machine). The function's name is the registering app's code (an
# identifier checked by Kind), never user input.
_WORDS_SQL = """
WITH public AS MATERIALIZED (
    SELECT d.object_id, row_number() OVER (ORDER BY d.date DESC, d.id DESC) <= %s AS long_texts
      FROM search_document d
     WHERE d.kind = %s
       AND (d.visible_from IS NULL OR d.visible_from <= now())
       AND (d.visible_until IS NULL OR d.visible_until >= %s)
)
SELECT w.word, count(*)
  FROM (SELECT t FROM {words}(ARRAY(SELECT object_id FROM public WHERE long_texts), true) AS t
        UNION ALL
        SELECT t FROM {words}(ARRAY(SELECT object_id FROM public WHERE NOT long_texts), false) AS t
       ) AS texts(text)
 CROSS JOIN LATERAL unnest(tsvector_to_array(to_tsvector('simple', texts.text))) AS w(word)
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
    counts: Counter = Counter()
    spellings: dict[str, Counter] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # A background task: it may take longer than the site's statement timeout.
        cursor.execute("SET LOCAL statement_timeout = 0")
        for kind in searchable.kinds():
            statement = _WORDS_SQL.format(words=connection.ops.quote_name(kind.words_function))
            params = [FULL_TEXTS, kind.name, timezone.localdate(), MIN_LENGTH, MAX_LENGTH]
            cursor.execute(statement, params)
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
