"""Public pages: the list with its filters and months, the detail page, home, sitemap, profile."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from smartregion.core.models import Municipality, Topic
from tests.dates import assert_machine_time
from tests.factories import EventFactory
from tests.members.helpers import member
from tests.sitemaps import whole_sitemap
from tests.staff import login_staff

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    return re.findall(
        r'<h3 class="card__title"><a href="[^"]+">(?:<span[^>]*>[^<]*</span>)?([^<]+)</a>',
        response.content.decode(),
    )


def _at(days: float, hours: int = 2, **kwargs):
    start = (timezone.now() + timedelta(days=days)).replace(second=0, microsecond=0)
    return EventFactory(starts_at=start, ends_at=start + timedelta(hours=hours), **kwargs)


# List -------------------------------------------------------------------------------------------


def test_list_shows_upcoming_events_soonest_first_grouped_by_month(client):
    later = _at(40, title="Später")
    soon = _at(2, title="Bald")
    running = _at(-0.02, hours=3, title="Läuft gerade")
    _at(-5, title="Vorbei")
    EventFactory(title="Entwurf", status="draft")
    EventFactory(title="Vorschlag", status="submitted")
    cancelled = _at(3, title="Fällt aus", status="cancelled")

    response = client.get("/veranstaltungen/")
    assert response.status_code == 200
    assert response.cookies == {}
    assert _titles(response) == ["Läuft gerade", "Bald", "Fällt aus", "Später"]
    html = response.content.decode()
    assert "4 Veranstaltungen" in html
    for event in (running, soon, later):
        month = timezone.localtime(event.starts_at)
        assert f'id="month-{month:%Y-%m}"' in html
    assert html.count('class="event-month"') == len(
        {
            timezone.localtime(e.starts_at).strftime("%Y-%m")
            for e in (running, soon, later, cancelled)
        }
    )
    assert "abgesagt" in html and "Abgesagt:" in html
    assert 'aria-current="page">Kommende' in html


def test_month_headings_are_german_and_in_local_time(client):
    EventFactory(
        title="Silvester",
        starts_at=datetime(2027, 12, 31, 23, 30, tzinfo=UTC),  # 1 January 2028, 00:30 in Berlin
        ends_at=datetime(2028, 1, 1, 1, 0, tzinfo=UTC),
    )
    EventFactory(
        title="Im März",
        starts_at=datetime(2027, 3, 10, 17, 0, tzinfo=UTC),
        ends_at=datetime(2027, 3, 10, 19, 0, tzinfo=UTC),
    )
    html = client.get("/veranstaltungen/").content.decode()
    assert html.index(">März 2027</h2>") < html.index(">Januar 2028</h2>")
    assert "Dezember 2027" not in html


def test_past_events_newest_first(client):
    _at(-40, title="Lange her")
    _at(-3, title="Letzte Woche")
    _at(5, title="Kommt noch")
    response = client.get("/veranstaltungen/", {"zeitraum": "vergangen"})
    assert _titles(response) == ["Letzte Woche", "Lange her"]
    html = response.content.decode()
    assert "<h1>Vergangene Veranstaltungen</h1>" in html
    assert "Noch " not in html  # no places left on past events


def test_filters_by_topic_municipality_and_format(client):
    energy = Topic.objects.get(slug="smart-energy")
    bottrop = Municipality.objects.get(slug="bottrop")
    _at(1, title="Energie in Bottrop", topics=[energy], municipality=bottrop)
    _at(
        2,
        title="Energie online",
        topics=[energy],
        format="online",
        online_url="https://x.example/1",
        address="",
    )
    _at(
        3,
        title="Hybrid in Bottrop",
        municipality=bottrop,
        format="hybrid",
        online_url="https://x.example/2",
    )
    _at(4, title="Sonstiges")

    def titles(**params):
        return _titles(client.get("/veranstaltungen/", params))

    assert titles(thema="smart-energy") == ["Energie in Bottrop", "Energie online"]
    assert titles(ort="bottrop") == ["Energie in Bottrop", "Hybrid in Bottrop"]
    assert titles(format="online") == ["Energie online"]
    assert titles(format="hybrid") == ["Hybrid in Bottrop"]
    assert titles(format="praesenz") == ["Energie in Bottrop", "Sonstiges"]
    assert titles(thema="smart-energy", ort="bottrop") == ["Energie in Bottrop"]
    html = client.get(
        "/veranstaltungen/", {"thema": "smart-energy", "format": "online"}
    ).content.decode()
    assert 'aria-label="Aktive Filter"' in html
    assert "Smart Energy" in html and '<option value="online" selected>' in html


@pytest.mark.parametrize(
    "params",
    [
        {"thema": "<script>alert(1)</script>"},
        {"ort": "' OR 1=1 --"},
        {"format": "\x00"},
        {"zeitraum": "gestern"},
        {"page": "-1"},
        {"page": "9999"},
        {"page": "abc"},
        {"thema": "a" * 5000},
        {"ort": ["bottrop", "marl"]},
    ],
)
def test_hostile_query_input_never_fails(client, params):
    _at(1)
    response = client.get("/veranstaltungen/", params)
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()


def test_list_is_paginated(client):
    for day in range(1, 24):
        _at(day, title=f"Termin {day:02d}")
    first = client.get("/veranstaltungen/")
    assert len(_titles(first)) == 20
    assert 'aria-label="Seitennavigation"' in first.content.decode()
    second = client.get("/veranstaltungen/", {"page": 2})
    assert _titles(second) == ["Termin 21", "Termin 22", "Termin 23"]


def test_list_query_count_does_not_grow_with_events(
    client, django_assert_num_queries, warm_taxonomy
):
    organiser = member("Zechenblick Software GmbH")
    _at(1, organiser=organiser)
    # the content versions, count, the page (with places and organiser), their topics
    with django_assert_num_queries(4):
        few = client.get("/veranstaltungen/")
    topics = list(Topic.objects.all()[:3])
    for day in range(2, 20):
        _at(day, organiser=organiser if day % 2 else None, topics=topics)
    with django_assert_num_queries(4):
        many = client.get("/veranstaltungen/", {"thema": topics[0].slug})
    assert len(_titles(few)) == 1 and len(_titles(many)) == 19  # the first has that topic too


def test_list_offers_the_calendar_subscription(client):
    html = client.get("/veranstaltungen/").content.decode()
    assert 'href="webcal://portal.example/veranstaltungen/kalender.ics"' in html
    assert "https://portal.example/veranstaltungen/kalender.ics" in html
    assert 'type="text/calendar"' in html


# Detail -----------------------------------------------------------------------------------------


def test_detail_shows_everything_without_setting_a_cookie(client):
    organiser = member("Zechenblick Software GmbH")
    event = EventFactory(
        title="Netzwerkabend Winter",
        description="## Programm\n\n**Vorträge** <script>x</script>",
        starts_at=datetime(2027, 2, 18, 17, 0, tzinfo=UTC),
        ends_at=datetime(2027, 2, 18, 20, 0, tzinfo=UTC),
        registration_deadline=datetime(2027, 2, 16, 11, 0, tzinfo=UTC),
        capacity=30,
        organiser=organiser,
        topics=list(Topic.objects.filter(slug__in=["smart-economy", "bildung"])),
    )
    response = client.get(f"/veranstaltungen/{event.slug}/")
    assert response.status_code == 200
    assert response.cookies == {}
    assert "csrfmiddlewaretoken" not in response.content.decode()
    html = response.content.decode()
    assert "<h1>Netzwerkabend Winter</h1>" in html
    assert "Donnerstag, 18. Februar 2027, 18:00 – 21:00 Uhr" in html
    assert "Dienstag, 16. Februar 2027, 12:00 Uhr" in html  # deadline in local time
    assert "Wissenschaftspark Gelsenkirchen" in html and "Munscheidstraße 14" in html
    assert (
        'href="https://www.openstreetmap.org/search?query=Munscheidstra%C3%9Fe+14+45886+Gelsenkirchen"'
        in html
    )
    assert "<iframe" not in html and "tile.openstreetmap" not in html
    assert f'<a href="/mitglieder/{organiser.slug}/">Zechenblick Software GmbH</a>' in html
    assert "Smart Economy" in html and "Bildung" in html
    assert "noch 30 von 30 frei" in html
    assert "<h2>Programm</h2>" in html and "<strong>Vorträge</strong>" in html
    assert "<script>x" not in html
    assert f'href="/veranstaltungen/{event.slug}/anmelden/"' in html
    assert f'href="/veranstaltungen/{event.slug}/kalender.ics"' in html


def test_detail_has_schema_org_event_json_ld(client):
    event = EventFactory(title="Vortrag </script><script>alert(1)</script> & mehr")
    html = client.get(event.get_absolute_url()).content.decode()
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match
    assert "<script>alert" not in match.group(1)
    data = json.loads(match.group(1))
    assert data["@type"] == "Event"
    assert data["name"] == event.title
    assert_machine_time(data["startDate"], event.starts_at)
    assert_machine_time(data["endDate"], event.ends_at)
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"]["@type"] == "Place"
    assert data["location"]["address"]["addressLocality"] == "45886 Gelsenkirchen"
    assert data["url"] == f"https://portal.example/veranstaltungen/{event.slug}/"


def test_online_event_page_never_shows_the_access_link(client):
    event = EventFactory(
        format="online", address="", venue_name="", online_url="https://meet.example/top-secret"
    )
    html = client.get(event.get_absolute_url()).content.decode()
    assert "top-secret" not in html
    assert "Den Zugangslink bekommen bestätigte Teilnehmende per E-Mail." in html
    assert "OpenStreetMap" not in html
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["location"] == {"@type": "VirtualLocation", "url": data["url"]}


def test_organiser_without_active_membership_is_not_linked(client):
    organiser = member("Abgelaufen GmbH")
    organiser.membership.status = "revoked"
    organiser.membership.save()
    event = EventFactory(organiser=organiser)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Abgelaufen GmbH" in html
    assert f"/mitglieder/{organiser.slug}/" not in html


def test_staff_event_shows_the_network_as_organiser(client):
    html = client.get(EventFactory(organiser=None).get_absolute_url()).content.decode()
    assert "SMART REGION Emscher-Lippe</dd>" in html


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_unpublished_events_are_not_found_except_for_the_redaktion(client, staff_editor, status):
    event = EventFactory(status=status)
    assert client.get(event.get_absolute_url()).status_code == 404
    login_staff(client, staff_editor)
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert "Vorschau für die Redaktion" in response.content.decode()
    assert response.headers["X-Robots-Tag"] == "noindex"


def test_cancelled_event_stays_visible_marked_abgesagt(client):
    event = EventFactory(status="cancelled", cancellation_note="Die Referentin ist erkrankt.")
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Abgesagt: " in html
    assert 'class="badge badge--cancelled">abgesagt</span>' in html
    assert "Die Referentin ist erkrankt." in html
    assert "anmelden/" not in html


def test_detail_query_count(client, django_assert_num_queries):
    event = EventFactory(organiser=member())
    # the content versions, the event with organiser and counts, its topics
    with django_assert_num_queries(3):
        client.get(event.get_absolute_url())


# Home, sitemap, profile, navigation -------------------------------------------------------------


def test_home_page_shows_the_next_four_published_events(client):
    for day in range(1, 7):
        _at(day, title=f"Termin {day}")
    _at(0.5, title="Abgesagt", status="cancelled")
    _at(-2, title="Vorbei")
    response = client.get("/")
    assert _titles(response) == ["Termin 1", "Termin 2", "Termin 3", "Termin 4"]
    assert response.cookies == {}


def test_navigation_links_the_events(client):
    html = client.get("/").content.decode()
    assert 'href="/veranstaltungen/"' in html
    assert ">Veranstaltungen<" in html


def test_sitemap_lists_the_list_and_every_public_event(client):
    upcoming = EventFactory()
    past = _at(-10)
    cancelled = EventFactory(status="cancelled")
    draft = EventFactory(status="draft")
    xml = whole_sitemap(client)
    assert "/veranstaltungen/</loc>" in xml
    for event in (upcoming, past, cancelled):
        assert f"/veranstaltungen/{event.slug}/</loc>" in xml
    assert f"/veranstaltungen/{draft.slug}/" not in xml


def test_member_profile_lists_the_organisations_upcoming_events(
    client, django_assert_max_num_queries
):
    organiser = member("Kohlenpott KI-Labor GmbH")
    _at(3, title="KI-Sprechstunde", organiser=organiser)
    _at(-3, title="Vergangene Sprechstunde", organiser=organiser)
    _at(4, title="Fremde Veranstaltung")
    response = client.get(organiser.get_absolute_url())
    assert _titles(response) == ["KI-Sprechstunde"]
    assert "Nächste Veranstaltungen" in response.content.decode()
    for day in range(5, 12):
        _at(day, organiser=organiser)
    with django_assert_max_num_queries(12):
        response = client.get(organiser.get_absolute_url())
    assert len(_titles(response)) == 6


def test_registration_form_page_is_separate_from_reading_pages(client):
    event = EventFactory()
    response = client.get(reverse("events:register", args=[event.slug]))
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert Event.objects.count() == 1
