"""The Redaktion uploads videos in Gebärdensprache in the admin: verified, stored, cleaned up."""

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from smartregion.core import files
from smartregion.core.models import SignLanguageVideo
from tests.factories import (
    mp4_bytes,
    uploaded_captions,
    uploaded_image,
    uploaded_video,
    webm_bytes,
)
from tests.staff import login_staff

pytestmark = pytest.mark.django_db


def form(**values) -> dict:
    data = {
        "title": "Willkommen",
        "description": "Das Video erklärt, was SMART REGION Emscher-Lippe ist.",
        "position": "1",
        "is_published": "on",
    }
    data.update(values)
    return data


def stored(name: str) -> bool:
    return default_storage.exists(name)


def test_a_text_file_named_mp4_is_refused_beside_the_field_and_the_input_kept(client, staff_editor):
    login_staff(client, staff_editor)
    fake = uploaded_video("gebaerden.mp4", data=b"Das ist nur Text.\n" * 50)
    response = client.post(reverse("admin:smartregion_signlanguagevideo_add"), form(video=fake))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bitte laden Sie ein Video im Format MP4 oder WebM hoch." in html
    assert 'value="Willkommen"' in html  # the title stays
    assert not SignLanguageVideo.objects.exists()
    assert not Path(default_storage.path("")).joinpath("gebaerdensprache").exists()


def test_bad_captions_are_refused_with_a_german_message(client, staff_editor):
    login_staff(client, staff_editor)
    srt = uploaded_captions("untertitel.vtt", text="1\n00:00:00,000 --> 00:00:01,000\nHallo\n")
    response = client.post(
        reverse("admin:smartregion_signlanguagevideo_add"),
        form(video=uploaded_video(), captions=srt),
    )
    assert "Untertitel im Format WebVTT" in response.content.decode()
    assert not SignLanguageVideo.objects.exists()


def test_a_video_with_captions_and_poster_is_stored_under_its_own_names(client, staff_editor):
    login_staff(client, staff_editor)
    response = client.post(
        reverse("admin:smartregion_signlanguagevideo_add"),
        form(
            video=uploaded_video("Mein Film.MOV", data=webm_bytes()),
            captions=uploaded_captions(),
            poster=uploaded_image("poster.png", fmt="PNG", width=1280, height=720),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    video = SignLanguageVideo.objects.get()
    assert video.video.name.startswith("gebaerdensprache/") and video.video.name.endswith(".webm")
    assert video.captions.name.endswith(".vtt")
    assert stored(video.video.name) and stored(video.captions.name)
    assert video.poster_renditions and all(stored(r["path"]) for r in video.poster_renditions)
    assert video.poster_url.startswith("/media/gebaerdensprache/poster-")
    html = client.get("/gebaerdensprache/").content.decode()
    assert f'poster="{video.poster_url}"' in html and 'type="video/webm"' in html


def test_the_video_upload_accepts_up_to_the_configured_size(client, staff_editor, settings):
    login_staff(client, staff_editor)
    settings.SIGN_LANGUAGE_VIDEO_MAX_BYTES = len(mp4_bytes()) - 1
    response = client.post(
        reverse("admin:smartregion_signlanguagevideo_add"), form(video=uploaded_video())
    )
    assert "Das Video ist zu groß" in response.content.decode()
    settings.SIGN_LANGUAGE_VIDEO_MAX_BYTES = len(mp4_bytes())
    response = client.post(
        reverse("admin:smartregion_signlanguagevideo_add"), form(video=uploaded_video())
    )
    assert response.status_code == 302


def test_replacing_the_video_deletes_the_old_file_on_commit(
    client, staff_editor, django_capture_on_commit_callbacks
):
    login_staff(client, staff_editor)
    client.post(
        reverse("admin:smartregion_signlanguagevideo_add"),
        form(video=uploaded_video(), captions=uploaded_captions()),
    )
    video = SignLanguageVideo.objects.get()
    old_video, old_captions = video.video.name, video.captions.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:smartregion_signlanguagevideo_change", args=[video.pk]),
            form(video=uploaded_video(data=webm_bytes()), **{"captions-clear": "on"}),
        )
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.video.name != old_video and stored(video.video.name)
    assert not stored(old_video) and not stored(old_captions)
    assert not video.captions


def test_saving_without_a_new_file_keeps_the_video(
    client, staff_editor, django_capture_on_commit_callbacks
):
    login_staff(client, staff_editor)
    client.post(reverse("admin:smartregion_signlanguagevideo_add"), form(video=uploaded_video()))
    video = SignLanguageVideo.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:smartregion_signlanguagevideo_change", args=[video.pk]),
            form(title="Neuer Titel"),
        )
    video.refresh_from_db()
    assert video.title == "Neuer Titel" and stored(video.video.name)


def test_deleting_a_video_deletes_its_files(
    client, staff_editor, django_capture_on_commit_callbacks
):
    login_staff(client, staff_editor)
    client.post(
        reverse("admin:smartregion_signlanguagevideo_add"),
        form(video=uploaded_video(), poster=uploaded_image()),
    )
    video = SignLanguageVideo.objects.get()
    names = [video.video.name] + [r["path"] for r in video.poster_renditions]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:smartregion_signlanguagevideo_delete", args=[video.pk]), {"post": "yes"}
        )
    assert not SignLanguageVideo.objects.exists()
    assert not any(stored(name) for name in names)


def test_the_orphan_sweep_keeps_named_files_and_removes_others(client, staff_editor):
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    login_staff(client, staff_editor)
    client.post(reverse("admin:smartregion_signlanguagevideo_add"), form(video=uploaded_video()))
    video = SignLanguageVideo.objects.get()
    orphan = default_storage.save("gebaerdensprache/verwaist.mp4", ContentFile(mp4_bytes()))
    files.sweep_orphans(now=timezone.now() + timedelta(days=2))
    assert stored(video.video.name) and not stored(orphan)


def test_the_admin_form_offers_only_video_and_caption_files(client, staff_editor):
    login_staff(client, staff_editor)
    html = client.get(reverse("admin:smartregion_signlanguagevideo_add")).content.decode()
    assert 'accept="video/mp4,video/webm"' in html
    assert 'accept=".vtt,text/vtt"' in html
    assert "höchstens 200 MB" in html
