"""bench/pages.py: the data it fills and the ETags it sends for the 304 part."""

import re

import pytest

from bench import pages as bench_pages
from bench.support import portal

pytestmark = pytest.mark.django_db


def test_the_filler_adds_members_events_issues_and_videos_that_pages_show_once(client):
    assert portal.fill_organisations(20) == 20
    assert portal.fill_events(9) == 9
    assert portal.fill_campaigns(3) == 3
    assert portal.fill_videos(2) == 2
    # A second run finds everything in place.
    assert (portal.fill_organisations(20), portal.fill_events(9)) == (0, 0)
    assert (portal.fill_campaigns(3), portal.fill_videos(2)) == (0, 0)

    from events.models import Event, Registration
    from members.models import Organisation

    members = Organisation.objects.active_members().filter(slug__startswith=portal.SLUG_PREFIX)
    assert members.count() == 20
    assert members.filter(is_ambassador=True).count() == 2
    directory = client.get("/mitglieder/").content.decode()
    assert all(member.get_absolute_url() in directory for member in members)
    ambassadors = client.get("/mitglieder/botschafter/").content.decode()
    assert all(m.get_absolute_url() in ambassadors for m in members.filter(is_ambassador=True))

    upcoming = Event.objects.upcoming().filter(slug__startswith=portal.SLUG_PREFIX)
    assert upcoming.count() == 3
    assert Event.objects.past().filter(slug__startswith=portal.SLUG_PREFIX).count() == 6
    event = upcoming.filter(capacity__isnull=False).first()
    confirmed = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
    assert 0 < confirmed.count() <= event.capacity
    assert client.get(event.get_absolute_url()).status_code == 200
    listing = client.get("/veranstaltungen/").content.decode()
    assert all(e.get_absolute_url() in listing for e in upcoming)

    archive = client.get("/newsletter/archiv/").content.decode()
    assert archive.count(portal.CAMPAIGN_PREFIX) == 3
    videos = client.get("/gebaerdensprache/").content.decode()
    assert videos.count("<video controls") == 2


def test_the_filler_gives_generated_posts_a_cover(client):
    assert portal.fill_posts(12, progress=lambda message: None) == 12
    assert portal.fill_posts(12, progress=lambda message: None) == 0
    from blog.models import Post

    posts = Post.objects.published().filter(slug__startswith="generiert-")
    assert posts.count() == 12
    assert all(len(post.cover_renditions) == 6 for post in posts)
    html = client.get(posts.first().get_absolute_url()).content.decode()
    assert "<picture" in html


def client_fetch(client):
    def fetch(path, headers):
        response = client.get(path, headers=headers)
        return response.status_code, response.get("ETag", "")

    return fetch


def test_the_304_header_is_answered_like_the_pages_own_etag_and_only_for_anonymous_visitors(
    client,
):
    pages = [{"path": path} for path in ("/", "/en/blog/", "/impressum/", "/veranstaltungen/")]
    assert bench_pages.verify_not_modified(client_fetch(client), pages) == []
    assert all(page["not_modified"] for page in pages)
    # A page that is not the same for everyone has no ETag: "*" does not make it a 304.
    client.cookies["sessionid"] = "someone"
    response = client.get("/", headers={"If-None-Match": bench_pages.IF_NONE_MATCH})
    assert response.status_code == 200
    problems = bench_pages.verify_not_modified(client_fetch(client), [{"path": "/blog/"}])
    assert problems == ["/blog/: 200, ETag none"]


def test_every_reading_page_is_chosen_with_a_real_slug(client, settings):
    portal.fill_posts(150, progress=lambda message: None)
    portal.fill_organisations(6)
    portal.fill_events(6)
    portal.fill_campaigns(2)
    chosen = bench_pages.choose_pages()
    paths = [page["path"] for page in chosen]
    assert len(paths) == len(set(paths))
    for required in ("/", "/blog/", "/veranstaltungen/", "/veranstaltungen/kalender.ics",
                     "/mitglieder/", "/mitglieder/botschafter/", "/blog/feed/", "/blog/feed/atom/",
                     "/sitemap.xml", "/sitemap-blog.xml", "/newsletter/archiv/", "/impressum/", "/datenschutz/",
                     "/barrierefreiheit/", "/leichte-sprache/", "/gebaerdensprache/", "/zahlen/",
                     "/zahlen/zahlen.json", "/en/",
                     "/en/blog/", "/suche/?q=Digitalisierung"):  # fmt: skip
        assert required in paths
    # Each answers 200 with an ETag, and 304 to it and to the header of the 304 part.
    assert bench_pages.verify_not_modified(client_fetch(client), chosen) == []
    assert any(re.fullmatch(r"/veranstaltungen/bench-[^/]+/kalender\.ics", p) for p in paths)


def test_the_queries_of_a_first_rendering_are_those_of_the_page_itself(client):
    portal.fill_events(4)
    pages = [
        {"label": "events", "path": "/veranstaltungen/", "list": True},
        {"label": "events, English", "path": "/en/veranstaltungen/", "list": True},
    ]
    bench_pages.inspect_pages(pages)
    for page in pages:
        assert page["status"] == 200 and page["writes"] == 0
        assert page["warm_queries"] == 1  # the content versions
        # The versions, the count and the events with their topics: not the Themenfelder and
        # Kommunen, which a worker holds until they change.
        assert page["cold_queries"] == 4, page
