"""„Ähnliche Beispiele“: the published posts most like a given one, in one query.

Similarity, computed in the database, adds up three signals:

- shared Themenfelder: the share of this post's Themenfelder the other one has (``TOPICS``);
- the place: the same municipality, or one of its neighbours as the Redaktion keeps them in the
  admin (``Municipality.neighbours``; the Kreis and the region count as neighbours of their
  cities) (``PLACE``, half for a neighbour);
- the text: pg_trgm's trigram similarity of title and teaser (0 to 1, ``TEXT``).

Only a bounded set of candidates is scored, so the cost does not grow with the blog: the newest
posts sharing a Themenfeld in the same or a neighbouring municipality, the newest sharing a
Themenfeld anywhere, the newest from the same municipality and the newest of all, each found
along the index of publication dates. Ties go to the newer post. The post itself is never among them, and each post
comes once. (A nearest-first walk of a GiST trigram index over all posts was tried: at 100,000
generated posts it read the whole index, 150 ms, for every post page.)
"""

from __future__ import annotations

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, Greatest

from blog.models import Post
from smartregion.core.models import Municipality

SHOWN = 5  # at most …
ALWAYS = 3  # … at least these many (where the blog has them), the others only when
WORTH_SHOWING = 0.4  # … they score this much: a shared Themenfeld and a little more
TOPICS = 0.5
PLACE = 0.3
TEXT = 1.0
# How many candidates each way brings; the best SHOWN of their union are shown.
NEWEST_NEARBY = 100
NEWEST_ANYWHERE = 100
NEWEST_SAME_PLACE = 20
NEWEST = 10  # so that every post has three, however alone it stands


def similar_posts(post: Post) -> list[Post]:
    """The three to five published posts most like ``post``, best first, as cards (one query):
    three in any case, a fourth and fifth only when they are worth showing."""
    ranked = list(ranking(post)[:SHOWN])
    return ranked[:ALWAYS] + [
        other for other in ranked[ALWAYS:] if other.similarity >= WORTH_SHOWING
    ]


def ranking(post: Post) -> QuerySet:
    """The candidates like ``post`` as cards, best first, with their ``similarity``."""
    topic_links = Post.topics.through.objects
    own_topics = topic_links.filter(post_id=post.pk).values("topic_id")
    nearby = Municipality.neighbours.through.objects.filter(
        from_municipality_id=post.municipality_id
    ).values("to_municipality_id")
    text = f"{post.title} {post.teaser}"
    other_text = Concat("title", Value(" "), "teaser")

    others = Post.objects.published().exclude(pk=post.pk)
    shares_topic = Exists(topic_links.filter(post_id=OuterRef("pk"), topic_id__in=own_topics))
    by_date = ("-published_at", "-pk")
    candidates = (
        others.filter(shares_topic)
        .filter(Q(municipality_id=post.municipality_id) | Q(municipality_id__in=nearby))
        .order_by(*by_date)
        .values("pk")[:NEWEST_NEARBY]
    ).union(
        others.filter(shares_topic).order_by(*by_date).values("pk")[:NEWEST_ANYWHERE],
        others.filter(municipality_id=post.municipality_id)
        .order_by(*by_date)
        .values("pk")[:NEWEST_SAME_PLACE],
        others.order_by(*by_date).values("pk")[:NEWEST],
    )

    shared = Subquery(
        topic_links.filter(post_id=OuterRef("pk"), topic_id__in=own_topics)
        .values("post_id")
        .annotate(n=Count("*"))
        .values("n"),
        output_field=FloatField(),
    )
    own_count = Subquery(
        topic_links.filter(post_id=post.pk).values("post_id").annotate(n=Count("*")).values("n"),
        output_field=FloatField(),
    )
    place = Case(
        When(municipality_id=post.municipality_id, then=Value(1.0)),
        When(municipality_id__in=nearby, then=Value(0.5)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    score = (
        Value(TOPICS) * Coalesce(shared, Value(0.0)) / Greatest(Coalesce(own_count, 0.0), 1.0)
        + Value(PLACE) * place
        + Value(TEXT) * Cast(TrigramSimilarity(other_text, text), FloatField())
    )
    return (
        Post.objects.published()
        .for_cards()
        .filter(pk__in=candidates)
        .annotate(similarity=score)
        .order_by(F("similarity").desc(), "-published_at", "-pk")
    )
