"""Whole reading pages kept per worker under content versions, their ETags (304 without
rendering) and the Cache-Control that lets the proxy keep them (smartregion/core/fragments.py)."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Post
from events.models import Event
from newsletter.models import Campaign
from smartregion.core.models import Page, Topic
from smartregion.site.models import LegalInformation
from tests.core import reading_urls
from tests.factories import CampaignFactory, EventFactory, PostFactory, RegistrationFactory
from tests.members.helpers import member, verified_user
from tests.outages import unreachable

pytestmark = pytest.mark.django_db

SHARED = "public, max-age=0, s-maxage=10, stale-if-error=3600"
PRIVATE = "private, no-cache"


@pytest.fixture
def content(db):
    """A little of everything the reading pages show."""
    post = PostFactory(title="Kühlhaus mit Sensoren")
    event = EventFactory(title="Digitaler Stammtisch")
    organisation = member(manager=verified_user("mia@example.org"))
    campaign = CampaignFactory()
    Campaign.objects.filter(pk=campaign.pk).update(status="sent", sent_at=timezone.now())
    return {"post": post, "event": event, "organisation": organisation, "campaign": campaign}


def reading_paths(content) -> list[str]:
    return [
        "/",
        "/en/",
        "/blog/",
        content["post"].get_absolute_url(),
        "/blog/feed/",
        "/blog/feed/atom/",
        "/veranstaltungen/",
        content["event"].get_absolute_url(),
        content["event"].get_absolute_url() + "kalender.ics",
        "/veranstaltungen/kalender.ics",
        "/mitglieder/",
        "/mitglieder/botschafter/",
        content["organisation"].get_absolute_url(),
        "/newsletter/archiv/",
        f"/newsletter/archiv/{content['campaign'].pk}/",
        "/sitemap.xml",
        "/sitemap-blog.xml",
        "/robots.txt",
        "/ueber-uns/",
        "/impressum/",
        "/datenschutz/",
        "/barrierefreiheit/",
        "/leichte-sprache/",
        "/gebaerdensprache/",
        "/suche/?q=Sensoren",
    ]


def test_every_reading_page_is_shared_with_a_validator_and_sets_no_cookie(client, content):
    for path in reading_paths(content):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == SHARED, path
        assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"]), path
        assert not response.cookies, path
        # Its URL names its language and nothing personal is in it: it varies by nothing.
        assert "cookie" not in response.get("Vary", "").lower(), path
        assert "accept-language" not in response.get("Vary", "").lower(), path


def test_a_kept_page_costs_one_query_and_writes_nothing(client, content):
    for path in reading_paths(content):
        first = client.get(path)
        with CaptureQueriesContext(connection) as queries:
            again = client.get(path)
        # The content versions (robots.txt shows no content: none).
        assert len(queries) == (0 if path == "/robots.txt" else 1), path
        assert queries.captured_queries[0]["sql"].startswith("SELECT") if len(queries) else True
        assert again.content == first.content, path
        assert again["Content-Type"] == first["Content-Type"], path
        assert again["ETag"] == first["ETag"], path


def test_a_matching_etag_gets_304_without_rendering(client, content):
    for path in reading_paths(content):
        etag = client.get(path)["ETag"]
        caches["fragments"].clear()  # nothing kept: the 304 must not need the page
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, HTTP_IF_NONE_MATCH=etag)
        assert len(queries) == (0 if path == "/robots.txt" else 1), path
        assert response.status_code == 304, path
        assert response.content == b""
        assert response["ETag"] == etag
        # The proxy refreshes its copy with the 304: it says how long again.
        assert response["Cache-Control"] == SHARED
        assert not caches["fragments"].get(f"page:{etag.strip(chr(34))}"), path


class _Below:
    """Put right below NotModifiedMiddleware: records each request that goes on past it."""

    seen: list[str] = []

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _Below.seen.append(request.get_full_path())
        return self.get_response(request)


@pytest.fixture
def below(settings):
    middleware = list(settings.MIDDLEWARE)
    position = middleware.index("smartregion.core.fragments.NotModifiedMiddleware")
    middleware.insert(position + 1, f"{__name__}._Below")
    settings.MIDDLEWARE = middleware
    _Below.seen.clear()
    return _Below.seen


def test_a_matching_etag_is_answered_before_the_session_and_the_rest_of_the_stack(
    client, content, below
):
    for path in reading_paths(content):
        etag = client.get(path)["ETag"]
        below.clear()
        for method in (client.get, client.head):
            response = method(path, HTTP_IF_NONE_MATCH=etag)
            assert response.status_code == 304, path
            assert response["ETag"] == etag and response["Cache-Control"] == SHARED, path
        assert below == [], path
        # Another ETag goes on to the page.
        response = client.get(path, HTTP_IF_NONE_MATCH='"0123456789abcdef0123456789abcdef"')
        assert response.status_code == 200 and below == [path], path


def test_only_an_anonymous_conditional_request_for_a_reading_page_is_answered_early(
    client, content, below
):
    etag = client.get("/blog/")["ETag"]
    client.cookies[settings.SESSION_COOKIE_NAME] = "irgendwas"
    assert client.get("/blog/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    del client.cookies[settings.SESSION_COOKIE_NAME]
    assert client.post("/blog/", HTTP_IF_NONE_MATCH=etag).status_code == 405
    assert client.get("/blog", HTTP_IF_NONE_MATCH=etag).status_code == 301  # APPEND_SLASH
    assert client.get("/gibt-es-nicht/", HTTP_IF_NONE_MATCH=etag).status_code == 404
    assert client.get("/konto/login/", HTTP_IF_NONE_MATCH="*").status_code == 200
    # The first request (no If-None-Match), then each of the others.
    assert below == ["/blog/", "/blog/", "/blog/", "/blog", "/gibt-es-nicht/", "/konto/login/"]
    # The English page's key is in English, as the page's own view makes it.
    english = client.get("/en/blog/")["ETag"]
    assert english != etag
    below.clear()
    assert client.get("/en/blog/", HTTP_IF_NONE_MATCH=english).status_code == 304
    assert client.get("/en/blog/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert below == ["/en/blog/"]


def test_a_head_request_gets_the_headers_of_the_kept_page(client, content):
    page = client.get("/blog/")
    head = client.head("/blog/")
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == page["ETag"] and head["Cache-Control"] == SHARED


def test_a_new_post_gives_a_new_etag_and_the_new_list(client):
    PostFactory(title="Der erste Beitrag")
    before = client.get("/blog/")
    PostFactory(title="Ein neuer Beitrag")
    after = client.get("/blog/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert "Ein neuer Beitrag" in after.content.decode()


def _changes(content):
    """(page, a change of what it shows, what the page shows afterwards)."""
    event, organisation = content["event"], content["organisation"]

    def register():
        RegistrationFactory(event=event, status="confirmed")

    return [
        ("/veranstaltungen/", register, "Noch 19 Plätze frei"),
        (
            event.get_absolute_url(),
            lambda: Event.objects.filter(pk=event.pk).update(title="Stammtisch, verlegt"),
            "Stammtisch, verlegt",
        ),
        (
            "/mitglieder/",
            lambda: type(organisation).objects.filter(pk=organisation.pk).update(name="Neuer Name"),
            "Neuer Name",
        ),
        (
            "/newsletter/archiv/",
            lambda: Campaign.objects.filter(pk=content["campaign"].pk).update(subject="Geändert"),
            "Geändert",
        ),
        (
            "/ueber-uns/",
            lambda: Page.objects.filter(slug="ueber-uns").update(title="Wer wir sind"),
            "Wer wir sind",
        ),
        (
            "/impressum/",
            lambda: LegalInformation.objects.update_or_create(
                pk=1, defaults={"provider_name": "WiN Emscher-Lippe Gesellschaft"}
            ),
            "WiN Emscher-Lippe Gesellschaft",
        ),
        (
            "/",
            lambda: Post.objects.filter(pk=content["post"].pk).update(title="Kühlhaus, neu"),
            "Kühlhaus, neu",
        ),
        (
            content["organisation"].get_absolute_url(),
            lambda: Post.objects.filter(pk=content["post"].pk).update(organisation=organisation),
            "Kühlhaus, neu",
        ),
    ]


def test_every_area_change_reaches_its_pages_at_once(client, content):
    for path, change, shown in _changes(content):
        before = client.get(path)
        assert shown not in before.content.decode(), path
        change()
        after = client.get(path)
        assert shown in after.content.decode(), path
        assert after["ETag"] != before["ETag"], path


def test_a_renamed_topic_reaches_a_page_whose_area_was_never_written(client):
    """Taxonomy is an area of its own that every area includes."""
    assert not Event.objects.exists()
    before = client.get("/veranstaltungen/")
    Topic.objects.filter(slug="smart-economy").update(name="Smarte Wirtschaft")
    after = client.get("/veranstaltungen/")
    assert "Smarte Wirtschaft" in after.content.decode()
    assert after["ETag"] != before["ETag"]


def test_timed_pages_are_rendered_again_each_minute_the_others_are_not(client, time_machine):
    """A post published from a moment on shows from that minute, with nothing written."""
    time_machine.move_to(timezone.now(), tick=False)
    post = PostFactory(title="Ab gleich", published_at=timezone.now() + timedelta(seconds=30))
    blog, legal = client.get("/blog/"), client.get("/impressum/")
    assert post.title not in blog.content.decode()
    time_machine.shift(61)
    later = client.get("/blog/", HTTP_IF_NONE_MATCH=blog["ETag"])
    assert later.status_code == 200 and post.title in later.content.decode()
    assert client.get("/impressum/", HTTP_IF_NONE_MATCH=legal["ETag"]).status_code == 304


def test_a_changed_setting_changes_every_etag(client, settings):
    """Settings (and the code) are part of the key: no 304 for a rendering of other ones."""
    before = client.get("/datenschutz/")
    settings.LOG_RETENTION_DAYS = 3
    after = client.get("/datenschutz/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert "Die Protokolle werden nach 3 Tagen gelöscht." in after.content.decode()


# Personal requests ------------------------------------------------------------------------------


def test_a_logged_in_visitor_never_gets_the_shared_page_nor_a_304(client, content):
    anonymous = Client().get("/blog/")
    client.force_login(verified_user("leser@example.org"))
    response = client.get("/blog/", HTTP_IF_NONE_MATCH=anonymous["ETag"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "Abmelden" in html and "csrfmiddlewaretoken" in html  # their own logout form
    assert response["Cache-Control"] == PRIVATE
    assert "ETag" not in response
    # Their page was not kept for anyone else.
    assert "Abmelden" not in Client().get("/blog/").content.decode()


@pytest.mark.parametrize("cookie", [settings.SESSION_COOKIE_NAME, "messages"])
def test_a_session_or_a_pending_message_makes_a_request_personal(client, cookie):
    etag = Client().get("/blog/")["ETag"]
    client.cookies[cookie] = "irgendwas"
    response = client.get("/blog/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE and "ETag" not in response


@pytest.mark.urls("tests.core.reading_urls")
@pytest.mark.parametrize("path", ["/csrf/", "/cookie/", "/message/"])
def test_a_rendering_that_touched_something_personal_is_never_shared(path):
    reading_urls.renderings.clear()
    first, second = Client().get(path), Client().get(path)
    for response in (first, second):
        assert response["Cache-Control"] == PRIVATE
        assert "ETag" not in response
        assert response.cookies  # the CSRF cookie, the view's own, or the message
    assert len(reading_urls.renderings) == 2  # each visitor got their own rendering
    if path == "/csrf/":
        assert first.content != second.content


@pytest.mark.urls("tests.core.reading_urls")
def test_a_page_that_is_the_same_for_everyone_is_rendered_once():
    reading_urls.renderings.clear()
    first, second = Client().get("/plain/"), Client().get("/plain/")
    assert first.content == second.content == b"Seite 1"
    assert reading_urls.renderings == ["plain"]
    assert second["Cache-Control"] == SHARED


def test_other_responses_are_private_unless_they_say_otherwise(client):
    form = client.get("/newsletter/")
    assert form["Cache-Control"] == "private"
    assert form.cookies  # the CSRF cookie of its form
    assert "ETag" not in form


# Stale rather than broken -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_while_the_database_cannot_be_reached_kept_pages_are_still_served(client, caplog, taxonomy):
    PostFactory(title="Schon gelesen")
    kept = client.get("/blog/")
    never_read = "/veranstaltungen/"
    with unreachable(connection):
        again = client.get("/blog/")
        with pytest.raises(Exception, match="connect"):
            client.get(never_read)
    assert again.status_code == 200 and again.content == kept.content
    assert "content versions unreadable" in caplog.text
    # Back: the page is read from the database again.
    PostFactory(title="Danach geschrieben")
    assert "Danach geschrieben" in client.get("/blog/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_last_versions_are_used_for_a_limited_time_only(client, settings, taxonomy):
    settings.PAGE_STALE_SECONDS = 0
    PostFactory(title="Schon gelesen")
    client.get("/blog/")
    with unreachable(connection), pytest.raises(Exception, match="connect"):
        client.get("/blog/")


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_did_not_survive_a_database_restart_is_replaced(client, taxonomy):
    """The content versions are the request's health check of its persistent connection: a
    connection that the server dropped (as in a restart) is replaced, and the page is fresh."""
    import psycopg
    from django.db import close_old_connections

    PostFactory(title="Vor dem Neustart")
    client.get("/blog/")
    PostFactory(title="Kurz vor dem Neustart")  # not on the kept page: it must be read again
    old_pid = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [old_pid])
    close_old_connections()  # what the server does when a request starts
    response = client.get("/blog/")
    assert response.status_code == 200
    assert "Kurz vor dem Neustart" in response.content.decode()  # fresh, not the kept page
    assert connection.connection.info.backend_pid != old_pid


def test_a_kept_page_keeps_its_own_content_security_policy(client):
    """A post with a video allows the player's frame; its kept copy does too."""
    post = PostFactory(video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    first = client.get(post.get_absolute_url())
    again = client.get(post.get_absolute_url())
    assert again.content == first.content
    for response in (first, again):
        assert (
            "frame-src 'self' https://www.youtube-nocookie.com"
            in response["Content-Security-Policy"]
        )
    other = client.get(PostFactory(video_url="").get_absolute_url())
    assert "frame-src 'self';" in other["Content-Security-Policy"]


def test_a_database_restored_from_a_backup_never_repeats_an_etag(client):
    """Its counters run again over numbers used since the backup; the time of the change
    keeps each version, and so each ETag, unique."""
    from smartregion.core.models import ContentVersion

    PostFactory(title="Vor der Sicherung")
    backup = ContentVersion.objects.get(key="blog")
    PostFactory(title="Nach der Sicherung")
    lost = client.get("/blog/")
    lost_number = ContentVersion.objects.get(key="blog").version
    # The restore: the counter as the backup holds it; then the same writes as before.
    ContentVersion.objects.filter(key="blog").update(
        version=backup.version, changed_at=backup.changed_at
    )
    PostFactory(title="Neu nach der Wiederherstellung")
    assert ContentVersion.objects.get(key="blog").version == lost_number  # the same number
    response = client.get("/blog/", HTTP_IF_NONE_MATCH=lost["ETag"])
    assert response.status_code == 200
    assert "Neu nach der Wiederherstellung" in response.content.decode()
