"""The storages on S3 (moto's server over HTTP, tests/s3.py): the image pipeline, stashes,
URLs and privacy, exactly as on the filesystem."""

from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.utils import timezone
from PIL import Image

from smartregion.core.images import (
    STASH_PREFIX,
    delete_renditions,
    make_renditions,
    picture,
    purge_stashed_images,
    render_original,
    stash_image,
    store_original,
    store_renditions,
    unstash_image,
    verify_image,
)
from smartregion.core.storage import (
    PrivateS3Storage,
    PrivateStorage,
    PublicS3Storage,
    absolute_media_url,
    get_private_storage,
    private_storage,
)
from tests.factories import image_bytes

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def photo():
    return verify_image(image_bytes(width=1200, height=800, fmt="JPEG", color=(11, 95, 133)))


def public_grants(client, bucket: str, key: str) -> list[dict]:
    grants = client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    return [
        grant for grant in grants if grant["Grantee"].get("URI") in (ALL_USERS, AUTHENTICATED_USERS)
    ]


def test_the_s3_storages_have_the_buckets_and_options(s3_storages, s3_server):
    public, private = storages["default"], storages["private"]

    assert isinstance(public, PublicS3Storage) and isinstance(private, PrivateS3Storage)
    assert (public.bucket_name, private.bucket_name) == (s3_storages.media, s3_storages.private)
    for storage in (public, private):
        assert storage.endpoint_url == s3_server.endpoint_url
        assert storage.file_overwrite is False
        assert storage.default_acl is None
        assert storage.client_config.connect_timeout <= 5
        assert storage.client_config.s3 == {"addressing_style": "path"}


def test_model_fields_follow_the_storages_setting(settings, s3_storages):
    from blog.models import PostImage

    field = PostImage._meta.get_field("original")  # holds what it got when the models loaded
    assert field.storage is private_storage is get_private_storage()
    assert isinstance(field.storage, PrivateS3Storage)
    assert field.storage.bucket_name == s3_storages.private

    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "smartregion.core.storage.PrivateStorage"},
    }
    assert isinstance(field.storage, PrivateStorage)


def test_names_in_use_get_a_suffix_instead_of_being_overwritten(s3_storages):
    first = default_storage.save("blog/x/480.webp", ContentFile(b"eins"))
    second = default_storage.save("blog/x/480.webp", ContentFile(b"zwei"))

    assert first == "blog/x/480.webp" and second != first
    assert s3_storages.server.read(s3_storages.media, first) == b"eins"
    assert s3_storages.server.read(s3_storages.media, second) == b"zwei"


def test_public_urls_are_under_media_url_not_the_endpoint(settings, s3_storages):
    name = default_storage.save("blog/2025/fest äöü/480.webp", ContentFile(b"x"))

    assert default_storage.url(name) == "/media/blog/2025/fest%20%C3%A4%C3%B6%C3%BC/480.webp"
    settings.SITE_URL = "https://portal.example"
    assert absolute_media_url(name) == (
        "https://portal.example/media/blog/2025/fest%20%C3%A4%C3%B6%C3%BC/480.webp"
    )

    settings.MEDIA_URL = "https://cdn.example.org/media/"
    assert default_storage.url(name).startswith("https://cdn.example.org/media/blog/2025/")
    assert absolute_media_url(name) == default_storage.url(name)


def test_absolute_media_url_on_the_filesystem(settings):
    settings.SITE_URL = "https://portal.example"
    assert absolute_media_url("logos/a b.png") == "https://portal.example/media/logos/a%20b.png"


def test_private_files_have_no_url_and_no_public_grant(s3_storages):
    storage = storages["private"]
    name = storage.save("seals/abc/v1.png", ContentFile(b"geheim"))

    with pytest.raises(ValueError, match="no URL"):
        storage.url(name)
    client = s3_storages.client()
    assert public_grants(client, s3_storages.private, name) == []
    assert s3_storages.private_keys() == ["seals/abc/v1.png"]


