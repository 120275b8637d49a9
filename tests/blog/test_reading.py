"""Reading the blog: list with filters and pagination, detail page, feeds, sitemap, home page."""

import json
import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Post
from smartregion.core.models import Municipality, Topic
from tests.dates import assert_machine_time
from tests.factories import PostFactory
from tests.sitemaps import whole_sitemap
from tests.staff import login_staff

pytestmark = pytest.mark.django_db


def topic(slug):
    return Topic.objects.get(slug=slug)


def place(slug):
    return Municipality.objects.get(slug=slug)


def card_titles(html: str) -> list[str]:
    return [
        unescape(title)
        for title in re.findall(r'<h3 class="card__title"><a href="[^"]+">([^<]+)</a></h3>', html)
    ]


def published_batch(count: int, **kwargs) -> list[Post]:
    now = timezone.now()
    return [PostFactory(published_at=now - timedelta(hours=n + 1), **kwargs) for n in range(count)]


# Only published posts are public ---------------------------------------------------------------


@pytest.mark.parametrize("status", ["submitted", "confirmed", "rejected", "withdrawn"])
def test_unpublished_post_is_nowhere_public(client, status):
    post = PostFactory(status=status, title="Geheimer Entwurf")
    visible = PostFactory(title="Sichtbarer Beitrag")
    assert client.get(f"/blog/{post.slug}/").status_code == 404
    assert client.get(f"/blog/{visible.slug}/").status_code == 200
    for url in ("/blog/", "/blog/feed/", "/blog/feed/atom/", "/sitemap.xml", "/"):
        content = (
            whole_sitemap(client) if url == "/sitemap.xml" else client.get(url).content.decode()
        )
        assert "Geheimer Entwurf" not in content and f"/blog/{post.slug}/" not in content, url
        assert f"/blog/{visible.slug}/" in content, url


def test_post_scheduled_for_later_is_not_public_yet(client):
    post = PostFactory(published_at=timezone.now() + timedelta(days=1))
    assert client.get(f"/blog/{post.slug}/").status_code == 404
    assert post.title not in client.get("/blog/").content.decode()


# Feeds, sitemap, home page ---------------------------------------------------------------------


