"""Signing up with double opt-in: the form, the confirmation link, enumeration and limits."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from newsletter import links, services
from newsletter.models import ConsentText, Subscriber
from smartregion.core.models import Topic
from smartregion.core.signing import make_token
from tests.factories import SubscriberFactory
from tests.newsletter.conftest import confirm_link, link_in, outbox_to

pytestmark = pytest.mark.django_db

SIGNUP = "/newsletter/"
THANKS = "/newsletter/danke/"


# The whole path ---------------------------------------------------------------------------------


def test_double_opt_in_from_the_form_to_the_confirmed_subscriber(client, signup, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    page = client.get(SIGNUP)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Newsletter abonnieren" in html
    consent = ConsentText.objects.current()
    assert consent.text in html  # the consent text is the checkbox's label

    smart_economy = Topic.objects.get(slug="smart-economy")
    response = signup(
        "Anna.Beispiel@Example.org ", name="Anna Beispiel", topics=[str(smart_economy.pk)]
    )
    assert response.status_code == 302
    assert response["Location"] == THANKS
    thanks = client.get(THANKS).content.decode()
    assert "Bitte bestätigen Sie Ihre Anmeldung" in thanks

    subscriber = Subscriber.objects.get()
    assert subscriber.email == "anna.beispiel@example.org"
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.name == "Anna Beispiel"
    assert list(subscriber.topics.all()) == [smart_economy]
    # Proof of consent: when, which text, how collected.
    assert subscriber.signup_at == timezone.now()
    assert subscriber.consent_text == consent
    assert subscriber.source == Subscriber.Source.FORM
    assert subscriber.confirmed_at is None

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna.beispiel@example.org"]
    assert message.subject == "Bitte bestätigen Sie Ihre Anmeldung zum Newsletter"
    assert "48 Stunden" in message.body
    path = confirm_link(message)
    html_part = message.alternatives[0][0]
    assert f'href="https://portal.example{path}"' in html_part

    # Only confirmed subscribers receive campaigns.
    assert not Subscriber.objects.confirmed().exists()

    time_machine.shift(timedelta(hours=3))
    confirmed = client.get(path)
    assert confirmed.status_code == 200
    assert "Anmeldung bestätigt" in confirmed.content.decode()
    assert "<form" not in confirmed.content.decode().split("<main", 1)[1].split("</main>")[0]
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.confirmed_at == timezone.now()
    assert list(Subscriber.objects.confirmed()) == [subscriber]

    confirmed_at = subscriber.confirmed_at
    time_machine.shift(timedelta(hours=1))
    again = client.get(path)
    assert again.status_code == 200
    assert "Diese E-Mail-Adresse ist bereits bestätigt" in again.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at == confirmed_at


def test_the_boxes_lead_to_the_form_with_the_address_filled_in(client):
    response = client.get(SIGNUP, {"email": "bernd@example.org", "source": "home-box"})
    html = response.content.decode()
    assert re.search(r'<input[^>]*name="email"[^>]*value="bernd@example.org"', html)
    assert re.search(r'<input[^>]*name="source"[^>]*value="home-box"', html)
    # An unknown source is not passed on.
    html = client.get(SIGNUP, {"source": "<evil>"}).content.decode()
    assert re.search(r'<input[^>]*name="source"[^>]*value="form"', html)


@pytest.mark.parametrize(("source", "stored"), [("footer-box", "footer-box"), ("admin", "form")])
def test_how_the_address_was_collected_is_stored(signup, source, stored):
    signup("carla@example.org", source=source)
    assert Subscriber.objects.get().source == stored


@pytest.mark.parametrize("path", ["/", "/impressum/", "/newsletter/archiv/"])
def test_reading_pages_with_the_boxes_set_no_cookie(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/newsletter/"' in html and 'method="get"' in html
    assert response.cookies == {}


def test_the_consent_version_shown_is_the_one_stored(client, signup):
    old = ConsentText.objects.current()
    html = client.get(SIGNUP).content.decode()
    assert f'name="consent_version" value="{old.version}"' in html
    new = ConsentText.objects.create(text="Neue Fassung der Einwilligung.")
    assert new.version == old.version + 1
    # The visitor still had the old form open.
    signup("dora@example.org", consent_version=str(old.version))
    assert Subscriber.objects.get().consent_text == old
    signup("emil@example.org", consent_version="")
    assert Subscriber.objects.get(email="emil@example.org").consent_text == new


def test_the_form_needs_consent_and_a_valid_address(signup):
    response = signup("kein-at-zeichen", consent="")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte prüfen Sie Ihre Angaben" in html
    assert "Gib eine gültige E-Mail-Adresse ein." in html or "gültige E-Mail-Adresse" in html
    assert "Bitte bestätigen Sie, dass Sie den Newsletter erhalten möchten." in html
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_a_bot_is_answered_like_a_person_and_nothing_is_kept(signup):
    response = signup("bot@example.org", homepage="https://spam.example")
    assert response.status_code == 302 and response["Location"] == THANKS
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


# Tokens -----------------------------------------------------------------------------------------


def _pending(email="anna@example.org"):
    return SubscriberFactory(email=email, status="pending")


def test_a_tampered_token_confirms_nothing(client):
    subscriber = _pending()
    path = links.confirm_path(subscriber)
    token = path.split("/")[-2]
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    for bad in (tampered, "abc", make_token("newsletter-manage", subscriber.pk)):
        response = client.get(f"/newsletter/bestaetigen/{bad}/")
        assert response.status_code == 400
        assert "Link ungültig" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_the_confirmation_link_expires_after_48_hours(client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    subscriber = _pending()
    path = links.confirm_path(subscriber)
    time_machine.shift(timedelta(hours=48, seconds=1))
    response = client.get(path)
    assert response.status_code == 400
    assert "Link abgelaufen" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_the_confirmation_link_still_works_just_before_48_hours(client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    subscriber = _pending()
    path = links.confirm_path(subscriber)
    time_machine.shift(timedelta(hours=47, minutes=59))
    assert client.get(path).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.is_confirmed


def test_an_old_link_opened_after_confirming_says_already_confirmed(client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    subscriber = _pending()
    path = links.confirm_path(subscriber)
    client.get(path)
    time_machine.shift(timedelta(days=5))
    response = client.get(path)
    assert response.status_code == 200
    assert "bereits bestätigt" in response.content.decode()


def test_a_link_from_before_an_unsubscribe_does_not_confirm_a_new_signup(client, signup):
    signup("anna@example.org")
    first_link = confirm_link(mail.outbox[0])
    client.get(first_link)
    subscriber = Subscriber.objects.get()
    services.subscription_cancel(subscriber=subscriber)

    # Reusing the old link does not subscribe again.
    response = client.get(first_link)
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED

    # Signing up again needs the new link.
    mail.outbox.clear()
    signup("anna@example.org")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert client.get(first_link).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    new_link = confirm_link(mail.outbox[0])
    assert client.get(new_link).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.is_confirmed
    assert Subscriber.objects.count() == 1


# Enumeration ------------------------------------------------------------------------------------


def _normalised(html: str) -> str:
    """The page without what differs on every request (CSRF token, form timestamp)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'name="started" value="[^"]*"', "", html)


