"""Self-hosted videos (Gebärdensprache) and their captions: verified by content, never by name.

An upload is accepted as a video when its bytes are one of the two containers every current
browser plays in a native ``<video>`` element:

- **MP4** (ISO base media file format): the file is a sequence of boxes (4-byte big-endian size,
  4-byte type); the first is ``ftyp`` naming an MP4 brand, every box lies inside the file, and a
  ``moov`` box (the index a player needs) is there. QuickTime (brand ``qt  ``) is refused.
- **WebM**: an EBML header (``1A 45 DF A3``) whose ``DocType`` is ``webm``, followed by a
  ``Segment`` element.

Captions are WebVTT: UTF-8 text that starts with ``WEBVTT`` (after an optional byte-order mark),
followed by a space, a tab or a line break.

The video itself is stored as uploaded (videos are not re-encoded here); its name is ours
(``video_name()``), with the extension of the detected container, so the web server sends the
right Content-Type. The size is bounded by ``settings.SIGN_LANGUAGE_VIDEO_MAX_BYTES``, the
captions by ``CAPTIONS_MAX_BYTES``.
"""

from __future__ import annotations

import struct
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from smartregion.core.images import MB, _number  # _number: "2,5", the German decimal comma

CAPTIONS_MAX_BYTES = 1 * MB
ACCEPT_VIDEO = "video/mp4,video/webm"
ACCEPT_CAPTIONS = ".vtt,text/vtt"

MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso3",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"dash",
    b"M4V ",
    b"mp71",
}
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
EBML_DOCTYPE = 0x4282
EBML_SEGMENT = 0x18538067
WEBVTT = b"WEBVTT"


def max_video_mb() -> str:
    return _number(settings.SIGN_LANGUAGE_VIDEO_MAX_BYTES / MB)


def _format_error() -> ValidationError:
    return ValidationError(
        _("Bitte laden Sie ein Video im Format MP4 oder WebM hoch."), code="video_format"
    )


def _size(uploaded) -> int:
    size = getattr(uploaded, "size", None)
    if size is None:
        uploaded.seek(0, 2)
        size = uploaded.tell()
    return size


def _read_at(uploaded, offset: int, length: int) -> bytes:
    uploaded.seek(offset)
    return uploaded.read(length)


def _mp4_boxes(uploaded, size: int):
    """(type, offset, box size) of each top-level box; ValidationError if one overruns the file."""
    offset = 0
    while offset < size:
        header = _read_at(uploaded, offset, 16)
        if len(header) < 8:
            raise _format_error()
        box_size, box_type = struct.unpack(">I4s", header[:8])
        if box_size == 1:  # 64-bit size after the type
            if len(header) < 16:
                raise _format_error()
            (box_size,) = struct.unpack(">Q", header[8:16])
            minimum = 16
        else:
            minimum = 8
        if box_size == 0:  # the box runs to the end of the file
            box_size = size - offset
        if box_size < minimum or offset + box_size > size:
            raise _format_error()
        yield box_type, offset, box_size
        offset += box_size


def _is_mp4(uploaded, size: int) -> bool:
    head = _read_at(uploaded, 0, 8)
    if len(head) < 8 or head[4:8] != b"ftyp":
        return False
    seen = []
    for box_type, offset, box_size in _mp4_boxes(uploaded, size):
        if not seen:
            # ftyp: major brand, minor version, compatible brands (4 bytes each)
            body = _read_at(uploaded, offset + 8, min(box_size - 8, 256))
            brands = {body[0:4]} | {body[i : i + 4] for i in range(8, len(body) - 3, 4)}
            if box_size < 16 or not brands & MP4_BRANDS:
                raise _format_error()
        seen.append(box_type)
    if b"moov" not in seen:
        raise ValidationError(
            _("Die Videodatei ist unvollständig: Ihr fehlt das Inhaltsverzeichnis (moov)."),
            code="video_incomplete",
        )
    return True


def _vint(data: bytes, pos: int, *, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-length integer at ``pos``: (value, next position)."""
    if pos >= len(data) or data[pos] == 0:
        raise _format_error()
    first = data[pos]
    length = 8 - first.bit_length() + 1
    if pos + length > len(data):
        raise _format_error()
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[pos + 1 : pos + length]:
        value = (value << 8) | byte
    return value, pos + length


def _is_webm(uploaded, size: int) -> bool:
    data = _read_at(uploaded, 0, 4096)
    if not data.startswith(EBML_MAGIC):
        return False
    _id, pos = _vint(data, 0, keep_marker=True)
    header_size, pos = _vint(data, pos, keep_marker=False)
    end = pos + header_size
    if end > len(data):
        raise _format_error()
    doctype = None
    while pos < end:
        element, pos = _vint(data, pos, keep_marker=True)
        length, pos = _vint(data, pos, keep_marker=False)
        if pos + length > end:
            raise _format_error()
        if element == EBML_DOCTYPE:
            doctype = data[pos : pos + length].rstrip(b"\x00")
        pos += length
    if doctype != b"webm" or end >= size:
        raise _format_error()
    segment, _pos = _vint(data, end, keep_marker=True)
    if segment != EBML_SEGMENT:
        raise _format_error()
    return True


def video_kind(uploaded) -> str:
    """ "mp4" or "webm" by the file's content; ValidationError (German) for anything else.

    The file position is left at the start."""
    try:
        size = _size(uploaded)
        if size > settings.SIGN_LANGUAGE_VIDEO_MAX_BYTES:
            raise ValidationError(
                _("Das Video ist zu groß (höchstens %(mb)s MB).") % {"mb": max_video_mb()},
                code="video_too_large",
            )
        if _is_mp4(uploaded, size):
            return "mp4"
        if _is_webm(uploaded, size):
            return "webm"
        raise _format_error()
    finally:
        uploaded.seek(0)


def validate_video(value) -> None:
    """Model field validator: a stored video (a ``FieldFile``) or an upload must be MP4 or WebM.

    An unchanged stored file was verified when it was uploaded and is not read again."""
    if getattr(value, "_committed", False):
        return
    video_kind(value.file if hasattr(value, "file") else value)


def validate_captions(value) -> None:
    """Model field validator: WebVTT, UTF-8, at most ``CAPTIONS_MAX_BYTES``."""
    if getattr(value, "_committed", False):
        return
    uploaded = value.file if hasattr(value, "file") else value
    try:
        if _size(uploaded) > CAPTIONS_MAX_BYTES:
            raise ValidationError(
                _("Die Untertitel-Datei ist zu groß (höchstens %(mb)s MB).")
                % {"mb": _number(CAPTIONS_MAX_BYTES / MB)},
                code="captions_too_large",
            )
        uploaded.seek(0)
        data = uploaded.read(CAPTIONS_MAX_BYTES + 1)
    finally:
        uploaded.seek(0)
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        data = b""
    if not data.startswith(WEBVTT) or data[len(WEBVTT) : len(WEBVTT) + 1] not in (
        b"",
        b" ",
        b"\t",
        b"\n",
        b"\r",
    ):
        raise ValidationError(
            _(
                "Bitte laden Sie Untertitel im Format WebVTT hoch "
                "(eine Textdatei, die mit „WEBVTT“ beginnt)."
            ),
            code="captions_format",
        )


def video_name(folder: str, uploaded) -> str:
    """For ``upload_to``: a fresh name in ``folder`` with the extension of the detected
    container, never the uploader's file name."""
    return f"{folder}/{uuid.uuid4().hex}.{video_kind(uploaded)}"
