"""The race for the last place: concurrent confirmations on separate database connections.

Each thread runs the real service in its own transaction on its own connection; a barrier
releases them together. The second variant switches the row lock off to show that the database
constraint alone still lets exactly one person have the place. The same link used twice at once
confirms (or cancels) once.
"""

import logging
import threading

import pytest
from django.db import IntegrityError, transaction

from events import services
from events.models import Event, Registration
from tests.concurrency import (
    holding_lock,
    run_concurrently,
    start_concurrently,
    wait_for_lock_waiters,
)
from tests.factories import EventFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("taxonomy")]

R = Registration.Status


def _pending(event, count):
    return [
        Registration.objects.create(
            event=event, name=f"Gast {n}", email=f"gast{n}@example.org", consent_at=event.created_at
        )
        for n in range(count)
    ]


def _run_concurrently(target, items):
    """The results by the items' primary keys."""
    return dict(zip((item.pk for item in items), run_concurrently(target, items), strict=True))


def _confirm(registration):
    return services.registration_confirm(registration=registration).state


def test_two_people_confirm_the_last_place_at_once_exactly_one_gets_it(mailoutbox):
    event = EventFactory(capacity=1)
    first, second = _pending(event, 2)

    results = _run_concurrently(_confirm, [first, second])

    assert sorted(results.values()) == ["confirmed", "waitlisted"]
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert sorted(statuses.values()) == [R.CONFIRMED, R.WAITLISTED]
    assert list(Registration.objects.exclude(place=None).values_list("place", flat=True)) == [1]
    winner = next(pk for pk, state in results.items() if state == "confirmed")
    loser = next(pk for pk, state in results.items() if state == "waitlisted")
    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert subjects[Registration.objects.get(pk=winner).email].startswith("Anmeldung bestätigt")
    assert subjects[Registration.objects.get(pk=loser).email].startswith("Warteliste")


def test_many_people_at_once_fill_exactly_the_capacity():
    event = EventFactory(capacity=3)
    registrations = _pending(event, 10)

    results = _run_concurrently(_confirm, registrations)

    assert sorted(results.values()).count("confirmed") == 3
    assert sorted(results.values()).count("waitlisted") == 7
    places = sorted(Registration.objects.exclude(place=None).values_list("place", flat=True))
    assert places == [1, 2, 3]


def test_the_database_decides_even_without_the_row_lock(monkeypatch, caplog):
    """Both transactions see place 1 as free and try to take it: the unique constraint lets one
    commit, the other fails, looks again and goes onto the waitlist."""
    event = EventFactory(capacity=1)
    first, second = _pending(event, 2)
    monkeypatch.setattr(services, "_lock_event", lambda event_id: Event.objects.get(pk=event_id))
    both_looked = threading.Barrier(2, timeout=10)
    original = services._free_place
    local = threading.local()

    def free_place_then_wait(event):
        place = original(event)
        if not getattr(local, "waited", False):
            local.waited = True
            both_looked.wait()  # both have seen the same free place before either writes
        return place

    monkeypatch.setattr(services, "_free_place", free_place_then_wait)
    caplog.set_level(logging.INFO, logger="events.services")

    results = _run_concurrently(_confirm, [first, second])

    assert sorted(results.values()) == ["confirmed", "waitlisted"]
    assert "place 1 of event" in caplog.text  # the unique constraint refused the second
    assert list(Registration.objects.exclude(place=None).values_list("place", flat=True)) == [1]


def test_the_same_address_registering_twice_at_once_gets_one_registration():
    event = EventFactory()
    attempts = [("Anna@example.org", 1), ("anna@EXAMPLE.org", 2)]

    class Attempt:
        def __init__(self, email, pk):
            self.email, self.pk = email, pk

    def register(attempt):
        try:
            services.registration_create(event=event, name="Anna", email=attempt.email)
        except services.RegistrationError as error:
            return error.code
        return "created"

    results = _run_concurrently(register, [Attempt(*a) for a in attempts])

    assert sorted(results.values()) == ["created", "duplicate"]
    assert Registration.objects.filter(event=event).count() == 1


def test_the_same_confirmation_sent_twice_at_once_confirms_once(mailoutbox):
    """The confirm button pressed twice (two tabs): one confirms and mails, the other is told
    it is done already."""
    event = EventFactory(capacity=5)
    (registration,) = _pending(event, 1)
    loaded = [Registration.objects.get(pk=registration.pk) for _ in range(2)]

    with holding_lock(event):
        running = start_concurrently(_confirm, loaded)
        wait_for_lock_waiters(2)

    assert sorted(running.join()) == ["already", "confirmed"]
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["Anmeldung bestätigt"]


