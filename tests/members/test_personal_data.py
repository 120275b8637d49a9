"""People's own data in the account area (DSGVO Art. 15, 17, 20): the page and the JSON download
of everything the portal holds about the logged-in person, and the deletion of the account.

``person_everywhere`` gives one person data in every app, written with distinctive markers in
every field that can hold their name, an address, an IP address or their own text; another
person has data of the same kinds. The erasure test then reads every text field of every row of
every model (found by introspection) and fails on any marker left."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.contrib.sessions.models import Session
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from blog import services as blog_services
from blog.models import Post, Report
from events.models import Event, Registration
from members.models import Application, ApplicationMessage, Invitation, User
from newsletter.models import Delivery, Subscriber
from smartregion.core import mail, tasks
from smartregion.core.models import ModerationLog, Municipality, Topic, UndeliveredMail
from tests.blog.helpers import field_errors, form_data, verified
from tests.factories import (
    CampaignFactory,
    EventFactory,
    PostFactory,
    RegistrationFactory,
    SubscriberFactory,
)
from tests.members.helpers import PASSWORD, member, verified_user
from tests.tasks import db_tasks_setting

pytestmark = pytest.mark.django_db

DATA = "/mein-bereich/daten/"
DATA_JSON = "/mein-bereich/daten/meine-daten.json"
DELETE = "/mein-bereich/konto-loeschen/"

# The person's markers: first and last name, two addresses, an IP address, their own texts.
FIRST, LAST = "Zorafine", "Quillbury"
EMAIL = "zorafine.quillbury@example.org"
SECOND = "zq-zweitadresse@example.org"
IP = "203.0.113.77"
TEXT = "Xylomarkerwort"
MARKERS = ("zorafine", "quillbury", "zq-zweitadresse", IP, TEXT.lower())
# The other person's markers: their data must stay, and never show up in the person's export.
OTHER = "otto.anderer@example.org"
OTHER_TEXT = "Fremdtextmarker"


def mail_payload(*, to: list[str], subject: str, text: str) -> dict:
    return mail.RenderedMail(subject=subject, text=text, html=f"<p>{text}</p>", to=to).as_payload()


@pytest.fixture
def person_everywhere(settings, django_capture_on_commit_callbacks):
    """The person (a member with two verified addresses) and their data in every app; the
    other person's data beside it. Mails go to the database task queue, as deployed."""
    settings.TASKS = db_tasks_setting()
    with django_capture_on_commit_callbacks(execute=True):
        user = verified_user(EMAIL, first_name=FIRST, last_name=LAST)
        EmailAddress.objects.create(user=user, email=SECOND, verified=True, primary=False)
        # An address nobody verified matches nothing.
        EmailAddress.objects.create(user=user, email=OTHER, verified=False, primary=False)
        Authenticator.objects.create(user=user, type="recovery_codes", data={"seed": "geheim"})
        other = verified_user("otto@example.org", first_name="Otto", last_name="Anderer")

        organisation = member("Digitalwerk Emscher GmbH", manager=user)
        organisation.contact_person = f"{FIRST} {LAST}"
        organisation.save()

        # Posts: one kept (published, member organisation), one published without one, one
        # not yet published from the second address without logging in, with image files.
        kept = PostFactory(
            organisation=organisation,
            organisation_name=organisation.name,
            submitted_by=user,
            author_name=f"{FIRST} {LAST}",
            author_email=EMAIL,
        )
        PostFactory(
            title=f"{TEXT} veröffentlicht",
            body=f"Text {TEXT}",
            author_name=f"{FIRST} {LAST}",
            author_email=EMAIL,
        )
        draft = blog_services.post_submit(
            data={
                **form_data(
                    title=f"{TEXT} Idee",
                    teaser=f"{TEXT} Kurzbeschreibung",
                    body=f"## {TEXT}\n\nMein Text {TEXT}.",
                    tips=f"{TEXT} Tipp",
                    organisation_name=f"{TEXT} Werkstatt",
                    website=f"https://{TEXT.lower()}.example",
                    cover_alt=f"{TEXT} Titelbild",
                    author_name=f"{FIRST} {LAST}",
                    author_email=SECOND,
                ),
                "municipality": Municipality.objects.get(slug="gladbeck"),
                "topics": [Topic.objects.get(slug="bildung")],
            },
            cover=verified(),
            gallery=[(verified(fmt="PNG"), f"{TEXT} Galeriebild")],
        )
        others_post = PostFactory(
            title="Ein Beitrag aus Herten",
            body=OTHER_TEXT,
            author_name="Otto Anderer",
            author_email=OTHER,
        )
        Report.objects.create(post=others_post, reason=f"{TEXT} Meldung", email=EMAIL)
        Report.objects.create(post=others_post, reason=f"{OTHER_TEXT} Meldung", email=OTHER)

        # Events: a confirmed place, a proposal never published, another person's registration.
        event = EventFactory(capacity=1)
        registration = Registration.objects.create(
            event=event,
            name=f"{FIRST} {LAST}",
            email=SECOND,
            organisation=f"{TEXT} GmbH",
            consent_at=timezone.now(),
            status="confirmed",
            place=1,
            confirmed_at=timezone.now(),
        )
        RegistrationFactory(
            event=event,
            name="Otto Anderer",
            email=OTHER,
            organisation=OTHER_TEXT,
            status="waitlisted",
            waitlisted_at=timezone.now(),
        )
        EventFactory(
            title=f"{TEXT} Treffen",
            teaser=f"{TEXT} Teaser",
            description=f"{TEXT} Beschreibung",
            venue_name=f"{TEXT} Halle",
            address=f"{TEXT}weg 1",
            status="submitted",
            proposed_by=user,
        )

        # A membership application with a message, and an invitation to the second address.
        application = Application.objects.create(
            applicant=user,
            organisation_name=f"{TEXT} Labor",
            kind="company",
            municipality=Municipality.objects.get(slug="bottrop"),
            address=f"{TEXT}straße 2",
            website=f"https://{TEXT.lower()}-labor.example",
            description=f"{TEXT} digitale Arbeit",
            contact_person=f"{FIRST} {LAST}",
            criterion_region=True,
            criterion_digital=True,
            criterion_sharing=True,
            criterion_terms=True,
            ambassador_motivation=f"{TEXT} Motivation",
        )
        ApplicationMessage.objects.create(application=application, text=f"{TEXT} Antwort")
        other_org = member("Anderer Verein", manager=other, kind="association")
        Invitation.objects.create(organisation=other_org, email=SECOND, invited_by=other)

        # The newsletter, with the issue sent to the address.
        subscriber = SubscriberFactory(email=EMAIL, name=f"{FIRST} {LAST}")
        SubscriberFactory(email=OTHER, name="Otto Anderer")
        campaign = CampaignFactory(status="sent", sent_at=timezone.now())
        Delivery.objects.create(
            campaign=campaign, subscriber=subscriber, status="sent", sent_at=timezone.now()
        )

        # Logs quoting the person: a note by the Redaktion, the admin's history.
        ModerationLog.objects.create(
            content_type=ContentType.objects.get_for_model(Post),
            object_id=str(draft.pk),
            to_state="confirmed",
            note=f"Rückfrage an {SECOND} gestellt",
            actor=other,
        )
        LogEntry.objects.log_actions(
            user_id=other.pk,
            queryset=[registration],
            action_flag=CHANGE,
            change_message=f"Name von {FIRST} {LAST} korrigiert",
            single_object=True,
        )

        # Mails in the task queue and a report of one that could not be delivered.
        tasks.deliver_mail.enqueue(mail_payload(to=[EMAIL], subject="Hallo", text=f"{TEXT} Mail"))
        tasks.deliver_mail.enqueue(
            mail_payload(
                to=["redaktion@example.org"],
                subject="Ein Beitrag wartet",
                text=f"„{TEXT} Idee“ wartet auf Prüfung.",
            )
        )
        tasks.deliver_mail.enqueue(
            mail_payload(to=[OTHER], subject="Hallo Otto", text=f"{OTHER_TEXT} Mail")
        )
        UndeliveredMail.objects.create(
            recipients=[SECOND],
            subject=f"{TEXT} Betreff",
            reason="refused",
            error="550 unknown",
            attempts=1,
            first_attempt_at=timezone.now(),
            last_attempt_at=timezone.now(),
        )
    return {"user": user, "other": other, "kept": kept, "draft": draft, "event": event}


