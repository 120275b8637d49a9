"""Writes for the videos in Gebärdensprache: the files of a video row and their clean-up.

The video and its captions are stored in the public storage by their ``FileField``s (names from
``smartregion.core.videos.video_name()``); the poster is an image that went through
``smartregion.core.images`` and is kept only as public renditions. Old files go when the
transaction commits (``smartregion.core.files``); the orphan sweep looks after the folder.
"""

import uuid

from django.core.files.storage import default_storage

from smartregion.core import files, images
from smartregion.core.models import SIGN_LANGUAGE_FOLDER, SignLanguageVideo

POSTER_WIDTHS = (960, 1600)


def video_files_replaced(*, video: SignLanguageVideo, before: dict | None) -> None:
    """After ``video`` was saved: its new files are taken back by a rollback of the enclosing
    ``files.atomic()``, the files it no longer names go on commit. ``before`` holds the names
    of ``video`` and ``captions`` as they were (None for a new row)."""
    for field in ("video", "captions"):
        name = getattr(video, field).name or ""
        old = (before or {}).get(field) or ""
        if name and name != old:
            files.remember(default_storage, name)
        if old and old != name:
            files.delete_on_commit(default_storage, old)


def video_set_poster(*, video: SignLanguageVideo, verified: images.VerifiedImage | None) -> None:
    """Replace the poster of ``video`` by the renditions of ``verified`` (None: no poster)."""
    images.delete_renditions(video.poster_renditions)
    video.poster_renditions = []
    if verified is not None:
        video.poster_renditions = images.store_renditions(
            images.make_renditions(verified, widths=POSTER_WIDTHS, keep_alpha=False),
            prefix=f"{SIGN_LANGUAGE_FOLDER}/poster-{uuid.uuid4().hex[:12]}",
        )
    video.save(update_fields=["poster_renditions", "updated_at"])


def video_delete_files(*, video: SignLanguageVideo) -> None:
    """The files of a deleted row go when the transaction commits."""
    for field in ("video", "captions"):
        files.delete_on_commit(default_storage, getattr(video, field).name)
    images.delete_renditions(video.poster_renditions)


def stored_files():
    """The public files the rows name (for ``files.sweep_orphans()``)."""
    for name, captions, renditions in SignLanguageVideo.objects.values_list(
        "video", "captions", "poster_renditions"
    ):
        yield name
        if captions:
            yield captions
        for entry in renditions:
            yield entry["path"]