def test_rss_feed_has_absolute_links(client, site_url):
    post = PostFactory(title="Feed & Co")
    response = client.get("/blog/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    xml = response.content.decode()
    assert f"<link>{site_url}/blog/</link>" in xml
    assert f"<link>{site_url}/blog/{post.slug}/</link>" in xml
    assert "<title>Feed &amp; Co</title>" in xml
    assert f"urn:uuid:{post.public_id}" in xml
    assert "<language>de</language>" in xml


def test_atom_feed_has_absolute_links(client, site_url):
    post = PostFactory()
    response = client.get("/blog/feed/atom/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    xml = response.content.decode()
    assert f'<link href="{site_url}/blog/{post.slug}/" rel="alternate"' in xml
    assert f"<id>urn:uuid:{post.public_id}</id>" in xml
    assert post.teaser in xml


def test_feeds_are_newest_first(client):
    old, new = published_batch(2)[::-1]
    xml = client.get("/blog/feed/").content.decode()
    assert xml.index(new.title) < xml.index(old.title)


def test_sitemap_lists_published_posts(client):
    post = PostFactory()
    xml = whole_sitemap(client)
    assert re.search(rf"<loc>https?://[^<]+/blog/{post.slug}/</loc>", xml)


def test_home_page_shows_the_latest_three_posts(client):
    newest_three = published_batch(4)[:3]
    oldest = Post.objects.order_by("published_at").first()
    PostFactory(status="confirmed", title="Noch nicht veröffentlicht")
    html = client.get("/").content.decode()
    assert card_titles(html) == [post.title for post in newest_three]
    assert oldest.title not in html
    assert "Noch nicht veröffentlicht" not in html


def test_list_links_the_feeds(client):
    html = client.get("/blog/").content.decode()
    assert (
        '<link rel="alternate" type="application/rss+xml"' in html and 'href="/blog/feed/"' in html
    )
    assert 'type="application/atom+xml"' in html and 'href="/blog/feed/atom/"' in html


# Filters and pagination ------------------------------------------------------------------------


@pytest.fixture
def filtered_posts():
    now = timezone.now()
    economy_gk = PostFactory(
        title="Wirtschaft in Gelsenkirchen",
        municipality=place("gelsenkirchen"),
        topics=[topic("smart-economy")],
        published_at=now - timedelta(hours=1),
    )
    economy_bot = PostFactory(
        title="Wirtschaft in Bottrop",
        municipality=place("bottrop"),
        topics=[topic("smart-economy"), topic("egovernment")],
        published_at=now - timedelta(hours=2),
    )
    school_gk = PostFactory(
        title="Schule in Gelsenkirchen",
        municipality=place("gelsenkirchen"),
        topics=[topic("bildung")],
        published_at=now - timedelta(hours=3),
    )
    return economy_gk, economy_bot, school_gk


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Wirtschaft in Gelsenkirchen", "Wirtschaft in Bottrop", "Schule in Gelsenkirchen"]),
        ("?thema=smart-economy", ["Wirtschaft in Gelsenkirchen", "Wirtschaft in Bottrop"]),
        ("?thema=egovernment", ["Wirtschaft in Bottrop"]),
        ("?ort=gelsenkirchen", ["Wirtschaft in Gelsenkirchen", "Schule in Gelsenkirchen"]),
        ("?thema=smart-economy&ort=gelsenkirchen", ["Wirtschaft in Gelsenkirchen"]),
        ("?thema=bildung&ort=bottrop", []),
    ],
)
def test_topic_and_place_filters_combine(client, filtered_posts, query, expected):
    response = client.get(f"/blog/{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert card_titles(html) == expected
    if not expected:
        assert "Keine Beiträge gefunden." in html


def active_filters(html: str) -> str:
    match = re.search(r'<ul class="active-filters"[^>]*>(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


def test_active_filters_are_shown_with_removal_links(client, filtered_posts):
    html = client.get("/blog/?thema=smart-economy&ort=gelsenkirchen&page=1").content.decode()
    block = active_filters(html)
    assert "Aktive Filter:" in block
    links = {
        unescape(re.sub(r"<[^>]+>", "", text)).split("×")[0].strip(): unescape(href)
        for href, text in re.findall(r'<a href="([^"]*)">(.*?)</a>', block, re.S)
    }
    # Removing one filter keeps the other (and starts again on page 1).
    assert links["Smart Economy"] == "?ort=gelsenkirchen"
    assert links["Gelsenkirchen"] == "?thema=smart-economy"
    assert links["Alle Filter entfernen"] == "/blog/"
    assert "Filter entfernen" in block  # for screen readers
    # The filter form shows the choice.
    assert '<option value="smart-economy" selected>' in html
    assert '<option value="gelsenkirchen" selected>' in html
    assert "<title>Blog „Ideenreich durch die Krise“ · Smart Economy · Gelsenkirchen" in html


def test_no_active_filters_without_filters(client, filtered_posts):
    assert active_filters(client.get("/blog/").content.decode()) == ""


@pytest.mark.parametrize(
    "query",
    [
        "?thema=gibt-es-nicht",
        "?ort=atlantis",
        "?thema=gibt-es-nicht&ort=atlantis",
        "?thema=&ort=",
        "?thema=%00&ort=%00",
        "?thema=smart-economy&thema=bildung",
    ],
)
def test_unknown_filter_slugs_are_ignored(client, filtered_posts, query):
    response = client.get(f"/blog/{query}")
    assert response.status_code == 200
    html = response.content.decode()
    if "bildung" not in query:
        assert len(card_titles(html)) == 3
        assert active_filters(html) == ""


def make_many(count):
    """``count`` published posts, newest first, titled "Beitrag 01" ... (newest = 01)."""
    now = timezone.now()
    return [
        PostFactory(title=f"Beitrag {n:02d}", published_at=now - timedelta(hours=n))
        for n in range(1, count + 1)
    ]


def test_twelve_per_page_with_numbered_pagination(client):
    make_many(25)
    first = client.get("/blog/").content.decode()
    assert card_titles(first) == [f"Beitrag {n:02d}" for n in range(1, 13)]
    assert "25 Beiträge" in first
    nav = re.search(r'<nav class="pagination"[^>]*>(.*?)</nav>', first, re.S).group(1)
    assert re.search(r'href="\?page=1" aria-current="page">.*?1</a>', nav, re.S)
    assert 'href="?page=2"' in nav and 'href="?page=3"' in nav
    assert 'rel="next"' in nav and 'rel="prev"' not in nav

    second = client.get("/blog/?page=2").content.decode()
    assert card_titles(second) == [f"Beitrag {n:02d}" for n in range(13, 25)]
    third = client.get("/blog/?page=3").content.decode()
    assert card_titles(third) == ["Beitrag 25"]
    assert 'rel="prev"' in third and 'rel="next"' not in third


def test_pagination_keeps_the_filters(client):
    for n in range(13):
        PostFactory(title=f"Bildung {n:02d}", topics=[topic("bildung")])
    PostFactory(title="Anderes Thema")
    html = client.get("/blog/?thema=bildung").content.decode()
    assert len(card_titles(html)) == 12
    assert 'href="?thema=bildung&amp;page=2"' in html
    assert len(card_titles(client.get("/blog/?thema=bildung&page=2").content.decode())) == 1


@pytest.mark.parametrize(
    ("page", "expected_first"),
    [
        ("999", "Beitrag 13"),
        ("abc", "Beitrag 01"),
        ("0", "Beitrag 13"),
        ("-1", "Beitrag 13"),
        ("", "Beitrag 01"),
    ],
)
def test_odd_page_numbers_do_not_fail(client, page, expected_first):
    make_many(13)
    response = client.get(f"/blog/?page={page}")
    assert response.status_code == 200
    assert card_titles(response.content.decode())[0] == expected_first


# Query counts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?thema=smart-economy",
        "?ort=gelsenkirchen",
        "?thema=smart-economy&ort=gelsenkirchen",
        "?page=2",
    ],
)
def test_list_needs_a_constant_number_of_queries(
    client, django_assert_num_queries, query, warm_taxonomy
):
    # the content versions, count, page of posts (with municipality and topic names)
    expected = 3

    def create(count):
        for _ in range(count):
            PostFactory(
                municipality=place("gelsenkirchen"),
                topics=[topic("smart-economy"), topic("bildung")],
            )

    create(3)
    with django_assert_num_queries(expected):
        assert client.get(f"/blog/{query}").status_code == 200
    create(12)
    with django_assert_num_queries(expected):
        response = client.get(f"/blog/{query}")
    assert response.status_code == 200
    assert len(card_titles(response.content.decode())) == (12 if query != "?page=2" else 3)


