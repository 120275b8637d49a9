"""„Meine Daten“ for subscribers without an account: the signed link in every newsletter mail
leads to the subscription's data with its consent proof, a JSON download and deletion."""

import json

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from newsletter import emails, links, services, tasks
from newsletter.models import Delivery, Subscriber
from smartregion.core import mail as site_mail
from tests.factories import CampaignFactory, SubscriberFactory
from tests.newsletter.conftest import confirm_link, link_in, outbox_to

pytestmark = pytest.mark.django_db
DATA_LINK = r"/newsletter/meine-daten/[^/\s]+/"


def data_path(subscriber) -> str:
    return f"/newsletter/meine-daten/{links.manage_token(subscriber)}/"


def is_data_path_of(path: str, subscriber) -> bool:
    """Whether ``path`` is the subscriber's data link (its signature carries the second it was
    made in: a mail made a second before the test's own link has another one)."""
    prefix = "/newsletter/meine-daten/"
    token = path.removeprefix(prefix).removesuffix("/")
    return path.startswith(prefix) and links.read_manage_token(token) == subscriber.pk


def test_the_confirmation_mail_links_to_the_data(client, signup):
    signup("anna@example.org", name="Anna Beispiel")
    [message] = outbox_to("anna@example.org")
    subscriber = Subscriber.objects.get()
    link = link_in(message, DATA_LINK)
    assert is_data_path_of(link, subscriber)
    assert f'href="https://portal.example{link}"' in message.alternatives[0].content
    # The link works before the confirmation, too: a pending signup is data as well.
    assert "Unbestätigt" in client.get(link_in(message, DATA_LINK)).content.decode()
    assert confirm_link(message)


def test_the_already_subscribed_mail_links_to_the_data(signup):
    subscriber = SubscriberFactory(email="anna@example.org")
    signup("anna@example.org")
    [message] = outbox_to("anna@example.org")
    assert is_data_path_of(link_in(message, DATA_LINK), subscriber)


def test_every_campaign_mail_links_to_its_recipients_own_data():
    anna = SubscriberFactory(email="anna@example.org")
    ben = SubscriberFactory(email="ben@example.org")
    campaign = CampaignFactory()
    assert services.campaign_schedule(campaign=campaign)
    tasks.send_campaign.enqueue(campaign.pk)

    for subscriber in (anna, ben):
        [message] = outbox_to(subscriber.email)
        link = link_in(message, DATA_LINK)
        assert is_data_path_of(link, subscriber)
        assert f'href="https://portal.example{link}"' in message.alternatives[0].content
        assert "Meine Daten" in message.alternatives[0].content


def test_the_test_mail_of_a_campaign_fills_the_data_link(django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    with django_capture_on_commit_callbacks(execute=True):
        emails.send_test(campaign, to="redaktion@example.org")
    [message] = mail.outbox
    assert "%%" not in message.body and "%%" not in message.alternatives[0].content


def test_the_page_shows_the_subscription_with_its_consent_proof(client):
    subscriber = SubscriberFactory(email="anna@example.org", name="Anna Beispiel")
    campaign = CampaignFactory(subject="Ausgabe Dezember", status="sent", sent_at=timezone.now())
    Delivery.objects.create(campaign=campaign, subscriber=subscriber, status="sent")
    SubscriberFactory(email="ben@example.org", name="Ben Anders")

    response = client.get(data_path(subscriber))

    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    for shown in (
        "anna@example.org",
        "Anna Beispiel",
        "Nachweis Ihrer Einwilligung",
        "Einwilligungstext (Version 1)",
        "Ja, ich möchte den Newsletter",
        "nicht gespeichert",
        "Ausgabe Dezember",
        "Meine Newsletter-Daten löschen",
    ):
        assert shown in html, shown
    assert "ben@example.org" not in html and "Ben Anders" not in html


def test_the_json_download_holds_the_same(client):
    subscriber = SubscriberFactory(email="anna@example.org", name="Anna Beispiel")
    SubscriberFactory(email="ben@example.org")

    response = client.get(data_path(subscriber) + "meine-daten.json")

    assert response.status_code == 200
    assert response["Content-Disposition"] == ('attachment; filename="newsletter-meine-daten.json"')
    data = json.loads(response.content)
    assert list(data) == ["format", "created_at", "newsletter"]
    [subscription] = data["newsletter"]["subscriptions"]
    assert subscription["email"] == "anna@example.org"
    assert subscription["consent"]["text_version"] == 1
    assert subscription["consent"]["confirmed_at"] and subscription["consent"]["ip_address"] is None
    assert "ben@example.org" not in response.content.decode()


def test_deleting_erases_the_subscription_and_its_mails(client, settings):
    from django_tasks_db.models import DBTaskResult

    from smartregion.core.tasks import deliver_mail
    from tests.tasks import db_tasks_setting

    subscriber = SubscriberFactory(email="anna@example.org")
    ben = SubscriberFactory(email="ben@example.org")
    settings.TASKS = db_tasks_setting()
    deliver_mail.enqueue(
        site_mail.RenderedMail(
            subject="Hallo", text="x", html="x", to=["anna@example.org"]
        ).as_payload()
    )
    assert DBTaskResult.objects.count() == 1
    path = data_path(subscriber)
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(path, {}).status_code == 403  # only the page's own form deletes

    response = client.post(path)

    assert response.status_code == 200
    assert "Ihre Daten sind gelöscht" in response.content.decode()
    assert not Subscriber.objects.filter(email="anna@example.org").exists()
    assert DBTaskResult.objects.count() == 0  # the mail to the address went with it
    assert Subscriber.objects.filter(pk=ben.pk).exists()
    # The link now shows nothing, and the unsubscribe link finds nobody.
    assert client.get(path).status_code == 404
    assert client.get(path + "meine-daten.json").status_code == 404


def test_a_forged_link_shows_nothing(client):
    SubscriberFactory(email="anna@example.org")
    for path in ("/newsletter/meine-daten/1:falsch:xyz/", "/newsletter/meine-daten/abc/"):
        response = client.get(path)
        assert response.status_code == 404
        assert "anna@example.org" not in response.content.decode()
    assert client.post("/newsletter/meine-daten/1:falsch:xyz/").status_code == 404
    assert Subscriber.objects.exists()


def test_the_page_in_english(client):
    subscriber = SubscriberFactory(email="anna@example.org")
    html = client.get("/en" + data_path(subscriber)).content.decode()
    assert "My newsletter data" in html and "Proof of your consent" in html
    assert "Delete my newsletter data" in html


@pytest.fixture(autouse=True)
def _language_back_to_german():
    """A request to /en/ leaves English active in the thread (LocaleMiddleware activates the
    language and nothing deactivates it): later tests would build /en/ links."""
    yield
    translation.activate("de")
