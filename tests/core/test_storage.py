"""The private storage: the STORAGES["private"] alias, with files that no URL serves."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from smartregion.core.storage import PrivateStorage, get_private_storage, private_storage

BASE = Path(__file__).resolve().parents[2]


def test_the_private_alias_is_a_storage_without_urls(settings):
    storage = storages["private"]

    assert isinstance(storage, PrivateStorage)
    # What model fields get: a stand-in that resolves to the alias on use.
    assert get_private_storage() is private_storage
    assert private_storage.path("x.png") == storage.path("x.png")
    assert private_storage._wrapped is storage
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
    assert all(field.storage is private_storage for field in fields)
    assert all(field.deconstruct()[3]["storage"] is get_private_storage for field in fields)
    # Whatever they do with their storage happens in storages["private"].
    name = fields[0].storage.save("probe.txt", ContentFile(b"x"))
    assert storages["private"].exists(name)


def test_model_fields_follow_a_changed_storages_setting(settings, tmp_path):
    from blog.models import PostImage

    field = PostImage._meta.get_field("original")  # held since the models loaded
    before = storages["private"]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "smartregion.core.storage.PrivateStorage",
            "OPTIONS": {"location": tmp_path / "anderswo"},
        },
    }

    name = field.storage.save("x.txt", ContentFile(b"x"))
    assert (tmp_path / "anderswo" / name).is_file()
    assert storages["private"] is not before
    assert field.storage._wrapped is storages["private"]


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
