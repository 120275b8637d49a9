"""Events in English: /en/veranstaltungen/, English titles where the Redaktion wrote them, the
mails of a registration or proposal made on the English pages in English (also those the worker
and staff send later), and iCalendar files in the language of their URL with the same UID."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import translation
from icalendar import Calendar

from events import services
from events.models import Event, Registration
from tests.english import queries_rendering
from tests.events.helpers import path_in, registration_data
from tests.events.test_proposals import _data as proposal_data
from tests.factories import EventFactory
from tests.members.helpers import member, verified_user

pytestmark = pytest.mark.django_db

CONFIRM_EN = r"/en/veranstaltungen/anmeldung/[^/\s]+/bestaetigen/"
CANCEL_EN = r"/en/veranstaltungen/anmeldung/[^/\s]+/abmelden/"


def _english_event(**fields) -> Event:
    return EventFactory(
        title="Netzwerkabend Herbst",
        title_en="Autumn network evening",
        teaser="Austausch mit Mitgliedern.",
        teaser_en="Meet members from the whole region.",
        starts_at=datetime(2027, 3, 4, 17, 0, tzinfo=UTC),
        ends_at=datetime(2027, 3, 4, 20, 0, tzinfo=UTC),
        **fields,
    )


def _vevent(response):
    assert response.status_code == 200
    (component,) = Calendar.from_ical(response.content).walk("VEVENT")
    return component


def test_english_list_and_detail_show_english_titles_and_mark_german_ones(client):
    event = _english_event()
    german_only = EventFactory(title="Digi-Meetup Bottrop", teaser="Kurze Vorträge.")

    listing = client.get("/en/veranstaltungen/").text
    assert "<h1>Events</h1>" in listing
    assert f'<a href="/en/veranstaltungen/{event.slug}/">Autumn network evening</a>' in listing
    assert "<p>Meet members from the whole region.</p>" in listing
    assert '<span lang="de">Digi-Meetup Bottrop</span></a>' in listing
    assert "Thu 4 Mar 2027, 18:00</time>" in listing  # English date, no „Uhr“
    assert "Subscribe to the calendar" in listing
    assert f"/en/veranstaltungen/{german_only.slug}/" in listing

    detail = client.get(f"/en/veranstaltungen/{event.slug}/").text
    assert "<title>Autumn network evening · " in detail
    assert "<h1>Autumn network evening</h1>" in detail
    assert '<p class="lead">Meet members from the whole region.</p>' in detail
    assert "Thursday 4 March 2027, 18:00 – 21:00" in detail
    assert "At a glance" in detail and "Register now" in detail
    assert 'class="prose event__description" lang="de">' in detail
    assert '"name": "Autumn network evening"' in detail

    german = client.get(f"/veranstaltungen/{event.slug}/").text
    assert "<h1>Netzwerkabend Herbst</h1>" in german
    assert "Donnerstag, 4. März 2027, 18:00 – 21:00 Uhr" in german
    assert 'class="prose event__description">' in german
    assert "Autumn" not in german


def test_english_list_queries_do_not_grow_with_the_events(client):
    EventFactory(title_en="One")
    few = queries_rendering(client, "/en/veranstaltungen/")
    EventFactory.create_batch(4, title_en="More", teaser_en="More events.")
    EventFactory.create_batch(3)
    assert queries_rendering(client, "/en/veranstaltungen/") == few


def test_registration_on_the_english_pages_is_mailed_in_english(
    client, fast_forms, django_capture_on_commit_callbacks
):
    event = _english_event()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/veranstaltungen/{event.slug}/anmelden/", registration_data())
    assert response["Location"] == f"/en/veranstaltungen/{event.slug}/anmelden/danke/"
    registration = Registration.objects.get()
    assert registration.language == "en"

    (confirm,) = mail.outbox
    assert confirm.subject == "Please confirm your registration: Autumn network evening"
    assert confirm.body.startswith("Dear Anna Beispiel,\n")
    assert "When: Thursday 4 March 2027, 18:00 – 21:00" in confirm.body
    assert "Format: In person" in confirm.body
    assert f"https://portal.example/en/veranstaltungen/{event.slug}/" in confirm.body
    path_in(confirm, CANCEL_EN)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(path_in(confirm, CONFIRM_EN))
    assert "Registration confirmed" in page.text
    (confirmed,) = mail.outbox
    assert confirmed.subject == "Registration confirmed: Autumn network evening"
    assert "You will find the date for your calendar attached (.ics)." in confirmed.body
    ((filename, content, _mimetype),) = confirmed.attachments
    (component,) = Calendar.from_ical(content).walk("VEVENT")
    assert str(component["SUMMARY"]) == "Autumn network evening"
    assert str(component["UID"]) == event.uid
    assert str(component["URL"]) == f"https://portal.example/en/veranstaltungen/{event.slug}/"


def test_later_mails_follow_the_language_each_person_registered_in(sign_up, committed):
    event = EventFactory(title="Digi-Meetup", title_en="Digital meet-up", capacity=1)
    with translation.override("en"):
        english = sign_up(event, "en@example.org", confirm=True)
    with translation.override("de"):
        german = sign_up(event, "de@example.org", confirm=True)  # waitlisted
    with translation.override("en"):
        waiting = sign_up(event, "en-waiting@example.org", confirm=True)
    assert (english.language, german.language, waiting.language) == ("en", "de", "en")
    mail.outbox.clear()

    # The worker reminds the day before (German is active there).
    with translation.override("de"):
        sent = committed(
            services.registrations_send_reminders, now=event.starts_at - timedelta(hours=2)
        )
    assert sent == 1
    (reminder,) = mail.outbox
    assert reminder.subject == "Reminder: Digital meet-up starts soon"
    path_in(reminder, CANCEL_EN)
    mail.outbox.clear()

    # The English participant cancels: the first on the waitlist (German) moves up in German.
    with translation.override("en"):
        committed(services.registration_cancel, registration=english)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address["en@example.org"].subject == "Registration cancelled: Digital meet-up"
    assert by_address["de@example.org"].subject == "Sie sind nachgerückt: Digi-Meetup"
    mail.outbox.clear()

    # Staff cancel the event in the (German) admin: each hears of it in their own language.
    with translation.override("de"):
        committed(services.event_cancel, event=event, actor=None, note="Krankheit")
    by_address = {message.to[0]: message for message in mail.outbox}
    to_english = by_address["en-waiting@example.org"]
    assert to_english.subject == "Cancelled: Digital meet-up"
    assert "Unfortunately, we have to cancel this event:" in to_english.body
    assert '<p lang="de">Krankheit</p>' in to_english.alternatives[0][0]
    assert by_address["de@example.org"].subject == "Abgesagt: Digi-Meetup"
    ((_name, content, _mimetype),) = by_address["de@example.org"].attachments
    (component,) = Calendar.from_ical(content).walk("VEVENT")
    assert str(component["SUMMARY"]) == "Abgesagt: Digi-Meetup"


def test_proposal_from_the_english_pages_is_answered_in_english_the_redaktion_in_german(
    client, staff_editor, django_capture_on_commit_callbacks
):
    manager = verified_user("mia@example.org")
    organisation = member("Zechenblick Software GmbH", manager=manager)
    client.force_login(manager)
    data = proposal_data(
        organisation,
        title="Offene Sprechstunde",
        format="online",
        venue_name="",
        address="",
        online_url="https://meet.example/sprechstunde",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/mein-bereich/veranstaltungen/vorschlagen/", data)
    assert response["Location"] == "/en/mein-bereich/veranstaltungen/"
    event = Event.objects.get()
    assert event.proposer_language == "en"
    by_address = {message.to[0]: message for message in mail.outbox}
    received = by_address["mia@example.org"]
    assert received.subject == "We have received your event proposal “Offene Sprechstunde”"
    assert "https://portal.example/en/mein-bereich/veranstaltungen/" in received.body
    waiting = by_address["redaktion@example.org"]
    assert waiting.subject == "Neuer Veranstaltungsvorschlag: Offene Sprechstunde"
    assert "Wann:" in waiting.body
    mail.outbox.clear()

    with translation.override("de"), django_capture_on_commit_callbacks(execute=True):
        services.event_publish(event=event, actor=staff_editor)
    (published,) = mail.outbox
    assert published.subject == "Published: Offene Sprechstunde"
    assert "The editorial team has published your event:" in published.body
    assert f"https://portal.example/en/veranstaltungen/{event.slug}/" in published.body


def test_ics_is_in_the_language_of_its_url_with_the_same_uid_and_sequence(client):
    event = _english_event(organiser=None)
    english = _vevent(client.get(f"/en/veranstaltungen/{event.slug}/kalender.ics"))
    german = _vevent(client.get(f"/veranstaltungen/{event.slug}/kalender.ics"))
    assert str(english["SUMMARY"]) == "Autumn network evening"
    assert str(german["SUMMARY"]) == "Netzwerkabend Herbst"
    assert "Meet members from the whole region." in str(english["DESCRIPTION"])
    assert "Format: In person" in str(english["DESCRIPTION"])
    assert "Details and registration: https://portal.example/en/veranstaltungen/" in str(
        english["DESCRIPTION"]
    )
    assert "Austausch mit Mitgliedern." in str(german["DESCRIPTION"])
    assert str(english["UID"]) == str(german["UID"]) == event.uid
    assert int(english["SEQUENCE"]) == int(german["SEQUENCE"]) == 0

    # A new English title is a change calendars show: the SEQUENCE rises, the UID stays.
    event = Event.objects.get(pk=event.pk)
    event.title_en = "Autumn networking evening"
    event.save()
    english = _vevent(client.get(f"/en/veranstaltungen/{event.slug}/kalender.ics"))
    german = _vevent(client.get(f"/veranstaltungen/{event.slug}/kalender.ics"))
    assert str(english["SUMMARY"]) == "Autumn networking evening"
    assert int(english["SEQUENCE"]) == int(german["SEQUENCE"]) == 1
    assert str(english["UID"]) == event.uid

    feed = Calendar.from_ical(client.get("/en/veranstaltungen/kalender.ics").content)
    assert str(feed["X-WR-CALNAME"]).endswith(": Events")
    (component,) = feed.walk("VEVENT")
    assert str(component["SUMMARY"]) == "Autumn networking evening"
    assert str(component["UID"]) == event.uid
