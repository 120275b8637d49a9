"""The events' part of people's own data (smartregion/core/personal_data.py): registrations
made from one of the person's addresses, and the events they proposed for their organisation."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events import services
from events.models import Event, Registration
from smartregion.core import mail
from smartregion.core.dates import iso8601
from smartregion.core.personal_data import Person, Provider

# A proposal the Redaktion never published is the person's draft; an event that was public
# (published, cancelled) is the organisation's and has other people's registrations.
NEVER_PUBLIC = (Event.Status.DRAFT, Event.Status.SUBMITTED, Event.Status.REJECTED)


def _registrations(person: Person):
    return Registration.objects.filter(email__in=person.emails)


def _proposed(person: Person):
    if person.user is None:
        return Event.objects.none()
    return Event.objects.filter(proposed_by=person.user)


def export(person: Person) -> dict:
    registrations = _registrations(person).select_related("event").order_by("created_at", "pk")
    return {
        "registrations": [
            {
                "event": registration.event.title,
                "event_starts_at": iso8601(registration.event.starts_at),
                "name": registration.name,
                "email": registration.email,
                "organisation": registration.organisation,
                "status": registration.status,
                "status_label": str(registration.get_status_display()),
                "place": registration.place,
                "consent_at": iso8601(registration.consent_at),
                "created_at": iso8601(registration.created_at),
                "confirmed_at": iso8601(registration.confirmed_at),
                "waitlisted_at": iso8601(registration.waitlisted_at),
                "cancelled_at": iso8601(registration.cancelled_at),
            }
            for registration in registrations
        ],
        "proposed_events": [
            {
                "title": event.title,
                "status": event.status,
                "status_label": str(event.get_status_display()),
                "starts_at": iso8601(event.starts_at),
                "ends_at": iso8601(event.ends_at),
                "teaser": event.teaser,
                "description": event.description,
                "created_at": iso8601(event.created_at),
            }
            for event in _proposed(person).order_by("created_at", "pk")
        ],
    }


def erase(person: Person) -> list[str]:
    mentions = set()  # what mails to the Redaktion quote of the person's texts
    for registration in _registrations(person):
        mentions.add(registration.name)
        services.registration_erase(registration=registration)
    notes = []
    proposed = _proposed(person)
    for event in proposed.filter(status__in=NEVER_PUBLIC):
        mentions.add(event.title)
        services.event_erase(event=event)
    mail.forget_mail_mentioning(mentions)
    if proposed.exclude(status__in=NEVER_PUBLIC).exists():
        # proposed_by is SET_NULL: the link to the account goes with the account.
        notes.append(
            _(
                "Veranstaltungen, die Sie vorgeschlagen haben und die veröffentlicht wurden, "
                "bleiben im Kalender: Sie gehören zur Organisation und haben Anmeldungen anderer "
                "Menschen. Mit Ihrem Konto sind sie nicht mehr verbunden."
            )
        )
    return notes


PROVIDER = Provider(
    key="events",
    label=gettext_lazy("Veranstaltungen und Anmeldungen"),
    export=export,
    erase=erase,
    template="events/personal_data/_events.html",
    order=30,
)
