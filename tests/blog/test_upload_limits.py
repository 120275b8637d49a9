"""A rate-limited submission decodes no image, and the stash of kept images is bounded."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from PIL import ImageFile

from blog import services, views
from blog.models import Post
from smartregion.core import images
from smartregion.core.images import stash_image
from smartregion.core.ratelimit import hit
from tests.blog.helpers import field_errors, form_data, input_value, verified, with_files
from tests.blog.test_kept_images import kept_token

pytestmark = pytest.mark.django_db

SUBMIT = "/blog/einreichen/"
RATE_LIMITED = "Sie haben in kurzer Zeit sehr viele Beiträge eingereicht."
NOT_KEPT = "Wir können gerade keine weiteren Bilder für Sie aufbewahren."


@pytest.fixture
def decodes(monkeypatch) -> list:
    """A spy: every decoding of an image file (``ImageFile.load``) is recorded, then done."""
    calls = []
    load = ImageFile.ImageFile.load

    def spy(self):
        calls.append(self.size)
        return load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    return calls


def stashed_files() -> list[Path]:
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "pending-uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


def exhaust(scope: str, key: str, limit) -> None:
    for _ in range(limit.attempts):
        hit(scope, key, limit=limit.attempts, period_seconds=limit.seconds)


@pytest.mark.usefixtures("fast_forms")
def test_a_rate_limited_submission_decodes_no_image(client, decodes):
    kept = stash_image(verified())
    exhaust("blog-submit-ip", "203.0.113.9", views.SUBMIT_LIMIT_PER_IP)
    before = stashed_files()
    data = with_files(form_data(cover_kept=kept), gallery=6)
    decodes.clear()  # verifying and keeping the earlier image above decoded it

    response = client.post(SUBMIT, data, REMOTE_ADDR="203.0.113.9")

    html = response.content.decode()
    assert response.status_code == 200
    assert RATE_LIMITED in html
    assert decodes == []  # neither the seven uploads nor the kept image
    assert stashed_files() == before  # and nothing new is kept
    assert kept_token(html, "cover") == kept  # the image kept earlier stays kept
    assert input_value(html, "title") == data["title"]
    assert Post.objects.count() == 0


@pytest.mark.usefixtures("fast_forms")
def test_the_e_mail_address_as_typed_counts_before_decoding(client, decodes):
    exhaust("blog-submit-email", "viel@example.org", views.SUBMIT_LIMIT_PER_EMAIL)
    data = with_files(form_data(author_email=" VIEL@example.org "), gallery=2)

    response = client.post(SUBMIT, data, REMOTE_ADDR="198.51.100.20")

    assert RATE_LIMITED in response.content.decode()
    assert decodes == []


@pytest.mark.usefixtures("fast_forms")
def test_every_sending_counts_not_only_valid_ones(client):
    for n in range(views.SUBMIT_LIMIT_PER_IP.attempts):
        data = form_data(title="", author_email=f"person{n}@example.org")
        response = client.post(SUBMIT, data, REMOTE_ADDR="203.0.113.10")
        assert RATE_LIMITED not in response.content.decode()

    data = with_files(form_data(author_email="neu@example.org"))
    response = client.post(SUBMIT, data, REMOTE_ADDR="203.0.113.10")

    assert RATE_LIMITED in response.content.decode()
    assert Post.objects.count() == 0


@pytest.mark.usefixtures("fast_forms")
def test_a_rate_limited_revision_decodes_no_image(client, make_post, decodes):
    post = make_post("rejected")
    exhaust("blog-submit-ip", "203.0.113.11", views.SUBMIT_LIMIT_PER_IP)
    decodes.clear()

    response = client.post(
        services.revise_path(post), with_files(form_data(), gallery=3), REMOTE_ADDR="203.0.113.11"
    )

    assert RATE_LIMITED in response.content.decode()
    assert decodes == []
    post.refresh_from_db()
    assert post.status == Post.Status.REJECTED


# The stash's bounds ------------------------------------------------------------------------------


@pytest.mark.usefixtures("fast_forms")
def test_a_visitor_gets_only_so_many_images_kept(client, monkeypatch):
    monkeypatch.setattr(images, "STASH_MAX_PER_VISITOR", 2)
    data = with_files(form_data(title=""), gallery=2)  # cover and two gallery images

    html = client.post(SUBMIT, data, REMOTE_ADDR="203.0.113.12").content.decode()

    assert kept_token(html, "cover") and kept_token(html, "gallery_1")
    assert not re.search(r'name="gallery_2_kept" value="[^"]+"', html)
    assert NOT_KEPT in field_errors(html, "id_gallery_2")
    assert len(stashed_files()) == 2
    # Another visitor is not affected.
    data = with_files(form_data(title=""), gallery=0)
    html = client.post(SUBMIT, data, REMOTE_ADDR="198.51.100.3").content.decode()
    assert kept_token(html, "cover")


@pytest.mark.usefixtures("fast_forms")
def test_the_stash_as_a_whole_is_bounded_in_bytes(client, monkeypatch):
    monkeypatch.setattr(images, "STASH_MAX_TOTAL_BYTES", 1)
    data = with_files(form_data(title=""), gallery=1)

    html = client.post(SUBMIT, data, REMOTE_ADDR="203.0.113.13").content.decode()

    assert NOT_KEPT in field_errors(html, "id_cover")
    assert NOT_KEPT in field_errors(html, "id_gallery_1")
    assert stashed_files() == []  # the form shows its errors as ever
    assert "Dieses Feld ist zwingend erforderlich." in field_errors(html, "id_title")


def test_the_stash_keeps_at_most_the_originals_size_and_checks_the_uploaded_width():
    from smartregion.core.images import unstash_image
    from tests.factories import image_bytes

    token = stash_image(images.verify_image(image_bytes(width=1000, height=4000)))

    (path,) = stashed_files()
    from PIL import Image

    with Image.open(path) as kept:
        assert kept.size == (600, 2400)
    assert unstash_image(token, min_width=1000).full_width == 1000
    assert unstash_image(token, min_width=1001) is None


@pytest.mark.usefixtures("fast_forms")
def test_a_kept_image_that_cannot_be_read_any_more_asks_for_the_file_again(client):
    token = stash_image(verified())
    (path,) = stashed_files()
    path.write_bytes(b"nicht mehr lesbar")

    html = client.post(SUBMIT, form_data(cover_kept=token)).content.decode()

    assert "Das übernommene Bild ist nicht mehr da." in field_errors(html, "id_cover")
    assert Post.objects.count() == 0
