"""Settings of the storages from the environment: the filesystem by default, S3 with the S3_*
variables (all or none), MEDIA_BASE_URL for MEDIA_URL and the CSP. Each imports the settings in a
fresh process with exactly that environment (as tests/site/test_settings.py does)."""

import ast
import subprocess
import sys

import pytest

from tests.site.test_settings import BASE, PRODUCTION, _clean_env, _manage_check, _settings_value

S3_ENV = {
    "S3_ENDPOINT_URL": "https://s3.example.net",
    "S3_ACCESS_KEY_ID": "portal",
    "S3_SECRET_ACCESS_KEY": "geheim",
    "S3_REGION": "eu-central",
    "S3_MEDIA_BUCKET": "smartregion-media",
    "S3_PRIVATE_BUCKET": "smartregion-private",
}


def _value(expr: str, **env):
    result = _settings_value(
        f"repr(({expr}))", **{**dict.fromkeys(S3_ENV, ""), "MEDIA_BASE_URL": "", **env}
    )
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip())


def test_without_s3_variables_files_stay_on_the_filesystem():
    storages, media_url = _value("s.STORAGES, s.MEDIA_URL")

    assert storages["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert storages["private"] == {"BACKEND": "smartregion.core.storage.PrivateStorage"}
    assert media_url == "/media/"


def test_s3_variables_make_both_storages_s3_with_their_buckets():
    storages, media_url, img_src = _value(
        "s.STORAGES, s.MEDIA_URL, list(map(str, s.SECURE_CSP['img-src']))", **S3_ENV
    )

    common = {
        "access_key": "portal",
        "secret_key": "geheim",
        "endpoint_url": "https://s3.example.net",
        "region_name": "eu-central",
    }
    assert storages["default"] == {
        "BACKEND": "smartregion.core.storage.PublicS3Storage",
        "OPTIONS": {**common, "bucket_name": "smartregion-media"},
    }
    assert storages["private"] == {
        "BACKEND": "smartregion.core.storage.PrivateS3Storage",
        "OPTIONS": {**common, "bucket_name": "smartregion-private"},
    }
    assert media_url == "/media/"  # nginx proxies /media/ to the bucket: same origin
    assert img_src == ["'self'", "data:"]


def test_the_storages_built_from_the_variables_have_the_options():
    code = (
        "import django; django.setup(); "
        "from django.core.files.storage import storages as st; "
        "d, p = st['default'], st['private']; "
        "print((type(d).__name__, d.bucket_name, d.file_overwrite, d.default_acl, d.endpoint_url, "
        "type(p).__name__, p.bucket_name, p.file_overwrite, p.default_acl, d.url('a b.png')))"
    )
    env = _clean_env(**S3_ENV, DJANGO_SETTINGS_MODULE="smartregion.site.settings")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE, env=env, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert ast.literal_eval(result.stdout.strip()) == (
        "PublicS3Storage",
        "smartregion-media",
        False,
        None,
        "https://s3.example.net",
        "PrivateS3Storage",
        "smartregion-private",
        False,
        None,
        "/media/a%20b.png",
    )


def test_aws_itself_needs_no_endpoint():
    storages = _value("s.STORAGES", **{**S3_ENV, "S3_ENDPOINT_URL": "", "S3_REGION": ""})

    assert storages["default"]["OPTIONS"]["endpoint_url"] is None
    assert storages["private"]["OPTIONS"]["region_name"] is None


@pytest.mark.parametrize(
    "missing", ["S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_MEDIA_BUCKET", "S3_PRIVATE_BUCKET"]
)
def test_a_partial_s3_configuration_refuses_to_start(missing):
    result = _settings_value("s.STORAGES", **{**S3_ENV, missing: ""})

    assert result.returncode != 0
    assert "ImproperlyConfigured: Object storage is configured only in part" in result.stderr
    assert f"set {missing} as well" in result.stderr


def test_an_endpoint_alone_is_refused_too_naming_all_that_is_missing():
    result = _settings_value("s.STORAGES", S3_ENDPOINT_URL="https://s3.example.net")

    assert result.returncode != 0
    assert (
        "set S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_MEDIA_BUCKET, S3_PRIVATE_BUCKET as well"
        in result.stderr
    )


def test_a_partial_s3_configuration_refuses_to_start_in_production_too():
    env = {**PRODUCTION, **S3_ENV, "S3_PRIVATE_BUCKET": ""}
    result = _manage_check(**env)
    assert result.returncode != 0
    assert "set S3_PRIVATE_BUCKET as well" in result.stderr

    complete = _manage_check(**PRODUCTION, **S3_ENV)
    assert complete.returncode == 0, complete.stderr


def test_media_base_url_becomes_media_url_and_its_origin_may_serve_images():
    media_url, img_src = _value(
        "s.MEDIA_URL, list(map(str, s.SECURE_CSP['img-src']))",
        MEDIA_BASE_URL="https://cdn.example.org/media",
    )

    assert media_url == "https://cdn.example.org/media/"
    assert img_src == ["'self'", "data:", "https://cdn.example.org"]


def test_a_media_base_url_path_changes_no_csp():
    media_url, img_src = _value(
        "s.MEDIA_URL, list(map(str, s.SECURE_CSP['img-src']))", MEDIA_BASE_URL="/dateien/"
    )

    assert media_url == "/dateien/"
    assert img_src == ["'self'", "data:"]


@pytest.mark.parametrize("value", ["cdn.example.org/media/", "//cdn.example.org/", "ftp://x/"])
def test_a_media_base_url_that_is_neither_path_nor_http_url_is_refused(value):
    result = _settings_value("s.MEDIA_URL", MEDIA_BASE_URL=value)

    assert result.returncode != 0
    assert "MEDIA_BASE_URL must be a path such as /media/ or an http(s) URL" in result.stderr
