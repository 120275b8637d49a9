"""Browser tests for the English pages of the blog, events and search: each passes axe-core in
Chromium (its valid-lang rule included: German fallbacks are marked lang="de"), and a visitor
who reads only English registers for an event and confirms it on English pages."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.browser.helpers import EXTERNAL
from tests.factories import EventFactory, PostFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def no_min_fill_time(monkeypatch):
    from smartregion.core.spam import SpamProtectedForm

    monkeypatch.setattr(SpamProtectedForm, "min_fill_seconds", 0)


@pytest.fixture
def content():
    start = (timezone.now() + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    return {
        "post": PostFactory(
            title="Die Bäckerei-App",
            title_en="The bakery app",
            teaser_en="Customers order bread ahead by app.",
        ),
        "german_post": PostFactory(title="Sensorik im Stall"),
        "event": EventFactory(
            title="Netzwerkabend",
            title_en="Networking evening",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=10,
        ),
        "german_event": EventFactory(
            title="Abgesagter Workshop",
            status="cancelled",
            cancellation_note="Krankheit.",
            starts_at=start + timedelta(days=1),
            ends_at=start + timedelta(days=1, hours=2),
        ),
    }


def _visit(page, url, axe_check):
    response = page.goto(url)
    assert response.status == 200, url
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).count() == 1
    page.wait_for_load_state("networkidle")
    axe_check(page)
    assert page.console_errors == []


def test_english_pages_of_blog_events_and_search_pass_axe(
    live_server, site_page, axe_check, content
):
    page = site_page
    base = live_server.url + "/en"
    _visit(page, f"{base}/blog/", axe_check)
    assert page.get_by_role("heading", level=1).inner_text() == "Resourceful through the crisis"
    assert page.get_by_role("link", name="The bakery app").is_visible()
    assert page.locator('.card__title [lang="de"]', has_text="Sensorik im Stall").count() == 1

    _visit(page, f"{base}/blog/{content['post'].slug}/", axe_check)
    assert page.get_by_role("heading", level=1).inner_text() == "The bakery app"
    assert page.locator('.prose[lang="de"]').count() == 1
    _visit(page, f"{base}/blog/{content['german_post'].slug}/", axe_check)

    _visit(page, f"{base}/veranstaltungen/", axe_check)
    assert page.get_by_role("heading", level=1).inner_text() == "Events"
    _visit(page, f"{base}/veranstaltungen/{content['event'].slug}/", axe_check)
    assert page.get_by_role("heading", level=1).inner_text() == "Networking evening"
    _visit(page, f"{base}/veranstaltungen/{content['german_event'].slug}/", axe_check)
    assert page.get_by_text("This event will not take place.").is_visible()

    _visit(page, f"{base}/suche/?q=bakery", axe_check)
    assert page.get_by_role("link", name="The bakery app").get_attribute("href") == (
        f"/en/blog/{content['post'].slug}/"
    )
    _visit(page, f"{base}/suche/?q=Sensorik", axe_check)
    _visit(page, f"{base}/suche/?q=xyzzy", axe_check)
    assert page.context.cookies() == []  # reading sets no cookie, in English neither

    _visit(page, f"{base}/blog/einreichen/", axe_check)
    assert page.get_by_role("heading", level=1).inner_text() == "Submit a post"
    _visit(page, f"{base}/veranstaltungen/{content['event'].slug}/anmelden/", axe_check)
    assert not [url for url in page.requests if EXTERNAL.match(url)]


def test_english_visitor_registers_and_confirms_in_english(
    live_server, site_page, axe_check, content, no_min_fill_time
):
    page = site_page
    event = content["event"]
    page.goto(f"{live_server.url}/en/veranstaltungen/{event.slug}/")
    page.get_by_role("link", name="Register now").click()
    page.get_by_label("Your name").fill("Alex Newcomer")
    page.get_by_label("Your email address").fill("alex@example.org")
    page.get_by_label(re.compile("I agree that my details")).check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/en/veranstaltungen/.+/anmelden/danke/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Almost done"
    axe_check(page)

    (message,) = mail.outbox
    assert message.subject == "Please confirm your registration: Networking evening"
    link = re.search(r"https?://\S+(/en/veranstaltungen/anmeldung/\S+/bestaetigen/)", message.body)
    page.goto(live_server.url + link.group(1))
    axe_check(page)
    page.get_by_role("button", name="Confirm registration").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Registration confirmed"
    axe_check(page)
    assert mail.outbox[-1].subject == "Registration confirmed: Networking evening"
    assert page.console_errors == []


def test_english_member_pages_of_blog_and_events_pass_axe(live_server, site_page, axe_check):
    from django.conf import settings
    from django.test import Client

    from blog.models import Post
    from events.models import Registration
    from tests.factories import UserFactory

    user = UserFactory(email="alex@example.org")
    PostFactory(title="Schon online", title_en="Online already", submitted_by=user)
    PostFactory(
        title="Abgelehnt",
        status=Post.Status.REJECTED,
        published_at=None,
        rejection_reason="Bitte ein eigenes Foto verwenden.",
        submitted_by=user,
    )
    event = EventFactory(title="Netzwerkabend", title_en="Networking evening")
    Registration.objects.create(
        event=event,
        name="Alex",
        email=user.email,
        status=Registration.Status.CONFIRMED,
        consent_at=timezone.now(),
        language="en",
    )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client = Client()
    client.force_login(user)
    page = site_page
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )

    _visit(page, f"{live_server.url}/en/blog/meine-beitraege/", axe_check)
    assert page.get_by_role("heading", level=1).inner_text() == "My posts"
    assert page.locator('td [lang="de"]', has_text="eigenes Foto").count() == 1
    _visit(page, f"{live_server.url}/en/mein-bereich/veranstaltungen/", axe_check)
    assert page.get_by_role("link", name="Networking evening").first.is_visible()