def test_new_pending_and_confirmed_addresses_get_the_same_answer(client, signup):
    SubscriberFactory(email="pending@example.org", status="pending")
    SubscriberFactory(email="confirmed@example.org")
    SubscriberFactory(email="gone@example.org", status="unsubscribed")
    answers = []
    for email in ("new@example.org", "pending@example.org", "confirmed@example.org"):
        response = signup(email)
        page = client.get(response["Location"])
        answers.append(
            (response.status_code, response["Location"], _normalised(page.content.decode()))
        )
    assert answers[0] == answers[1] == answers[2]

    # Each address got one mail; the confirmed one an "already subscribed" mail without a link
    # that would change anything, and its data stays untouched.
    assert [m.subject for m in outbox_to("new@example.org")] == [
        "Bitte bestätigen Sie Ihre Anmeldung zum Newsletter"
    ]
    assert [m.subject for m in outbox_to("pending@example.org")] == [
        "Bitte bestätigen Sie Ihre Anmeldung zum Newsletter"
    ]
    already = outbox_to("confirmed@example.org")
    assert [m.subject for m in already] == ["Sie bekommen unseren Newsletter bereits"]
    assert "/newsletter/bestaetigen/" not in already[0].body
    assert link_in(already[0], r"/newsletter/abmelden/[^/\s]+/")
    assert Subscriber.objects.get(email="confirmed@example.org").is_confirmed


def test_a_confirmed_subscriber_is_not_changed_by_someone_signing_up_again(signup):
    topic = Topic.objects.get(slug="bildung")
    subscriber = SubscriberFactory(email="anna@example.org", name="Anna")
    signup("ANNA@example.org", name="Angreifer", topics=[str(topic.pk)], source="home-box")
    subscriber.refresh_from_db()
    assert subscriber.name == "Anna"
    assert subscriber.source == "form"
    assert not subscriber.topics.exists()


