"""Browser tests for the newsletter: double opt-in from the home page box, the pages' WCAG
checks (signup with and without errors, confirmation, archive, unsubscribe, preferences)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from newsletter.models import Subscriber
from tests.factories import CampaignFactory, PostFactory, SubscriberFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fast_forms(monkeypatch):
    """The live server runs in this process: no 3-second minimum fill time for the robot."""
    monkeypatch.setattr("newsletter.forms.SubscribeForm.min_fill_seconds", 0)


def test_double_opt_in_from_the_home_page_box(live_server, page, axe_check, settings):
    settings.SITE_URL = live_server.url
    page.goto(live_server.url + "/")
    assert page.context.cookies() == []  # the reading page sets no cookie
    box = page.get_by_role("region", name="Regionaler Newsletter")
    box.get_by_label("E-Mail-Adresse").fill("anna@example.org")
    box.get_by_role("button", name="Weiter zur Anmeldung").click()
    page.wait_for_url(re.compile(r"/newsletter/\?email=anna%40example.org"))

    assert page.get_by_role("heading", level=1).inner_text() == "Newsletter abonnieren"
    assert page.get_by_label("E-Mail-Adresse").input_value() == "anna@example.org"
    axe_check(page)

    page.get_by_label("Name (optional)").fill("Anna Beispiel")
    page.get_by_label("Bildung").check()
    page.get_by_label("Ja, ich möchte den Newsletter").check()
    page.get_by_role("button", name="Abonnieren").click()
    page.wait_for_url(re.compile(r"/newsletter/danke/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte bestätigen Sie Ihre Anmeldung")
    axe_check(page)

    subscriber = Subscriber.objects.get()
    assert (subscriber.status, subscriber.source) == ("pending", "home-box")
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/newsletter/bestaetigen/\S+/", mail.outbox[0].body).group(0)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmeldung bestätigt")
    expect(page.get_by_role("status")).to_contain_text("Ihre E-Mail-Adresse ist bestätigt")
    axe_check(page)
    subscriber.refresh_from_db()
    assert subscriber.is_confirmed

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bereits bestätigt")
    assert page.console_errors == []


def test_signup_errors_are_announced_and_pass_axe(live_server, page, axe_check):
    page.goto(live_server.url + "/newsletter/")
    page.get_by_label("E-Mail-Adresse").fill("keine-adresse")
    page.get_by_role("button", name="Abonnieren").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Bitte prüfen Sie Ihre Angaben")
    expect(alert).to_contain_text("Einwilligung")
    email = page.get_by_label("E-Mail-Adresse")
    assert email.get_attribute("aria-invalid") == "true"
    assert page.title().endswith("Fehler · SMART REGION Emscher-Lippe") or "Fehler" in page.title()
    axe_check(page)
    assert not Subscriber.objects.exists()


def test_invalid_confirmation_link_page_passes_axe(live_server, page, axe_check):
    response = page.goto(live_server.url + "/newsletter/bestaetigen/kaputt/")
    assert response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("Link ungültig")
    axe_check(page)


def test_archive_and_issue_pages_pass_axe(live_server, page, axe_check):
    post = PostFactory(title="Digitale Werkstatt in Herten")
    campaign = CampaignFactory(
        subject="Neues aus der Region im Mai",
        body="Liebe Leserinnen und Leser,\n\n## Aus dem Netzwerk\n\n- Eins\n- Zwei",
        include_blog=True,
        status="sent",
        sent_at=timezone.now() - timedelta(days=3),
    )
    campaign.posts.set([post])
    page.goto(live_server.url + "/newsletter/archiv/")
    assert page.context.cookies() == []
    axe_check(page)
    page.get_by_role("link", name="Neues aus der Region im Mai").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Neues aus der Region im Mai")
    expect(page.get_by_role("link", name="Digitale Werkstatt in Herten")).to_be_visible()
    assert page.locator("a[href*='/newsletter/abmelden/']").count() == 0
    assert page.context.cookies() == []
    axe_check(page)
    assert page.console_errors == []


def test_unsubscribe_and_preferences_pages(live_server, page, axe_check):
    from newsletter import links

    subscriber = SubscriberFactory(email="bernd@example.org", name="Bernd")
    token = links.manage_token(subscriber)
    page.goto(f"{live_server.url}/newsletter/einstellungen/{token}/")
    axe_check(page)
    page.get_by_label("Name (optional)").fill("Bernd Muster")
    page.get_by_label("Smart Energy").check()
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status")).to_contain_text("gespeichert")
    subscriber.refresh_from_db()
    assert subscriber.name == "Bernd Muster"

    page.get_by_role("link", name="Newsletter abbestellen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Newsletter abbestellen")
    axe_check(page)
    page.get_by_role("button", name="Jetzt abmelden").click()
    expect(page.get_by_role("status")).to_contain_text("Sie sind vom Newsletter abgemeldet")
    axe_check(page)
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"
