"""The periodic tasks: the reminder the day before, and purging unconfirmed registrations."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from events import services, tasks
from events.models import Registration
from tests.events.helpers import CANCEL_LINK, path_in
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_housekeeping_sends_the_reminders_and_purges_unconfirmed_registrations(
    sign_up, housekeeping
):
    start = (timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=2))
    sign_up(event, "unbestaetigt@example.org")
    kept = sign_up(event, "bestaetigt@example.org", confirm=True)
    mail.outbox.clear()
    with time_machine.travel(start - timedelta(hours=2)):
        housekeeping()
    assert [m.to for m in mail.outbox] == [["bestaetigt@example.org"]]
    assert mail.outbox[0].subject == f"Erinnerung: {event.title} beginnt bald"
    assert set(Registration.objects.values_list("pk", flat=True)) == {kept.pk}


def test_reminder_goes_to_each_confirmed_participant_once_the_day_before(sign_up, committed):
    start = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    event = EventFactory(capacity=2, starts_at=start, ends_at=start + timedelta(hours=2))
    other = EventFactory(
        starts_at=start + timedelta(days=2), ends_at=start + timedelta(days=2, hours=1)
    )
    first = sign_up(event, "eins@example.org", confirm=True)
    sign_up(event, "zwei@example.org", confirm=True)
    sign_up(event, "warteliste@example.org", confirm=True)
    sign_up(event, "unbestaetigt@example.org")
    gone = sign_up(other, "anderes@example.org", confirm=True)
    mail.outbox.clear()

    with time_machine.travel(start - timedelta(hours=25)):
        assert committed(tasks.send_reminders.enqueue).return_value == 0
    assert mail.outbox == []

    with time_machine.travel(start - timedelta(hours=23)):
        assert committed(tasks.send_reminders.enqueue).return_value == 2
        # Run again (the next housekeeping run, or two at once): nobody gets a second one.
        assert committed(tasks.send_reminders.enqueue).return_value == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["eins@example.org", "zwei@example.org"]
    for message in mail.outbox:
        assert message.subject == f"Erinnerung: {event.title} beginnt bald"
        assert event.when in message.body
        path_in(message, CANCEL_LINK)
    first.refresh_from_db()
    assert first.reminded_at is not None
    gone.refresh_from_db()
    assert gone.reminded_at is None

    # After the start nothing goes out any more.
    mail.outbox.clear()
    with time_machine.travel(start + timedelta(minutes=5)):
        committed(tasks.send_reminders.enqueue)
    assert "anderes@example.org" not in [m.to[0] for m in mail.outbox]


def test_reminder_of_an_online_event_carries_the_access_link(sign_up, committed):
    event = EventFactory(format="online", address="", online_url="https://meet.example/abc-123")
    sign_up(event, "online@example.org", confirm=True)
    mail.outbox.clear()
    assert (
        committed(services.registrations_send_reminders, now=event.starts_at - timedelta(hours=3))
        == 1
    )
    assert "https://meet.example/abc-123" in mail.outbox[0].body


def test_participant_moved_up_later_still_gets_a_reminder(sign_up, committed):
    event = EventFactory(capacity=1)
    first = sign_up(event, confirm=True)
    second = sign_up(event, confirm=True)
    committed(services.registrations_send_reminders, now=event.starts_at - timedelta(hours=20))
    committed(services.registration_cancel, registration=first)
    mail.outbox.clear()
    committed(services.registrations_send_reminders, now=event.starts_at - timedelta(hours=19))
    assert [m.to[0] for m in mail.outbox] == [second.email]


def test_housekeeping_command_enqueues_the_reminders(sign_up, django_capture_on_commit_callbacks):
    event = EventFactory()
    sign_up(event, "bald@example.org", confirm=True)
    mail.outbox.clear()
    out = io.StringIO()
    with time_machine.travel(event.starts_at - timedelta(hours=2)):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("housekeeping", stdout=out)
    assert "events.tasks.send_reminders" in out.getvalue()
    assert [m.to[0] for m in mail.outbox] == ["bald@example.org"]


def test_unconfirmed_registrations_are_purged_after_seven_days(sign_up, committed):
    event = EventFactory(starts_at=timezone.now() + timedelta(days=30))
    event.ends_at = event.starts_at + timedelta(hours=1)
    event.save()
    stale = sign_up(event, "alt@example.org")
    kept = sign_up(event, "bestaetigt@example.org", confirm=True)
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        fresh = sign_up(event, "neu@example.org")
    with time_machine.travel(timezone.now() + timedelta(days=7, hours=1)):
        assert committed(tasks.purge_unconfirmed_registrations.enqueue).return_value == 1
    remaining = set(Registration.objects.values_list("pk", flat=True))
    assert remaining == {kept.pk, fresh.pk}
    assert stale.pk not in remaining
