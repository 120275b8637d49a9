"""Members propose events from /mein-bereich/; the Redaktion publishes or rejects them."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event
from smartregion.core.models import Municipality, Topic
from tests.factories import EventFactory, uploaded_image
from tests.members.helpers import member, verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    return verified_user("mia@example.org", first_name="Mia", last_name="Mitglied")


@pytest.fixture
def organisation(manager):
    return member("Zechenblick Software GmbH", manager=manager)


def _data(organisation, **overrides) -> dict:
    day = timezone.localdate() + timedelta(days=21)
    data = {
        "organiser": str(organisation.pk),
        "title": "Offene Sprechstunde Web-Apps",
        "teaser": "Wir beantworten Fragen zu Web-Anwendungen im Handwerk.",
        "description": "Bringen Sie Ihre Fragen mit.",
        "starts_at": f"{day:%Y-%m-%d}T16:00",
        "ends_at": f"{day:%Y-%m-%d}T18:00",
        "registration_deadline": "",
        "capacity": "12",
        "format": "hybrid",
        "venue_name": "Zechenblick Software, Besprechungsraum",
        "address": "Bahnhofstraße 1\n45879 Gelsenkirchen",
        "online_url": "https://meet.example/zechenblick",
        "municipality": str(Municipality.objects.get(slug="gelsenkirchen").pk),
        "topics": [str(Topic.objects.get(slug="smart-economy").pk)],
        "image_alt": "",
    }
    data.update(overrides)
    return data


def test_member_proposes_an_event(
    client, manager, organisation, staff_editor, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    url = reverse("events:propose")
    response = client.get(url)
    assert response.status_code == 200
    assert "Veranstaltung vorschlagen" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            _data(
                organisation,
                image=uploaded_image("bild.jpg", width=1200, height=800),
                image_alt="Ein Laptop",
            ),
        )
    assert response.status_code == 302, response.context["form"].errors
    assert response.url == reverse("events:mine")
    event = Event.objects.get()
    assert (event.status, event.proposed_by, event.organiser) == (
        "submitted",
        manager,
        organisation,
    )
    assert event.slug == "offene-sprechstunde-web-apps"
    assert timezone.localtime(event.starts_at).strftime("%H:%M") == "16:00"
    assert event.image_original and event.image_renditions == []  # public only once published
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["mia@example.org", "redaktion@example.org"]
    waiting = next(m for m in mail.outbox if m.to == ["redaktion@example.org"])
    assert f"/admin/events/event/{event.pk}/change/" in waiting.body

    html = client.get(reverse("events:mine")).content.decode()
    assert "Offene Sprechstunde Web-Apps" in html and "Eingereicht" in html
    assert client.get(event.get_absolute_url()).status_code == 404  # not public yet

    # The Redaktion publishes: the image gets its public renditions, the member a mail.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_publish(event=event, actor=staff_editor)
    event.refresh_from_db()
    assert event.status == "published"
    assert {r["format"] for r in event.image_renditions} == {"webp", "jpeg"}
    assert [m.to for m in mail.outbox] == [["mia@example.org"]]
    client.logout()
    assert client.get(event.get_absolute_url()).status_code == 200
    assert "Offene Sprechstunde Web-Apps" in client.get("/veranstaltungen/").content.decode()


def test_rejected_proposal_shows_the_reason(
    client, manager, organisation, staff_editor, django_capture_on_commit_callbacks
):
    event = EventFactory(status="submitted", proposed_by=manager, organiser=organisation)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_reject(
            event=event, actor=staff_editor, reason="Der Termin liegt außerhalb der Region."
        )
    (message,) = mail.outbox
    assert message.to == ["mia@example.org"]
    assert "Der Termin liegt außerhalb der Region." in message.body
    client.force_login(manager)
    html = client.get(reverse("events:mine")).content.decode()
    assert "Abgelehnt" in html and "Der Termin liegt außerhalb der Region." in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "2020-01-01T10:00"}, "ends_at", "Das Ende muss nach dem Beginn liegen."),
        ({"capacity": "0"}, "capacity", "mindestens einen Platz"),
        ({"online_url": ""}, "online_url", "Zugangslink"),
        ({"topics": []}, "topics", "zwingend erforderlich"),
        # On 31 October 2027 02:30 happens twice (the clocks go back): refused, not guessed.
        (
            {"starts_at": "2027-10-31T02:30", "ends_at": "2027-10-31T05:00"},
            "starts_at",
            "Zeitumstellung zweimal oder gar nicht",
        ),
    ],
)
def test_proposal_with_bad_input_is_refused(
    client, manager, organisation, overrides, field, message
):
    client.force_login(manager)
    response = client.post(reverse("events:propose"), _data(organisation, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert Event.objects.count() == 0
    assert "Bitte prüfen Sie Ihre Angaben" in response.content.decode()


def test_deadline_after_start_is_refused(client, manager, organisation):
    client.force_login(manager)
    data = _data(organisation)
    data["registration_deadline"] = data["ends_at"]
    response = client.post(reverse("events:propose"), data)
    assert "Der Anmeldeschluss darf nicht nach dem Beginn liegen." in " ".join(
        response.context["form"].errors["registration_deadline"]
    )


def test_only_managers_of_active_members_may_propose(client, manager, organisation):
    url = reverse("events:propose")
    assert client.get(url).status_code == 302  # to the login
    stranger = verified_user("fremd@example.org")
    client.force_login(stranger)
    response = client.get(url)
    assert response.status_code == 403
    assert "Nur für Mitglieder" in response.content.decode()
    # Someone else's organisation cannot be chosen.
    other = member("Fremde GmbH")
    client.force_login(manager)
    response = client.post(url, _data(other))
    assert "organiser" in response.context["form"].errors
    # An expired or revoked membership ends it.
    organisation.membership.status = "revoked"
    organisation.membership.save()
    assert client.get(url).status_code == 403
    assert Event.objects.count() == 0


def test_member_area_shows_registrations_and_the_propose_button(
    client, manager, organisation, sign_up
):
    event = EventFactory(title="Digi-Meetup Gelsenkirchen")
    sign_up(event, "MIA@example.org", confirm=True)
    sign_up(EventFactory(title="Von jemand anderem"), "anderer@example.org", confirm=True)
    client.force_login(manager)
    html = client.get(reverse("members:area")).content.decode()
    assert "Digi-Meetup Gelsenkirchen" in html and "Bestätigt" in html
    assert "Von jemand anderem" not in html
    assert "/veranstaltungen/anmeldung/" in html  # its cancellation link
    assert reverse("events:propose") in html
    html = client.get(reverse("events:mine")).content.decode()
    assert "Digi-Meetup Gelsenkirchen" in html


def test_member_area_without_membership_offers_no_proposal(client):
    user = verified_user("ohne@example.org")
    client.force_login(user)
    html = client.get(reverse("members:area")).content.decode()
    assert reverse("events:propose") not in html
    assert "Sie sind zu keiner kommenden Veranstaltung angemeldet." in html


def test_a_rate_limited_proposal_decodes_no_image(client, manager, organisation, monkeypatch):
    from PIL import ImageFile

    from events.views import PROPOSE_LIMIT_PER_USER
    from smartregion.core.ratelimit import hit

    attempts, seconds = PROPOSE_LIMIT_PER_USER
    for _ in range(attempts):
        hit("event-propose", str(manager.pk), limit=attempts, period_seconds=seconds)
    decodes = []
    load = ImageFile.ImageFile.load
    monkeypatch.setattr(
        ImageFile.ImageFile, "load", lambda self: decodes.append(self.size) or load(self)
    )
    client.force_login(manager)
    data = _data(
        organisation,
        image=uploaded_image("bild.jpg", width=1200, height=800),
        image_alt="Ein Laptop",
    )

    response = client.post(reverse("events:propose"), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Sie haben heute schon viele Veranstaltungen vorgeschlagen." in html
    assert decodes == []
    assert "Offene Sprechstunde Web-Apps" in html  # the input stays
    assert Event.objects.count() == 0