def logged_in_session(client, user, **values):
    """Log ``user`` in on ``client`` and store ``values`` in the session."""
    client.force_login(user)
    session = client.session
    session.update(values)
    session.save()
    return session.session_key


def row_texts(model) -> list[tuple[str, object, str]]:
    """Every value of every field of ``model`` that can hold a name, an address, an IP address
    or free text, as (field, pk, text), by introspection; sessions decoded."""
    fields = [
        field
        for field in model._meta.concrete_fields
        if isinstance(
            field,
            models.CharField
            | models.TextField
            | models.GenericIPAddressField
            | models.JSONField
            | ArrayField,
        )
    ]
    found = []
    for row in model._default_manager.values("pk", *[field.attname for field in fields]):
        for field in fields:
            value = row[field.attname]
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            found.append((field.name, row["pk"], text))
        if model is Session:
            decoded = Session.objects.get(pk=row["pk"]).get_decoded()
            found.append(("session_data (decoded)", row["pk"], json.dumps(decoded)))
    return found


def leftovers(markers, *, except_tasks=()) -> list[str]:
    """``model.field #pk: text`` for every stored text holding one of ``markers``."""
    assert len(apps.get_models()) > 30  # every app's models, allauth, sessions, tasks included
    hits = []
    for model in apps.get_models(include_auto_created=True):
        for field, pk, text in row_texts(model):
            if model is DBTaskResult and str(pk) in except_tasks:
                continue
            if any(marker in text.lower() for marker in markers):
                hits.append(f"{model._meta.label}.{field} #{pk}: {text[:120]}")
    return hits


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


