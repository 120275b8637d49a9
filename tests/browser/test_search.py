"""Browser tests for the search: typing in the header, results with facets, the empty state.

axe-core checks the results page with hits, with facets active, with a correction and empty.
"""

import re

import pytest
from playwright.sync_api import expect

from smartregion.core.models import Municipality, Topic
from smartregion.search import vocabulary
from tests.browser.helpers import EXTERNAL
from tests.factories import PostFactory
from tests.members.helpers import member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def content(db):
    topics = {t.slug: t for t in Topic.objects.all()}
    for n, (city, topic) in enumerate(
        [("bottrop", "bildung"), ("marl", "smart-economy"), ("bottrop", "smart-economy")] * 5
    ):
        PostFactory(
            title=f"Digitalisierung im Betrieb, Teil {n + 1}",
            slug=f"digitalisierung-{n + 1}",
            body="Wir haben unsere Abläufe digitalisiert. Die Straße vor dem Laden blieb leer.",
            municipality=Municipality.objects.get(slug=city),
            topics=[topics[topic]],
        )
    member("Digitalwerk Bottrop GmbH", city="bottrop", topics=("bildung",))
    vocabulary.refresh()


@pytest.fixture
def search_page(page):
    page.set_default_timeout(5000)
    page.route(EXTERNAL, lambda route: route.abort())
    return page


def test_search_from_the_header_with_facets_passes_axe(
    live_server, search_page, axe_check, content
):
    page = search_page
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox", name="Suchbegriff").fill("digitalisierung")
    page.get_by_role("button", name="Finden").click()
    expect(page).to_have_url(re.compile(r"/suche/\?q=digitalisierung$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Suche")
    expect(page.get_by_role("status")).to_contain_text("16 Treffer")
    expect(page.locator(".hit-list mark").first).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name=re.compile(r"^Bildung \(6")).click()
    expect(page).to_have_url(re.compile(r"thema=bildung"))
    expect(page.get_by_role("status")).to_contain_text("6 Treffer")
    page.get_by_role("link", name=re.compile(r"^Bottrop \(6")).click()
    expect(page.get_by_role("list", name="Aktive Filter")).to_contain_text("Bottrop")
    axe_check(page)

    page.get_by_role("link", name=re.compile(r"^Mitglieder \(1")).click()
    expect(page.locator(".hit__title")).to_have_text(["Digitalwerk Bottrop GmbH"])
    page.get_by_role("link", name="Alle Filter entfernen").click()
    expect(page.get_by_role("status")).to_contain_text("16 Treffer")
    assert page.console_errors == []


def test_pagination_and_typo_correction_pass_axe(live_server, search_page, axe_check, content):
    page = search_page
    page.goto(live_server.url + "/suche/?q=Digitalisirung")
    expect(page.get_by_role("status")).to_contain_text("Ergebnisse für „Digitalisierung“")
    expect(page.locator(".hit-list > li")).to_have_count(12)
    axe_check(page)
    page.get_by_role("navigation", name="Seitennavigation").get_by_role(
        "link", name="Nächste"
    ).click()
    expect(page.locator(".hit-list > li")).to_have_count(4)
    axe_check(page)


def test_empty_state_and_landing_page_pass_axe(live_server, search_page, axe_check, content):
    page = search_page
    page.goto(live_server.url + "/suche/?q=Quantenkryptografie")
    expect(
        page.get_by_role("heading", name="Keine Treffer für „Quantenkryptografie“")
    ).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Künstliche Intelligenz").first.click()
    expect(page).to_have_url(re.compile(r"/suche/\?q=K%C3%BCnstliche%20Intelligenz"))
    page.goto(live_server.url + "/suche/")
    expect(page.get_by_role("searchbox", name="Suchbegriff").first).to_be_visible()
    axe_check(page)
