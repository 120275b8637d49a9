"""Fill the bench database with published blog posts, fast (bulk_create, one rendered body)."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

SLUG_PREFIX = "bench-"
SEED = 20201

BODY = """\
## Ausgangslage

Im Frühjahr standen wir vor einer Frage, die sich viele Betriebe in der Region gestellt haben:
Wie arbeiten wir weiter, wenn niemand ins Büro kommen kann? Unsere Abläufe hingen an Papier,
an Telefonlisten und an der Kaffeeküche, in der die wichtigsten Absprachen fielen.

## Unser Weg

Innerhalb von zwei Wochen haben wir **digitale Werkzeuge** eingeführt:

- eine gemeinsame Ablage für Angebote und Rechnungen,
- Videokonferenzen für die Montagsrunde,
- ein einfaches Ticketsystem für Anfragen unserer Kundschaft.

Wichtig war uns, dass alle mitkommen. Deshalb gab es kurze Schulungen in kleinen Gruppen und
eine Sprechstunde, in der jede Frage erlaubt war.

## Was bleibt

> Die Krise hat uns gezwungen, Dinge auszuprobieren, die wir sonst noch Jahre vor uns
> hergeschoben hätten.

Heute arbeiten wir hybrid. Mehr dazu auf [unserer Website](https://example.org/ideen) und im
Gespräch beim nächsten Netzwerktreffen.
"""

WORDS = (
    "Digitale Werkstatt Plattform Netzwerk Quartier Lieferdienst Sprechstunde Lernraum "
    "Bürgerservice Sensorik Energiespeicher Mobilitätsstation Marktplatz Fernwartung"
).split()


def cover_renditions(index: int) -> list[dict]:
    prefix = f"blog/bench/{index}"
    return [
        {
            "path": f"{prefix}/{width}.{ext}",
            "width": width,
            "height": width * 9 // 16,
            "format": fmt,
        }
        for fmt, ext in (("webp", "webp"), ("jpeg", "jpg"))
        for width in (480, 960, 1600)
    ]


def published_count() -> int:
    from blog.models import Post

    return Post.objects.published().count()


def fill_posts(target: int) -> int:
    """Make sure at least ``target`` published posts exist; return how many were created."""
    from blog.models import Post
    from smartregion.core.markup import render_markdown
    from smartregion.core.models import Municipality, Topic

    if published_count() >= target:
        return 0
    rng = random.Random(SEED)
    municipalities = list(Municipality.objects.all())
    topics = list(Topic.objects.all())
    if not municipalities or not topics:
        raise RuntimeError("no municipalities or topics: has the database been migrated?")
    body_html = str(render_markdown(BODY))
    now = timezone.now()
    with transaction.atomic():
        # A fresh, reproducible set: earlier bench posts go, other content stays.
        Post.objects.filter(slug__startswith=SLUG_PREFIX).delete()
        missing = target - published_count()
        posts = []
        for i in range(missing):
            # Spread over about three years, newest first; never in the future.
            published_at = now - timedelta(minutes=10 + i * 157 + rng.randrange(60))
            word, other = rng.sample(WORDS, 2)
            posts.append(
                Post(
                    title=f"{word} und {other}: Idee {i + 1}",
                    slug=f"{SLUG_PREFIX}{i + 1:05d}",
                    teaser=(
                        f"Wie ein Betrieb aus der Region mit {word} und {other} "
                        "durch die Krise kam, und was davon bleibt."
                    ),
                    body=BODY,
                    body_html=body_html,
                    organisation_name=f"Musterbetrieb {i % 700 + 1} GmbH",
                    municipality=rng.choice(municipalities),
                    cover_alt="Ein Team am Besprechungstisch",
                    cover_renditions=cover_renditions(i + 1),
                    author_name="Erika Mustermann",
                    author_email=f"autorin{i + 1}@example.org",
                    consent_at=published_at - timedelta(days=2),
                    status=Post.Status.PUBLISHED,
                    created_at=published_at - timedelta(days=2),
                    confirmed_at=published_at - timedelta(days=1),
                    published_at=published_at,
                )
            )
        created = Post.objects.bulk_create(posts, batch_size=1000)
        through = Post.topics.through
        links = [
            through(post_id=post.pk, topic_id=topic.pk)
            for post in created
            for topic in rng.sample(topics, rng.randint(1, 3))
        ]
        through.objects.bulk_create(links, batch_size=5000)
    return len(created)