# The data page and the download ------------------------------------------------------------------


def test_the_data_pages_require_login(client):
    for url in (DATA, DATA_JSON, DELETE):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/konto/login/")


def test_the_download_holds_each_kind_of_data_and_nothing_of_other_people(
    client, person_everywhere
):
    client.force_login(person_everywhere["user"])
    response = client.get(DATA_JSON)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="meine-daten-')
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["format"] == "smartregion-personal-data/1"
    assert list(data) == [
        "format",
        "created_at",
        "account",
        "blog",
        "events",
        "newsletter",
        "records",
    ]

    account = data["account"]["account"]
    assert account["email"] == EMAIL and account["last_name"] == LAST
    assert {a["email"]: a["verified"] for a in account["email_addresses"]} == {
        EMAIL: True,
        SECOND: True,
        OTHER: False,
    }
    assert account["two_factor"] == ["recovery_codes"]
    assert data["account"]["organisations_managed"] == [
        {"name": "Digitalwerk Emscher GmbH", "slug": "digitalwerk-emscher-gmbh"}
    ]
    [application] = data["account"]["applications"]
    assert application["ambassador_motivation"] == f"{TEXT} Motivation"
    assert application["messages"] == [
        {
            "from": "applicant",
            "text": f"{TEXT} Antwort",
            "created_at": application["messages"][0]["created_at"],
        }
    ]
    assert [i["organisation"] for i in data["account"]["invitations_received"]] == [
        "Anderer Verein"
    ]

    posts = {post["title"]: post for post in data["blog"]["posts"]}
    assert len(posts) == 3  # the kept one, the published one, the one sent without login
    draft = posts[f"{TEXT} Idee"]
    assert draft["status"] == "submitted" and draft["author_email"] == SECOND
    assert draft["body"].startswith(f"## {TEXT}")
    assert draft["sections"] == [
        {"section": "tips", "label": "Tipps zum Nachmachen", "text": f"{TEXT} Tipp"}
    ]
    assert draft["cover_image"] and "/" not in draft["cover_image"]
    assert draft["gallery"][0]["alt_text"] == f"{TEXT} Galeriebild"
    assert [r["reason"] for r in data["blog"]["reports"]] == [f"{TEXT} Meldung"]

    [registration] = data["events"]["registrations"]
    assert registration["email"] == SECOND and registration["place"] == 1
    assert [e["title"] for e in data["events"]["proposed_events"]] == [f"{TEXT} Treffen"]

    [subscription] = data["newsletter"]["subscriptions"]
    assert subscription["email"] == EMAIL and subscription["status"] == "confirmed"
    consent = subscription["consent"]
    assert consent["text_version"] == 1 and consent["text"].startswith("Ja, ich möchte")
    assert consent["confirmed_at"] and consent["ip_address"] is None
    assert len(subscription["deliveries"]) == 1

    text = response.content.decode()
    assert OTHER_TEXT not in text and "Otto" not in text and "otto@example.org" not in text
    assert "geheim" not in text and "pbkdf2" not in text and "md5$" not in text


