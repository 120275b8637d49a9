"""Fill a bench database with a whole portal's content, fast (bulk_create, no mails, no tasks).

    fill_portal()   # idempotent: each kind of content is added only when it is missing

On top of the demo content (``seed_demo``: the founding members, demo posts and events with their
images, a sent newsletter, the staff pages and the pages in Leichte Sprache that migrations seed):

* 10,000 published blog posts of realistic German text (``corpus.generate_posts``, so a search
  for "Digitalisierung" finds what it would find on the real site), each with a cover (its
  renditions' names; the files themselves are not needed to render a page);
* 300 member organisations with a valid membership, 30 of them ambassadors, some founding;
* 300 events over two years, about a third of them upcoming, with registrations (places,
  waitlists) and some cancelled;
* 30 sent newsletter issues in the archive, each with its posts and events;
* three published videos in Gebärdensprache.

Everything added here is recognisable by its slug (``bench-``), subject (``Netzwerk-News``) or
title (``Bench:``), so it is counted, never duplicated.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

POSTS = 10_000
ORGANISATIONS = 300
AMBASSADOR_EVERY = 10
FOUNDING_EVERY = 25
EVENTS = 300
UPCOMING_SHARE = 3  # every third event is upcoming
CAMPAIGNS = 30
VIDEOS = 3
SEED = 4711
SLUG_PREFIX = "bench-"
CAMPAIGN_PREFIX = "Netzwerk-News"
VIDEO_PREFIX = "Bench:"

ORG_DESCRIPTION = """\
{name} arbeitet seit {years} Jahren in {city} und setzt dort auf {tool}.

## Unsere digitale Arbeit

- {tool_title} für die Zusammenarbeit im Team
- Beratung für Betriebe aus der Region, die ähnliche Schritte planen
- Austausch im Netzwerk bei den Digi-Meetups

Wir teilen unsere Erfahrungen gern: Sprechen Sie uns an, am besten beim nächsten
Netzwerkabend oder über [unsere Website]({website}).
"""

EVENT_KINDS = [
    ("Digi-Meetup", "Kurze Vorträge aus der Praxis, danach Zeit für Gespräche."),
    ("Netzwerkabend", "Mitglieder stellen Projekte vor; Imbiss und Austausch."),
    ("Workshop", "Drei Stunden Praxis in kleinen Gruppen, mit eigenen Fragen."),
    ("Vortrag", "Ein Impuls mit anschließender Diskussion."),
    ("Sprechstunde", "Fragen zur Förderung und zu ersten Schritten, ohne Anmeldung vor Ort."),
]
EVENT_SUBJECTS = [
    "Künstliche Intelligenz im Mittelstand",
    "Die E-Rechnung kommt",
    "Förderprogramme für die Digitalisierung",
    "IT-Sicherheit für kleine Betriebe",
    "Digitale Verwaltung zum Anfassen",
    "Energiemonitoring in der Praxis",
    "Onlineshop oder Marktplatz?",
    "Telemedizin in der Region",
    "Digitale Bildung an Berufskollegs",
    "Open Data der Kommunen",
    "Smart Building im Bestand",
    "Mobilität im Quartier",
]
EVENT_DESCRIPTION = """\
## Worum es geht

{subject}: {kind_text} Wir zeigen Beispiele aus {city} und der ganzen Emscher-Lippe-Region und
sprechen darüber, was kleine und mittlere Unternehmen daraus lernen können.

## Ablauf

- Begrüßung und kurze Vorstellungsrunde
- Zwei Beispiele aus der Praxis
- Fragen, Austausch und Ausblick

Die Teilnahme ist kostenlos. Bitte melden Sie sich an, damit wir planen können.
"""
CAMPAIGN_BODY = """\
Liebe Leserinnen und Leser,

im {month} ist im Netzwerk viel passiert: neue Mitglieder aus Handwerk, Handel und den
Hochschulen, volle Digi-Meetups und Beiträge aus {city} und {other_city}.

## Aus dem Netzwerk

- Neue Mitglieder stellen sich im Verzeichnis vor
- Der nächste Netzwerkabend dreht sich um *{subject}*
- [Alle Termine im Überblick](/veranstaltungen/)

Ihre Redaktion der SMART REGION Emscher-Lippe
"""
MONTHS = (
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
)
FIRST_NAMES = "Anna Ben Clara Deniz Elif Finn Greta Hakan Ida Jonas Katrin Lars Mia Nils".split()
LAST_NAMES = "Becker Celik Dreier Esser Fischer Grewe Hoffmann Kaya Lenz Nowak Schulte".split()


def renditions(prefix: str, widths=(480, 960, 1600), ratio=(16, 9)) -> list[dict]:
    """Names and sizes of an image's renditions, as the upload code records them."""
    return [
        {
            "path": f"{prefix}/{width}.{ext}",
            "width": width,
            "height": width * ratio[1] // ratio[0],
            "format": fmt,
        }
        for fmt, ext in (("webp", "webp"), ("jpeg", "jpg"))
        for width in widths
    ]


