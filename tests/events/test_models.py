"""The database refuses impossible events and double places; display helpers."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from events.models import Event, Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _refused(**changes) -> None:
    event = EventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(**changes)


def test_database_refuses_end_before_start():
    _refused(ends_at=timezone.now())  # the factory starts in a week


def test_database_refuses_deadline_after_start():
    _refused(registration_deadline=timezone.now() + timedelta(days=8))


def test_database_refuses_capacity_below_one():
    _refused(capacity=0)


def test_database_refuses_two_registrations_on_one_place():
    event = EventFactory(capacity=2)
    RegistrationFactory(event=event, status="confirmed", place=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(event=event, status="confirmed", place=1)


def test_database_refuses_a_place_above_the_capacity():
    event = EventFactory(capacity=2)
    with pytest.raises(IntegrityError, match="exceeds its capacity"), transaction.atomic():
        RegistrationFactory(event=event, status="confirmed", place=3)
    RegistrationFactory(event=event, status="confirmed", place=2)
    with pytest.raises(IntegrityError, match="below a taken place"), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(capacity=1)


def test_database_refuses_a_place_for_an_unconfirmed_registration():
    event = EventFactory(capacity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(event=event, status="waitlisted", place=1)


def test_database_refuses_the_same_address_twice_in_any_case():
    event = EventFactory()
    RegistrationFactory(event=event, email="anna@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(event=event, email="ANNA@Example.org")
    # A cancelled registration does not count; another event neither.
    Registration.objects.filter(event=event).update(status="cancelled")
    RegistrationFactory(event=event, email="Anna@example.org")
    RegistrationFactory(event=EventFactory(), email="anna@example.org")


def test_uid_is_set_once_and_unique():
    first, second = EventFactory(), EventFactory()
    assert first.uid != second.uid
    assert first.uid.endswith("@portal.example")
    first.title = "Neu"
    first.save()
    first.refresh_from_db()
    assert first.uid == Event.objects.get(pk=first.pk).uid


def test_description_is_rendered_and_sanitised_on_save():
    event = EventFactory(description="**fett** <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>fett</strong>" in event.description_html
    assert "<script" not in event.description_html
    assert "javascript:" not in event.description_html


def test_when_covers_one_day_and_several_days():
    one_day = EventFactory.build(
        starts_at=datetime(2027, 6, 3, 16, 0, tzinfo=UTC),
        ends_at=datetime(2027, 6, 3, 18, 30, tzinfo=UTC),
    )
    assert one_day.when == "Donnerstag, 3. Juni 2027, 18:00 – 20:30 Uhr"
    two_days = EventFactory.build(
        starts_at=datetime(2027, 6, 3, 7, 0, tzinfo=UTC),
        ends_at=datetime(2027, 6, 4, 14, 0, tzinfo=UTC),
    )
    assert two_days.when == (
        "Donnerstag, 3. Juni 2027, 09:00 Uhr – Freitag, 4. Juni 2027, 16:00 Uhr"
    )


def test_month_is_taken_in_local_time():
    # 31 January 23:30 UTC is already 1 February in Berlin.
    event = EventFactory.build(starts_at=datetime(2027, 1, 31, 23, 30, tzinfo=UTC))
    assert str(event.month) == "2027-02-01"


def test_openstreetmap_link_searches_the_address():
    event = EventFactory.build(address="Munscheidstraße 14\n45886 Gelsenkirchen")
    assert event.map_url == (
        "https://www.openstreetmap.org/search?query=Munscheidstra%C3%9Fe+14+45886+Gelsenkirchen"
    )
