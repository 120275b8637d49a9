"""Browser test of „Die SMART REGION in Zahlen“: the charts and their tables pass axe-core, no
script draws anything, no cookie is set, nothing comes from other hosts."""

import pytest
from playwright.sync_api import expect

from tests.factories import EventFactory, PostFactory, RegistrationFactory, SubscriberFactory
from tests.members.helpers import member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("path", "title"),
    [("/zahlen/", "Die SMART REGION in Zahlen"), ("/en/zahlen/", "The SMART REGION in figures")],
)
def test_the_figures_pass_axe_with_charts_and_open_tables(
    live_server, site_page, axe_check, path, title
):
    member("Zeche Digital GmbH", kind="company", city="marl")
    member("Hochschule am Kanal", kind="research", city="bottrop")
    PostFactory()
    event = EventFactory()
    RegistrationFactory(event=event, status="confirmed", place=1)
    SubscriberFactory()

    page = site_page
    response = page.goto(live_server.url + path)
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    charts = page.get_by_role("img")
    assert charts.count() >= 6
    assert charts.first.get_attribute("aria-labelledby")
    page.wait_for_load_state("networkidle")
    axe_check(page)

    # Every table opens from the keyboard and passes too.
    for summary in page.locator("details > summary").all():
        summary.focus()
        page.keyboard.press("Enter")
    tables = page.get_by_role("table")
    assert tables.count() == 6
    expect(tables.first).to_be_visible()
    axe_check(page)

    assert page.context.cookies() == []
    assert all(url.startswith(live_server.url) for url in page.requests)
    assert page.console_errors == []
