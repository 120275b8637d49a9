"""The newsletter in English: the form and its consent proof, the subscriber's language in mails
and links; campaigns stay German."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from newsletter import services, tasks
from newsletter.models import ConsentText, Subscriber
from smartregion.core.signing import make_token
from tests.factories import CampaignFactory, SubscriberFactory
from tests.newsletter.conftest import SITE_URL, link_in

pytestmark = pytest.mark.django_db

SIGNUP_EN = "/en/newsletter/"


@pytest.fixture
def signup_en(client, fast_forms, django_capture_on_commit_callbacks):
    def post(email="ann@example.org", **extra):
        data = {
            "email": email,
            "consent": "on",
            "consent_version": str(ConsentText.objects.current().version),
            "homepage": "",
            "started": make_token("form-started", timezone.now().timestamp() - 30),
            **extra,
        }
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SIGNUP_EN, data)

    return post


def _consent_label(html: str) -> str:
    return re.search(r'<label for="id_consent">(.*?)</label>', html, re.S).group(1)


def test_english_form_shows_the_english_wording_and_the_proof_keeps_it(client, signup_en):
    consent = ConsentText.objects.current()
    assert consent.text_en.startswith("Yes, I would like to receive")
    html = client.get(SIGNUP_EN).content.decode()
    assert "<h1>Subscribe to the newsletter</h1>" in html
    assert consent.text_en in _consent_label(html)
    assert consent.text not in html

    response = signup_en()
    assert response["Location"] == "/en/newsletter/danke/"
    subscriber = Subscriber.objects.get(email="ann@example.org")
    assert (subscriber.language, subscriber.consent_language) == ("en", "en")
    assert subscriber.consent_text.wording(subscriber.consent_language) == consent.text_en

    # The confirmation mail is English and leads to the English confirmation page.
    [message] = mail.outbox
    assert message.subject == "Please confirm your newsletter subscription"
    assert "The link is valid for 48 hours." in message.body
    path = link_in(message, r"/en/newsletter/bestaetigen/[^/\s]+/")
    page = client.get(path).content.decode()
    assert "Subscription confirmed" in page
    subscriber.refresh_from_db()
    assert subscriber.is_confirmed


def test_a_version_without_english_is_shown_in_german_marked_and_kept_as_german(client, signup_en):
    newer = ConsentText.objects.create(text="Ja, ich will den Newsletter (Fassung 2).")
    html = client.get(SIGNUP_EN).content.decode()
    assert _consent_label(html).startswith(
        '<span lang="de">Ja, ich will den Newsletter (Fassung 2).</span>'
    )
    signup_en(consent_version=str(newer.version))
    subscriber = Subscriber.objects.get(email="ann@example.org")
    # English person, German wording consented to: the proof says so.
    assert (subscriber.language, subscriber.consent_language) == ("en", "de")
    assert subscriber.consent_text == newer
    assert subscriber.consent_text.wording("de") == newer.text
    # The German page is unchanged: the German wording, no lang marker.
    german = client.get("/newsletter/").content.decode()
    assert _consent_label(german).startswith("Ja, ich will den Newsletter (Fassung 2).")


def test_german_signup_keeps_german_and_its_mail_is_german(signup):
    signup("berta@example.org")
    subscriber = Subscriber.objects.get(email="berta@example.org")
    assert (subscriber.language, subscriber.consent_language) == ("de", "de")
    [message] = mail.outbox
    assert message.subject == "Bitte bestätigen Sie Ihre Anmeldung zum Newsletter"
    assert f"{SITE_URL}/newsletter/bestaetigen/" in message.body


def test_admin_proof_shows_the_wording_in_the_language_consented_to(admin_client):
    consent = ConsentText.objects.current()
    subscriber = SubscriberFactory(consent_language="en", language="en")
    html = admin_client.get(f"/admin/newsletter/subscriber/{subscriber.pk}/change/").text
    assert f'<q lang="en">{consent.text_en}</q>' in html


def test_campaigns_stay_german_but_personal_links_lead_to_the_subscribers_pages():
    SubscriberFactory(email="ann@example.org", language="en")
    SubscriberFactory(email="berta@example.org", language="de")
    campaign = CampaignFactory()
    assert services.campaign_schedule(campaign=campaign)
    tasks.send_campaign.enqueue(campaign.pk)
    messages = {message.to[0]: message for message in mail.outbox}
    for message in messages.values():
        html = message.alternatives[0][0]
        assert '<html lang="de">' in html
        assert "Newsletter abbestellen" in message.body
    assert f"{SITE_URL}/en/newsletter/abmelden/" in messages["ann@example.org"].body
    assert f"{SITE_URL}/newsletter/abmelden/" in messages["berta@example.org"].body
    assert (
        messages["ann@example.org"]
        .extra_headers["List-Unsubscribe"]
        .startswith(f"<{SITE_URL}/en/newsletter/abmelden/")
    )


def test_saving_preferences_on_an_english_page_makes_later_mails_english(client):
    from newsletter import links

    subscriber = SubscriberFactory(language="de")
    path = links.personal_links(subscriber, language="en")["preferences_url"]
    assert path.startswith(f"{SITE_URL}/en/newsletter/einstellungen/")
    response = client.post(path.removeprefix(SITE_URL), {"name": "Ann"})
    assert response.status_code == 200
    assert "Your settings have been saved." in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.language == "en"


def test_archive_interface_is_english_and_the_campaign_marked_german(client):
    campaign = CampaignFactory(status="sent", sent_at=timezone.now())
    listing = client.get("/en/newsletter/archiv/").content.decode()
    assert "<h1>Newsletter archive</h1>" in listing
    assert f'lang="de"><a href="/en/newsletter/archiv/{campaign.pk}/">{campaign.subject}' in listing
    detail = client.get(f"/en/newsletter/archiv/{campaign.pk}/").content.decode()
    assert f'<h1 lang="de">{campaign.subject}</h1>' in detail
    assert "All issues" in detail
    german = client.get(f"/newsletter/archiv/{campaign.pk}/").content.decode()
    assert f"<h1>{campaign.subject}</h1>" in german and "Alle Ausgaben" in german


def test_the_data_page_shows_the_wording_consented_to_in_its_language(client):
    from newsletter.personal_data import subscriber_export

    consent = ConsentText.objects.current()
    english = SubscriberFactory(language="en", consent_language="en")
    german = SubscriberFactory(language="en", consent_language="de")
    assert subscriber_export(english)["consent"] | {"signup_at": None, "confirmed_at": None} == {
        "text_version": consent.version,
        "text": consent.text_en,
        "text_language": "en",
        "signup_at": None,
        "confirmed_at": None,
        "ip_address": None,
    }
    assert subscriber_export(german)["consent"]["text"] == consent.text
    from newsletter import links

    page = client.get(links.personal_links(english)["data_url"].removeprefix(SITE_URL))
    assert f'<dd lang="en">{consent.text_en}</dd>' in page.content.decode()
