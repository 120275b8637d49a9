"""blog/video.py: which links count as YouTube or Vimeo videos, and how they are embedded."""

from urllib.parse import parse_qs, urlsplit

import pytest

from blog.forms import PostForm
from blog.models import Post
from blog.video import Video, parse_video_url

YOUTUBE_ID = "dQw4w9WgXcQ"
VIMEO_ID = "76979871"


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
        f"https://youtube.com/watch?v={YOUTUBE_ID}",
        f"https://m.youtube.com/watch?v={YOUTUBE_ID}",
        f"http://www.youtube.com/watch?v={YOUTUBE_ID}",
        f"https://www.youtube.com/watch?feature=share&v={YOUTUBE_ID}&t=42s",
        f"https://WWW.YouTube.com/watch?v={YOUTUBE_ID}",
        f"  https://www.youtube.com/watch?v={YOUTUBE_ID}  ",
        f"https://youtu.be/{YOUTUBE_ID}",
        f"https://youtu.be/{YOUTUBE_ID}?si=abcDEF123&t=10",
        f"https://www.youtube.com/shorts/{YOUTUBE_ID}",
        f"https://youtube.com/shorts/{YOUTUBE_ID}?feature=share",
        f"https://www.youtube.com/embed/{YOUTUBE_ID}",
        f"https://www.youtube.com/embed/{YOUTUBE_ID}?start=30",
        f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}",
        f"https://www.youtube.com/live/{YOUTUBE_ID}",
    ],
)
def test_youtube_links_parse(url):
    assert parse_video_url(url) == Video("youtube", YOUTUBE_ID)


@pytest.mark.parametrize(
    "url",
    [
        f"https://vimeo.com/{VIMEO_ID}",
        f"https://www.vimeo.com/{VIMEO_ID}",
        f"http://vimeo.com/{VIMEO_ID}",
        f"https://vimeo.com/{VIMEO_ID}?share=copy",
        f"https://vimeo.com/channels/staffpicks/{VIMEO_ID}",
        f"https://player.vimeo.com/video/{VIMEO_ID}",
        f"https://player.vimeo.com/video/{VIMEO_ID}?h=abc123",
    ],
)
def test_vimeo_links_parse(url):
    assert parse_video_url(url) == Video("vimeo", VIMEO_ID)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "javascript:alert(1)",
        f"javascript://www.youtube.com/watch?v={YOUTUBE_ID}",
        f"JaVaScRiPt:alert('{YOUTUBE_ID}')",
        f"data:text/html,<script>alert('{YOUTUBE_ID}')</script>",
        f"ftp://www.youtube.com/watch?v={YOUTUBE_ID}",
        f"//www.youtube.com/watch?v={YOUTUBE_ID}",
        f"www.youtube.com/watch?v={YOUTUBE_ID}",
        f"https://evil.example/watch?v={YOUTUBE_ID}",
        f"https://youtube.com.evil.example/watch?v={YOUTUBE_ID}",
        f"https://notyoutube.com/watch?v={YOUTUBE_ID}",
        f"https://www.youtube.com@evil.example/watch?v={YOUTUBE_ID}",
        f"https://evil.example/?next=https://youtu.be/{YOUTUBE_ID}",
        f"https://evil.example/{VIMEO_ID}",
        "https://www.youtube.com/watch",
        "https://www.youtube.com/watch?v=zukurz",
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}x",
        f'https://www.youtube.com/watch?v={YOUTUBE_ID[:-1]}"',
        f"https://www.youtube.com/watch?v={YOUTUBE_ID[:-1]}<",
        "https://www.youtube.com/",
        "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv",
        "https://youtu.be/",
        "https://vimeo.com/",
        "https://vimeo.com/about",
        f"https://player.vimeo.com/other/{VIMEO_ID}",
        f"https://vimeo.com.evil.example/{VIMEO_ID}",
        "https://www.dailymotion.com/video/x8abcd1",
        "https://[invalid",
    ],
)
def test_other_links_are_rejected(url):
    assert parse_video_url(url) is None


def test_youtube_embeds_privacy_enhanced():
    video = parse_video_url(f"https://youtu.be/{YOUTUBE_ID}")
    parts = urlsplit(video.embed_url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "www.youtube-nocookie.com",
        f"/embed/{YOUTUBE_ID}",
    )
    assert video.watch_url == f"https://www.youtube.com/watch?v={YOUTUBE_ID}"
    assert video.provider_name == "YouTube"


def test_vimeo_embeds_with_do_not_track():
    video = parse_video_url(f"https://vimeo.com/{VIMEO_ID}")
    parts = urlsplit(video.embed_url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "player.vimeo.com",
        f"/video/{VIMEO_ID}",
    )
    assert parse_qs(parts.query)["dnt"] == ["1"]
    assert video.watch_url == f"https://vimeo.com/{VIMEO_ID}"
    assert video.provider_name == "Vimeo"


def test_embed_urls_never_carry_user_input_beyond_the_id():
    video = parse_video_url(f"https://www.youtube.com/watch?v={YOUTUBE_ID}&autoplay=1&list=XYZ")
    assert "autoplay" not in video.embed_url and "list" not in video.embed_url


def test_post_video_property():
    assert Post(video_url="").video is None
    assert Post(video_url=f"https://vimeo.com/{VIMEO_ID}").video == Video("vimeo", VIMEO_ID)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "valid"),
    [
        (f"https://youtu.be/{YOUTUBE_ID}", True),
        (f"https://vimeo.com/{VIMEO_ID}", True),
        ("", True),
        ("https://www.dailymotion.com/video/x8abcd1", False),
        ("javascript:alert(1)", False),
        (f"https://evil.example/watch?v={YOUTUBE_ID}", False),
    ],
)
def test_form_accepts_only_youtube_and_vimeo(url, valid):
    form = PostForm({"video_url": url})
    form.is_valid()
    assert ("video_url" not in form.errors) is valid
    if not valid:
        assert all(
            message.startswith("Bitte") or "gültige" in message
            for message in form.errors["video_url"]
        )
