"""The private storage: the STORAGES["private"] alias, with files that no URL serves."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from smartregion.core.storage import PrivateStorage, get_private_storage

BASE = Path(__file__).resolve().parents[2]


def test_the_private_alias_is_a_storage_without_urls(settings):
    storage = storages["private"]

    assert isinstance(storage, PrivateStorage)
    assert get_private_storage() is storage
    assert Path(storage.path("x.png")) == Path(settings.PRIVATE_MEDIA_ROOT).resolve() / "x.png"
    name = storage.save("geheim.png", ContentFile(b"data"))
    with pytest.raises(ValueError, match="no URL"):
        storage.url(name)


def test_model_fields_use_the_private_alias():
    from blog.models import Post, PostImage
    from events.models import Event
    from members.models import Application, Organisation

    fields = [
        Post._meta.get_field("cover_original"),
        PostImage._meta.get_field("original"),
        Event._meta.get_field("image_original"),
        Application._meta.get_field("logo_original"),
        Organisation._meta.get_field("logo_original"),
    ]
    assert all(field.storage is storages["private"] for field in fields)
    assert all(field.deconstruct()[3]["storage"] is get_private_storage for field in fields)


def test_the_storage_follows_a_changed_private_media_root(settings, tmp_path):
    from blog.models import PostImage

    storage = PostImage._meta.get_field("original").storage  # held since the models loaded
    storage.path("x")  # the location is worked out (and cached) now

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "elsewhere"

    assert Path(storage.path("x")) == (tmp_path / "elsewhere" / "x").resolve()


def test_the_location_comes_from_the_environment_variable(tmp_path):
    code = (
        "import django; django.setup(); "
        "from django.core.files.storage import storages; print(storages['private'].location)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "smartregion.site.settings"}
    env["PRIVATE_MEDIA_ROOT"] = str(tmp_path / "privat")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE, env=env, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "privat")
