"""The Redaktion's side: writing, previewing, test-sending and sending campaigns; subscribers."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from newsletter.models import Campaign, ConsentText, Delivery, Subscriber
from smartregion.core.models import Topic
from tests.factories import (
    CampaignFactory,
    EventFactory,
    PostFactory,
    SubscriberFactory,
    UserFactory,
)
from tests.staff import login_staff

pytestmark = pytest.mark.django_db

CAMPAIGNS = "/admin/newsletter/campaign/"
SUBSCRIBERS = "/admin/newsletter/subscriber/"


@pytest.fixture
def editor_client(client, staff_editor):
    login_staff(client, staff_editor)
    return client


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run what the request enqueued after commit (the immediate task backend sends at once)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# Writing ----------------------------------------------------------------------------------------


def test_a_new_campaign_proposes_what_is_new_since_the_last_one(editor_client):
    old = PostFactory(title="Alt")
    old.published_at = timezone.now() - timedelta(days=20)
    old.save()
    last = CampaignFactory(status="sent", sent_at=timezone.now() - timedelta(days=10))
    new = PostFactory(title="Neu seit dem letzten Newsletter")
    upcoming = EventFactory(title="Bald")
    EventFactory(title="Vorbei", starts_at=timezone.now() - timedelta(days=3))
    EventFactory(title="Entwurf", status="draft")

    response = editor_client.get(CAMPAIGNS + "add/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.initial["posts"]) == [new.pk]
    assert list(form.initial["events"]) == [upcoming.pk]
    assert last.pk  # the reference point

    response = editor_client.post(
        CAMPAIGNS + "add/",
        {
            "subject": "Neues im Mai",
            "preheader": "Kurz und knapp",
            "body": "Hallo **Region**",
            "include_blog": "on",
            "posts": [str(new.pk), str(old.pk)],  # staff adjust the proposal
            "include_events": "on",
            "events": [str(upcoming.pk)],
            "topic": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign = Campaign.objects.get(subject="Neues im Mai")
    assert campaign.status == Campaign.Status.DRAFT
    assert set(campaign.posts.all()) == {new, old}
    assert campaign.created_by.email == "redaktion@example.org"
    assert "<strong>Region</strong>" in campaign.body_html


def test_preview_shows_the_mail_in_the_browser(editor_client):
    campaign = CampaignFactory(subject="Vorschau-Test", body="Mit **fett**")
    response = editor_client.get(f"{CAMPAIGNS}{campaign.pk}/vorschau/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vorschau-Test" in html and "<strong>fett</strong>" in html
    assert "%%" not in html
    csp = response.headers["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in csp and "script-src" not in csp
    assert mail.outbox == []


def test_preview_needs_the_permission(client):
    user = UserFactory(is_staff=True)
    login_staff(client, user)
    campaign = CampaignFactory()
    assert client.get(f"{CAMPAIGNS}{campaign.pk}/vorschau/").status_code == 403


def test_test_send_goes_to_the_staff_members_own_address_only(editor_client, run_tasks):
    SubscriberFactory.create_batch(3)
    campaign = CampaignFactory(subject="Testbetreff")
    url = f"{CAMPAIGNS}{campaign.pk}/testversand/"
    page = editor_client.get(url)
    assert "redaktion@example.org" in page.content.decode()
    with run_tasks():
        response = editor_client.post(url)
    assert response.status_code == 302
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["redaktion@example.org"], "[Test] Testbetreff")
    ]
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    assert not Delivery.objects.exists()


def test_sending_needs_a_confirmation_step(editor_client, run_tasks):
    energy = Topic.objects.get(slug="smart-energy")
    SubscriberFactory.create_batch(2, topics=[energy])
    SubscriberFactory()
    campaign = CampaignFactory(subject="Nur Energie", topic=energy)
    url = f"{CAMPAIGNS}{campaign.pk}/versenden/"

    page = editor_client.get(url)
    html = page.content.decode()
    assert "2 bestätigte Abonnentinnen und Abonnenten" in html
    assert "Smart Energy" in html
    # Without ticking the box nothing happens.
    with run_tasks():
        response = editor_client.post(url, {})
    assert response.status_code == 200
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT and mail.outbox == []

    with run_tasks():
        response = editor_client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    assert len(mail.outbox) == 2

    # The change page shows the progress and the campaign can no longer be edited.
    change = editor_client.get(f"{CAMPAIGNS}{campaign.pk}/change/").content.decode()
    assert "2 von 2 gesendet, 0 fehlgeschlagen" in change
    assert 'name="subject"' not in change
    listing = editor_client.get(CAMPAIGNS).content.decode()
    assert "2 von 2 gesendet, 0 fehlgeschlagen" in listing
    # Sending again is refused.
    with run_tasks():
        editor_client.post(url, {"confirm": "on"})
    assert len(mail.outbox) == 2


def test_only_who_may_send_can_send(client, run_tasks):
    user = UserFactory(is_staff=True)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_campaign", "change_campaign"])
    )
    login_staff(client, user)
    SubscriberFactory()
    campaign = CampaignFactory()
    with run_tasks():
        assert (
            client.post(f"{CAMPAIGNS}{campaign.pk}/versenden/", {"confirm": "on"}).status_code
            == 403
        )
    assert mail.outbox == []


def test_failed_deliveries_are_listed_and_retried_from_the_admin(editor_client, run_tasks):
    subscriber = SubscriberFactory(email="voll@example.org")
    campaign = CampaignFactory(status="sent", sent_at=timezone.now(), total_count=1, failed_count=1)
    Delivery.objects.create(
        campaign=campaign,
        subscriber=subscriber,
        status="failed",
        attempts=1,
        error="SMTPRecipientsRefused: mailbox full",
    )
    change = editor_client.get(f"{CAMPAIGNS}{campaign.pk}/change/").content.decode()
    assert "voll@example.org: SMTPRecipientsRefused: mailbox full" in change
    assert "0 von 1 gesendet, 1 fehlgeschlagen" in change
    with run_tasks():
        response = editor_client.post(f"{CAMPAIGNS}{campaign.pk}/erneut/")
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["voll@example.org"]]
    campaign.refresh_from_db()
    assert (campaign.status, campaign.sent_count, campaign.failed_count) == ("sent", 1, 0)


def test_the_progress_says_when_recipients_wait_for_a_retry(editor_client):
    retry_at = timezone.now() + timedelta(minutes=8)
    waiting = CampaignFactory(
        status="sending", total_count=5, sent_count=3, deferred_count=2, resume_at=retry_at
    )
    down = CampaignFactory(status="sending", total_count=5, resume_at=retry_at)
    page = editor_client.get(f"{CAMPAIGNS}{waiting.pk}/change/").content.decode()
    assert "2 ausstehend (davon 2 vom Empfängerserver vorübergehend abgewiesen)" in page
    assert "– nächster Versuch" in page and "nicht erreichbar" not in page
    page = editor_client.get(f"{CAMPAIGNS}{down.pk}/change/").content.decode()
    assert "Mailserver nicht erreichbar, nächster Versuch" in page


def test_the_admin_shows_the_bounces_of_each_campaign(editor_client):
    anna = SubscriberFactory(email="anna@example.org", status="bouncing")
    campaign = CampaignFactory(
        subject="Mit Bounce",
        status="sent",
        sent_at=timezone.now(),
        total_count=2,
        sent_count=2,
        bounced_count=1,
    )
    Delivery.objects.create(
        campaign=campaign,
        subscriber=anna,
        status="sent",
        bounced_at=timezone.now(),
        error="Bounce 5.1.1: smtp; 550 5.1.1 User unknown",
    )
    Delivery.objects.create(campaign=campaign, subscriber=SubscriberFactory(), status="sent")
    page = editor_client.get(f"{CAMPAIGNS}{campaign.pk}/change/").content.decode()
    assert "2 von 2 gesendet, 0 fehlgeschlagen, 1 unzustellbar zurückgekommen (Bounce)" in page
    assert "anna@example.org: Bounce 5.1.1: smtp; 550 5.1.1 User unknown" in page

    listing = editor_client.get(CAMPAIGNS).content.decode()
    assert 'class="sortable column-bounced_count">' in listing
    assert '<td class="field-bounced_count">1</td>' in listing

    bounced = editor_client.get(
        "/admin/newsletter/delivery/",
        {"campaign__id__exact": campaign.pk, "bounced_at__isempty": "0"},
    )
    assert bounced.status_code == 200
    assert [d.subscriber_id for d in bounced.context["cl"].result_list] == [anna.pk]
    subscriber_page = editor_client.get(f"{SUBSCRIBERS}{anna.pk}/change/").content.decode()
    assert "Unzustellbar (Bounce)" in subscriber_page and "Unzustellbar seit" in subscriber_page


def test_the_campaign_list_queries_do_not_grow_with_the_campaigns(editor_client):
    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(CAMPAIGNS).status_code == 200
        return len(captured)

    CampaignFactory(status="sent", sent_at=timezone.now(), bounced_count=1)
    few = queries()
    for _i in range(5):
        CampaignFactory(status="sent", sent_at=timezone.now(), bounced_count=2, deferred_count=1)
    assert queries() == few


# Subscribers ------------------------------------------------------------------------------------


def _rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_redaktion_exports_confirmed_subscribers_as_csv(editor_client, staff_editor):
    assert not staff_editor.is_superuser
    energy = Topic.objects.get(slug="smart-energy")
    SubscriberFactory(email="anna@example.org", name="Anna", topics=[energy])
    SubscriberFactory(email="=cmd@example.org", name='=HYPERLINK("x")')
    SubscriberFactory(email="pending@example.org", status="pending")
    SubscriberFactory(email="gone@example.org", status="unsubscribed")

    assert (
        'href="/admin/newsletter/subscriber/export/"'
        in editor_client.get(SUBSCRIBERS).content.decode()
    )
    response = editor_client.get(SUBSCRIBERS + "export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0][:3] == ["E-Mail", "Name", "Themenfelder"]
    by_email = {row[0]: row for row in rows[1:]}
    assert set(by_email) == {"anna@example.org", "'=cmd@example.org"}
    assert by_email["anna@example.org"][1:3] == ["Anna", "Smart Energy"]
    # defusedcsv neutralises formulas.
    assert by_email["'=cmd@example.org"][1].startswith("'=")


def test_the_export_action_exports_only_confirmed_among_the_selected(editor_client):
    chosen = SubscriberFactory(email="chosen@example.org")
    pending = SubscriberFactory(email="pending@example.org", status="pending")
    SubscriberFactory(email="other@example.org")
    response = editor_client.post(
        SUBSCRIBERS,
        {"action": "export_csv", "_selected_action": [str(chosen.pk), str(pending.pk)]},
    )
    assert [row[0] for row in _rows(response)[1:]] == ["chosen@example.org"]


def test_staff_without_the_permission_cannot_export(client):
    user = UserFactory(is_staff=True)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    login_staff(client, user)
    SubscriberFactory()
    assert client.get(SUBSCRIBERS).status_code == 200
    assert client.get(SUBSCRIBERS + "export/").status_code == 403


def test_the_redaktion_group_has_the_newsletter_permissions():
    codenames = set(
        Group.objects.get(name="Redaktion")
        .permissions.filter(content_type__app_label="newsletter")
        .values_list("codename", flat=True)
    )
    assert {
        "send_campaign",
        "export_subscriber",
        "delete_subscriber",
        "change_campaign",
    } <= codenames


def test_erasing_a_subscriber_removes_every_trace(editor_client, run_tasks):
    from django_tasks_db.models import DBTaskResult

    subscriber = SubscriberFactory(email="weg@example.org", topics=[Topic.objects.first()])
    other = SubscriberFactory(email="bleibt@example.org")
    campaign = CampaignFactory(status="sent", sent_at=timezone.now(), total_count=2, sent_count=2)
    Delivery.objects.create(campaign=campaign, subscriber=subscriber, status="sent")
    Delivery.objects.create(campaign=campaign, subscriber=other, status="sent")
    # A finished mail task in the database queue still holds the rendered mail to the address.
    for address in ("weg@example.org", "bleibt@example.org"):
        DBTaskResult.objects.create(
            task_path="smartregion.core.tasks.deliver_mail",
            args_kwargs={"args": [{"to": [address], "subject": "x"}], "kwargs": {}},
            status="SUCCESSFUL",
            backend_name="default",
            run_after=timezone.now(),
        )

    url = f"{SUBSCRIBERS}{subscriber.pk}/delete/"
    assert editor_client.get(url).status_code == 200
    response = editor_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Subscriber.objects.filter(email="weg@example.org").exists()
    assert list(Delivery.objects.values_list("subscriber__email", flat=True)) == [
        "bleibt@example.org"
    ]
    assert not Subscriber.topics.through.objects.filter(subscriber_id=subscriber.pk).exists()
    kept = DBTaskResult.objects.filter(task_path="smartregion.core.tasks.deliver_mail")
    assert [r.args_kwargs["args"][0]["to"] for r in kept] == [["bleibt@example.org"]]
    # What was sent stays counted.
    campaign.refresh_from_db()
    assert campaign.sent_count == 2


def test_subscribers_cannot_be_added_in_the_admin_and_the_address_is_fixed(editor_client):
    subscriber = SubscriberFactory()
    assert editor_client.get(SUBSCRIBERS + "add/").status_code == 403
    change = editor_client.get(f"{SUBSCRIBERS}{subscriber.pk}/change/").content.decode()
    assert 'name="email"' not in change
    assert "IP-Adressen werden bewusst nicht gespeichert" in change
    assert ConsentText.objects.current().text in change


def test_subscriber_search_and_filters(editor_client):
    # Names set: the factory's random names could contain the search word.
    SubscriberFactory(email="anna@example.org", name="Anna Schmitz")
    SubscriberFactory(email="bernd@example.org", name="Bernd Kowalski", status="pending")
    html = editor_client.get(SUBSCRIBERS, {"q": "anna"}).content.decode()
    assert "anna@example.org" in html and "bernd@example.org" not in html
    html = editor_client.get(SUBSCRIBERS, {"status__exact": "pending"}).content.decode()
    assert "bernd@example.org" in html and "anna@example.org" not in html


def test_a_published_consent_text_cannot_be_changed(editor_client):
    current = ConsentText.objects.current()
    html = editor_client.get(f"/admin/newsletter/consenttext/{current.pk}/change/").content.decode()
    assert 'name="text"' not in html
    response = editor_client.post("/admin/newsletter/consenttext/add/", {"text": "Neue Fassung"})
    assert response.status_code == 302
    assert ConsentText.objects.current().version == current.version + 1
