"""/healthz with the storages on S3 (tests/s3.py): 200 while the server answers, 503 naming
both storages as soon as its port is closed."""

import time

import pytest

from smartregion.site.settings import s3_storages as storages_from_env
from tests.s3 import S3Server

pytestmark = pytest.mark.django_db


def test_healthz_probes_both_buckets_and_leaves_nothing_behind(client, s3_storages):
    response = client.get("/healthz")

    assert response.status_code == 200, response.json()
    storage = response.json()["checks"]["storage"]
    assert storage["default"] == {"status": "ok"} and storage["private"] == {"status": "ok"}
    assert s3_storages.media_keys() == [] and s3_storages.private_keys() == []


def test_healthz_answers_503_when_s3_is_unreachable(client, settings):
    server = S3Server()
    server.start()
    try:
        server.create_buckets("media-down", "private-down")
        settings.STORAGES = {
            **settings.STORAGES,
            **storages_from_env(server.env("media-down", "private-down")),
        }
        assert client.get("/healthz").status_code == 200
    finally:
        server.stop()

    started = time.monotonic()
    response = client.get("/healthz")

    assert time.monotonic() - started < 10  # short timeouts, few retries: no hung worker
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["storage"]
    storage = body["checks"]["storage"]
    assert storage["default"]["status"] == "fail" and storage["private"]["status"] == "fail"
    assert storage["default"]["error"] == "EndpointConnectionError"


def test_development_media_view_serves_from_the_media_bucket(rf, s3_storages):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.http import Http404

    from smartregion.site.views import media_file

    name = default_storage.save("blog/a/480.webp", ContentFile(b"RIFF-webp"))

    response = media_file(rf.get(f"/media/{name}"), name)
    assert b"".join(response.streaming_content) == b"RIFF-webp"
    assert response["Content-Type"] == "image/webp"
    with pytest.raises(Http404):
        media_file(rf.get("/media/blog/a/fehlt.webp"), "blog/a/fehlt.webp")


def test_development_media_view_serves_from_media_root(rf, settings, tmp_path):
    from smartregion.site.views import media_file

    (tmp_path / "media" / "logos").mkdir(parents=True)
    (tmp_path / "media" / "logos" / "160.png").write_bytes(b"png")

    response = media_file(rf.get("/media/logos/160.png"), "logos/160.png")
    assert b"".join(response.streaming_content) == b"png"
