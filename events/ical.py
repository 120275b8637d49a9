"""iCalendar (RFC 5545) for events, built with the ``icalendar`` library.

Times are written in UTC (``DTSTART:20261025T000000Z``), which needs no VTIMEZONE and is exact
across daylight-saving changes; calendar apps show them in the reader's zone. ``UID`` is fixed
when an event is created; ``SEQUENCE`` rises with every change a calendar shows (see
``events.models.CALENDAR_FIELDS``); ``DTSTAMP`` is the time the file was made (METHOD:PUBLISH).
The online access link never goes into a calendar file: files get forwarded and subscribed to.
Texts are in the active language (the URL's, or the registered person's for a mail's file):
SUMMARY and DESCRIPTION take the English title and teaser where the Redaktion wrote them, the
description itself stays German. UID and SEQUENCE are the same in every language, so a calendar
never holds one event twice.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from events.models import Event

PRODID = "-//WiN Emscher-Lippe GmbH//SMART REGION Emscher-Lippe Portal//DE"
REFRESH = timedelta(hours=6)


def _utc(value):
    return value.astimezone(UTC)


def _calendar(name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("name", name)  # RFC 7986
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", REFRESH)
    return calendar


def _description(event: Event, url: str) -> str:
    parts = []
    if event.is_cancelled:
        parts.append(_("Diese Veranstaltung ist abgesagt."))
        if event.cancellation_note:
            parts.append(event.cancellation_note)
    parts.append(event.teaser_i18n.text)
    if event.plain_description:
        parts.append(event.plain_description)
    if event.organiser_id:
        parts.append(_("Veranstalter: %(name)s") % {"name": event.organiser.name})
    parts.append(_("Format: %(format)s") % {"format": event.get_format_display()})
    parts.append(_("Details und Anmeldung: %(url)s") % {"url": url})
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def vevent(event: Event, *, stamp=None) -> VEvent:
    url = settings.SITE_URL + event.get_absolute_url()
    component = VEvent()
    component.add("uid", event.uid)
    component.add("dtstamp", _utc(stamp or timezone.now()))
    component.add("created", _utc(event.created_at))
    component.add("last-modified", _utc(event.updated_at))
    component.add("sequence", event.sequence)
    component.add("dtstart", _utc(event.starts_at))
    component.add("dtend", _utc(event.ends_at))
    summary = event.title_i18n.text
    if event.is_cancelled:
        summary = _("Abgesagt: %(title)s") % {"title": summary}
    component.add("summary", summary)
    component.add("description", _description(event, url))
    component.add("location", event.location_text)
    component.add("url", url)
    component.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    component.add("transp", "OPAQUE")
    return component


def event_calendar(event: Event) -> bytes:
    """One event as a calendar file (download, mail attachment)."""
    calendar = _calendar()
    calendar.add_component(vevent(event))
    return calendar.to_ical()


def feed_calendar(events) -> bytes:
    """The subscription feed: many events, one DTSTAMP."""
    calendar = _calendar(name=f"{settings.SITE_NAME}: " + _("Veranstaltungen"))
    stamp = timezone.now()
    for event in events:
        calendar.add_component(vevent(event, stamp=stamp))
    return calendar.to_ical()
