"""Browser tests for people's own data: the data page, the deletion page (with its error state)
and the done page in the account area, and the newsletter's „Meine Daten“ page, each checked
with axe-core (WCAG 2.1 A/AA) in Chromium."""

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from events.models import Registration
from members.models import User
from newsletter import links
from tests.browser.test_members import _log_in
from tests.factories import EventFactory, PostFactory, SubscriberFactory
from tests.members.helpers import PASSWORD, member, verified_user

pytestmark = pytest.mark.django_db(transaction=True)


def _person():
    user = verified_user("mia@example.org", first_name="Mia", last_name="Mitglied")
    organisation = member("Zechenblick Software GmbH", manager=user)
    PostFactory(organisation=organisation, submitted_by=user, author_email="mia@example.org")
    PostFactory(status="confirmed", author_email="mia@example.org", title="Noch nicht online")
    Registration.objects.create(
        event=EventFactory(),
        name="Mia Mitglied",
        email="mia@example.org",
        consent_at=timezone.now(),
    )
    SubscriberFactory(email="mia@example.org", name="Mia Mitglied")
    return user


def test_data_page_passes_axe(live_server, site_page, axe_check):
    page = site_page
    _log_in(page, live_server, _person())
    page.goto(live_server.url + "/mein-bereich/")
    page.get_by_role("link", name="Meine Daten ansehen und herunterladen").click()
    page.wait_for_url("**/mein-bereich/daten/")
    assert page.get_by_role("heading", level=1).inner_text() == "Meine Daten"
    assert page.get_by_role("heading", name="Nachweis Ihrer Einwilligung").is_visible()
    assert page.get_by_text("Noch nicht online").first.is_visible()
    axe_check(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Alle Daten als JSON-Datei herunterladen").click()
    assert download.value.suggested_filename.startswith("meine-daten-")
    assert page.console_errors == []


def test_deletion_pages_with_the_error_and_when_done_pass_axe(live_server, site_page, axe_check):
    user = _person()
    page = site_page
    _log_in(page, live_server, user)
    page.goto(live_server.url + "/mein-bereich/konto-loeschen/")
    assert page.get_by_role("heading", level=1).inner_text() == "Konto löschen"
    axe_check(page)

    page.get_by_label("Ihr Passwort").fill("falsch")
    page.get_by_role("button", name="Konto endgültig löschen").click()
    page.wait_for_load_state()
    assert page.get_by_text("Das Passwort ist nicht richtig.").is_visible()
    assert page.title().startswith("Konto löschen – Fehler")
    axe_check(page)
    assert User.objects.filter(pk=user.pk).exists()

    page.get_by_label("Ihr Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Konto endgültig löschen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Ihr Konto ist gelöscht"
    axe_check(page)
    assert not User.objects.filter(pk=user.pk).exists()
    assert not EmailAddress.objects.filter(email="mia@example.org").exists()
    assert page.console_errors == []


def test_newsletter_data_page_and_its_deletion_pass_axe(live_server, site_page, axe_check):
    subscriber = SubscriberFactory(email="anna@example.org", name="Anna Beispiel")
    page = site_page
    page.goto(live_server.url + f"/newsletter/meine-daten/{links.manage_token(subscriber)}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Meine Daten beim Newsletter"
    axe_check(page)

    page.get_by_role("button", name="Meine Newsletter-Daten löschen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Ihre Daten sind gelöscht"
    axe_check(page)
    assert page.console_errors == []


def test_the_pages_in_english_pass_axe(live_server, site_page, axe_check):
    user = _person()
    subscriber = SubscriberFactory(email="anna@example.org")
    page = site_page
    _log_in(page, live_server, user)
    page.goto(live_server.url + "/en/mein-bereich/daten/")
    assert page.get_by_role("heading", level=1).inner_text() == "My data"
    assert page.locator("html").get_attribute("lang") == "en"
    axe_check(page)

    page.goto(live_server.url + "/en/mein-bereich/konto-loeschen/")
    page.get_by_label("Your password").fill("falsch")
    page.get_by_role("button", name="Delete account permanently").click()
    page.wait_for_load_state()
    assert page.get_by_text("The password is not correct.").is_visible()
    axe_check(page)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete account permanently").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Your account has been deleted"
    axe_check(page)

    page.goto(live_server.url + f"/en/newsletter/meine-daten/{links.manage_token(subscriber)}/")
    assert page.get_by_role("heading", level=1).inner_text() == "My newsletter data"
    axe_check(page)
    assert page.console_errors == []
