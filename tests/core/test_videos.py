"""Videos in Gebärdensprache: uploads are verified by their content and bounded in size."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from smartregion.core import videos
from tests.factories import VTT, mp4_bytes, uploaded_captions, uploaded_video, webm_bytes


def upload(data: bytes, name: str = "video.mp4") -> SimpleUploadedFile:
    return uploaded_video(name, data=data)


def refused(validator, uploaded) -> str:
    with pytest.raises(ValidationError) as caught:
        validator(uploaded)
    return " ".join(caught.value.messages)


def test_a_tiny_mp4_is_accepted_as_mp4():
    assert videos.video_kind(upload(mp4_bytes())) == "mp4"
    videos.validate_video(upload(mp4_bytes()))


def test_a_tiny_webm_is_accepted_as_webm_whatever_its_name():
    assert videos.video_kind(upload(webm_bytes(), name="film.mp4")) == "webm"


def test_a_text_file_renamed_to_mp4_is_refused_with_a_german_message():
    message = refused(videos.validate_video, upload(b"Hallo, ich bin kein Video.\n" * 20))
    assert message == "Bitte laden Sie ein Video im Format MP4 oder WebM hoch."


@pytest.mark.parametrize(
    "data",
    [
        b"",
        mp4_bytes()[:30],  # the ftyp box promises more than the file has
        mp4_bytes()[:-10],  # the last box runs past the end
        mp4_bytes(brand=b"qt  ", compatible=b"qt  "),  # QuickTime: not played by every browser
        webm_bytes(doctype=b"matroska"),
        webm_bytes()[:20],
        b"\x1a\x45\xdf\xa3" + bytes(40),
        b"\x00\x00\x00\x08ftyp",  # an ftyp box too small to name a brand
    ],
    ids=[
        "empty",
        "ftyp-cut",
        "box-overruns",
        "quicktime",
        "matroska",
        "ebml-cut",
        "ebml-zero",
        "tiny",
    ],
)
def test_broken_or_other_containers_are_refused(data):
    assert "MP4 oder WebM" in refused(videos.validate_video, upload(data))


def test_an_mp4_without_its_index_is_refused_as_incomplete():
    assert "unvollständig" in refused(videos.validate_video, upload(mp4_bytes(moov=False)))


def test_a_video_above_the_configured_size_is_refused(settings):
    data = mp4_bytes()
    settings.SIGN_LANGUAGE_VIDEO_MAX_BYTES = len(data) - 1
    assert refused(videos.validate_video, upload(data)).startswith("Das Video ist zu groß")
    settings.SIGN_LANGUAGE_VIDEO_MAX_BYTES = len(data)
    videos.validate_video(upload(data))


def test_the_stored_name_has_the_extension_of_the_content_not_the_uploaders_name():
    name = videos.video_name("gebaerdensprache", upload(webm_bytes(), name="../../evil.mp4.php"))
    assert name.startswith("gebaerdensprache/") and name.endswith(".webm")
    assert "evil" not in name


def test_the_file_is_read_from_the_start_again_after_the_check():
    uploaded = upload(mp4_bytes())
    videos.validate_video(uploaded)
    assert uploaded.read(8)[4:] == b"ftyp"


@pytest.mark.parametrize(
    "text", [VTT, "\ufeff" + VTT, "WEBVTT - Gebärdensprache\n", "WEBVTT"], ids=str.__len__
)
def test_webvtt_captions_are_accepted(text):
    videos.validate_captions(uploaded_captions(text=text))


@pytest.mark.parametrize(
    "data",
    [
        b"1\n00:00:00,000 --> 00:00:02,000\nSRT ist kein WebVTT\n",
        b"WEBVTTX\n",
        b"WEBVTT\n\xff\xfe kaputt",
        b"",
    ],
    ids=["srt", "wrong-magic", "not-utf8", "empty"],
)
def test_other_caption_files_are_refused_with_a_german_message(data):
    uploaded = SimpleUploadedFile("untertitel.vtt", data, content_type="text/vtt")
    assert "WebVTT" in refused(videos.validate_captions, uploaded)


def test_caption_files_are_bounded():
    big = uploaded_captions(text=VTT + "x" * videos.CAPTIONS_MAX_BYTES)
    assert "zu groß" in refused(videos.validate_captions, big)


def test_uploaded_video_factory_gives_an_acceptable_file():
    videos.validate_video(uploaded_video())