def test_the_data_page_shows_the_same_as_the_download(client, person_everywhere):
    client.force_login(person_everywhere["user"])
    response = client.get(DATA)

    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    for shown in (
        EMAIL,
        SECOND,
        f"{TEXT} Idee",
        f"{TEXT} Galeriebild",
        f"<dt>Tipps zum Nachmachen</dt><dd>{TEXT} Tipp</dd>",
        f"{TEXT} Meldung",
        f"{TEXT} GmbH",
        f"{TEXT} Treffen",
        f"{TEXT} Labor",
        f"{TEXT} Antwort",
        "Digitalwerk Emscher GmbH",
        "Nachweis Ihrer Einwilligung",
        "Einwilligungstext (Version 1)",
        "nicht gespeichert",  # the IP address
        'href="/mein-bereich/daten/meine-daten.json"',
        'href="/mein-bereich/konto-loeschen/"',
    ):
        assert shown in html, shown
    assert OTHER_TEXT not in html and "geheim" not in html


def test_the_member_area_links_to_the_data_and_the_deletion(client):
    client.force_login(verified_user())
    html = client.get("/mein-bereich/").content.decode()
    assert f'href="{DATA}"' in html and f'href="{DELETE}"' in html


def test_the_data_page_of_someone_without_data_is_answered(client):
    client.force_login(verified_user())
    response = client.get(DATA)
    assert response.status_code == 200
    assert "Keine Ihrer bestätigten E-Mail-Adressen ist für den Newsletter eingetragen." in (
        response.content.decode()
    )


# Deleting the account ---------------------------------------------------------------------------


def test_the_deletion_page_says_what_is_erased_and_what_is_kept(client):
    client.force_login(verified_user())
    html = client.get(DELETE).content.decode()
    assert "Was wir löschen" in html and "Was bleibt und warum" in html
    assert "Moderationsprotokoll" in html and 'name="password"' in html


