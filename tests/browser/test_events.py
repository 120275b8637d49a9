"""Browser tests for events: list, detail and registration form pass axe-core in Chromium, and a
new visitor finds an event, subscribes to the calendar, registers, confirms, cancels and sees the
next person on the waitlist move up.

The live server does not serve MEDIA_URL, so ``site_page`` answers /media/ from MEDIA_ROOT and
aborts every request to another host.
"""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from tests.browser.helpers import EXTERNAL
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def no_min_fill_time(monkeypatch):
    from smartregion.core.spam import SpamProtectedForm

    monkeypatch.setattr(SpamProtectedForm, "min_fill_seconds", 0)


def _with_image(event, word="Treffen", palette=10):
    from events import services
    from smartregion.core.images import verify_image
    from smartregion.site.demo.artwork import Art

    art = Art(word, palette, "kalenderblatt")
    event.image_alt = art.alt
    event.save(update_fields=["image_alt"])
    services.event_set_image(event=event, verified=verify_image(art.jpeg((1600, 900))))
    event.refresh_from_db()
    services.event_render_image(event)
    return event


def _event(days, **kwargs):
    start = (timezone.now() + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    return EventFactory(starts_at=start, ends_at=start + timedelta(hours=2), **kwargs)


def _members_organiser():
    from tests.members.helpers import member

    return member("Zechenblick Software GmbH", logo=True)


def test_list_passes_axe_and_filters(live_server, site_page, axe_check):
    organiser = _members_organiser()
    _with_image(_event(2, title="Digi-Meetup Gelsenkirchen", organiser=organiser))
    _with_image(
        _event(
            9,
            title="Online-Workshop Formulare",
            format="online",
            address="",
            online_url="https://meet.example/x",
        ),
        word="Online",
        palette=12,
    )
    _event(20, title="Netzwerkabend", capacity=1)
    _event(40, title="Abgesagter Rundgang", status="cancelled")
    _event(-10, title="Vergangenes Meetup")

    page = site_page
    response = page.goto(live_server.url + "/veranstaltungen/")
    assert response.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == "Veranstaltungen"
    assert page.locator(".card-grid > li").count() == 4
    page.wait_for_load_state("networkidle")
    axe_check(page)
    assert page.console_errors == []

    page.get_by_role("combobox", name="Format").select_option(label="Online")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url(re.compile(r"[?&]format=online"))
    assert page.locator(".card-grid > li").count() == 1
    assert page.get_by_role("status").first.inner_text() == "1 Veranstaltung"
    axe_check(page)

    page.get_by_role("link", name="Vergangene").click()
    page.wait_for_url(re.compile(r"zeitraum=vergangen"))
    assert page.get_by_role("heading", level=1).inner_text() == "Vergangene Veranstaltungen"
    axe_check(page)
    assert page.console_errors == []
    assert not [url for url in page.requests if EXTERNAL.match(url)]


def test_detail_pages_pass_axe(live_server, site_page, axe_check):
    event = _with_image(
        _event(5, title="Netzwerkabend im Winter", organiser=_members_organiser(), capacity=30)
    )
    cancelled = _event(
        6, title="Abgesagter Workshop", status="cancelled", cancellation_note="Krankheit."
    )
    page = site_page
    for target in (event, cancelled):
        response = page.goto(live_server.url + target.get_absolute_url())
        assert response.status == 200
        assert page.get_by_role("heading", level=1).count() == 1
        page.wait_for_load_state("networkidle")
        axe_check(page)
    assert page.get_by_text("Diese Veranstaltung findet nicht statt.").is_visible()
    assert page.console_errors == []
    assert not [url for url in page.requests if EXTERNAL.match(url)]
    assert page.context.cookies() == []  # reading sets no cookie


def test_registration_form_passes_axe_also_with_errors(
    live_server, site_page, axe_check, no_min_fill_time
):
    event = _event(5, title="Workshop KI")
    page = site_page
    page.goto(live_server.url + f"/veranstaltungen/{event.slug}/anmelden/")
    axe_check(page)

    page.get_by_label("Ihr Name").fill("Anna Beispiel")
    page.get_by_label("Ihre E-Mail-Adresse").fill("keine-adresse")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()
    assert page.title().startswith("Anmeldung: Workshop KI – Fehler")
    summary = page.get_by_role("alert")
    assert summary.is_visible()
    for href in summary.get_by_role("link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    ):
        assert page.locator(href).count() == 1
    email = page.locator("#id_email")
    assert email.get_attribute("aria-invalid") == "true"
    assert "id_email_error" in email.get_attribute("aria-describedby")
    assert page.locator("#id_consent").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_name").input_value() == "Anna Beispiel"
    axe_check(page)
    assert page.console_errors == []


def _link(address: str, pattern: str) -> str:
    messages = [m for m in mail.outbox if m.to == [address]]
    for message in reversed(messages):
        match = re.search(pattern, message.body)
        if match:
            return match.group(0)
    raise AssertionError(f"no {pattern} in the mails to {address}")


def test_find_subscribe_register_confirm_cancel_and_waitlist_moves_up(
    live_server, site_page, axe_check, no_min_fill_time
):
    from events.models import Registration

    event = _with_image(_event(6, title="Netzwerkabend im Winter", capacity=1))
    page = site_page

    # Find the event and subscribe to the calendar.
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name=re.compile("Haupt")).get_by_role(
        "link", name="Veranstaltungen"
    ).click()
    page.wait_for_url(re.compile(r"/veranstaltungen/$"))
    subscribe = page.get_by_role("link", name="Kalender abonnieren")
    assert subscribe.get_attribute("href").startswith("webcal://")
    feed = page.request.get(live_server.url + "/veranstaltungen/kalender.ics")
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    uids = [str(c["UID"]) for c in Calendar.from_ical(feed.body()).walk("VEVENT")]
    assert uids == [event.uid]

    page.get_by_role("link", name="Netzwerkabend im Winter").click()
    page.wait_for_url(re.compile(event.get_absolute_url() + "$"))
    assert page.get_by_text("noch 1 von 1 frei").is_visible()

    # Register, confirm, get the place.
    def register(name, email):
        page.goto(live_server.url + event.get_absolute_url())
        page.get_by_role("link", name=re.compile("Jetzt anmelden|Auf die Warteliste")).click()
        page.get_by_label("Ihr Name").fill(name)
        page.get_by_label("Ihre E-Mail-Adresse").fill(email)
        page.get_by_label(re.compile("Ich bin einverstanden")).check()
        page.get_by_role("button", name=re.compile("Anmelden|Auf die Warteliste")).click()
        page.wait_for_url(re.compile(r"/anmelden/danke/$"))
        assert "Bitte bestätigen Sie Ihre Anmeldung" in page.get_by_role("status").inner_text()
        page.goto(
            live_server.url + _link(email, r"/veranstaltungen/anmeldung/[^/\s]+/bestaetigen/")
        )
        axe_check(page)
        page.get_by_role("button", name="Anmeldung bestätigen").click()
        page.wait_for_load_state()

    register("Anna Beispiel", "anna@example.org")
    assert page.get_by_role("heading", level=1).inner_text() == "Anmeldung bestätigt"
    axe_check(page)
    anna = Registration.objects.get(email="anna@example.org")
    assert (anna.status, anna.place) == ("confirmed", 1)

    # The event is full: the next person goes onto the waitlist and is told so.
    register("Ben Beispiel", "ben@example.org")
    assert page.get_by_role("heading", level=1).inner_text() == "Sie stehen auf der Warteliste"
    assert "Platz 1 der Warteliste" in page.get_by_role("status").inner_text()
    assert Registration.objects.get(email="ben@example.org").status == "waitlisted"

    # Anna cancels: opening the link changes nothing, the button does.
    page.goto(
        live_server.url + _link("anna@example.org", r"/veranstaltungen/anmeldung/[^/\s]+/abmelden/")
    )
    axe_check(page)
    anna.refresh_from_db()
    assert anna.status == "confirmed"
    page.get_by_role("button", name="Ja, Anmeldung stornieren").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Anmeldung storniert"
    axe_check(page)

    ben = Registration.objects.get(email="ben@example.org")
    assert (ben.status, ben.place) == ("confirmed", 1)
    promoted = [m for m in mail.outbox if m.to == ["ben@example.org"]][-1]
    assert promoted.subject == "Sie sind nachgerückt: Netzwerkabend im Winter"
    assert page.console_errors == []
    assert not [url for url in page.requests if EXTERNAL.match(url)]


def test_member_proposal_form_and_my_events_pass_axe(live_server, site_page, axe_check):
    from django.test import Client

    from tests.members.helpers import member, verified_user

    user = verified_user("mia@example.org", first_name="Mia", last_name="Mitglied")
    organisation = member("Zechenblick Software GmbH", manager=user)
    EventFactory(
        title="Vorschlag in Prüfung", status="submitted", proposed_by=user, organiser=organisation
    )
    client = Client()
    client.force_login(user)
    page = site_page
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(live_server.url + "/mein-bereich/")
    axe_check(page)
    page.get_by_role("link", name="Veranstaltung vorschlagen").click()
    page.wait_for_url(re.compile(r"/mein-bereich/veranstaltungen/vorschlagen/$"))
    axe_check(page)
    page.get_by_role("textbox", name="Titel").fill("Offene Sprechstunde")
    page.get_by_role("button", name="Vorschlag einreichen").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    axe_check(page)
    page.goto(live_server.url + "/mein-bereich/veranstaltungen/")
    assert "Vorschlag in Prüfung" in page.get_by_role("table").last.inner_text()
    axe_check(page)
    assert page.console_errors == []
