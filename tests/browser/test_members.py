"""Browser tests for members: directory, profile, ambassadors, verification, the application form
and the member area, each checked with axe-core (WCAG 2.1 A/AA) in Chromium.

The live server does not serve MEDIA_URL, so ``site_page`` answers /media/ from MEDIA_ROOT (the
logos) and aborts every request to another host.
"""

import re

import pytest

from tests.browser.helpers import EXTERNAL, log_in
from tests.members.helpers import member, verified_user

pytestmark = pytest.mark.django_db(transaction=True)


def _images_loaded(page):
    return page.evaluate(
        "[...document.images].filter(i => i.loading !== 'lazy' || i.complete)"
        ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.currentSrc || i.src)"
    )


def _members():
    member(
        "Zechenblick Software GmbH",
        logo=True,
        ambassador=True,
        statement="Digitalisierung darf klein anfangen.",
    )
    member("Stadt Marl", city="marl", kind="public", founding=True, topics=["egovernment"])
    for index in range(25):
        member(f"Firma {index:02d} GmbH", city="bottrop", topics=["smart-energy"], logo=index < 2)


def test_directory_filters_and_pagination_pass_axe(live_server, site_page, axe_check):
    _members()
    page = site_page
    response = page.goto(live_server.url + "/mitglieder/")
    assert response.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == "Mitglieder"
    assert page.locator(".card-grid > li").count() == 24
    page.wait_for_load_state("networkidle")
    assert _images_loaded(page) == []
    axe_check(page)
    assert page.get_by_role("navigation", name="Seitennavigation").is_visible()

    page.get_by_label("Name").fill("zechen")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_url(re.compile(r"[?&]q=zechen"))
    assert page.locator(".card-grid > li").count() == 1
    assert page.get_by_role("status").first.inner_text() == "1 Mitglied"
    axe_check(page)

    page.goto(live_server.url + "/mitglieder/?art=kommune-verwaltung")
    assert page.locator(".card-grid > li").count() == 1
    assert page.get_by_role("combobox", name="Art").input_value() == "kommune-verwaltung"
    page.goto(live_server.url + "/mitglieder/?q=gibt-es-nicht")
    assert "Keine Mitglieder gefunden" in page.content()
    axe_check(page)
    assert page.console_errors == []
    assert not [url for url in page.requests if EXTERNAL.match(url)]


def test_profile_and_ambassadors_and_verification_pass_axe(live_server, site_page, axe_check):
    organisation = member(
        "Zechenblick Software GmbH",
        logo=True,
        ambassador=True,
        statement="Digitalisierung darf klein anfangen.",
        topics=["smart-economy", "kuenstliche-intelligenz"],
    )
    page = site_page
    response = page.goto(live_server.url + organisation.get_absolute_url())
    assert response.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == "Zechenblick Software GmbH"
    assert page.get_by_role("img", name="Logo von Zechenblick Software GmbH").is_visible()
    page.wait_for_load_state("networkidle")
    assert _images_loaded(page) == []
    axe_check(page)
    assert page.console_errors == []  # the JSON-LD data block passes the CSP

    page.get_by_role("link", name="Siegel prüfen").click()
    page.wait_for_url(re.compile(r"/siegel/"))
    assert "Dieses Siegel ist gültig." in page.locator(".verify__state").inner_text()
    axe_check(page)

    page.goto(live_server.url + "/mitglieder/botschafter/")
    assert "Digitalisierung darf klein anfangen." in page.content()
    axe_check(page)

    response = page.goto(live_server.url + "/siegel/" + "X" * 27 + "/")
    assert response.status == 404
    assert "Kein Siegel mit diesem Code" in page.content()
    axe_check(page)
    assert page.console_errors == [m for m in page.console_errors if "404" in m]


def test_application_form_empty_and_with_errors_passes_axe(live_server, site_page, axe_check):
    user = verified_user()
    page = site_page
    page.goto(live_server.url + "/mitglieder/bewerben/")
    assert page.get_by_role("link", name="Konto anlegen und bewerben").is_visible()
    axe_check(page)

    log_in(page, live_server, user)
    page.goto(live_server.url + "/mitglieder/bewerben/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mitgliedschaft beantragen"
    axe_check(page)

    page.get_by_label("Name der Organisation").fill("Lippeauen Robotik GmbH")
    page.get_by_role("button", name="Antrag absenden").click()
    page.wait_for_load_state()
    summary = page.get_by_role("alert")
    assert "Bitte prüfen Sie Ihre Angaben" in summary.inner_text()
    assert page.get_by_label("Name der Organisation").input_value() == "Lippeauen Robotik GmbH"
    assert "Bitte bestätigen Sie dieses Kriterium." in page.content()
    axe_check(page)
    assert page.console_errors == []


def test_member_area_passes_axe(live_server, site_page, axe_check):
    manager = verified_user("mia@example.org", first_name="Mia", last_name="Mitglied")
    organisation = member("Zechenblick Software GmbH", manager=manager, logo=True)
    page = site_page
    log_in(page, live_server, manager)
    response = page.goto(live_server.url + "/mein-bereich/")
    assert response.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == "Mein Bereich"
    assert page.get_by_role("link", name="Urkunde als PDF (A4, druckfertig)").is_visible()
    snippet = page.get_by_label("HTML-Code, Variante hell")
    assert "/siegel/" in snippet.input_value()
    axe_check(page)

    page.get_by_role("link", name="Profil bearbeiten").click()
    page.wait_for_url(re.compile(r"/profil/"))
    axe_check(page)
    page.goto(live_server.url + f"/mein-bereich/organisation/{organisation.slug}/einladen/")
    axe_check(page)
    assert page.console_errors == []


def test_member_area_without_organisation_passes_axe(live_server, site_page, axe_check):
    page = site_page
    log_in(page, live_server, verified_user())
    page.goto(live_server.url + "/mein-bereich/")
    assert page.get_by_role("link", name="Mitgliedschaft beantragen").is_visible()
    axe_check(page)