def test_private_storage_writes_no_acl_even_when_an_option_asks_for_one(settings, s3_storages):
    options = settings.STORAGES["private"]["OPTIONS"]
    storage = PrivateS3Storage(**options, default_acl="public-read")
    name = storage.save("x.png", ContentFile(b"geheim"))

    assert public_grants(s3_storages.client(), s3_storages.private, name) == []


def test_the_media_bucket_is_public_read_by_policy_not_by_object_acl(s3_storages):
    name = default_storage.save("logos/a/160.png", ContentFile(b"x"))

    client = s3_storages.client()
    assert public_grants(client, s3_storages.media, name) == []
    assert '"Principal": "*"' in client.get_bucket_policy(Bucket=s3_storages.media)["Policy"]


def test_original_renditions_and_deletion_round_trip(s3_storages):
    from blog.models import PostImage

    field_file = PostImage().original
    store_original(field_file, photo())
    replaced = field_file.name
    store_original(field_file, photo())

    assert s3_storages.private_keys() == [field_file.name]  # the first one was deleted
    assert replaced != field_file.name

    stored = render_original(field_file, prefix="blog/2025/fest", widths=(480, 960))

    assert s3_storages.media_keys() == sorted(entry["path"] for entry in stored)
    assert s3_storages.private_keys() == [field_file.name]  # originals never become public
    client = s3_storages.client()
    for entry in stored:
        data = s3_storages.server.read(s3_storages.media, entry["path"])
        with Image.open(BytesIO(data)) as image:
            assert image.width == entry["width"]
        head = client.head_object(Bucket=s3_storages.media, Key=entry["path"])
        assert head["ContentType"] == {"webp": "image/webp", "jpeg": "image/jpeg"}[entry["format"]]
    assert picture(stored)["src"] == "/media/blog/2025/fest/960.jpg"

    delete_renditions(stored)
    assert s3_storages.media_keys() == []


def test_renditions_stored_twice_keep_both(s3_storages):
    renditions = make_renditions(photo(), widths=(480,))
    first = store_renditions(renditions, prefix="events/a")
    second = store_renditions(renditions, prefix="events/a")

    assert {e["path"] for e in first}.isdisjoint(e["path"] for e in second)
    assert len(s3_storages.media_keys()) == 4


def test_stash_unstash_and_purge_on_s3(s3_storages):
    token = stash_image(photo())

    [key] = s3_storages.private_keys()
    assert key.startswith(STASH_PREFIX)
    assert unstash_image(token).image.size == (1200, 800)
    assert purge_stashed_images() == 0  # still young
    with time_machine.travel(timezone.now() + timedelta(hours=5)):
        assert purge_stashed_images() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=7)):
        assert purge_stashed_images() == 1
    assert s3_storages.private_keys() == []
    assert unstash_image(token) is None


def test_purge_without_any_stash_on_s3(s3_storages):
    assert purge_stashed_images() == 0


@pytest.mark.django_db
def test_videos_in_gebaerdensprache_go_to_the_media_bucket_with_their_content_types(s3_storages):
    """nginx proxies /media/ to the bucket and passes the object's Content-Type on: the video
    and its captions must carry video/* and text/vtt there."""
    from smartregion.core.models import SignLanguageVideo
    from tests.factories import VTT, mp4_bytes, webm_bytes

    client = s3_storages.client()
    for suffix, data, content_type in [
        ("mp4", mp4_bytes(), "video/mp4"),
        ("webm", webm_bytes(), "video/webm"),
    ]:
        video = SignLanguageVideo(title=suffix, description="Text.")
        video.video.save(f"video.{suffix}", ContentFile(data), save=False)
        video.captions.save("untertitel.vtt", ContentFile(VTT.encode()), save=False)
        video.save()
        for name, expected in [(video.video.name, content_type), (video.captions.name, "text/vtt")]:
            assert client.head_object(Bucket=s3_storages.media, Key=name)["ContentType"] == expected
        assert video.video.url == f"/media/{video.video.name}"
