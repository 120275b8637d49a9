"""Valid images survive a submission that fails elsewhere: nobody has to pick them again."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from blog.models import Post
from smartregion.core.images import purge_stashed_images, stash_image
from tests.blog.helpers import form_data, verified, with_files

pytestmark = pytest.mark.django_db


def kept_token(html: str, name: str) -> str:
    match = re.search(rf'name="{name}_kept" value="([^"]+)"', html)
    assert match, f"no kept token for {name}"
    return match.group(1)


def test_images_are_kept_when_another_field_fails(
    client, fast_forms, django_capture_on_commit_callbacks
):
    response = client.post("/blog/einreichen/", with_files(form_data(title=""), gallery=2))
    html = response.content.decode()
    assert response.status_code == 200
    assert Post.objects.count() == 0
    assert "Ihr Bild ist übernommen" in html
    data = form_data(
        cover_kept=kept_token(html, "cover"),
        gallery_1_kept=kept_token(html, "gallery_1"),
        gallery_1_alt="Galeriebild Nummer 1",
        gallery_2_kept=kept_token(html, "gallery_2"),
        gallery_2_alt="Galeriebild Nummer 2",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/blog/einreichen/", data)  # no files at all this time
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.cover_original
    assert post.images.count() == 2


def test_a_forged_or_expired_token_does_not_count_as_an_image(client, fast_forms):
    token = stash_image(verified())
    response = client.post("/blog/einreichen/", form_data(cover_kept=token + "x"))
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    with time_machine.travel(timezone.now() + timedelta(hours=7)):
        response = client.post("/blog/einreichen/", form_data(cover_kept=token))
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert Post.objects.count() == 0


def test_a_new_upload_replaces_the_kept_image(client, fast_forms):
    token = stash_image(verified(color=(255, 0, 0)))
    data = with_files(form_data(cover_kept=token))
    client.post("/blog/einreichen/", data)
    post = Post.objects.get()
    from PIL import Image

    with post.cover_original.open("rb") as handle, Image.open(handle) as image:
        assert image.convert("RGB").getpixel((10, 10)) != (255, 0, 0)


def test_kept_images_are_purged_after_their_lifetime(settings):
    stash_image(verified())
    assert purge_stashed_images() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=7)):
        assert purge_stashed_images() == 1


def test_a_kept_image_is_not_asked_for_again(client, fast_forms):
    def cover_input(html: str) -> str:
        return re.search(r'<input[^>]*\bname="cover"[^>]*>', html).group(0)

    assert "required" in cover_input(client.get("/blog/einreichen/").content.decode())
    token = stash_image(verified())

    html = client.post("/blog/einreichen/", form_data(title="", cover_kept=token)).content.decode()

    assert "required" not in cover_input(html)
    assert kept_token(html, "cover") == token
    assert "Ihr Bild ist übernommen" in html


def test_an_image_above_25_megapixels_is_refused_beside_its_field_and_the_rest_kept(
    client, fast_forms
):
    from io import BytesIO

    from PIL import Image

    from tests.blog.helpers import field_errors, input_value, raw_upload

    huge = BytesIO()
    Image.new("1", (5001, 5000)).save(huge, "PNG")  # a few KB that claim 25.005 megapixels
    data = with_files(form_data(), gallery=0)
    data["gallery_1"] = raw_upload("riesig.png", huge.getvalue(), "image/png")
    data["gallery_1_alt"] = "Ein sehr großes Bild"

    html = client.post("/blog/einreichen/", data).content.decode()

    assert field_errors(html, "id_gallery_1") == (
        " Das Bild hat zu viele Pixel (höchstens 25 Megapixel). "
    )
    assert kept_token(html, "cover")  # the valid cover is kept for the next attempt
    assert input_value(html, "title") == data["title"]
    assert input_value(html, "gallery_1_alt") == "Ein sehr großes Bild"
    assert Post.objects.count() == 0
