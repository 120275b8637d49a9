"""The English pages of the site's frame, members and the newsletter in Chromium with axe-core
(WCAG 2.1 A/AA, valid ``lang`` included): English interface, German texts marked lang="de"."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from newsletter.models import ConsentText
from tests.browser.helpers import log_in
from tests.factories import CampaignFactory
from tests.members.helpers import member, verified_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("path", "heading", "status"),
    [
        ("/en/", "Digital ideas from the Emscher-Lippe region", 200),
        ("/en/mitglieder/", "Members", 200),
        ("/en/mitglieder/botschafter/", "Ambassadors", 200),
        ("/en/mitglieder/bewerben/", "Become a member", 200),
        ("/en/newsletter/archiv/", "Newsletter archive", 200),
        ("/en/gibt-es-nicht/", "Page not found", 404),
    ],
)
def test_english_pages_pass_axe(live_server, site_page, axe_check, path, heading, status):
    member(
        "Zechenblick Software GmbH",
        ambassador=True,
        statement="Digitalisierung darf klein anfangen.",
    )
    CampaignFactory(status="sent", sent_at=timezone.now())
    page = site_page
    response = page.goto(live_server.url + path)
    assert response.status == status
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("link", name="Skip to content")).to_have_count(1)
    axe_check(page)
    # The 404 status itself is logged as a failed load; nothing else may be.
    assert len(page.console_errors) == (status == 404)


def test_member_profile_in_english_marks_the_description_german(live_server, site_page, axe_check):
    organisation = member("Zechenblick Software GmbH", ambassador=True, statement="Klein anfangen.")
    page = site_page
    page.goto(live_server.url + "/en/mitglieder/" + organisation.slug + "/")
    expect(page.get_by_role("heading", name="At a glance")).to_be_visible()
    assert page.locator(".member-profile .prose").get_attribute("lang") == "de"
    axe_check(page)


def test_member_area_in_english_passes_axe(live_server, site_page, axe_check):
    manager = verified_user("mia@example.org", first_name="Mia", last_name="Mitglied")
    member("Zechenblick Software GmbH", manager=manager, logo=True)
    page = site_page
    log_in(page, live_server, manager)
    page.goto(live_server.url + "/en/mein-bereich/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My area")
    expect(page.get_by_role("link", name="Certificate as PDF (A4, ready to print)")).to_be_visible()
    axe_check(page)
    manager.refresh_from_db()
    assert manager.language == "en"


def test_english_newsletter_signup_with_errors_and_a_german_only_consent_text(
    live_server, page, axe_check
):
    ConsentText.objects.current()
    ConsentText.objects.create(text="Ja, ich möchte den Newsletter erhalten (neue Fassung).")
    page.goto(live_server.url + "/en/newsletter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Subscribe to the newsletter")
    consent = page.locator('label[for="id_consent"] span[lang="de"]')
    expect(consent).to_have_text("Ja, ich möchte den Newsletter erhalten (neue Fassung).")
    axe_check(page)
    page.get_by_label("Email address").fill("no-address")
    page.get_by_role("button", name="Subscribe").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Please check your details")
    expect(alert).to_contain_text("Consent")
    axe_check(page)


def test_english_login_page_passes_axe(live_server, page, axe_check):
    page.goto(live_server.url + "/en/konto/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("button", name="Sign In")).to_be_visible()
    axe_check(page)
