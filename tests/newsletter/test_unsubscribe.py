"""The personal link: unsubscribe page, RFC 8058 one-click POST, preferences."""

import pytest
from django.test import Client

from newsletter import links
from newsletter.models import Subscriber
from smartregion.core.models import Topic
from smartregion.core.signing import make_token
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def _paths(subscriber):
    token = links.manage_token(subscriber)
    return f"/newsletter/abmelden/{token}/", f"/newsletter/einstellungen/{token}/"


def test_get_shows_a_button_and_changes_nothing(client):
    subscriber = SubscriberFactory(email="anna@example.org")
    unsubscribe, _preferences = _paths(subscriber)
    response = client.get(unsubscribe)
    html = response.content.decode()
    assert response.status_code == 200
    assert "anna@example.org" in html
    assert "Jetzt abmelden" in html and 'method="post"' in html
    assert response.headers["X-Robots-Tag"] == "noindex"
    subscriber.refresh_from_db()
    assert subscriber.is_confirmed


def test_the_button_unsubscribes_without_login_and_with_csrf():
    subscriber = SubscriberFactory()
    unsubscribe, _preferences = _paths(subscriber)
    browser = Client(enforce_csrf_checks=True)
    # Without the token from the page the form is refused (it is not the one-click POST).
    assert browser.post(unsubscribe, {}).status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.is_confirmed

    page = browser.get(unsubscribe)
    token = page.cookies["csrftoken"].value
    response = browser.post(unsubscribe, {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "Sie sind vom Newsletter abgemeldet" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None

    again = browser.get(unsubscribe)
    assert "bereits vom Newsletter abgemeldet" in again.content.decode()


def test_the_one_click_post_works_without_csrf_token_or_cookie():
    subscriber = SubscriberFactory()
    unsubscribe, _preferences = _paths(subscriber)
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        unsubscribe,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.cookies == {}
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    # Again: still fine, nothing changes.
    first = subscriber.unsubscribed_at
    assert mail_program.post(unsubscribe, {"List-Unsubscribe": "One-Click"}).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at == first


def test_the_one_click_post_as_multipart_form_data():
    subscriber = SubscriberFactory()
    unsubscribe, _preferences = _paths(subscriber)
    response = Client(enforce_csrf_checks=True).post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


@pytest.mark.parametrize("token", ["abc", "1:zzz:zzz"])
def test_a_forged_link_unsubscribes_nobody(client, token):
    subscriber = SubscriberFactory()
    assert client.get(f"/newsletter/abmelden/{token}/").status_code == 400
    response = Client(enforce_csrf_checks=True).post(
        f"/newsletter/abmelden/{token}/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.is_confirmed


def test_a_token_for_another_purpose_is_refused(client):
    subscriber = SubscriberFactory()
    other = make_token("newsletter-confirm", f"{subscriber.pk}-0")
    assert client.get(f"/newsletter/abmelden/{other}/").status_code == 400


def test_preferences_change_name_and_topics(client):
    energy, education = Topic.objects.filter(slug__in=["smart-energy", "bildung"]).order_by("pk")
    subscriber = SubscriberFactory(name="Anna", topics=[energy])
    _unsubscribe, preferences = _paths(subscriber)
    page = client.get(preferences)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="Anna"' in html
    assert f'value="{energy.pk}" id="id_topics_' in html
    response = client.post(preferences, {"name": "Anna Beispiel", "topics": [str(education.pk)]})
    assert response.status_code == 200
    assert "Ihre Einstellungen sind gespeichert." in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.name == "Anna Beispiel"
    assert list(subscriber.topics.all()) == [education]
    assert subscriber.is_confirmed


def test_preferences_link_from_the_unsubscribe_page(client):
    subscriber = SubscriberFactory()
    unsubscribe, preferences = _paths(subscriber)
    assert f'href="{preferences}"' in client.get(unsubscribe).content.decode()
    assert client.get("/newsletter/einstellungen/falsch/").status_code == 400
