"""A blog submission on S3 (tests/s3.py): through the real form, the confirmation and the
admin's publish action; originals only in the private bucket, renditions in the media bucket,
links under MEDIA_URL, nothing on the filesystem (the s3_storages fixture checks that)."""

import json
import re
from html import unescape

import pytest

from blog import services
from blog.models import Post
from tests.blog.helpers import form_data, publish_in_admin, with_files
from tests.staff import login_staff

pytestmark = pytest.mark.django_db


def test_submission_moderation_and_publication_on_s3(
    client, staff_editor, site_url, fast_forms, s3_storages, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/blog/einreichen/", with_files(form_data(), gallery=2))
    assert response.status_code == 302
    post = Post.objects.get()
    originals = sorted([post.cover_original.name, *(i.original.name for i in post.images.all())])
    assert s3_storages.private_keys() == originals
    assert s3_storages.media_keys() == []

    # The Redaktion's preview streams the private originals from the bucket.
    with django_capture_on_commit_callbacks(execute=True):
        services.post_confirm(post=post)
    login_staff(client, staff_editor)
    cover = client.get(f"/blog/vorschau/{post.pk}/titelbild/")
    assert cover.status_code == 200 and cover["Cache-Control"] == "private, no-store"
    assert cover["Content-Type"] == "image/webp"
    assert b"".join(cover.streaming_content) == s3_storages.server.read(
        s3_storages.private, post.cover_original.name
    )
    image = post.images.first()
    gallery = client.get(f"/blog/vorschau/{post.pk}/bild/{image.pk}/")
    assert b"".join(gallery.streaming_content) == s3_storages.server.read(
        s3_storages.private, image.original.name
    )

    response = publish_in_admin(client, post, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    renditions = [*post.cover_renditions, *(r for i in post.images.all() for r in i.renditions)]
    assert {r["format"] for r in renditions} == {"webp", "jpeg"}
    assert s3_storages.media_keys() == sorted(r["path"] for r in renditions)
    assert s3_storages.private_keys() == originals  # the originals stay private

    client.logout()
    html = client.get(f"/blog/{post.slug}/").content.decode()
    largest = max(
        (r for r in post.cover_renditions if r["format"] == "jpeg"), key=lambda r: r["width"]
    )
    assert f'<meta property="og:image" content="{site_url}/media/{largest["path"]}">' in html
    ld = json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S).group(1)
    )
    assert ld["image"].startswith(f"{site_url}/media/blog/")
    srcs = re.findall(r'(?:src|srcset)="([^"]+)"', unescape(html))
    media = [src for src in srcs if "/media/" in src]
    assert media and all(src.startswith("/media/") for src in media)
    assert s3_storages.server.endpoint_url not in html


def test_og_image_and_json_ld_use_an_absolute_media_base_url(
    client, settings, make_post, s3_storages
):
    settings.MEDIA_URL = "https://cdn.example.org/media/"
    post = make_post("published", gallery=0)

    html = client.get(f"/blog/{post.slug}/").content.decode()

    assert '<meta property="og:image" content="https://cdn.example.org/media/blog/' in html
    assert '"image": "https://cdn.example.org/media/blog/' in html
