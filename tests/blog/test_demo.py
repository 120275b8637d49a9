import io
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from blog.models import Post, PostImage
from smartregion.core.models import ModerationLog, Topic

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _files(root) -> set[Path]:
    return {path for path in Path(root).rglob("*") if path.is_file()}


def test_seed_demo_fills_the_blog_once(settings, client):
    output = _seed()
    assert "blog: " in output

    published = Post.objects.published()
    assert published.count() >= 20
    assert Topic.objects.filter(posts__in=published).distinct().count() >= 6
    assert len(set(published.values_list("municipality_id", flat=True))) >= 6
    for post in published.prefetch_related("images"):
        assert post.cover_alt
        assert {"webp", "jpeg"} <= {entry["format"] for entry in post.cover_renditions}
        assert all(default_storage.exists(entry["path"]) for entry in post.cover_renditions)
        assert post.images.count() <= 3
        for image in post.images.all():
            assert image.alt_text
            assert {"webp", "jpeg"} <= {entry["format"] for entry in image.renditions}

    # Some stories are told in sections, one of them in all five; the others in free text.
    sectioned = published.exclude(solution="")
    assert sectioned.count() >= 2 and published.filter(solution="").count() >= 15
    complete = (
        sectioned.exclude(situation="").exclude(outcome="").exclude(tips="").exclude(contact="")
    )
    assert complete.exists()
    page = client.get(complete.first().get_absolute_url()).content.decode()
    assert "Auf einen Blick" in page and "Tipps zum Nachmachen</h2>" in page

    # The moderation queue: confirmed posts wait for the Redaktion, one is unconfirmed.
    waiting = Post.objects.waiting()
    assert waiting.count() >= 2
    assert Post.objects.filter(status=Post.Status.SUBMITTED).count() >= 1
    assert all(post.published_at is None and post.cover_original for post in waiting)

    # More than one page of twelve.
    response = client.get(reverse("blog:list"), {"page": 2})
    assert response.status_code == 200
    assert published.last().title in response.content.decode()

    counts = (Post.objects.count(), PostImage.objects.count(), ModerationLog.objects.count())
    files = _files(settings.MEDIA_ROOT) | _files(settings.PRIVATE_MEDIA_ROOT)

    _seed()

    assert (
        Post.objects.count(),
        PostImage.objects.count(),
        ModerationLog.objects.count(),
    ) == counts
    assert _files(settings.MEDIA_ROOT) | _files(settings.PRIVATE_MEDIA_ROOT) == files