def test_detail_needs_a_constant_number_of_queries(client, django_assert_num_queries, make_post):
    # post (+ municipality), its topics, its gallery images, related posts, their topics
    expected = 5
    post = make_post("published", gallery=2)
    post.topics.set([topic("smart-economy"), topic("bildung")])
    for _ in range(3):
        PostFactory(topics=[topic("smart-economy"), topic("bildung")])
    with django_assert_num_queries(expected):
        response = client.get(f"/blog/{post.slug}/")
    assert len(re.findall(r'class="card post-card"', response.content.decode())) == 3
    for _ in range(12):
        PostFactory(topics=[topic("smart-economy"), topic("bildung")])
    caches["fragments"].clear()
    with django_assert_num_queries(expected):
        response = client.get(f"/blog/{post.slug}/")
    assert response.status_code == 200


def test_detail_serves_the_article_from_the_fragment_cache_until_the_post_changes(
    client, django_assert_num_queries
):
    post = PostFactory(body="Erste Fassung")
    PostFactory()  # a related post (same Themenfeld)
    client.get(f"/blog/{post.slug}/")
    # Kept whole: only the content versions are read.
    with django_assert_num_queries(1):
        response = client.get(f"/blog/{post.slug}/")
    assert "Erste Fassung" in response.content.decode()
    post.body = "Zweite Fassung"
    post.save()
    response = client.get(f"/blog/{post.slug}/")
    assert "Zweite Fassung" in response.content.decode()
    assert "Erste Fassung" not in response.content.decode()


def test_list_results_are_cached_but_never_stale(client, django_assert_num_queries):
    first = PostFactory(title="Der erste Beitrag")
    client.get("/blog/")
    with django_assert_num_queries(1):  # the blog's content version
        response = client.get("/blog/")
    assert "Der erste Beitrag" in response.content.decode()
    PostFactory(title="Ein neuer Beitrag")
    assert "Ein neuer Beitrag" in client.get("/blog/").content.decode()
    first.title = "Umbenannt"
    first.save()
    assert "Umbenannt" in client.get("/blog/").content.decode()
    first.status = "withdrawn"
    first.save()
    assert "Umbenannt" not in client.get("/blog/").content.decode()


def test_list_cache_follows_bulk_updates_deletes_and_taxonomy_changes(client):
    """Database triggers raise the version, so even writes that bypass save() show at once."""
    post = PostFactory(title="Vorher")
    client.get("/blog/")
    Post.objects.filter(pk=post.pk).update(title="Nachher")
    assert "Nachher" in client.get("/blog/").content.decode()
    Topic.objects.filter(slug="smart-economy").update(name="Smarte Wirtschaft")
    assert "Smarte Wirtschaft" in client.get("/blog/").content.decode()
    Post.objects.filter(pk=post.pk).delete()
    assert "Nachher" not in client.get("/blog/").content.decode()


