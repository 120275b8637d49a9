"""Demo events from ``data/events.toml``: upcoming and past Digi-Meetups, network evenings,
workshops, one full with a waitlist, one cancelled and a member's proposal waiting.

Dates are relative to the day of seeding, so a fresh database always has upcoming events.
Participants are written directly (no mails). Idempotent: an event whose slug exists already is
left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from events import services
from events.models import Event, Registration
from members.models import Organisation
from smartregion.core.images import verify_image
from smartregion.core.models import Municipality, Topic
from smartregion.site.demo.artwork import Art
from smartregion.site.demo.datafiles import build, toml

E = Event.Status
R = Registration.Status
PICTURE_SIZE = (1600, 900)


@dataclass(frozen=True)
class DemoEvent:
    slug: str
    title: str
    teaser: str
    description: str
    days: int  # from today; negative: in the past
    start: time
    hours: float
    format: str
    municipality: str
    topics: list[str]
    picture: Art
    venue: str = ""
    address: str = ""
    online_url: str = ""
    organiser: str = ""  # an organisation's name; empty: the network itself
    capacity: int | None = None
    deadline_days_before: int | None = None
    confirmed: int = 0
    waitlisted: int = 0
    pending: int = 0
    status: str = E.PUBLISHED
    cancellation_note: str = ""
    proposed_by: str = ""  # a demo account's email address

    def __post_init__(self) -> None:
        Event.Format(self.format)
        E(self.status)


@dataclass(frozen=True)
class Participants:
    """Names for the demo participants, taken in turn."""

    first_names: list[str]
    last_names: list[str]


def load() -> tuple[list[DemoEvent], Participants]:
    data = toml("events.toml")
    events = []
    for number, values in enumerate(data["event"], start=1):
        where = f"events.toml, event {number}"
        picture = build(Art, values.get("picture", {}), f"{where}, picture")
        events.append(build(DemoEvent, {**values, "picture": picture}, where))
    return events, build(Participants, data["participants"], "events.toml, participants")


def seed(stdout) -> None:
    events, participants = load()
    created = 0
    for demo in events:
        if Event.objects.filter(slug=demo.slug).exists():
            continue
        _create(demo, participants)
        created += 1
    upcoming = Event.objects.upcoming().count()
    stdout.write(
        f"  events: {created} added ({Event.objects.count()} in total, {upcoming} upcoming, "
        "one full with a waitlist, one cancelled, one proposal waiting)"
    )


def _at(day, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _create(demo: DemoEvent, participants: Participants) -> Event:
    today = timezone.localdate()
    starts_at = _at(today + timedelta(days=demo.days), demo.start)
    event = Event(
        slug=demo.slug,
        title=demo.title,
        teaser=demo.teaser,
        description=demo.description,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=demo.hours),
        registration_deadline=(
            starts_at - timedelta(days=demo.deadline_days_before)
            if demo.deadline_days_before
            else None
        ),
        capacity=demo.capacity,
        format=demo.format,
        venue_name=demo.venue,
        address=demo.address,
        online_url=demo.online_url,
        municipality=Municipality.objects.get(slug=demo.municipality),
        organiser=Organisation.objects.filter(name=demo.organiser).first()
        if demo.organiser
        else None,
        status=demo.status,
        cancellation_note=demo.cancellation_note,
        image_alt=demo.picture.alt,
        proposed_by=get_user_model().objects.filter(email=demo.proposed_by).first()
        if demo.proposed_by
        else None,
    )
    event.full_clean(exclude=["slug"])
    event.save()
    event.topics.set(Topic.objects.filter(slug__in=demo.topics))
    services.event_set_image(event=event, verified=verify_image(demo.picture.jpeg(PICTURE_SIZE)))
    if event.is_public:
        services.event_render_image(event)
    _registrations(event, demo, participants)
    return event


def _registrations(event: Event, demo: DemoEvent, participants: Participants) -> None:
    """Demo participants, written directly (no mails): places 1..n, then the waitlist."""
    now = timezone.now()
    created = min(event.created_at, event.starts_at - timedelta(days=3))
    first_names, last_names = participants.first_names, participants.last_names
    counter = 0

    def person():
        nonlocal counter
        counter += 1
        first = first_names[counter % len(first_names)]
        last = last_names[counter % len(last_names)]
        return {
            "name": f"{first} {last}",
            "email": f"{event.slug[:30]}-{counter}@example.org",
            "organisation": "Beispiel GmbH" if counter % 3 == 0 else "",
            "consent_at": created,
            "created_at": created,
        }

    for place in range(1, demo.confirmed + 1):
        Registration.objects.create(
            event=event,
            status=R.CONFIRMED,
            place=place if event.capacity else None,
            confirmed_at=created,
            reminded_at=now if event.has_ended else None,
            **person(),
        )
    for offset in range(demo.waitlisted):
        Registration.objects.create(
            event=event,
            status=R.WAITLISTED,
            confirmed_at=created,
            waitlisted_at=created + timedelta(minutes=offset + 1),
            **person(),
        )
    for _ in range(demo.pending):
        Registration.objects.create(
            event=event, status=R.PENDING, **{**person(), "created_at": now}
        )
