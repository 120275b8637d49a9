"""An event's image and its transactions: replacing it keeps the old file until the commit, and
renditions of an image replaced while they were made are not kept. Real threads on separate
connections for the race."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from events import services, tasks
from events.models import Event
from smartregion.core import files
from smartregion.core.images import verify_image
from tests.concurrency import holding_lock, start_concurrently, wait_for_lock_waiters
from tests.factories import EventFactory, image_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("taxonomy")]


class Boom(Exception):
    pass


def files_under(root) -> list[Path]:
    root = Path(root)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def photo(color=(10, 90, 130)):
    return verify_image(image_bytes(width=1200, height=800, color=color))


@pytest.fixture
def event_with_image(settings):
    # The render task waits in the queue until a test runs it.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    event = EventFactory()
    services.event_set_image(event=event, verified=photo())
    event.refresh_from_db()
    services.event_render_image(event)
    event.refresh_from_db()
    assert event.image_renditions
    return event


def test_replacing_the_image_in_a_transaction_that_rolls_back_keeps_the_old_one(
    event_with_image,
):
    event = event_with_image
    before_private = files_under(settings.PRIVATE_MEDIA_ROOT)
    before_public = files_under(settings.MEDIA_ROOT)

    with pytest.raises(Boom), files.atomic():  # e.g. the admin form failing after the upload
        services.event_set_image(event=event, verified=photo((200, 10, 10)))
        raise Boom

    assert files_under(settings.PRIVATE_MEDIA_ROOT) == before_private
    assert files_under(settings.MEDIA_ROOT) == before_public
    event = Event.objects.get(pk=event.pk)
    assert event.image_original.storage.exists(event.image_original.name)


def test_replacing_the_image_deletes_the_old_files_on_commit(event_with_image):
    event = event_with_image
    old_original = Path(event.image_original.path)
    old_public = files_under(settings.MEDIA_ROOT)

    with transaction.atomic():
        services.event_set_image(event=event, verified=photo((200, 10, 10)))
        assert old_original.is_file()  # until the commit
        assert files_under(settings.MEDIA_ROOT) == old_public

    assert not old_original.is_file()
    assert files_under(settings.MEDIA_ROOT) == []
    assert len(files_under(settings.PRIVATE_MEDIA_ROOT)) == 1


def test_renditions_of_an_image_replaced_while_they_were_made_are_not_kept(event_with_image):
    """The render task for the old image writes its files, then finds another image on the
    event: it deletes them; the task for the new image makes the right ones."""
    event = event_with_image
    services.event_remove_public_image(event)
    stale = Event.objects.get(pk=event.pk)  # what the render task loaded

    with holding_lock(event):
        running = start_concurrently(services.event_render_image, [stale])
        wait_for_lock_waiters(1)  # rendered and written; waits for the row
        services.event_set_image(event=event, verified=photo((200, 10, 10)))
    running.join()

    event.refresh_from_db()
    assert event.image_renditions == []
    assert files_under(settings.MEDIA_ROOT) == []
    tasks.render_event_image.call(event.pk)
    event.refresh_from_db()
    assert sorted(Path(settings.MEDIA_ROOT) / e["path"] for e in event.image_renditions) == (
        files_under(settings.MEDIA_ROOT)
    )
