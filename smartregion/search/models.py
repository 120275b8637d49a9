"""The search index: one row per public object of each registered kind, kept by the database.

Each content app owns the SQL that keeps its own rows (``<app>/sql/search_index.sql``, installed
by its migrations) and registers its kind (smartregion/core/searchable.py): triggers on its
tables insert, update and delete the rows of ``Document`` whenever the source rows change, in
the same transaction. Only content that is public (apart from time: a post's publication date, a
membership's end) has a row; the time-dependent part is checked at query time by
``DocumentQuerySet.visible()``.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchQueryField, SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The text search configuration made by the search's first migration: German stemming after
# unaccent, so that "Straße" and "Strasse", "Ärzte" and "Aerzte"… share their lexemes ("strass",
# "arzt").
CONFIG = "german_unaccent"


class DocumentQuerySet(models.QuerySet):
    def visible(self):
        """Rows public right now: a post from its publication time, a member until its end."""
        return self.filter(
            Q(visible_from__isnull=True) | Q(visible_from__lte=Now()),
            Q(visible_until__isnull=True) | Q(visible_until__gte=timezone.localdate()),
        )


class Document(models.Model):
    kind = models.CharField(max_length=10)  # a registered Kind's name: "post", "event" …
    object_id = models.BigIntegerField()
    # For recency: a post's publication, an event's start, a member's entry in the directory.
    date = models.DateTimeField()
    visible_from = models.DateTimeField(null=True)
    visible_until = models.DateField(null=True)
    municipality_id = models.BigIntegerField(null=True)
    topic_ids = ArrayField(models.BigIntegerField(), default=list)
    # Weighted: A title, B teaser, C body or description, D organisation, venue or organiser.
    vector = SearchVectorField()
    # The table has two more columns, for the relevance (sql/ranking.sql): title_vector and
    # lead_vector, the lexemes of the title and of title and teaser, generated from `vector` by
    # the database and kept in the row, with GIN indexes like the vector's (search migrations 0005,
    # 0006).
    # Only SQL
    # reads them; as model fields, Django's checks would need the database to be reachable.

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Suchindex-Eintrag")
        verbose_name_plural = _("Suchindex")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_object"),
        ]
        indexes = [
            # The filters before the words (btree_gin): one index scan finds the matches of a
            # kind within a municipality and a Themenfeld.
            GinIndex(
                fields=["kind", "municipality_id", "topic_ids", "vector"],
                name="search_document_vector",
            ),
            models.Index(fields=["kind", "-date", "-id"], name="search_document_kind_date"),
            models.Index(
                fields=["kind", "municipality_id", "-date", "-id"],
                name="search_document_kind_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class Word(models.Model):
    """The vocabulary of the public content, for „Meinten Sie …?“ (refreshed periodically)."""

    key = models.CharField(max_length=60, primary_key=True)  # lower(unaccent(word))
    word = models.CharField(max_length=60)  # its most frequent spelling, lower case
    documents = models.PositiveIntegerField()  # in how many public documents it occurs

    class Meta:
        verbose_name = _("Wort")
        verbose_name_plural = _("Wortschatz")
        indexes = [GinIndex(OpClass("key", name="gin_trgm_ops"), name="search_word_key_trgm")]

    def __str__(self) -> str:
        return self.word


class Synonym(models.Model):
    """Words people mean the same by: a search for one of them finds the others as well.

    The Redaktion keeps these groups in the admin. The database turns them into rules of
    PostgreSQL's query rewriting (``search_synonym_rule``, sql/synonyms.sql), which
    ``search_query()`` applies to every query: nothing in the index depends on them.
    """

    terms = models.TextField(
        _("Begriffe"),
        help_text=_(
            "Einer pro Zeile, mindestens zwei: Abkürzungen, Schreibweisen und zusammengesetzte "
            "Wörter, die dasselbe meinen, zum Beispiel „KI“ und „Künstliche Intelligenz“ oder "
            "„Onlineshop“ und „Online-Shop“."
        ),
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        ordering = ["terms"]
        verbose_name = _("Synonymgruppe")
        verbose_name_plural = _("Synonyme")

    def __str__(self) -> str:
        return " = ".join(self.term_list())

    def term_list(self) -> list[str]:
        """The terms, one per line, without blanks and repetitions (ignoring case)."""
        seen, terms = set(), []
        for line in self.terms.splitlines():
            term = " ".join(line.split())
            if term and term.casefold() not in seen:
                seen.add(term.casefold())
                terms.append(term)
        return terms


class SynonymRule(models.Model):
    """A rule of query rewriting made from a ``Synonym`` group by the database (never edited):
    wherever ``target`` occurs in a query, it is replaced by ``substitute`` (the target or the
    group's other terms)."""

    target = SearchQueryField()
    substitute = SearchQueryField()

    class Meta:
        db_table = "search_synonym_rule"
        verbose_name = _("Synonymregel")
        verbose_name_plural = _("Synonymregeln")

    def __str__(self) -> str:
        return f"{self.target} → {self.substitute}"