def test_a_pending_signup_submitted_again_gets_a_new_link_and_both_work(client, signup):
    signup("anna@example.org")
    signup("anna@example.org", name="Anna")
    assert Subscriber.objects.count() == 1
    first, second = (confirm_link(m) for m in mail.outbox)
    assert client.get(first).status_code == 200
    assert "bereits bestätigt" in client.get(second).content.decode()
    assert Subscriber.objects.get().name == "Anna"


# Limits, uniqueness, resubscribing -------------------------------------------------------------


def test_signups_per_address_are_limited_silently(client, signup):
    for _ in range(5):
        response = signup("anna@example.org")
        assert response.status_code == 302 and response["Location"] == THANKS
    assert len(mail.outbox) == views_limit_per_email()


def views_limit_per_email() -> int:
    from newsletter.views import SIGNUP_LIMIT_PER_EMAIL

    return SIGNUP_LIMIT_PER_EMAIL[0]


def test_signups_per_ip_are_limited(signup):
    from newsletter.views import SIGNUP_LIMIT_PER_IP

    for index in range(SIGNUP_LIMIT_PER_IP[0]):
        assert signup(f"person{index}@example.org").status_code == 302
    response = signup("one-too-many@example.org")
    assert response.status_code == 200
    assert "sehr viele Anmeldungen" in response.content.decode()
    assert not Subscriber.objects.filter(email="one-too-many@example.org").exists()
    assert len(mail.outbox) == SIGNUP_LIMIT_PER_IP[0]


def test_signup_limits_are_per_visitor_behind_the_proxy(settings, signup):
    from django.test import Client

    from newsletter.views import SIGNUP_LIMIT_PER_IP

    settings.TRUSTED_PROXY_COUNT = 1

    def visitor(xff):
        return Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=xff)

    for index in range(SIGNUP_LIMIT_PER_IP[0]):
        assert (
            signup(f"person{index}@example.org", client=visitor("203.0.113.5")).status_code == 302
        )
    # A forged entry on the left does not help; another visitor behind the same proxy is served.
    response = signup("forged@example.org", client=visitor("198.51.100.1, 203.0.113.5"))
    assert "sehr viele Anmeldungen" in response.content.decode()
    response = signup("other@example.org", client=visitor("203.0.113.6"))
    assert response.status_code == 302


def test_addresses_are_unique_regardless_of_case(signup):
    signup("Anna@Example.org")
    signup("anna@EXAMPLE.ORG")
    assert Subscriber.objects.count() == 1
    subscriber = Subscriber.objects.get()
    # The database refuses a second row even if code forgot to normalise.
    with pytest.raises(IntegrityError):
        Subscriber.objects.create(email="ANNA@example.org", consent_text=subscriber.consent_text)


def test_an_unsubscribed_address_can_subscribe_again_with_a_new_confirmation(client, signup):
    subscriber = SubscriberFactory(email="anna@example.org", status="unsubscribed")
    subscriber.unsubscribed_at = timezone.now() - timedelta(days=10)
    subscriber.save()
    signup("anna@example.org", source="footer-box")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.source == "footer-box"
    assert not Subscriber.objects.confirmed().exists()
    client.get(confirm_link(mail.outbox[0]))
    subscriber.refresh_from_db()
    assert subscriber.is_confirmed
    assert subscriber.confirmed_at > subscriber.unsubscribed_at


# Purging ----------------------------------------------------------------------------------------


def test_pending_signups_are_deleted_after_30_days_by_housekeeping(time_machine, housekeeping):
    now = timezone.now()
    old = SubscriberFactory(status="pending", signup_at=now - timedelta(days=30, minutes=1))
    young = SubscriberFactory(status="pending", signup_at=now - timedelta(days=29, hours=23))
    confirmed = SubscriberFactory(signup_at=now - timedelta(days=400))
    gone = SubscriberFactory(status="unsubscribed", signup_at=now - timedelta(days=400))
    housekeeping()
    remaining = set(Subscriber.objects.values_list("pk", flat=True))
    assert remaining == {young.pk, confirmed.pk, gone.pk}
    assert old.pk not in remaining


def test_a_form_sent_within_a_second_comes_back_with_the_address_kept(
    client, django_capture_on_commit_callbacks
):
    data = {
        "email": "schnell@example.org",
        "consent": "on",
        "homepage": "",
        "started": make_token("form-started", timezone.now().timestamp()),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Das ging schneller, als ein Mensch ein Formular ausfüllt." in html
    assert 'value="schnell@example.org"' in html
    assert re.search(r'<input type="checkbox" name="consent"[^>]*\bchecked\b', html)
    assert not Subscriber.objects.exists() and mail.outbox == []
    data["started"] = make_token("form-started", timezone.now().timestamp() - 1.5)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNUP, data)
    assert Subscriber.objects.get().email == "schnell@example.org"
