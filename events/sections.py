"""What events show on the members' pages: sections registered in ``EventsConfig.ready()``
(see members/area.py)."""

from django.utils import timezone

from events import services
from events.models import Event, Registration
from events.views import proposing_organisations, registrations_of


def area_context(*, request, user) -> dict:
    """The member area: the user's coming registrations, and whether they may propose events."""
    now = timezone.now()
    registrations = [
        r
        for r in registrations_of(user).exclude(status=Registration.Status.CANCELLED)
        if r.event.ends_at >= now and r.event.is_public
    ]
    registrations.reverse()  # soonest first
    for registration in registrations:
        registration.cancel_path = services.cancel_path(registration)
    return {
        "event_registrations": registrations,
        "can_propose_events": proposing_organisations(user).exists(),
    }


def profile_context(*, request, organisation) -> dict:
    """An organisation's profile: its upcoming events (two queries: the events, their
    Themenfelder)."""
    events = Event.objects.upcoming().for_cards().filter(organiser=organisation)
    return {"organisation_events": events[:6]}
