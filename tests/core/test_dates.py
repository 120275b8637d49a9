"""Machine-readable dates (smartregion.core.dates): to the second, in the site's zone with its
offset, wherever the portal writes one for software: <time datetime>, OpenGraph, JSON-LD, the
Atom feed, the sitemap index and the personal-data download."""

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

from blog.models import Post
from smartregion.core.dates import iso8601, whole_seconds
from tests.dates import MACHINE_TIME, assert_machine_time
from tests.factories import PostFactory, SubscriberFactory

# 07:53:43.669541 UTC on a winter day, 12:00:00.5 UTC on a summer day
WINTER = datetime(2026, 12, 3, 7, 53, 43, 669541, tzinfo=UTC)
SUMMER = datetime(2026, 7, 1, 12, 0, 0, 500000, tzinfo=UTC)


def test_a_time_is_written_to_the_second_in_the_sites_zone_with_its_offset():
    assert iso8601(WINTER) == "2026-12-03T08:53:43+01:00"
    assert iso8601(SUMMER) == "2026-07-01T14:00:00+02:00"
    assert iso8601(date(2026, 12, 3)) == "2026-12-03"
    assert iso8601(None) is None
    assert whole_seconds(WINTER) == datetime(2026, 12, 3, 7, 53, 43, tzinfo=UTC)
    assert whole_seconds(date(2026, 12, 3)) == date(2026, 12, 3)
    assert whole_seconds(None) is None


def test_the_template_filter_writes_the_same_and_nothing_for_no_value():
    template = Template('{% load dates %}<time datetime="{{ at|iso8601 }}">|{{ nothing|iso8601 }}|')
    html = template.render(Context({"at": WINTER, "nothing": None}))
    assert html == '<time datetime="2026-12-03T08:53:43+01:00">||'


def test_no_template_writes_a_machine_date_another_way():
    """Django's date:"c" keeps the microseconds; every template uses the filter instead."""
    root = Path(settings.BASE_DIR)
    templates = [
        path
        for path in root.rglob("*.html")
        if "templates" in path.parts and not {".venv", "var", "node_modules"} & set(path.parts)
    ]
    assert len(templates) > 50
    offenders = [
        str(path.relative_to(root))
        for path in templates
        if re.search(r"""\|\s*date\s*:\s*['"](c|Y-m-d\\TH:i:sO|U)['"]""", path.read_text())
    ]
    assert not offenders


@pytest.fixture
def published(db):
    """A post published and changed at times with a fraction of a second."""
    post = PostFactory()
    Post.objects.filter(pk=post.pk).update(
        published_at=WINTER - timedelta(days=2), updated_at=WINTER
    )
    return Post.objects.get(pk=post.pk)


def test_the_post_page_writes_its_times_to_the_second(client, published):
    html = client.get(published.get_absolute_url()).content.decode()
    times = re.findall(r'<time datetime="([^"]+)"', html)
    assert times == ["2026-12-01T08:53:43+01:00"]
    published_time = re.search(r'property="article:published_time" content="([^"]+)"', html)
    assert published_time.group(1) == "2026-12-01T08:53:43+01:00"
    script = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    data = json.loads(script.group(1))
    assert (data["datePublished"], data["dateModified"]) == (
        "2026-12-01T08:53:43+01:00",
        "2026-12-03T08:53:43+01:00",
    )


def test_the_list_writes_each_posts_time_to_the_second(client, published):
    html = client.get("/blog/").content.decode()
    assert re.findall(r'<time datetime="([^"]+)"', html) == ["2026-12-01T08:53:43+01:00"]


def test_the_atom_feed_writes_its_times_to_the_second(client, published):
    xml = client.get("/blog/feed/atom/").content.decode()
    stamps = re.findall(r"<(updated|published)>([^<]+)</", xml)
    assert {name for name, _ in stamps} == {"updated", "published"}
    for _, stamp in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", stamp), stamp


def test_the_sitemap_index_writes_each_sections_change_to_the_second(client, published):
    index = client.get("/sitemap.xml").content.decode()
    stamps = re.findall(r"<lastmod>([^<]+)</lastmod>", index)
    assert stamps
    for stamp in stamps:
        assert MACHINE_TIME.fullmatch(stamp), stamp
    blog = re.search(r"sitemap-blog.xml</loc>\s*<lastmod>([^<]+)<", index).group(1)
    assert_machine_time(blog, WINTER)


def test_the_personal_data_download_writes_its_times_to_the_second(client, db):
    from newsletter import links

    subscriber = SubscriberFactory(email="anna@example.org")
    subscriber.__class__.objects.filter(pk=subscriber.pk).update(confirmed_at=WINTER)
    token = links.manage_token(subscriber)
    data = json.loads(client.get(f"/newsletter/meine-daten/{token}/meine-daten.json").content)
    assert MACHINE_TIME.fullmatch(data["created_at"]), data["created_at"]
    [subscription] = data["newsletter"]["subscriptions"]
    assert subscription["consent"]["confirmed_at"] == "2026-12-03T08:53:43+01:00"
