"""The orphan sweep: files in the apps' folders that no row names are deleted a day after they
were written; files in use, young files and other folders are left alone. On the filesystem
and on S3 (only the storage API, no local paths)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.utils import timezone

from events import services
from smartregion.core import files
from smartregion.core.images import verify_image
from tests.factories import EventFactory, image_bytes

pytestmark = pytest.mark.django_db


def _event_with_image():
    event = EventFactory()
    services.event_set_image(
        event=event, verified=verify_image(image_bytes(width=1200, height=800))
    )
    event.refresh_from_db()
    services.event_render_image(event)
    event.refresh_from_db()
    return event


def _in_use(event) -> set[str]:
    return {event.image_original.name, *(e["path"] for e in event.image_renditions)}


def _all_names() -> set[str]:
    private, public = storages["private"], default_storage
    return {
        *files.walk(private, "events"),
        *files.walk(private, "pending-uploads"),
        *files.walk(public, "events"),
        *files.walk(public, "static-like"),
    }


@pytest.mark.parametrize("backend", ["filesystem", "s3"])
def test_the_sweep_deletes_day_old_files_no_row_names(backend, request):
    if backend == "s3":
        request.getfixturevalue("s3_storages")
    event = _event_with_image()
    private, public = storages["private"], default_storage
    orphans = {
        private.save("events/left-by-a-rollback.webp", ContentFile(b"x")),
        public.save("events/gone-event/480.webp", ContentFile(b"x")),
    }
    others = {
        private.save("pending-uploads/kept-form-image", ContentFile(b"x")),  # not registered
        public.save("static-like/file.txt", ContentFile(b"x")),
    }
    assert _all_names() == _in_use(event) | orphans | others

    assert files.sweep_orphans() == 0  # young: perhaps an upload whose transaction still runs
    with time_machine.travel(timezone.now() + timedelta(hours=23)):
        assert files.sweep_orphans() == 0
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert files.sweep_orphans() == 2

    assert _all_names() == _in_use(event) | others


def test_the_sweep_is_a_daily_housekeeping_job(settings):
    assert settings.PERIODIC_TASKS["smartregion.core.tasks.sweep_orphan_files"] == timedelta(days=1)
