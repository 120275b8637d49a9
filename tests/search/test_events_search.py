"""Events in the search: published and cancelled ones are found, proposals and drafts never."""

import re

import pytest

from events.models import Event
from smartregion.core.models import Topic
from smartregion.search import vocabulary
from smartregion.search.models import Document
from tests.factories import EventFactory
from tests.search.conftest import hit_titles, search

pytestmark = pytest.mark.django_db


def test_published_events_are_found_with_excerpts(client):
    EventFactory(
        title="Digi-Meetup Robotik",
        description="## Programm\n\nWir zeigen, wie Roboter die Fertigung digitalisieren.",
    )
    html = search(client, q="Digitalisierung")
    assert hit_titles(html) == ["Digi-Meetup Robotik"]
    assert "<mark>digitalisieren</mark>" in html
    assert "Veranstaltung" in html


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_unpublished_events_are_never_found(client, status):
    EventFactory(title="Geheimes Quantenfeld-Treffen", status=status, venue_name="Marl Hafen")
    vocabulary.refresh()
    html = search(client, q="Quantenfeld")
    assert hit_titles(html) == []
    assert not Document.objects.filter(kind="event").exists()
    assert vocabulary.correction("Quantenfelt") is None


def test_cancelled_events_are_found_and_marked(client):
    EventFactory(title="Quantenfeld-Abend", status="cancelled")
    html = search(client, q="Quantenfeld")
    assert hit_titles(html) == ["Abgesagt: Quantenfeld-Abend"]
    assert '<span class="badge badge--cancelled">abgesagt</span>' in html


def test_events_follow_their_state_and_text(client):
    event = EventFactory(title="Offene Sprechstunde", status="draft")
    assert hit_titles(search(client, q="Sprechstunde")) == []
    event.status = Event.Status.PUBLISHED
    event.save()
    assert hit_titles(search(client, q="Sprechstunde")) == ["Offene Sprechstunde"]
    event.title = "Offene Werkstatt"
    event.save()
    assert hit_titles(search(client, q="Sprechstunde")) == []
    event.delete()
    assert not Document.objects.filter(kind="event").exists()


def test_venue_and_organiser_are_searchable(client, member):
    organiser = member("Kanalblick Robotik GmbH")
    EventFactory(title="Netzwerkabend", venue_name="Zeche Ewald", organiser=organiser)
    assert hit_titles(search(client, q="Ewald", art="veranstaltung")) == ["Netzwerkabend"]
    assert hit_titles(search(client, q="Kanalblick", art="veranstaltung")) == ["Netzwerkabend"]


def test_event_facets_and_filters(client, post):
    EventFactory(title="Robotik live", topics=list(Topic.objects.filter(slug="bildung")))
    post("Robotik im Betrieb", topics=["bildung"])
    html = search(client, q="Robotik")
    assert re.search(r"Veranstaltungen <span class=\"facet__count\">\(1\)", html)
    assert re.search(r"Bildung <span class=\"facet__count\">\(2\)", html)
    assert hit_titles(search(client, q="Robotik", art="veranstaltung")) == ["Robotik live"]