def fill_portal(progress=print) -> dict[str, int]:
    """Add whatever is missing; returns how many of each were added (0 when already there)."""
    added = {
        "posts": fill_posts(POSTS, progress=progress),
        "organisations": fill_organisations(ORGANISATIONS),
        "events": fill_events(EVENTS),
        "campaigns": fill_campaigns(CAMPAIGNS),
        "videos": fill_videos(VIDEOS),
    }
    return added


# --- posts ------------------------------------------------------------------------------------


def fill_posts(target: int, progress=print) -> int:
    """``target`` generated posts (realistic German text, search hits), each with a cover."""
    from bench.support.corpus import SLUG_PREFIX as GENERATED
    from bench.support.corpus import generate_posts, generated_count

    missing = target - generated_count()
    if missing > 0:
        generate_posts(missing, seed=1, progress=lambda done: None)
        progress(f"  {missing:,} posts written")
    # The corpus writes posts without a cover; most posts on the site have one.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE blog_post
               SET cover_renditions = (
                       SELECT jsonb_agg(jsonb_build_object(
                                  'path', format('blog/bench/%%s/%%s.%%s', blog_post.id, w, ext),
                                  'width', w, 'height', w * 9 / 16, 'format', fmt))
                         FROM (VALUES ('webp', 'webp', 480), ('webp', 'webp', 960),
                                      ('webp', 'webp', 1600), ('jpeg', 'jpg', 480),
                                      ('jpeg', 'jpg', 960), ('jpeg', 'jpg', 1600)) AS r(fmt, ext, w))
             WHERE slug LIKE %s AND cover_renditions = '[]'::jsonb
            """,
            [GENERATED + "%"],
        )
    return max(missing, 0)


# --- members ----------------------------------------------------------------------------------


def fill_organisations(target: int) -> int:
    from bench.support.corpus import LEGAL, PREFIXES, TOOLS, TRADES
    from members.models import Membership, Organisation, OrganisationKind
    from smartregion.core.markup import render_markdown
    from smartregion.core.models import Municipality, Topic
    from smartregion.core.text import german_slugify

    existing = Organisation.objects.filter(slug__startswith=SLUG_PREFIX).count()
    if existing >= target:
        return 0
    rng = random.Random(SEED)
    municipalities = list(Municipality.objects.order_by("pk"))
    topics = list(Topic.objects.order_by("pk"))
    kinds = list(OrganisationKind.values)
    today = timezone.localdate()
    with transaction.atomic():
        Organisation.objects.filter(slug__startswith=SLUG_PREFIX).delete()
        organisations, links, memberships = [], [], []
        taken = {name.lower() for name in Organisation.objects.values_list("name", flat=True)}
        names = (
            (prefix, trade, f"{prefix} {trade} {LEGAL[n % len(LEGAL)]}")
            for n, (trade, prefix) in enumerate(
                (trade, prefix) for trade in TRADES for prefix in PREFIXES
            )
        )
        names = (entry for entry in names if entry[2].lower() not in taken)
        for i in range(target):
            prefix, trade, name = next(names)
            city = rng.choice(municipalities)
            tool, _dative, tool_title, _topics = rng.choice(TOOLS)
            website = f"https://www.{german_slugify(prefix + '-' + trade)}.example"
            description = ORG_DESCRIPTION.format(
                name=name, years=rng.randint(2, 40), city=city.name, tool=tool,
                tool_title=tool_title, website=website,
            )  # fmt: skip
            ambassador = i % AMBASSADOR_EVERY == 0
            organisations.append(
                Organisation(
                    name=name,
                    slug=f"{SLUG_PREFIX}{german_slugify(name, max_length=150)}-{i}",
                    kind=kinds[i % len(kinds)],
                    municipality=city,
                    address=f"Musterstraße {i % 90 + 1}\n45{i % 900 + 100:03d} {city.name}",
                    website=website,
                    description=description,
                    description_html=str(render_markdown(description)),
                    logo_renditions=renditions(f"logos/bench/{i}", (160, 320), (1, 1)),
                    contact_person=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    is_founding=i % FOUNDING_EVERY == 0,
                    is_ambassador=ambassador,
                    ambassador_statement=(
                        f"Als {name} zeigen wir gern, was Digitalisierung im Alltag bringt."
                        if ambassador
                        else ""
                    ),
                )
            )
        created = Organisation.objects.bulk_create(organisations)
        for i, organisation in enumerate(created):
            for topic in rng.sample(topics, rng.randint(1, 3)):
                links.append(
                    Organisation.topics.through(organisation_id=organisation.pk, topic_id=topic.pk)
                )
            since = today - timedelta(days=30 + (i * 37) % 2500)
            founding = organisation.is_founding
            memberships.append(
                Membership(
                    organisation=organisation,
                    number=f"SR-{since.year}-{5000 + i:04d}",
                    status=Membership.Status.ACTIVE,
                    member_since=since,
                    valid_from=date(today.year, 1, 1),
                    valid_until=None if founding else date(today.year + 1, 12, 31),
                )
            )
        Organisation.topics.through.objects.bulk_create(links)
        Membership.objects.bulk_create(memberships)
    return len(created)


# --- events -----------------------------------------------------------------------------------


def fill_events(target: int) -> int:
    from events.models import Event, Registration
    from members.models import Organisation
    from smartregion.core.markup import render_markdown
    from smartregion.core.models import Municipality, Topic

    existing = Event.objects.filter(slug__startswith=SLUG_PREFIX).count()
    if existing >= target:
        return 0
    rng = random.Random(SEED + 1)
    municipalities = list(Municipality.objects.order_by("pk"))
    topics = list(Topic.objects.order_by("pk"))
    organisers = list(Organisation.objects.filter(slug__startswith=SLUG_PREFIX).order_by("pk"))
    today = timezone.localdate()
    now = timezone.now()
    upcoming = target // UPCOMING_SHARE
    with transaction.atomic():
        Event.objects.filter(slug__startswith=SLUG_PREFIX).delete()
        events = []
        for i in range(target):
            # The upcoming ones every few days over the next eight months, the past ones over
            # the last sixteen.
            if i < upcoming:
                day = today + timedelta(days=1 + i * 240 // upcoming)
            else:
                day = today - timedelta(days=1 + (i - upcoming) * 480 // (target - upcoming))
            kind, kind_text = EVENT_KINDS[i % len(EVENT_KINDS)]
            subject = EVENT_SUBJECTS[(i // len(EVENT_KINDS)) % len(EVENT_SUBJECTS)]
            city = rng.choice(municipalities)
            starts_at = timezone.make_aware(datetime.combine(day, time(17 + i % 3, 0)))
            fmt = (Event.Format.ONSITE, Event.Format.ONLINE, Event.Format.HYBRID)[i % 3]
            capacity = (None, 30, 60, 120)[i % 4]
            description = EVENT_DESCRIPTION.format(
                subject=subject, kind_text=kind_text, city=city.name
            )
            events.append(
                Event(
                    title=f"{kind}: {subject}",
                    slug=f"{SLUG_PREFIX}{i:04d}-{kind.lower()}-{city.slug}",
                    teaser=f"{kind} in {city.name}: {subject}. {kind_text}",
                    description=description,
                    description_html=str(render_markdown(description)),
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=2 + i % 2),
                    registration_deadline=(
                        starts_at - timedelta(days=2) if capacity and i % 2 else None
                    ),
                    capacity=capacity,
                    format=fmt,
                    venue_name="" if fmt == Event.Format.ONLINE else f"Wissenspark {city.name}",
                    address=(
                        ""
                        if fmt == Event.Format.ONLINE
                        else f"Munscheidstraße {i % 40 + 1}\n45{i % 900 + 100:03d} {city.name}"
                    ),
                    online_url=(
                        "" if fmt == Event.Format.ONSITE else f"https://meet.example/bench-{i}"
                    ),
                    organiser=organisers[i % len(organisers)] if organisers and i % 3 else None,
                    municipality=city,
                    image_alt="Menschen im Gespräch an Stehtischen",
                    image_renditions=renditions(f"events/bench/{i}"),
                    status=Event.Status.CANCELLED if i % 37 == 5 else Event.Status.PUBLISHED,
                    cancellation_note="Die Veranstaltung fällt leider aus." if i % 37 == 5 else "",
                    created_at=min(now, starts_at) - timedelta(days=30),
                )
            )
        created = Event.objects.bulk_create(events)
        links, registrations = [], []
        for i, event in enumerate(created):
            for topic in rng.sample(topics, rng.randint(1, 2)):
                links.append(Event.topics.through(event_id=event.pk, topic_id=topic.pk))
            registrations += _registrations(event, i, rng, now)
        Event.topics.through.objects.bulk_create(links)
        Registration.objects.bulk_create(registrations, batch_size=2000)
    return len(created)


def _registrations(event, index: int, rng: random.Random, now) -> list:
    """Confirmed registrations (numbered places when the event has a capacity), a waitlist
    when it is full, and a few unconfirmed ones for upcoming events."""
    from events.models import Registration

    R = Registration.Status
    created = min(now, event.starts_at) - timedelta(days=10)
    wanted = rng.randint(5, 150)
    confirmed = min(wanted, event.capacity) if event.capacity else wanted
    waitlisted = min(wanted - confirmed, 15)
    rows = []

    def person(n: int) -> dict:
        return {
            "name": f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n % len(LAST_NAMES)]}",
            "email": f"teilnehmer{n}-{index}@bench.example.org",
            "organisation": "Beispiel GmbH" if n % 3 == 0 else "",
            "consent_at": created,
            "created_at": created,
        }

    for n in range(confirmed):
        rows.append(
            Registration(
                event=event,
                status=R.CONFIRMED,
                place=n + 1 if event.capacity else None,
                confirmed_at=created,
                reminded_at=created if event.ends_at < now else None,
                **person(n),
            )
        )
    for n in range(confirmed, confirmed + waitlisted):
        rows.append(
            Registration(
                event=event,
                status=R.WAITLISTED,
                confirmed_at=created,
                waitlisted_at=created + timedelta(minutes=n),
                **person(n),
            )
        )
    if event.ends_at >= now:
        n = confirmed + waitlisted
        rows += [Registration(event=event, status=R.PENDING, **person(n + k)) for k in range(2)]
    return rows


# --- newsletter -------------------------------------------------------------------------------


def fill_campaigns(target: int) -> int:
    from blog.models import Post
    from events.models import Event
    from newsletter.models import Campaign
    from smartregion.core.markup import render_markdown
    from smartregion.core.models import Municipality

    existing = Campaign.objects.filter(subject__startswith=CAMPAIGN_PREFIX).count()
    if existing >= target:
        return 0
    rng = random.Random(SEED + 2)
    cities = list(Municipality.objects.values_list("name", flat=True))
    now = timezone.now()
    with transaction.atomic():
        Campaign.objects.filter(subject__startswith=CAMPAIGN_PREFIX).delete()
        campaigns = []
        for i in range(target):
            sent_at = now - timedelta(days=20 + 30 * i)
            local = timezone.localtime(sent_at)
            month = MONTHS[local.month - 1]
            body = CAMPAIGN_BODY.format(
                month=month, city=rng.choice(cities), other_city=rng.choice(cities),
                subject=rng.choice(EVENT_SUBJECTS),
            )  # fmt: skip
            campaigns.append(
                Campaign(
                    subject=f"{CAMPAIGN_PREFIX} {month} {local.year}",
                    preheader="Neue Mitglieder, Beiträge aus dem Blog und die nächsten Termine",
                    body=body,
                    body_html=str(render_markdown(body)),
                    status=Campaign.Status.SENT,
                    total_count=1800 + 20 * (target - i),
                    sent_count=1800 + 20 * (target - i),
                    created_at=sent_at - timedelta(days=2),
                    started_at=sent_at,
                    progress_at=sent_at,
                    sent_at=sent_at,
                )
            )
        created = Campaign.objects.bulk_create(campaigns)
        post_links, event_links = [], []
        for campaign in created:
            posts = (
                Post.objects.published()
                .filter(published_at__lt=campaign.sent_at)
                .order_by("-published_at")
                .values_list("pk", flat=True)[:4]
            )
            events = (
                Event.objects.published()
                .filter(starts_at__gt=campaign.sent_at)
                .order_by("starts_at")
                .values_list("pk", flat=True)[:3]
            )
            post_links += [
                Campaign.posts.through(campaign_id=campaign.pk, post_id=p) for p in posts
            ]
            event_links += [
                Campaign.events.through(campaign_id=campaign.pk, event_id=e) for e in events
            ]
        Campaign.posts.through.objects.bulk_create(post_links)
        Campaign.events.through.objects.bulk_create(event_links)
    return len(created)


# --- Gebärdensprache --------------------------------------------------------------------------


def fill_videos(target: int) -> int:
    from smartregion.core.models import SignLanguageVideo

    existing = SignLanguageVideo.objects.filter(title__startswith=VIDEO_PREFIX).count()
    if existing >= target:
        return 0
    titles = ["Was ist SMART REGION?", "Mitglied werden", "Veranstaltungen besuchen"]
    videos = [
        SignLanguageVideo(
            title=f"{VIDEO_PREFIX} {titles[i % len(titles)]}",
            description="Das Video erklärt in Deutscher Gebärdensprache, worum es hier geht.",
            video=f"gebaerdensprache/bench-{i}.mp4",
            captions=f"gebaerdensprache/bench-{i}.vtt",
            poster_renditions=renditions(f"gebaerdensprache/bench-{i}"),
            position=i,
            is_published=True,
        )
        for i in range(target)
    ]
    with transaction.atomic():
        SignLanguageVideo.objects.filter(title__startswith=VIDEO_PREFIX).delete()
        SignLanguageVideo.objects.bulk_create(videos)
    return target