def test_home_needs_a_constant_number_of_queries(client, django_assert_num_queries, warm_taxonomy):
    # Other apps add their own sections to the home page: only the blog's share is pinned.
    PostFactory.create_batch(3)
    with CaptureQueriesContext(connection) as first:
        client.get("/")
    blog_queries = [q for q in first.captured_queries if '"blog_post' in q["sql"]]
    assert len(blog_queries) == 1  # latest posts with municipality and topic names
    PostFactory.create_batch(12)
    with django_assert_num_queries(len(first.captured_queries)):
        html = client.get("/").content.decode()
    assert len(card_titles(html)) == 3


# Detail page -----------------------------------------------------------------------------------


def meta(html: str, prop: str) -> str | None:
    match = re.search(rf'<meta property="{re.escape(prop)}" content="([^"]*)">', html)
    return unescape(match.group(1)) if match else None


def json_ld(html: str) -> dict:
    scripts = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    return json.loads(scripts[0])


def test_detail_page_has_opengraph_and_canonical(client, make_post, site_url):
    post = make_post("published")
    html = client.get(f"/blog/{post.slug}/").content.decode()
    url = f"{site_url}/blog/{post.slug}/"
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title") == post.title
    assert meta(html, "og:description") == post.teaser
    assert meta(html, "og:url") == url
    assert meta(html, "og:locale") == "de_DE"
    assert_machine_time(meta(html, "article:published_time"), post.published_at)
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta name="description" content="{post.teaser}">' in html

    # og:image is an absolute URL of a public rendition (a JPEG: every platform shows it).
    image = meta(html, "og:image")
    jpegs = [r for r in post.cover_renditions if r["format"] == "jpeg"]
    largest = max(jpegs, key=lambda r: r["width"])
    assert image == site_url + default_storage.url(largest["path"])
    assert default_storage.exists(largest["path"])


def test_detail_page_has_json_ld_blog_posting(client, make_post, site_url):
    post = make_post("published")
    data = json_ld(client.get(f"/blog/{post.slug}/").content.decode())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == post.title
    assert data["description"] == post.teaser
    assert data["url"] == f"{site_url}/blog/{post.slug}/"
    assert_machine_time(data["datePublished"], post.published_at)
    assert_machine_time(data["dateModified"], post.updated_at)
    assert data["author"] == {"@type": "Organization", "name": post.organisation_name}
    assert data["publisher"]["name"] == "SMART REGION Emscher-Lippe"
    assert data["inLanguage"] == "de"
    assert data["image"].startswith(f"{site_url}/media/blog/")


def test_json_ld_cannot_break_out_of_its_script_element(client):
    title = "Krise </script><script>alert(1)</script> & <!-- überstanden"
    post = PostFactory(title=title, teaser="Ende </SCRIPT> hier")
    html = client.get(f"/blog/{post.slug}/").content.decode()
    assert "<script>alert(1)" not in html
    assert "</SCRIPT>" not in html and "<!--" not in html
    data = json_ld(html)
    assert data["headline"] == title
    assert data["description"] == "Ende </SCRIPT> hier"


def test_detail_page_shows_the_post(client, make_post):
    post = make_post("published", gallery=2, website="https://beispiel.example")
    html = client.get(f"/blog/{post.slug}/").content.decode()
    assert f"<h1>{post.title}</h1>" in html
    assert "<h2>Ausgangslage</h2>" in html  # Markdown rendered
    assert 'href="/blog/?ort=bottrop">Bottrop</a>' in html
    assert 'href="/blog/?thema=smart-economy">Smart Economy</a>' in html
    assert '<source type="image/webp"' in html
    assert html.count('alt="Galeriebild"') == 2
    assert f'alt="{post.cover_alt}"' in html
    assert 'href="https://beispiel.example" rel="nofollow ugc noopener"' in html
    assert post.author_email not in html  # never published
    assert "/blog/vorschau/" not in html


def test_share_links(client, site_url):
    post = PostFactory(title="Teilen & Weitersagen")
    html = client.get(f"/blog/{post.slug}/").content.decode()
    block = re.search(r'<ul class="share-links">(.*?)</ul>', html, re.S).group(1)
    links = {}
    for href in re.findall(r'href="([^"]+)"', block):
        parts = urlsplit(unescape(href))
        links[parts.netloc or parts.scheme] = parse_qs(parts.query)
    url = f"{site_url}/blog/{post.slug}/"
    assert links["mailto"] == {"subject": [post.title], "body": [url]}
    assert links["www.linkedin.com"] == {"url": [url]}
    assert links["www.facebook.com"] == {"u": [url]}
    assert links["bsky.app"] == {"text": [f"{post.title} {url}"]}
    assert f'href="/blog/{post.slug}/melden/"' in html


