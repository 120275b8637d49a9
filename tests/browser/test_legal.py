"""Browser tests of the legal pages and the accessibility feedback form: WCAG checks with
axe-core (the form with its errors too), no cookie on the reading pages, nothing from other
hosts."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from smartregion.site.models import AccessibilityFeedback, LegalInformation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fast_forms(monkeypatch):
    """The live server runs in this process: no 3-second minimum fill time for the robot."""
    monkeypatch.setattr("smartregion.site.forms.FeedbackForm.min_fill_seconds", 0)


@pytest.fixture
def particulars():
    legal = LegalInformation.load()
    legal.street, legal.postal_code = "Teststraße 99", "45699"
    legal.representatives = "Testa Beispiel"
    legal.email, legal.phone = "kontakt@example.org", "+49 2366 000000"
    legal.content_responsible = "Rita Redaktion"
    legal.content_responsible_address = "Teststraße 99\n45699 Herten"
    legal.accessibility_statement_date = date(2026, 11, 2)
    legal.accessibility_review_date = date(2026, 12, 1)
    legal.save()


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/impressum/", "Impressum"),
        ("/datenschutz/", "Datenschutzerklärung"),
        ("/barrierefreiheit/", "Erklärung zur Barrierefreiheit"),
        ("/en/impressum/", "Impressum"),
        ("/en/datenschutz/", "Privacy policy"),
        ("/en/barrierefreiheit/", "Accessibility statement"),
    ],
)
def test_legal_pages_pass_axe_set_no_cookie_and_load_nothing_from_elsewhere(
    live_server, site_page, axe_check, particulars, path, title
):
    response = site_page.goto(live_server.url + path)
    assert response.status == 200
    expect(site_page.get_by_role("heading", level=1)).to_have_text(title)
    site_page.wait_for_load_state("networkidle")
    axe_check(site_page)
    assert site_page.context.cookies() == []
    assert all(url.startswith(live_server.url) for url in site_page.requests)
    assert site_page.console_errors == []


def test_every_page_links_the_accessibility_statement(live_server, page):
    page.goto(live_server.url + "/")
    footer = page.get_by_role("navigation", name="Rechtliches")
    footer.get_by_role("link", name="Barrierefreiheit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erklärung zur Barrierefreiheit")


def test_reporting_a_barrier_with_errors_first(live_server, page, axe_check, particulars):
    page.goto(live_server.url + "/barrierefreiheit/")
    page.get_by_role("link", name="Barriere melden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Barriere melden")
    axe_check(page)

    page.get_by_label("Betroffene Seite (Adresse oder Name, optional)").fill("/veranstaltungen/")
    page.get_by_label("Ihre E-Mail-Adresse (optional, für eine Antwort)").fill("bea@")
    page.get_by_role("button", name="Nachricht senden").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Bitte prüfen Sie Ihre Angaben")
    message = page.get_by_label("Ihre Nachricht")
    expect(message).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field--error").first).to_contain_text(
        "Bitte schreiben Sie uns, welche Barriere Sie bemerkt haben."
    )
    assert (
        page.get_by_label("Betroffene Seite (Adresse oder Name, optional)").input_value()
        == "/veranstaltungen/"
    )
    axe_check(page)  # the error state too

    message.fill("Der Kalender lässt sich nicht mit der Tastatur bedienen.")
    page.get_by_label("Ihre E-Mail-Adresse (optional, für eine Antwort)").fill("bea@example.org")
    page.get_by_role("button", name="Nachricht senden").click()
    page.wait_for_url(re.compile(r"/barrierefreiheit/rueckmeldung/danke/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Danke für Ihre Nachricht")
    axe_check(page)
    assert page.console_errors == []

    feedback = AccessibilityFeedback.objects.get()
    assert (feedback.page_url, feedback.email) == ("/veranstaltungen/", "bea@example.org")


def test_the_english_feedback_form_with_errors_passes_axe(live_server, page, axe_check):
    page.goto(live_server.url + "/en/barrierefreiheit/rueckmeldung/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a barrier")
    assert page.locator("html").get_attribute("lang") == "en"
    axe_check(page)
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("alert")).to_contain_text("Please check your details")
    expect(page.locator(".field--error").first).to_contain_text(
        "Please tell us which barrier you noticed."
    )
    axe_check(page)
    page.get_by_label("Your message").fill("The calendar cannot be used with the keyboard.")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_url(re.compile(r"/en/barrierefreiheit/rueckmeldung/danke/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your message")
    axe_check(page)
