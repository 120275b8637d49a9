import io

import pytest
from django.core.files.storage import default_storage

from events.models import Event, Registration

pytestmark = pytest.mark.django_db


def _seed() -> str:
    from smartregion.site.demo import accounts, events, members

    out = io.StringIO()
    for seeder in (accounts, members, events):
        seeder.seed(out)
    return out.getvalue()


def test_demo_content_has_upcoming_and_past_events_once(client, settings):
    settings.DEBUG = True  # the member's demo account (the proposer) exists only then
    output = _seed()
    assert "events: " in output

    upcoming, past = Event.objects.upcoming(), Event.objects.past()
    assert upcoming.count() >= 6 and past.count() >= 3
    assert {e.format for e in upcoming} == {"onsite", "online", "hybrid"}
    assert len({e.municipality_id for e in Event.objects.public()}) >= 6
    assert upcoming.filter(organiser__isnull=True).exists()  # the network's own formats
    assert upcoming.filter(organiser__isnull=False).exists()
    assert Event.objects.filter(title__startswith="Digi-Meetup").count() >= 3
    assert Event.objects.filter(title__startswith="Netzwerkabend").exists()
    assert Event.objects.filter(title__contains="Workshop").exists()

    full = Event.objects.with_counts().get(slug="netzwerkabend-winter")
    assert full.is_full and full.waitlist_count >= 2
    assert Event.objects.filter(status="cancelled").count() == 1
    proposal = Event.objects.get(status="submitted")
    assert proposal.proposed_by.email == "mitglied@example.org"

    for event in Event.objects.public():
        assert event.image_alt
        assert {r["format"] for r in event.image_renditions} == {"webp", "jpeg"}
        assert all(default_storage.exists(r["path"]) for r in event.image_renditions)
        places = list(event.registrations.exclude(place=None).values_list("place", flat=True))
        assert len(places) == len(set(places))

    response = client.get("/veranstaltungen/")
    assert response.status_code == 200
    assert "Netzwerkabend im Winter" in response.content.decode()
    assert client.get("/veranstaltungen/kalender.ics").status_code == 200

    counts = (Event.objects.count(), Registration.objects.count())
    _seed()
    assert (Event.objects.count(), Registration.objects.count()) == counts