def test_a_wrong_password_deletes_nothing(client, person_everywhere):
    user = person_everywhere["user"]
    client.force_login(user)
    before = row_counts()

    response = client.post(DELETE, {"password": "falsch"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Das Passwort ist nicht richtig." in field_errors(html, "id_password")
    assert row_counts() == before
    assert User.objects.filter(pk=user.pk).exists()
    assert client.get("/mein-bereich/").status_code == 200  # still logged in


def test_an_empty_password_deletes_nothing(client, person_everywhere):
    client.force_login(person_everywhere["user"])
    before = row_counts()
    response = client.post(DELETE, {})
    assert "Bitte geben Sie Ihr Passwort ein." in field_errors(
        response.content.decode(), "id_password"
    )
    assert row_counts() == before


def test_password_attempts_are_limited(client):
    user = verified_user()
    client.force_login(user)
    for _attempt in range(5):
        client.post(DELETE, {"password": "falsch"})

    response = client.post(DELETE, {"password": PASSWORD})

    assert "zu oft falsch" in field_errors(response.content.decode(), "id_password")
    assert User.objects.filter(pk=user.pk).exists()


def test_staff_accounts_are_not_deleted_here(client, staff_editor):
    client.force_login(staff_editor)
    assert "löscht eine andere Administratorin" in client.get(DELETE).content.decode()
    response = client.post(DELETE, {"password": "pw-redaktion"})
    assert response.status_code == 200
    assert User.objects.filter(pk=staff_editor.pk).exists()


def test_a_deleted_account_leaves_no_personal_data_in_any_table(
    client, person_everywhere, django_capture_on_commit_callbacks, settings
):
    user, other = person_everywhere["user"], person_everywhere["other"]
    kept, draft = person_everywhere["kept"], person_everywhere["draft"]
    draft_files = [draft.cover_original.path, *(i.original.path for i in draft.images.all())]
    assert all(Path(path).exists() for path in draft_files)
    session_key = logged_in_session(client, user, note=f"{EMAIL} {IP}")
    other_client = client.__class__()
    other_session = logged_in_session(other_client, user)  # a second device
    third = client.__class__()
    third_session = logged_in_session(third, other)
    assert leftovers(MARKERS)  # the markers are there to be found

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ihr Konto ist gelöscht" in html
    assert "Veröffentlichte Beiträge, die mit dem Profil einer Mitgliedsorganisation" in html
    # The one mail left for the address: the confirmation of the deletion, queued afterwards.
    goodbye = [
        result
        for result in DBTaskResult.objects.filter(task_path=tasks.deliver_mail.module_path)
        if result.args_kwargs["args"][0]["to"] == [EMAIL]
    ]
    assert len(goodbye) == 1
    assert goodbye[0].args_kwargs["args"][0]["subject"] == (
        "Ihr Konto in der SMART REGION Emscher-Lippe ist gelöscht"
    )
    assert leftovers(MARKERS, except_tasks={str(goodbye[0].pk)}) == []

    # Logged out everywhere; the other person's session stays.
    assert not Session.objects.filter(session_key__in=[session_key, other_session]).exists()
    assert Session.objects.filter(session_key=third_session).exists()
    assert client.get("/mein-bereich/").status_code == 302
    # The files of the post that was not published are gone.
    assert not any(Path(path).exists() for path in draft_files)
    # Kept: the published post of the member organisation (anonymised), the organisation.
    kept.refresh_from_db()
    assert kept.is_public and kept.submitted_by is None
    assert (kept.author_name, kept.author_email) == ("", "")
    assert kept.organisation.managers.count() == 0
    # The moderation log keeps its entries, the person's address replaced.
    assert ModerationLog.objects.filter(note="Rückfrage an [gelöscht] gestellt").exists()
    # The other person's data stay, and their waitlisted registration got the freed place.
    assert User.objects.filter(pk=other.pk).exists()
    assert Post.objects.filter(author_email=OTHER).exists()
    assert Report.objects.filter(email=OTHER).exists()
    assert Subscriber.objects.filter(email=OTHER).exists()
    moved_up = Registration.objects.get(email=OTHER)
    assert (moved_up.status, moved_up.place) == ("confirmed", 1)
    assert leftovers([OTHER_TEXT.lower()], except_tasks=())
    assert Event.objects.filter(pk=person_everywhere["event"].pk).exists()


def test_deleting_a_person_in_the_admin_erases_as_their_own_deletion_does(
    admin_client, person_everywhere, django_capture_on_commit_callbacks
):
    user = person_everywhere["user"]
    url = reverse("admin:members_user_delete", args=[user.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    goodbye = [
        result
        for result in DBTaskResult.objects.filter(task_path=tasks.deliver_mail.module_path)
        if result.args_kwargs["args"][0]["to"] == [EMAIL]
    ]
    assert len(goodbye) == 1
    # A cascade alone would keep the posts, registrations and subscription sent from the address.
    assert leftovers(MARKERS, except_tasks={str(goodbye[0].pk)}) == []


def test_the_deletion_is_confirmed_by_mail(client, mailoutbox, django_capture_on_commit_callbacks):
    user = verified_user(EMAIL, first_name=FIRST, last_name=LAST)
    organisation = member(manager=user)
    PostFactory(organisation=organisation, submitted_by=user, author_email=EMAIL)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(DELETE, {"password": PASSWORD})

    [message] = mailoutbox
    assert message.to == [EMAIL]
    assert message.subject == "Ihr Konto in der SMART REGION Emscher-Lippe ist gelöscht"
    assert (
        "Veröffentlichte Beiträge, die mit dem Profil einer Mitgliedsorganisation" in message.body
    )


def test_a_kept_post_mails_no_one_when_it_is_rejected_later(
    client, mailoutbox, django_capture_on_commit_callbacks, staff_editor
):
    user = verified_user(EMAIL)
    post = PostFactory(organisation=member(manager=user), submitted_by=user, author_email=EMAIL)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(DELETE, {"password": PASSWORD})
    mailoutbox.clear()
    post.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        blog_services.post_reject(post=post, actor=staff_editor, reason="Veraltet")

    assert [m.to for m in mailoutbox if m.to != ["redaktion@example.org"]] == []


def test_a_proposal_the_redaktion_published_stays_without_the_account(client):
    user = verified_user(EMAIL)
    event = EventFactory(proposed_by=user, status="published")
    client.force_login(user)
    client.post(DELETE, {"password": PASSWORD})
    event.refresh_from_db()
    assert event.proposed_by is None


def test_every_app_with_personal_data_registers_its_provider():
    from smartregion.core import personal_data

    assert [provider.key for provider in personal_data.providers()] == [
        "account",
        "blog",
        "events",
        "newsletter",
        "records",
    ]


def test_sessions_of_other_users_and_expired_ones_are_read_without_error(client):
    from smartregion.core.personal_data import delete_sessions

    user = verified_user()
    logged_in_session(client, user)
    Session.objects.create(
        session_key="x" * 32, session_data="kaputt", expire_date=timezone.now() - timedelta(days=1)
    )
    assert delete_sessions(user) == 1
    assert Session.objects.filter(session_key="x" * 32).exists()


# In English -------------------------------------------------------------------------------------


def test_the_pages_in_english(client, person_everywhere):
    user = person_everywhere["user"]
    client.force_login(user)
    html = client.get("/en" + DATA).content.decode()
    assert "<h1>My data</h1>" in html and 'href="/en/mein-bereich/daten/meine-daten.json"' in html
    assert "Proof of your consent" in html

    response = client.post("/en" + DELETE, {"password": "falsch"})
    assert "The password is not correct." in field_errors(response.content.decode(), "id_password")
    assert User.objects.filter(pk=user.pk).exists()

    response = client.post("/en" + DELETE, {"password": PASSWORD})
    html = response.content.decode()
    assert "Your account has been deleted" in html
    assert "Published posts linked to the profile of a member organisation" in html


def test_the_data_page_needs_the_same_queries_for_more_data(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = verified_user(EMAIL)
    organisation = member(manager=user)
    client.force_login(user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DATA).status_code == 200
        return len(captured)

    def add_data():
        PostFactory(organisation=organisation, submitted_by=user, author_email=EMAIL)
        Report.objects.create(post=PostFactory(), reason="Falsch", email=EMAIL)
        RegistrationFactory(email=EMAIL)
        EventFactory(proposed_by=user, status="submitted")

    add_data()
    once = queries()
    for _more in range(4):
        add_data()
    assert queries() == once


@pytest.fixture(autouse=True)
def _language_back_to_german():
    """A request to /en/ leaves English active in the thread (LocaleMiddleware activates the
    language and nothing deactivates it): later tests would build /en/ links."""
    yield
    translation.activate("de")
