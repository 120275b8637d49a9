"""Demo content for the newsletter: a few confirmed subscribers (all @example.org, invented), one
sent issue in the archive and one draft to try preview, test send and sending with.

Idempotent: subscribers and issues that exist already are left alone.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from newsletter import services
from newsletter.models import Campaign, ConsentText, Delivery, Subscriber
from smartregion.core.models import Topic

SUBSCRIBERS = [
    ("anna.beispiel@example.org", "Anna Beispiel", ["smart-economy", "bildung"]),
    ("bernd.muster@example.org", "Bernd Muster", ["smart-energy"]),
    ("clara.test@example.org", "Clara Test", []),
    ("deniz.demo@example.org", "", ["smart-economy"]),
    ("emil.probe@example.org", "Emil Probe", ["bildung", "smart-energy"]),
]

SENT_SUBJECT = "Neues aus der SMART REGION: Digitale Wege durch die Krise"
SENT_BODY = """Liebe Leserinnen und Leser,

in den letzten Wochen haben uns viele Betriebe aus Gelsenkirchen, Bottrop und dem Kreis
Recklinghausen erzählt, wie sie mit digitalen Werkzeugen durch die Krise gekommen sind.
Eine Auswahl lesen Sie unten im Blog.

## Aus dem Netzwerk

- Das Netzwerk wächst: Neue Mitglieder aus Handwerk, Handel und Hochschulen sind dabei.
- Beim nächsten Netzwerkabend geht es um **digitale Verwaltung** in den Kommunen.

Haben Sie selbst eine Idee, die anderen hilft? [Reichen Sie Ihren Beitrag ein](/blog/einreichen/).

Ihre Redaktion der SMART REGION Emscher-Lippe
"""

DRAFT_SUBJECT = "Entwurf: Newsletter des nächsten Monats"
DRAFT_BODY = """Liebe Leserinnen und Leser,

hier entsteht die nächste Ausgabe. Vorschau, Testversand an sich selbst und den Versand finden
Sie oben unter „Aktionen“.
"""


def seed(stdout) -> None:
    consent = ConsentText.objects.current()
    now = timezone.now()
    created = 0
    for index, (email, name, topic_slugs) in enumerate(SUBSCRIBERS):
        subscriber, is_new = Subscriber.objects.get_or_create(
            email=email,
            defaults={
                "name": name,
                "status": Subscriber.Status.CONFIRMED,
                "source": Subscriber.Source.IMPORT,
                "consent_text": consent,
                "signup_at": now - timedelta(days=60 - index),
                "confirmed_at": now - timedelta(days=60 - index, minutes=-5),
            },
        )
        if is_new:
            subscriber.topics.set(Topic.objects.filter(slug__in=topic_slugs))
            created += 1

    if not Campaign.objects.filter(subject=SENT_SUBJECT).exists():
        _sent_campaign(now)
    if not Campaign.objects.filter(subject=DRAFT_SUBJECT).exists():
        draft = Campaign.objects.create(subject=DRAFT_SUBJECT, body=DRAFT_BODY)
        suggestions = services.campaign_suggestions()
        draft.posts.set(suggestions["posts"])
        draft.events.set(suggestions["events"])
    stdout.write(
        f"  newsletter: {Subscriber.objects.confirmed().count()} confirmed subscribers "
        f"({created} new), {Campaign.objects.sent().count()} sent issue(s) in the archive"
    )


def _sent_campaign(now) -> None:
    from blog.models import Post
    from events.models import Event

    sent_at = now - timedelta(days=14)
    campaign = Campaign.objects.create(
        subject=SENT_SUBJECT,
        preheader="Ideen aus dem Blog, neue Mitglieder und der nächste Netzwerkabend",
        body=SENT_BODY,
        status=Campaign.Status.SENT,
        created_at=sent_at - timedelta(days=1),
        started_at=sent_at,
        progress_at=sent_at,
        sent_at=sent_at,
    )
    campaign.posts.set(Post.objects.published().order_by("-published_at")[:3])
    campaign.events.set(
        Event.objects.upcoming()
        .filter(status=Event.Status.PUBLISHED)
        .values_list("pk", flat=True)[:2]
    )
    recipients = Subscriber.objects.confirmed().filter(confirmed_at__lt=sent_at)
    Delivery.objects.bulk_create(
        [
            Delivery(
                campaign=campaign,
                subscriber=subscriber,
                status=Delivery.Status.SENT,
                attempts=1,
                sent_at=sent_at,
            )
            for subscriber in recipients
        ],
        ignore_conflicts=True,
    )
    count = campaign.deliveries.count()
    Campaign.objects.filter(pk=campaign.pk).update(total_count=count, sent_count=count)
