"""The Redaktion (staff, not superuser) manages events in the admin."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, Registration
from smartregion.core.models import ModerationLog, Municipality, Topic
from tests.factories import EventFactory, UserFactory
from tests.staff import login_staff

pytestmark = pytest.mark.django_db

R = Registration.Status


@pytest.fixture
def editor(client, staff_editor):
    login_staff(client, staff_editor)
    return staff_editor


def _form_data(**overrides) -> dict:
    start = timezone.localtime(timezone.now() + timedelta(days=14))
    data = {
        "title": "Workshop Datenschutz im Verein",
        "slug": "workshop-datenschutz-im-verein",
        "teaser": "Was Vereine bei Online-Formularen beachten müssen.",
        "description": "Mit vielen Beispielen.",
        "starts_at_0": start.strftime("%d.%m.%Y"),
        "starts_at_1": "18:00",
        "ends_at_0": start.strftime("%d.%m.%Y"),
        "ends_at_1": "20:00",
        "registration_deadline_0": "",
        "registration_deadline_1": "",
        "capacity": "25",
        "format": "onsite",
        "venue_name": "Rathaus Marl",
        "address": "Creiler Platz 1\n45768 Marl",
        "municipality": str(Municipality.objects.get(slug="marl").pk),
        "online_url": "",
        "organiser": "",
        "topics": [str(Topic.objects.get(slug="egovernment").pk)],
        "image_alt": "",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
        "registrations-MIN_NUM_FORMS": "0",
        "registrations-MAX_NUM_FORMS": "1000",
        "_save": "Sichern",
    }
    data.update(overrides)
    return data


def _errors(response) -> str:
    return str(response.context["adminform"].form.errors)


# Creating and validating ------------------------------------------------------------------------


def test_redaktion_creates_an_event_as_draft(client, editor):
    response = client.post(reverse("admin:events_event_add"), _form_data())
    assert response.status_code == 302, _errors(response)
    event = Event.objects.get()
    assert event.status == Event.Status.DRAFT
    assert timezone.localtime(event.starts_at).strftime("%H:%M") == "18:00"
    assert event.uid and event.sequence == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at_1": "17:00"}, "ends_at", "Das Ende muss nach dem Beginn liegen."),
        ({"ends_at_1": "18:00"}, "ends_at", "Das Ende muss nach dem Beginn liegen."),
        (
            {"registration_deadline_0": "01.01.2099", "registration_deadline_1": "10:00"},
            "registration_deadline",
            "Der Anmeldeschluss darf nicht nach dem Beginn liegen.",
        ),
        ({"capacity": "0"}, "capacity", "mindestens einen Platz"),
        ({"capacity": "-3"}, "capacity", ""),
        ({"address": ""}, "address", "Bitte geben Sie die Anschrift"),
        ({"format": "online", "address": ""}, "online_url", "Zugangslink"),
    ],
)
def test_admin_refuses_impossible_events_with_clear_messages(
    client, editor, overrides, field, message
):
    response = client.post(reverse("admin:events_event_add"), _form_data(**overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert Event.objects.count() == 0


def test_capacity_cannot_drop_below_taken_places(client, editor, sign_up):
    event = EventFactory(capacity=3)
    for _ in range(3):
        sign_up(event, confirm=True)
    response = client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        _form_data(
            title=event.title,
            slug=event.slug,
            capacity="2",
            starts_at_0=timezone.localtime(event.starts_at).strftime("%d.%m.%Y"),
            ends_at_0=timezone.localtime(event.ends_at).strftime("%d.%m.%Y"),
        ),
    )
    assert response.status_code == 200
    assert "Plätze bis Nummer 3 vergeben" in _errors(response)
    event.refresh_from_db()
    assert event.capacity == 3


def test_raising_the_capacity_moves_the_waitlist_up(
    client, editor, sign_up, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    sign_up(event, confirm=True)
    waiting = sign_up(event, "wartet@example.org", confirm=True)
    mail.outbox.clear()
    start = timezone.localtime(event.starts_at)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:events_event_change", args=[event.pk]),
            _form_data(
                title=event.title,
                slug=event.slug,
                capacity="2",
                starts_at_0=start.strftime("%d.%m.%Y"),
                starts_at_1=start.strftime("%H:%M"),
                # Two hours later may be the next day (a test run late in the evening).
                ends_at_0=(start + timedelta(hours=2)).strftime("%d.%m.%Y"),
                ends_at_1=(start + timedelta(hours=2)).strftime("%H:%M"),
            ),
            follow=True,
        )
    assert "1 Person ist von der Warteliste nachgerückt" in response.content.decode()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.place) == (R.CONFIRMED, 2)
    assert mail.outbox[-1].subject.startswith("Sie sind nachgerückt")


# Moderation -------------------------------------------------------------------------------------


def test_admin_index_counts_proposals_waiting(client, editor):
    EventFactory.create_batch(2, status="submitted")
    EventFactory(status="published")
    html = client.get(reverse("admin:index")).content.decode()
    assert "Vorgeschlagene Veranstaltungen" in html
    assert '<span class="moderation-count">2</span>' in html


def test_publish_action_mails_the_proposer(client, editor, django_capture_on_commit_callbacks):
    proposer = UserFactory(email="mitglied@example.org")
    event = EventFactory(status="submitted", proposed_by=proposer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:events_event_changelist"),
            {"action": "publish", "_selected_action": [event.pk]},
        )
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert [m.subject for m in mail.outbox] == [f"Veröffentlicht: {event.title}"]
    log = ModerationLog.objects.get(to_state="published")
    assert log.actor == editor


def test_reject_needs_a_reason_which_is_mailed(client, editor, django_capture_on_commit_callbacks):
    proposer = UserFactory(email="mitglied@example.org")
    event = EventFactory(status="submitted", proposed_by=proposer)
    url = reverse("admin:events_event_changelist")
    response = client.post(url, {"action": "reject", "_selected_action": [event.pk]})
    assert response.status_code == 200
    assert "Begründung für die vorschlagende Person" in response.content.decode()
    response = client.post(url, {"action": "reject", "_selected_action": [event.pk], "apply": "1"})
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "action": "reject",
                "_selected_action": [event.pk],
                "apply": "1",
                "text": "Bitte nennen Sie einen Ort in der Region.",
            },
        )
    event.refresh_from_db()
    assert event.status == Event.Status.REJECTED
    assert event.rejection_reason == "Bitte nennen Sie einen Ort in der Region."
    (message,) = mail.outbox
    assert message.to == ["mitglied@example.org"]
    assert "Bitte nennen Sie einen Ort in der Region." in message.body


def test_cancel_action_asks_first_then_mails_everyone(
    client, editor, sign_up, django_capture_on_commit_callbacks
):
    event = EventFactory()
    sign_up(event, "dabei@example.org", confirm=True)
    mail.outbox.clear()
    url = reverse("admin:events_event_changelist")
    response = client.post(url, {"action": "cancel_event", "_selected_action": [event.pk]})
    assert "Das lässt sich nicht rückgängig machen." in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {"action": "cancel_event", "_selected_action": [event.pk], "apply": "1", "text": ""},
        )
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert [m.to for m in mail.outbox] == [["dabei@example.org"]]


def test_decide_links_on_the_change_page(client, editor, django_capture_on_commit_callbacks):
    event = EventFactory(status="submitted")
    html = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    publish = reverse("admin:events_event_decide", args=[event.pk, "publish"])
    assert publish in html
    assert client.get(publish).status_code == 200
    event.refresh_from_db()
    assert event.status == Event.Status.SUBMITTED  # GET only asks
    with django_capture_on_commit_callbacks(execute=True):
        client.post(publish)
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


# Participants, waitlist, CSV --------------------------------------------------------------------


def test_participants_page_and_manual_move_up(
    client, editor, sign_up, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1, title="Workshop KI")
    sign_up(event, "dabei@example.org", name="Dora Dabei", confirm=True)
    first_waiting = sign_up(event, "wartet1@example.org", name="Willi Warte", confirm=True)
    second_waiting = sign_up(event, "wartet2@example.org", name="Wanda Warte", confirm=True)
    url = reverse("admin:events_event_participants", args=[event.pk])
    html = client.get(url).content.decode()
    assert "Dora Dabei" in html and "Willi Warte" in html and "Wanda Warte" in html
    assert "1 von 1 Plätzen vergeben" in html
    mail.outbox.clear()

    # Out of turn: the second person on the waitlist; the event is full, so a place is added.
    move_up = reverse("admin:events_event_move_up", args=[event.pk, second_waiting.pk])
    assert client.get(move_up).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(move_up, follow=True)
    html = response.content.decode()
    assert "Wanda Warte ist nachgerückt" in html
    assert "Die Zahl der Plätze ist jetzt 2." in html
    second_waiting.refresh_from_db()
    first_waiting.refresh_from_db()
    event.refresh_from_db()
    assert (second_waiting.status, second_waiting.place, event.capacity) == (R.CONFIRMED, 2, 2)
    assert first_waiting.status == R.WAITLISTED
    assert [m.to for m in mail.outbox] == [["wartet2@example.org"]]
    assert ModerationLog.objects.filter(object_id=str(second_waiting.pk), actor=editor).exists()

    # Moving up someone who is not waiting changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(move_up, follow=True)
    assert "nicht (mehr) auf der Warteliste" in response.content.decode()


def _rows(response) -> list[list[str]]:
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def test_csv_export_of_participants(client, editor, sign_up):
    event = EventFactory(capacity=1, title="Netzwerkabend")
    sign_up(event, "dabei@example.org", name='=HYPERLINK("http://evil.example")', confirm=True)
    sign_up(event, "wartet@example.org", name="Willi Warte", confirm=True)
    sign_up(event, "offen@example.org", name="Otto Offen")

    response = client.get(reverse("admin:events_event_participants_csv", args=[event.pk]))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "teilnehmende-" in response.headers["Content-Disposition"]
    header, *rows = _rows(response)
    assert header[:6] == ["Veranstaltung", "Beginn", "Status", "Platz", "Wartelistenplatz", "Name"]
    assert [(row[2], row[3], row[4], row[6]) for row in rows] == [
        ("Bestätigt", "1", "", "dabei@example.org"),
        ("Warteliste", "", "1", "wartet@example.org"),
        ("Unbestätigt", "", "", "offen@example.org"),
    ]
    assert not rows[0][5].startswith("=")  # no formula for spreadsheets

    # The same from the list, for several events at once.
    other = EventFactory()
    sign_up(other, "anderes@example.org", confirm=True)
    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "export_participants", "_selected_action": [event.pk, other.pk]},
    )
    assert len(_rows(response)) == 1 + 4


def test_csv_export_needs_the_permission(client, django_user_model):
    event = EventFactory()
    url = reverse("admin:events_event_participants_csv", args=[event.pk])
    assert client.get(url).status_code == 302  # to the login
    staff = django_user_model.objects.create_user(
        email="praktikum@example.org", password="pw", is_staff=True
    )
    staff.user_permissions.add(Permission.objects.get(codename="view_event"))
    login_staff(client, staff)
    assert client.get(url).status_code == 403
    assert (
        client.get(reverse("admin:events_event_participants", args=[event.pk])).status_code == 403
    )
    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "export_participants", "_selected_action": [event.pk]},
    )
    assert response.status_code == 403
    member = django_user_model.objects.create_user(email="mitglied@example.org", password="pw")
    client.force_login(member)
    assert client.get(url).status_code == 302


def test_redaktion_has_the_events_permissions():
    from django.contrib.auth.models import Group

    perms = set(
        Group.objects.get(name="Redaktion")
        .permissions.filter(content_type__app_label="events")
        .values_list("codename", flat=True)
    )
    assert {"change_event", "view_registration", "change_registration"} <= perms


def test_registration_admin_cancel_frees_the_place(
    client, editor, sign_up, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    first = sign_up(event, confirm=True)
    second = sign_up(event, confirm=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:events_registration_changelist"),
            {"action": "cancel_registrations", "_selected_action": [first.pk]},
        )
    second.refresh_from_db()
    assert second.status == R.CONFIRMED
    assert services.cancel_path(second)


def test_admin_pages_render_for_the_redaktion(client, editor, sign_up):
    event = EventFactory(capacity=1, title="Netzwerkabend")
    registration = sign_up(event, confirm=True)
    sign_up(event, confirm=True)
    response = client.get(reverse("admin:events_event_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Netzwerkabend" in html and "1 / 1" in html
    for params in ({"zeitraum": "kommend"}, {"zeitraum": "vergangen"}, {"status__exact": "draft"}):
        assert client.get(reverse("admin:events_event_changelist"), params).status_code == 200
    html = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert "Teilnehmende und Warteliste" in html and event.uid in html
    assert client.get(reverse("admin:events_event_add")).status_code == 200
    assert client.get(reverse("admin:events_registration_changelist")).status_code == 200
    response = client.get(reverse("admin:events_registration_change", args=[registration.pk]))
    assert response.status_code == 200