def csp(response) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (
            part.split() for part in response["Content-Security-Policy"].split(";") if part.strip()
        )
    }


YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
VIMEO = "https://vimeo.com/76979871"


@pytest.mark.parametrize(
    ("video_url", "embed", "watch", "frame_host"),
    [
        (
            YOUTUBE,
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com",
        ),
        (
            VIMEO,
            "https://player.vimeo.com/video/76979871?dnt=1",
            "https://vimeo.com/76979871",
            "https://player.vimeo.com",
        ),
    ],
)
def test_video_loads_nothing_before_the_click(client, video_url, embed, watch, frame_host):
    post = PostFactory(video_url=video_url)
    response = client.get(f"/blog/{post.slug}/")
    html = response.content.decode()
    assert "<iframe" not in html.lower()
    sources = re.findall(r'\b(?:src|srcset|poster|data)\s*=\s*"([^"]*)"', html, re.I)
    assert sources and not any(
        host in src for src in sources for host in ("youtube", "youtu.be", "vimeo")
    )
    box = re.search(r'<section class="video-consent"[^>]*>', html).group(0)
    assert unescape(re.search(r'data-embed-url="([^"]+)"', box).group(1)).startswith(embed)
    assert f'href="{watch}"' in unescape(html)
    assert "Video laden" in html
    assert '<script src="/static/js/video-consent.js" defer>' in html

    policy = csp(response)
    assert policy["frame-src"] == ["'self'", frame_host]
    assert policy["frame-ancestors"] == ["'none'"]
    # No nonce: the page is the same for every visitor (the JSON-LD data block needs none).
    assert policy["script-src"] == ["'self'"]


def test_post_without_video_keeps_frames_closed(client):
    PostFactory(video_url=YOUTUBE)  # another page's video changes nothing here
    post = PostFactory(video_url="")
    response = client.get(f"/blog/{post.slug}/")
    html = response.content.decode()
    assert csp(response)["frame-src"] == ["'self'"]
    assert "video-consent" not in html
    assert csp(client.get("/blog/"))["frame-src"] == ["'self'"]


def test_preview_of_a_video_post_allows_the_player_too(client, staff_editor):
    post = PostFactory(video_url=VIMEO, status="confirmed")
    login_staff(client, staff_editor)
    response = client.get(f"/blog/vorschau/{post.pk}/")
    assert csp(response)["frame-src"] == ["'self'", "https://player.vimeo.com"]


# Markdown --------------------------------------------------------------------------------------

EVIL_BODY = """\
Hallo <script>alert("skript")</script> Welt

<style>body { display: none }</style>

<iframe src="https://evil.example/frame"></iframe>

<img src="x" onerror="alert('bild')">

<p onclick="alert('klick')" onmouseover="alert('maus')">Absatz</p>

<a href="javascript:alert('link')">böser HTML-Link</a>

[böser Markdown-Link](javascript:alert('md'))

[getarnter Link](JaVaScRiPt:alert('gross'))

<a href="https://example.org/x" rel="follow" target="_blank">Roher Link</a>

[Guter Link](https://example.org/seite)
"""


def prose(html: str) -> str:
    return re.search(r'<div class="prose">(.*?)</div>', html, re.S).group(1)


def test_dangerous_markup_in_the_body_never_reaches_the_page(client):
    post = PostFactory(body=EVIL_BODY)
    html = client.get(f"/blog/{post.slug}/").content.decode()
    body = prose(html)
    assert "Hallo" in body and "Welt" in body and "Absatz" in body
    lowered = html.lower()
    for needle in (
        "<style",
        "<iframe",
        "evil.example",
        "onerror",
        "onclick",
        "onmouseover",
        "javascript:",
    ):
        assert needle not in lowered, needle
    # The only scripts are the site's own and the JSON-LD.
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'src="/static/' in tag or 'type="application/ld+json"' in tag, tag
    assert "alert(" not in html  # neither as code nor as leftover text of a removed script
    assert "<img" not in body  # no images in user Markdown


def test_links_in_the_body_get_rel_nofollow_ugc_noopener(client):
    post = PostFactory(body=EVIL_BODY)
    body = prose(client.get(f"/blog/{post.slug}/").content.decode())
    links = re.findall(r"<a [^>]*>", body)
    assert links
    for link in links:
        assert 'rel="nofollow ugc noopener"' in link, link
        assert "target=" not in link
    assert '<a href="https://example.org/seite" rel="nofollow ugc noopener">Guter Link</a>' in body
    assert '<a href="https://example.org/x" rel="nofollow ugc noopener">Roher Link</a>' in body
