"""Registration: the form, confirming by mail, the waitlist, cancelling, and refused input."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import services
from events.models import Event, Registration
from tests.events.helpers import (
    CANCEL_LINK,
    CONFIRM_LINK,
    path_in,
    registration_data,
    started_token,
)
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

R = Registration.Status


def _post_registration(client, event, capture, **overrides):
    with capture(execute=True):
        return client.post(
            reverse("events:register", kwargs={"slug": event.slug}), registration_data(**overrides)
        )


def _mails_to(address: str):
    return [m for m in mail.outbox if m.to == [address]]


def _ics(message) -> Calendar:
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    filename, content, mimetype = attachment
    assert mimetype == "text/calendar"
    return Calendar.from_ical(content)


# The whole way ----------------------------------------------------------------------------------


def test_register_confirm_and_cancel(client, django_capture_on_commit_callbacks, fast_forms):
    event = EventFactory(capacity=5, title="Netzwerkabend")
    response = client.get(reverse("events:register", kwargs={"slug": event.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Noch 5 Plätze frei." in html
    assert 'autocomplete="email"' in html

    response = _post_registration(
        client, event, django_capture_on_commit_callbacks, email="Anna@Example.org"
    )
    assert response.status_code == 302
    assert response.url == f"/veranstaltungen/{event.slug}/anmelden/danke/"
    thanks = client.get(response.url).content.decode()
    assert "Bitte bestätigen Sie Ihre Anmeldung" in thanks

    registration = Registration.objects.get()
    assert registration.status == R.PENDING
    assert registration.email == "anna@example.org"
    assert registration.organisation == "Beispiel GmbH"
    assert registration.consent_at is not None
    (message,) = mail.outbox
    assert message.to == ["anna@example.org"]
    assert message.subject == "Bitte bestätigen Sie Ihre Anmeldung: Netzwerkabend"
    assert "Ort: Wissenschaftspark Gelsenkirchen, Munscheidstraße 14, 45886 Gelsenkirchen" in (
        message.body
    )
    assert event.when in message.body
    confirm = path_in(message, CONFIRM_LINK)
    cancel = path_in(message, CANCEL_LINK)
    assert "kalender" not in message.body.lower() or not message.attachments

    # Opening the link only shows a button: mail scanners change nothing.
    response = client.get(confirm)
    assert response.status_code == 200
    assert "Anmeldung bestätigen" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == R.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm)
    assert "Ihr Platz ist reserviert" in response.content.decode()
    registration.refresh_from_db()
    assert (registration.status, registration.place) == (R.CONFIRMED, 1)
    assert registration.confirmed_at is not None
    confirmed_mail = mail.outbox[-1]
    assert confirmed_mail.subject == "Anmeldung bestätigt: Netzwerkabend"
    # The same registration's cancel link (the token's timestamp may differ by a second).
    assert _cancel_target(path_in(confirmed_mail, CANCEL_LINK)) == _cancel_target(cancel)
    (component,) = _ics(confirmed_mail).walk("VEVENT")
    assert str(component["UID"]) == event.uid
    assert (
        "Noch 4 Plätze"
        in client.get(reverse("events:register", args=[event.slug])).content.decode()
    )

    # The cancellation link, too, only shows a page; the button cancels.
    response = client.get(cancel)
    assert "Ja, Anmeldung stornieren" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == R.CONFIRMED
    count = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel)
    assert "Ihre Anmeldung ist storniert" in response.content.decode()
    registration.refresh_from_db()
    assert (registration.status, registration.place) == (R.CANCELLED, None)
    assert len(mail.outbox) == count + 1
    assert mail.outbox[-1].subject == "Anmeldung storniert: Netzwerkabend"


def test_every_mail_to_a_registered_person_has_a_cancellation_link(sign_up, committed):
    event = EventFactory(capacity=1)
    first = sign_up(event, "a@example.org", confirm=True)
    sign_up(event, "b@example.org", confirm=True)
    committed(services.registrations_send_reminders, now=event.starts_at - timedelta(hours=2))
    committed(services.registration_cancel, registration=first)
    subjects = []
    for message in mail.outbox:
        if message.subject.startswith("Anmeldung storniert"):
            continue  # the acknowledgement of a cancellation
        subjects.append(message.subject.split(":")[0])
        path_in(message, CANCEL_LINK)
    assert subjects == [
        "Bitte bestätigen Sie Ihre Anmeldung",
        "Anmeldung bestätigt",
        "Bitte bestätigen Sie Ihre Anmeldung",
        "Warteliste",
        "Erinnerung",
        "Sie sind nachgerückt",
    ]


# Waitlist ---------------------------------------------------------------------------------------


def test_full_event_puts_people_on_the_waitlist_and_a_cancellation_moves_the_first_up(
    client, sign_up, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1, title="Workshop")
    first = sign_up(event, "erste@example.org", confirm=True)
    second = sign_up(event, "zweite@example.org", confirm=True)
    third = sign_up(event, "dritte@example.org", confirm=True)
    assert (first.status, first.place) == (R.CONFIRMED, 1)
    assert second.status == third.status == R.WAITLISTED
    assert (second.waitlist_position, third.waitlist_position) == (1, 2)
    (waitlist_mail,) = [m for m in _mails_to("zweite@example.org") if "Warteliste" in m.subject]
    assert "Platz 1 der Warteliste" in waitlist_mail.body
    assert not waitlist_mail.attachments
    assert "Platz 2 der Warteliste" in _mails_to("dritte@example.org")[-1].body

    page = client.get(event.get_absolute_url()).content.decode()
    assert "ausgebucht (1 Platz)" in page and "2 Personen auf der Warteliste" in page
    assert "Auf die Warteliste" in page

    mail.outbox.clear()
    cancel = reverse("events:cancel", kwargs={"token": services.cancel_path(first).split("/")[-3]})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(cancel)
    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert first.status == R.CANCELLED
    assert (second.status, second.place) == (R.CONFIRMED, 1)
    assert third.status == R.WAITLISTED and third.waitlist_position == 1
    (promoted,) = _mails_to("zweite@example.org")
    assert promoted.subject == "Sie sind nachgerückt: Workshop"
    assert _ics(promoted).walk("VEVENT")[0]["UID"] == event.uid
    path_in(promoted, CANCEL_LINK)
    assert [m.subject for m in _mails_to("erste@example.org")] == ["Anmeldung storniert: Workshop"]
    assert _mails_to("dritte@example.org") == []


def test_cancelling_a_waitlisted_or_pending_registration_moves_nobody_up(sign_up, committed):
    event = EventFactory(capacity=1)
    sign_up(event, confirm=True)
    waiting = sign_up(event, confirm=True)
    other_waiting = sign_up(event, confirm=True)
    pending = sign_up(event)
    committed(services.registration_cancel, registration=waiting)
    committed(services.registration_cancel, registration=pending)
    other_waiting.refresh_from_db()
    assert other_waiting.status == R.WAITLISTED
    assert other_waiting.waitlist_position == 1


def test_nobody_moves_up_once_the_event_has_started(sign_up, committed):
    event = EventFactory(capacity=1)
    first = sign_up(event, confirm=True)
    second = sign_up(event, confirm=True)
    with time_machine.travel(event.starts_at + timedelta(minutes=10)):
        committed(services.registration_cancel, registration=first)
    second.refresh_from_db()
    assert second.status == R.WAITLISTED


def test_unlimited_events_take_everyone(sign_up):
    event = EventFactory(capacity=None)
    registrations = [sign_up(event, confirm=True) for _ in range(3)]
    assert {r.status for r in registrations} == {R.CONFIRMED}
    assert {r.place for r in registrations} == {None}


# Online access link -----------------------------------------------------------------------------


def test_access_link_only_in_mails_to_confirmed_participants(client, sign_up, committed):
    secret = "https://meet.example/j/geheim-789"
    event = EventFactory(format="online", online_url=secret, capacity=1, address="")
    first = sign_up(event, "erste@example.org", confirm=True)
    sign_up(event, "zweite@example.org", confirm=True)
    sign_up(event, "dritte@example.org")
    by_subject = {(m.to[0], m.subject.split(":")[0]): m for m in mail.outbox}
    assert secret in by_subject[("erste@example.org", "Anmeldung bestätigt")].body
    assert secret in by_subject[("erste@example.org", "Anmeldung bestätigt")].alternatives[0][0]
    for key in [
        ("erste@example.org", "Bitte bestätigen Sie Ihre Anmeldung"),
        ("zweite@example.org", "Bitte bestätigen Sie Ihre Anmeldung"),
        ("zweite@example.org", "Warteliste"),
        ("dritte@example.org", "Bitte bestätigen Sie Ihre Anmeldung"),
    ]:
        assert secret not in by_subject[key].body
        assert secret not in by_subject[key].alternatives[0][0]
        for attachment in by_subject[key].attachments:
            assert secret not in str(attachment[1])

    committed(services.registration_cancel, registration=first)
    promoted = _mails_to("zweite@example.org")[-1]
    assert promoted.subject.startswith("Sie sind nachgerückt")
    assert secret in promoted.body
    assert secret not in str(promoted.attachments[0][1])  # not in the .ics either

    for path in (
        event.get_absolute_url(),
        reverse("events:register", args=[event.slug]),
        reverse("events:list"),
        reverse("events:ics", args=[event.slug]),
        reverse("events:feed"),
        "/",
    ):
        assert "geheim-789" not in client.get(path).content.decode(), path


# Refused input ----------------------------------------------------------------------------------


def test_same_address_twice_in_any_case_gives_a_friendly_message(
    client, django_capture_on_commit_callbacks, fast_forms
):
    event = EventFactory()
    _post_registration(client, event, django_capture_on_commit_callbacks, email="anna@example.org")
    response = _post_registration(
        client, event, django_capture_on_commit_callbacks, email=" ANNA@example.ORG "
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sie sind schon angemeldet." in html
    assert 'role="alert"' not in html  # a notice, not an error
    assert Registration.objects.count() == 1
    assert len(mail.outbox) == 1


def test_same_address_may_register_again_after_cancelling(sign_up, committed):
    event = EventFactory()
    first = sign_up(event, "anna@example.org", confirm=True)
    with pytest.raises(services.RegistrationError, match="duplicate"):
        sign_up(event, "Anna@example.org")
    committed(services.registration_cancel, registration=first)
    again = sign_up(event, "Anna@example.org", confirm=True)
    assert again.status == R.CONFIRMED and again.place == 1


def test_an_unconfirmed_registration_whose_link_expired_does_not_block_the_address(sign_up):
    event = EventFactory(starts_at=timezone.now() + timedelta(days=30))
    event.ends_at = event.starts_at + timedelta(hours=2)
    event.save()
    old = sign_up(event, "anna@example.org")
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        new = sign_up(event, "anna@example.org")
    assert not Registration.objects.filter(pk=old.pk).exists()
    assert new.status == R.PENDING


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "keine-adresse"}, "email", "gültige E-Mail-Adresse"),
        ({"name": ""}, "name", "Dieses Feld ist zwingend erforderlich."),
        ({"consent": ""}, "consent", "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_invalid_input_is_refused_with_a_clear_message(
    client, django_capture_on_commit_callbacks, fast_forms, overrides, field, message
):
    event = EventFactory()
    response = _post_registration(client, event, django_capture_on_commit_callbacks, **overrides)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte prüfen Sie Ihre Angaben" in html
    assert f'id="id_{field}_error"' in html
    assert message in html
    assert Registration.objects.count() == 0
    assert mail.outbox == []


def test_honeypot_looks_like_success_and_keeps_nothing(client, django_capture_on_commit_callbacks):
    event = EventFactory()
    response = _post_registration(
        client, event, django_capture_on_commit_callbacks, homepage="http://spam.example"
    )
    assert response.status_code == 302
    assert Registration.objects.count() == 0
    assert mail.outbox == []


def test_a_registration_sent_too_fast_comes_back_with_the_input_kept(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    response = _post_registration(
        client, event, django_capture_on_commit_callbacks, started=started_token(seconds_ago=1)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Das ging schneller, als ein Mensch ein Formular ausfüllt." in html
    assert 'value="Anna Beispiel"' in html
    assert Registration.objects.count() == 0
    assert mail.outbox == []


def test_rate_limit_per_address(client, django_capture_on_commit_callbacks, fast_forms):
    events = EventFactory.create_batch(6)
    for event in events[:5]:
        _post_registration(client, event, django_capture_on_commit_callbacks)
    response = _post_registration(client, events[5], django_capture_on_commit_callbacks)
    assert "sehr oft angemeldet" in response.content.decode()
    assert Registration.objects.count() == 5


# Closed registration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline_offset", "travel_offset", "message"),
    [
        (timedelta(days=-1), timedelta(days=-1, minutes=1), "Der Anmeldeschluss ist vorbei."),
        (None, timedelta(minutes=1), "Der Anmeldeschluss ist vorbei."),
        (None, timedelta(hours=3), "Diese Veranstaltung ist vorbei."),
    ],
)
def test_registration_closes_at_the_deadline_or_the_start(
    client, django_capture_on_commit_callbacks, fast_forms, deadline_offset, travel_offset, message
):
    event = EventFactory()
    if deadline_offset is not None:
        event.registration_deadline = event.starts_at + deadline_offset
        event.save()
    url = reverse("events:register", kwargs={"slug": event.slug})
    with time_machine.travel(event.starts_at + travel_offset - timedelta(minutes=2)):
        assert "Anmelden" in client.get(url).content.decode()
    with time_machine.travel(event.starts_at + travel_offset):
        html = client.get(url).content.decode()
        assert message in html
        assert 'method="post"' not in html
        response = _post_registration(client, event, django_capture_on_commit_callbacks)
        assert message in response.content.decode()
        detail = client.get(event.get_absolute_url()).content.decode()
        assert "Jetzt anmelden" not in detail
    assert Registration.objects.count() == 0
    assert mail.outbox == []


def test_confirming_after_the_deadline_changes_nothing(client, sign_up):
    event = EventFactory()
    event.registration_deadline = event.starts_at - timedelta(days=1)
    event.save()
    registration = sign_up(event)
    confirm = path_in(mail.outbox[0], CONFIRM_LINK)
    mail.outbox.clear()
    with time_machine.travel(event.registration_deadline + timedelta(minutes=1)):
        response = client.post(confirm)
    assert response.status_code == 409
    assert "Die Anmeldung ist geschlossen" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == R.PENDING
    assert mail.outbox == []


def test_cancelled_event_takes_no_registrations(
    client, django_capture_on_commit_callbacks, fast_forms
):
    event = EventFactory(status="cancelled")
    response = _post_registration(client, event, django_capture_on_commit_callbacks)
    assert "Diese Veranstaltung ist abgesagt" in response.content.decode()
    assert Registration.objects.count() == 0


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_registration_page_is_missing_for_unpublished_events(client, status):
    event = EventFactory(status=status)
    assert client.get(reverse("events:register", args=[event.slug])).status_code == 404


# Tokens -----------------------------------------------------------------------------------------


def _token(path: str) -> str:
    return path.rstrip("/").split("/")[-2]


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_tokens_are_refused_and_change_nothing(client, sign_up, method):
    event = EventFactory()
    registration = sign_up(event)
    confirm = path_in(mail.outbox[0], CONFIRM_LINK)
    cancel = path_in(mail.outbox[0], CANCEL_LINK)
    token = _token(confirm)
    tampered = [
        confirm.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB")),
        confirm.replace(token, "kein-token"),
        # A cancellation token in a confirmation link and the other way round.
        confirm.replace(token, _token(cancel)),
        cancel.replace(_token(cancel), token),
    ]
    mail.outbox.clear()
    for path in tampered:
        response = getattr(client, method)(path)
        assert response.status_code == 400, path
        html = response.content.decode()
        assert "Link ungültig" in html and "Es wurde nichts geändert" in html
    registration.refresh_from_db()
    assert registration.status == R.PENDING
    assert mail.outbox == []


def test_expired_confirmation_link_is_refused(client, sign_up):
    registration = sign_up(EventFactory(starts_at=timezone.now() + timedelta(days=30)))
    confirm = path_in(mail.outbox[0], CONFIRM_LINK)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.post(confirm)
    assert response.status_code == 400
    assert "ungültig oder abgelaufen" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == R.PENDING


def test_reused_links_change_nothing(client, sign_up, django_capture_on_commit_callbacks):
    event = EventFactory()
    registration = sign_up(event)
    confirm = path_in(mail.outbox[0], CONFIRM_LINK)
    cancel = path_in(mail.outbox[0], CANCEL_LINK)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm)
    count = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm)
    assert "Sie haben Ihre Anmeldung schon bestätigt" in response.content.decode()
    assert len(mail.outbox) == count

    with django_capture_on_commit_callbacks(execute=True):
        client.post(cancel)
    registration.refresh_from_db()
    cancelled_at = registration.cancelled_at
    count = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel)
    assert "bereits storniert" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm)
    assert response.status_code == 409
    assert "Diese Anmeldung wurde storniert" in response.content.decode()
    registration.refresh_from_db()
    assert (registration.status, registration.cancelled_at) == (R.CANCELLED, cancelled_at)
    assert len(mail.outbox) == count


def test_links_of_deleted_registrations_say_so(client, sign_up):
    registration = sign_up(EventFactory())
    confirm = path_in(mail.outbox[0], CONFIRM_LINK)
    registration.delete()
    response = client.get(confirm)
    assert response.status_code == 404
    assert "Link ungültig" in response.content.decode()


# Cancelling the event ---------------------------------------------------------------------------


def test_cancelling_an_event_mails_everyone_registered(client, sign_up, committed):
    event = EventFactory(capacity=1, title="Sommerfest")
    confirmed = sign_up(event, "dabei@example.org", confirm=True)
    sign_up(event, "wartet@example.org", confirm=True)
    sign_up(event, "unbestaetigt@example.org")
    gone = sign_up(event, "abgemeldet@example.org")
    committed(services.registration_cancel, registration=gone)
    mail.outbox.clear()

    sent = committed(
        services.event_cancel,
        event=Event.objects.get(pk=event.pk),
        actor=None,
        note="Der Saal ist wegen eines Wasserschadens gesperrt.",
    )
    assert sent == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "dabei@example.org",
        "unbestaetigt@example.org",
        "wartet@example.org",
    ]
    for message in mail.outbox:
        assert message.subject == "Abgesagt: Sommerfest"
        assert "Wasserschadens" in message.body
    (to_confirmed,) = _mails_to("dabei@example.org")
    (component,) = _ics(to_confirmed).walk("VEVENT")
    assert str(component["STATUS"]) == "CANCELLED"
    assert int(component["SEQUENCE"]) > 0

    html = client.get(event.get_absolute_url()).content.decode()
    assert "Abgesagt:" in html and "findet nicht statt" in html
    assert "Wasserschadens" in html
    assert "Jetzt anmelden" not in html
    assert '"eventStatus": "https://schema.org/EventCancelled"' in html
    # Reminders never go out for a cancelled event.
    mail.outbox.clear()
    assert (
        committed(services.registrations_send_reminders, now=event.starts_at - timedelta(hours=1))
        == 0
    )
    confirmed.refresh_from_db()
    assert confirmed.reminded_at is None


def test_reminder_and_pending_regex_sanity():
    assert re.fullmatch(CONFIRM_LINK, "/veranstaltungen/anmeldung/abc:def/bestaetigen/")


def _cancel_target(path: str) -> str:
    """The registration a cancel link names."""
    from smartregion.core.signing import read_token

    token = path.removeprefix("/veranstaltungen/anmeldung/").removesuffix("/abmelden/")
    return read_token("event-cancel", token, max_age=None)
