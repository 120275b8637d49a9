"""Every .ics is parsed with the icalendar library and its fields are checked."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import services
from events.models import Event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def _calendar(response) -> Calendar:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.content
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n")), "lines must be folded"
    calendar = Calendar.from_ical(raw)
    assert str(calendar["VERSION"]) == "2.0"
    assert "SMART REGION" in str(calendar["PRODID"])
    assert str(calendar["METHOD"]) == "PUBLISH"
    return calendar


def _vevents(calendar: Calendar) -> dict:
    return {str(component["UID"]): component for component in calendar.walk("VEVENT")}


def _single(client, event):
    calendar = _calendar(client.get(reverse("events:ics", kwargs={"slug": event.slug})))
    (component,) = calendar.walk("VEVENT")
    return component


def _utc(component, name: str) -> datetime:
    value = component.decoded(name)
    assert value.utcoffset() == timedelta(0), f"{name} must be in UTC"
    return value


def test_event_ics_has_all_fields_in_utc(client):
    event = EventFactory(
        title="Netzwerkabend Herbst",
        teaser="Austausch mit Mitgliedern aus der ganzen Region.",
        description="Mit **drei** Kurzvorträgen.",
        starts_at=datetime(2027, 3, 4, 17, 0, tzinfo=UTC),
        ends_at=datetime(2027, 3, 4, 20, 0, tzinfo=UTC),
    )
    response = client.get(f"/veranstaltungen/{event.slug}/kalender.ics")
    assert "attachment" in response.headers["Content-Disposition"]
    assert f"{event.slug}.ics" in response.headers["Content-Disposition"]
    assert response.cookies == {}
    component = _single(client, event)

    assert str(component["UID"]) == event.uid
    assert event.uid.endswith("@portal.example") or "@" in event.uid
    before = timezone.now() - timedelta(minutes=1)
    assert _utc(component, "DTSTAMP") >= before
    assert _utc(component, "DTSTART") == datetime(2027, 3, 4, 17, 0, tzinfo=UTC)
    assert _utc(component, "DTEND") == datetime(2027, 3, 4, 20, 0, tzinfo=UTC)
    assert (
        b"DTSTART:20270304T170000Z"
        in client.get(f"/veranstaltungen/{event.slug}/kalender.ics").content
    )
    assert int(component["SEQUENCE"]) == 0
    assert str(component["STATUS"]) == "CONFIRMED"
    assert str(component["SUMMARY"]) == "Netzwerkabend Herbst"
    description = str(component["DESCRIPTION"])
    assert "Austausch mit Mitgliedern" in description
    assert "Mit drei Kurzvorträgen." in description  # plain text, no Markdown
    assert "**" not in description
    assert f"https://portal.example/veranstaltungen/{event.slug}/" in description
    assert str(component["LOCATION"]) == (
        "Wissenschaftspark Gelsenkirchen, Munscheidstraße 14, 45886 Gelsenkirchen"
    )
    assert str(component["URL"]) == f"https://portal.example/veranstaltungen/{event.slug}/"
    assert _utc(component, "LAST-MODIFIED")
    assert _utc(component, "CREATED")


def test_uid_is_stable_and_sequence_rises_with_every_calendar_change(client, settings):
    event = EventFactory()
    uid = event.uid
    assert int(_single(client, event)["SEQUENCE"]) == 0

    event = Event.objects.get(pk=event.pk)
    event.title = "Digi-Meetup mit neuem Titel"
    event.save()
    assert int(_single(client, event)["SEQUENCE"]) == 1

    event = Event.objects.get(pk=event.pk)
    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    event.save()
    assert int(_single(client, event)["SEQUENCE"]) == 2

    # A save that changes nothing a calendar shows keeps the sequence.
    event = Event.objects.get(pk=event.pk)
    event.capacity = 50
    event.save()
    assert int(_single(client, event)["SEQUENCE"]) == 2

    # A new site address does not change the UID of existing events.
    settings.SITE_URL = "https://neu.example"
    event = Event.objects.get(pk=event.pk)
    event.venue_name = "Rathaus Gelsenkirchen"
    event.save(update_fields=["venue_name"])
    component = _single(client, event)
    assert int(component["SEQUENCE"]) == 3
    assert str(component["UID"]) == uid

    services.event_cancel(event=Event.objects.get(pk=event.pk), actor=None, note="Krankheit")
    component = _single(client, event)
    assert int(component["SEQUENCE"]) == 4
    assert str(component["STATUS"]) == "CANCELLED"
    assert str(component["SUMMARY"]).startswith("Abgesagt: ")
    assert "Krankheit" in str(component["DESCRIPTION"])
    assert str(component["UID"]) == uid


def test_event_on_the_day_daylight_saving_ends(client):
    """31 October 2027: at 03:00 CEST the clocks go back to 02:00 CET. 02:00 CEST to 04:00 CET
    on the wall clock lasts three hours."""
    event = EventFactory(
        title="Nachtschicht-Hackathon",
        starts_at=datetime(2027, 10, 31, 0, 0, tzinfo=UTC),  # 02:00 CEST (the first 02:00)
        ends_at=datetime(2027, 10, 31, 3, 0, tzinfo=UTC),  # 04:00 CET
    )
    morning = EventFactory(
        title="Frühstück nach der Zeitumstellung",
        starts_at=datetime(2027, 10, 31, 10, 0, tzinfo=BERLIN),
        ends_at=datetime(2027, 10, 31, 12, 0, tzinfo=BERLIN),
    )
    day_before = EventFactory(
        title="Am Tag davor",
        starts_at=datetime(2027, 10, 30, 10, 0, tzinfo=BERLIN),
        ends_at=datetime(2027, 10, 30, 12, 0, tzinfo=BERLIN),
    )

    component = _single(client, event)
    start, end = _utc(component, "DTSTART"), _utc(component, "DTEND")
    assert (start, end) == (
        datetime(2027, 10, 31, 0, 0, tzinfo=UTC),
        datetime(2027, 10, 31, 3, 0, tzinfo=UTC),
    )
    assert end - start == timedelta(hours=3)
    # 10:00 local is 09:00 UTC after the change, 08:00 UTC the day before.
    assert _utc(_single(client, morning), "DTSTART") == datetime(2027, 10, 31, 9, 0, tzinfo=UTC)
    assert _utc(_single(client, day_before), "DTSTART") == datetime(2027, 10, 30, 8, 0, tzinfo=UTC)

    html = client.get(event.get_absolute_url()).content.decode()
    assert "Sonntag, 31. Oktober 2027, 02:00 – 04:00 Uhr" in html
    assert 'datetime="2027-10-31T02:00:00+02:00"' in html
    html = client.get(morning.get_absolute_url()).content.decode()
    assert "Sonntag, 31. Oktober 2027, 10:00 – 12:00 Uhr" in html
    assert 'datetime="2027-10-31T10:00:00+01:00"' in html


def test_subscription_feed_lists_upcoming_and_cancelled_events(client):
    now = timezone.now()
    upcoming = EventFactory()
    later = EventFactory(
        starts_at=now + timedelta(days=40), ends_at=now + timedelta(days=40, hours=2)
    )
    cancelled = EventFactory(status="cancelled")
    recently_past = EventFactory(
        starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=3) + timedelta(hours=2)
    )
    long_past = EventFactory(
        starts_at=now - timedelta(days=90), ends_at=now - timedelta(days=90) + timedelta(hours=2)
    )
    draft = EventFactory(status="draft")
    submitted = EventFactory(status="submitted")
    online = EventFactory(format="online", online_url="https://meet.example/geheim-123")

    response = client.get("/veranstaltungen/kalender.ics")
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    assert response.cookies == {}
    calendar = _calendar(response)
    assert "Veranstaltungen" in str(calendar["X-WR-CALNAME"])
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    events = _vevents(calendar)
    expected = {upcoming, later, cancelled, recently_past, online}
    assert set(events) == {e.uid for e in expected}
    assert long_past.uid not in events and draft.uid not in events
    assert submitted.uid not in events
    assert str(events[cancelled.uid]["STATUS"]) == "CANCELLED"
    assert str(events[upcoming.uid]["STATUS"]) == "CONFIRMED"
    stamps = {component.decoded("DTSTAMP") for component in events.values()}
    assert len(stamps) == 1
    for component in events.values():
        assert _utc(component, "DTSTART") < _utc(component, "DTEND")
    assert b"geheim-123" not in response.content
    assert str(events[online.uid]["LOCATION"]) == "Online"


def test_access_link_is_never_in_a_calendar_file(client):
    event = EventFactory(format="hybrid", online_url="https://meet.example/geheim-456")
    response = client.get(f"/veranstaltungen/{event.slug}/kalender.ics")
    assert b"geheim-456" not in response.content
    assert "und online" in str(_single(client, event)["LOCATION"])


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_no_calendar_file_for_events_that_are_not_public(client, status):
    event = EventFactory(status=status)
    assert client.get(f"/veranstaltungen/{event.slug}/kalender.ics").status_code == 404


def test_feed_drops_events_a_month_after_they_ended(client):
    event = EventFactory()
    with time_machine.travel(event.ends_at + timedelta(days=29)):
        assert event.uid in _vevents(_calendar(client.get("/veranstaltungen/kalender.ics")))
    with time_machine.travel(event.ends_at + timedelta(days=31)):
        assert event.uid not in _vevents(_calendar(client.get("/veranstaltungen/kalender.ics")))


def test_two_edits_of_stale_copies_each_raise_the_sequence(client):
    event = EventFactory()
    first, second = Event.objects.get(pk=event.pk), Event.objects.get(pk=event.pk)
    first.title = "Erste Änderung"
    first.save()
    second.teaser = "Zweite Änderung, auf einer älteren Kopie"
    second.save(update_fields=["teaser"])
    assert second.sequence == 2
    assert int(_single(client, event)["SEQUENCE"]) == 2
