"""Demo newsletter from ``data/newsletter.toml``: confirmed subscribers (invented, all
@example.org), one sent issue in the archive and one draft to try preview, test send and
sending with.

The sent issue lists the newest published posts and the next events, so it is seeded after
them. Idempotent: subscribers and issues that exist already are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from blog.models import Post
from events.models import Event
from newsletter import services
from newsletter.models import Campaign, ConsentText, Delivery, Subscriber
from smartregion.core.models import Topic
from smartregion.site.demo.datafiles import build, toml


@dataclass(frozen=True)
class DemoSubscriber:
    email: str
    name: str = ""
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class SentIssue:
    subject: str
    preheader: str
    body: str
    days_ago: int


@dataclass(frozen=True)
class Draft:
    subject: str
    body: str


@dataclass(frozen=True)
class NewsletterData:
    subscribers: list[DemoSubscriber]
    sent: SentIssue
    draft: Draft


def load() -> NewsletterData:
    data = toml("newsletter.toml")
    return NewsletterData(
        subscribers=[
            build(DemoSubscriber, values, f"newsletter.toml, subscriber {number}")
            for number, values in enumerate(data["subscriber"], start=1)
        ],
        sent=build(SentIssue, data["sent"], "newsletter.toml, sent"),
        draft=build(Draft, data["draft"], "newsletter.toml, draft"),
    )


def seed(stdout) -> None:
    data = load()
    consent = ConsentText.objects.current()
    now = timezone.now()
    created = 0
    for index, demo in enumerate(data.subscribers):
        # Signed up two months ago, one a day, each confirmed five minutes later.
        subscriber, is_new = Subscriber.objects.get_or_create(
            email=demo.email,
            defaults={
                "name": demo.name,
                "status": Subscriber.Status.CONFIRMED,
                "source": Subscriber.Source.IMPORT,
                "consent_text": consent,
                "signup_at": now - timedelta(days=60 - index),
                "confirmed_at": now - timedelta(days=60 - index, minutes=-5),
            },
        )
        if is_new:
            subscriber.topics.set(Topic.objects.filter(slug__in=demo.topics))
            created += 1

    if not Campaign.objects.filter(subject=data.sent.subject).exists():
        _sent_campaign(data.sent, now)
    if not Campaign.objects.filter(subject=data.draft.subject).exists():
        draft = Campaign.objects.create(subject=data.draft.subject, body=data.draft.body)
        suggestions = services.campaign_suggestions()
        draft.posts.set(suggestions["posts"])
        draft.events.set(suggestions["events"])
    stdout.write(
        f"  newsletter: {Subscriber.objects.confirmed().count()} confirmed subscribers "
        f"({created} new), {Campaign.objects.sent().count()} sent issue(s) in the archive"
    )


def _sent_campaign(issue: SentIssue, now) -> None:
    sent_at = now - timedelta(days=issue.days_ago)
    campaign = Campaign.objects.create(
        subject=issue.subject,
        preheader=issue.preheader,
        body=issue.body,
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