def test_the_same_cancellation_sent_twice_at_once_cancels_once(mailoutbox):
    event = EventFactory(capacity=5)
    (registration,) = _pending(event, 1)
    services.registration_confirm(registration=registration)
    mailoutbox.clear()
    loaded = [Registration.objects.get(pk=registration.pk) for _ in range(2)]

    with holding_lock(event):
        running = start_concurrently(
            lambda stale: services.registration_cancel(registration=stale).state, loaded
        )
        wait_for_lock_waiters(2)

    assert sorted(running.join()) == ["already", "cancelled"]
    assert len(mailoutbox) == 1


# The capacity trigger against a capacity lowered at the same moment ---------------------------


def _lower_capacity(event):
    Event.objects.filter(pk=event.pk).update(capacity=1)


def _take_place_2(registration):
    """A place written without the service's event lock (the admin's registration form, say):
    only the database stands between it and overbooking."""
    Registration.objects.filter(pk=registration.pk).update(status=R.CONFIRMED, place=2)


@pytest.mark.parametrize("first", ["capacity", "place"])
def test_lowering_the_capacity_while_a_place_is_taken_never_overbooks(first):
    """Two transactions at once: one lowers the capacity from 2 to 1, the other takes place 2.
    The first writes and stays open until the second has written too or waits for it; then
    both try to commit. Exactly one succeeds, the other is refused by the database."""
    event = EventFactory(capacity=2)
    holder, newcomer = _pending(event, 2)
    services.registration_confirm(registration=holder)  # place 1
    writes = {"capacity": lambda: _lower_capacity(event), "place": lambda: _take_place_2(newcomer)}
    second = "place" if first == "capacity" else "capacity"
    written, done = threading.Event(), threading.Event()

    def run(which):
        try:
            if which == first:
                with transaction.atomic():
                    writes[which]()
                    written.set()
                    while not done.is_set():  # the other has committed, or waits for us
                        try:
                            wait_for_lock_waiters(1, timeout=0.05)
                            break
                        except AssertionError:
                            continue
                return "committed"
            written.wait(timeout=10)
            try:
                with transaction.atomic():
                    writes[which]()
            except IntegrityError as error:
                assert "capacity" in str(error)
                return "refused"
            return "committed"
        finally:
            if which == second:
                done.set()

    results = dict(zip([first, second], run_concurrently(run, [first, second]), strict=True))

    assert results == {first: "committed", second: "refused"}
    event.refresh_from_db()
    taken = list(event.registrations.exclude(place=None).values_list("place", flat=True))
    assert all(place <= event.capacity for place in taken)


def test_lowering_the_capacity_in_the_admin_while_the_last_place_is_taken_is_a_form_error(
    client, django_user_model
):
    """The admin checks the taken places and saves in one transaction: a place taken in
    between must not turn the save into a database error (a 500). The test takes place 3 while
    holding the event's lock, and lets go once the admin request waits for it."""
    from django.urls import reverse
    from django.utils import timezone

    from tests.events.test_admin import _errors, _form_data
    from tests.staff import login_staff

    event = EventFactory(capacity=3)
    first, second, third = _pending(event, 3)
    for registration in (first, second):
        services.registration_confirm(registration=registration)  # places 1 and 2
    login_staff(client, django_user_model.objects.create_superuser("chefin@example.org", "pw"))
    data = _form_data(
        title=event.title,
        slug=event.slug,
        capacity="2",
        starts_at_0=timezone.localtime(event.starts_at).strftime("%d.%m.%Y"),
        ends_at_0=timezone.localtime(event.ends_at).strftime("%d.%m.%Y"),
        municipality=str(event.municipality_id),
        topics=[str(pk) for pk in event.topics.values_list("pk", flat=True)],
    )
    url = reverse("admin:events_event_change", args=[event.pk])

    with holding_lock(event):
        services.registration_confirm(registration=third)  # place 3, not committed yet
        running = start_concurrently(lambda _: client.post(url, data), [None])
        wait_for_lock_waiters(1)
    (response,) = running.join()

    assert response.status_code == 200
    assert "Plätze bis Nummer 3 vergeben" in _errors(response)
    event.refresh_from_db()
    assert event.capacity == 3
    assert sorted(event.registrations.exclude(place=None).values_list("place", flat=True)) == [
        1,
        2,
        3,
    ]
