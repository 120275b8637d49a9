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
from django.contrib.postgres.search import SearchVectorField
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

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Suchindex-Eintrag")
        verbose_name_plural = _("Suchindex")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_object"),
        ]
        indexes = [
            GinIndex(fields=["vector"], name="search_document_vector"),
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
