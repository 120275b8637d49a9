"""The one image pipeline: verify an upload, keep the original privately, render public renditions.

Blog covers and galleries, event images and member logos all go through here; the callers only
pass their own parameters (paths, sizes, widths). Nothing here knows about particular models.

The pipeline:

1. ``verify_image()`` reads the upload (at most ``max_bytes``), lets Pillow identify it among
   JPEG, PNG and WebP only (by the decoded data, never by file name or content type), refuses
   too many pixels (``DEFAULT_MAX_PIXELS``, 25 megapixels) from the header *before* decoding,
   verifies the file, then reopens and decodes all of it so truncated files are refused. It
   applies the EXIF orientation, converts an embedded ICC profile to sRGB where possible and
   makes a plain RGB or RGBA image without any metadata (no EXIF, GPS, ICC, comments or text
   chunks), at most ``max_decoded_side`` pixels per side (the kept original's
   ``ORIGINAL_MAX_SIDE``). ``min_width`` is checked against the width the picture has in the
   file (after orientation), not against that smaller copy.
2. ``store_original()`` keeps that image, re-encoded and at most ``max_side`` pixels per side,
   in a ``FileField`` on the private storage (``smartregion.core.storage``); ``original_name()``
   is the ``upload_to`` helper for such fields and ``copy_original()`` copies one to another.
3. ``render_original()`` makes the public renditions of a kept original: ``make_renditions()``
   encodes an image as WebP plus a fallback (JPEG for opaque images, PNG for images with
   transparency) in several widths for ``srcset``, never upscaling, and ``store_renditions()``
   saves them to the default (public) storage and returns a JSON-serialisable list for a
   ``JSONField``. ``delete_renditions()`` takes them offline again; ``build_srcset()`` and
   ``picture()`` turn the list into markup values.

The upload itself is never stored: only re-encoded pixels leave this module, so anything
appended to or hidden in the file (scripts after the image data, comments, metadata) is lost.

Memory: a request may carry several images of 25 megapixels (100 MB each as RGB in Pillow), so
no more pixels are decoded or held than needed. A JPEG larger than needed is decoded at 1/2, 1/4
or 1/8 of its size (``Image.draft()``: libjpeg scales while decoding, the full-size pixels never
exist); PNG and WebP cannot be, so they are reduced right after decoding, and only one image is
at full size at any time. And a ``VerifiedImage`` does not hold its pixels: it keeps the upload
(which Django keeps anyway, in memory up to 5 MB, else in a temporary file) and ``.image``
decodes it again, the same way, whenever it is read. The cost is a second decoding when the
image is stored; the benefit is that a form with seven images holds at most one decoded.

``VerifiedImageField`` is the form field: it runs ``verify_image()`` in ``to_python()`` so the
German error message appears beside the field, and attaches the result as ``.verified``.
``KeepsImagesMixin`` keeps valid uploads across a failed submission (the "stash"), within
bounds per visitor and in total. ``refuse_images()`` turns a submission down without decoding
any image (a rate limit is checked before the form is validated).

Pillow's global settings are left alone: ``Image.MAX_IMAGE_PIXELS`` stays enabled (our own,
lower limit applies first, and Pillow's ``DecompressionBombWarning`` is raised as an error
here) and ``ImageFile.LOAD_TRUNCATED_IMAGES`` must stay False (checked on every call).
"""

import math
import posixpath
import uuid
import warnings
from dataclasses import dataclass, replace
from datetime import timedelta
from io import BytesIO

from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageCms, ImageFile, ImageOps

from smartregion.core import files
from smartregion.core.ratelimit import hit
from smartregion.core.signing import BadToken, make_token, read_token

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MB
# At 4 bytes a pixel in memory (Pillow keeps RGB as RGBX), 25 megapixels are 100 MB while a PNG
# or WebP is decoded; every camera and phone picture fits (a 24-megapixel camera: 6000 × 4000).
DEFAULT_MAX_PIXELS = 25_000_000
DEFAULT_WIDTHS = (480, 960, 1600)
DEFAULT_QUALITY = 82
# The kept private original: renditions are made from it later, so it is kept large and good.
ORIGINAL_MAX_SIDE = 2400
ORIGINAL_QUALITY = 92
# WebP cannot encode a side longer than this; since renditions never upscale, refusing longer
# sides here guarantees every rendition can be encoded.
MAX_SIDE = 16383

# Pillow format names accepted from uploads. MPO is what Pillow calls a JPEG with extra
# pictures (many cameras and phones write them); only its first picture is used.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
_ACCEPTED_DECODED = {"JPEG", "MPO", "PNG", "WEBP"}
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp"

EXTENSIONS = {"webp": "webp", "jpeg": "jpg", "png": "png"}
CONTENT_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class ImageRejected(ValidationError):
    """An upload that is not an acceptable image; the message is shown to the uploader.

    ``code`` is one of "format", "too_large", "too_small", "too_many_pixels", "corrupt".
    """


@dataclass(frozen=True, eq=False)
class VerifiedImage:
    """An upload that passed ``verify_image()``; ``image`` gives its pixels, normalised: RGB or
    RGBA, orientation applied, no metadata, at most ``max_decoded_side`` pixels per side.

    The pixels are not held: each read of ``image`` decodes the upload again (the same way, so
    the same pixels) and returns a new image the caller may change. ``source`` is the upload
    (Django's ``UploadedFile``, valid for the request) or the bytes that were verified.
    """

    original_format: str  # "JPEG", "PNG" or "WEBP"
    original_size: tuple[int, int]  # pixels as stored in the file, before orientation
    file_size: int  # bytes
    full_width: int  # the width the picture has in the file, after orientation
    size: tuple[int, int]  # of ``image``
    has_alpha: bool  # ``image`` is RGBA (some pixel is transparent)
    source: UploadedFile | bytes
    max_decoded_side: int | None

    @property
    def image(self) -> Image.Image:
        data = self.source if isinstance(self.source, bytes) else _read_again(self.source)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image, _turned = _decode(data, self.max_decoded_side)
        return image

    @property
    def width(self) -> int:
        return self.size[0]

    @property
    def height(self) -> int:
        return self.size[1]


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    format: str  # "webp", "jpeg" or "png"
    content: bytes

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


def _number(value: float) -> str:
    """10.0 -> "10", 2.5 -> "2,5" (German decimal comma)."""
    return f"{value:g}".replace(".", ",")


def _format_error() -> ImageRejected:
    return ImageRejected(
        _("Bitte laden Sie ein Bild im Format JPEG, PNG oder WebP hoch."), code="format"
    )


def _corrupt_error() -> ImageRejected:
    return ImageRejected(_("Die Datei ist beschädigt oder unvollständig."), code="corrupt")


def _pixels_error(max_pixels: int) -> ImageRejected:
    return ImageRejected(
        _("Das Bild hat zu viele Pixel (höchstens %(megapixels)s Megapixel).")
        % {"megapixels": _number(max_pixels / 1_000_000)},
        code="too_many_pixels",
    )


def _read_upload(uploaded_file, max_bytes: int) -> bytes:
    limit = (
        f"{_number(round(max_bytes / MB, 1))} MB"
        if max_bytes >= MB
        else f"{_number(round(max_bytes / 1024, 1))} KB"
    )
    too_large = ImageRejected(
        _("Die Datei ist zu groß (höchstens %(limit)s).") % {"limit": limit}, code="too_large"
    )
    if isinstance(uploaded_file, bytes | bytearray | memoryview):
        data = bytes(uploaded_file)
    else:
        size = getattr(uploaded_file, "size", None)
        if size is not None and size > max_bytes:
            raise too_large
        if hasattr(uploaded_file, "seek"):
            uploaded_file.seek(0)
        data = uploaded_file.read(max_bytes + 1)
        if hasattr(uploaded_file, "seek"):
            uploaded_file.seek(0)
    if len(data) > max_bytes:
        raise too_large
    return data


def _read_again(uploaded_file: UploadedFile) -> bytes:
    uploaded_file.seek(0)
    data = uploaded_file.read()
    uploaded_file.seek(0)
    return data


def _open(data: bytes) -> ImageFile.ImageFile:
    return Image.open(BytesIO(data), formats=ACCEPTED_FORMATS)


def _to_8bit(image: Image.Image) -> Image.Image:
    """16- and 32-bit greyscale would be clipped by convert("RGB"): scale it down instead."""
    if image.mode.startswith("I;16") or image.mode == "I":
        scaled = image.convert("I").point(lambda value: value * (1 / 256))
        return scaled.convert("L")
    return image


# Modes that Pillow resamples as they are; others are converted first (a palette image resampled
# as indices would turn to noise, and 16-bit greyscale is scaled to 8 bits anyway).
_RESAMPLED_AS_IS = {"RGB", "RGBA", "L", "LA", "CMYK"}


def _draft_size(size: tuple[int, int], max_side: int | None) -> tuple[int, int] | None:
    """The smallest size that still gives ``max_side`` after scaling ``size`` down, or None
    when ``size`` fits already."""
    if not max_side or max(size) <= max_side:
        return None
    scale = max_side / max(size)
    return (max(1, math.ceil(size[0] * scale)), max(1, math.ceil(size[1] * scale)))


def _decode(data: bytes, max_side: int | None) -> tuple[Image.Image, bool]:
    """Decode all of ``data`` into a normalised image of at most ``max_side`` pixels per side;
    also whether the orientation turned it (width and height swapped).

    The decoded pixels are only ever referenced from this frame, so each step below frees the
    one before it: a JPEG is decoded at 1/2, 1/4 or 1/8 of its size when the result is still
    large enough; other formats are reduced by a whole factor right after decoding.
    """
    image = _open(data)
    draft = _draft_size(image.size, max_side)
    if draft:
        image.draft(None, draft)  # JPEG only (libjpeg's DCT scaling); a no-op for the others
    image.load()  # decodes all the data: truncated data raises here
    if _draft_size(image.size, max_side):
        if image.mode == "1":
            image = image.convert("L")
        elif image.mode not in _RESAMPLED_AS_IS:
            image = _to_8bit(image)
            if image.mode not in _RESAMPLED_AS_IS:
                image = image.convert("RGBA" if image.has_transparency_data else "RGB")
        factor = max(image.size) // max_side
        if factor > 1:
            image = image.reduce(factor)  # keeps the metadata (orientation, ICC)
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=None)
    before = image.size
    image = _normalise(image)
    return image, image.size != before


def _normalise(image: Image.Image) -> Image.Image:
    """Orientation applied, sRGB, RGB or RGBA (RGBA only if some pixel is transparent),
    and no metadata at all."""
    ImageOps.exif_transpose(image, in_place=True)
    target = "RGBA" if image.has_transparency_data else "RGB"
    icc_profile = image.info.get("icc_profile")
    image = _to_8bit(image)
    result = None
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(BytesIO(icc_profile))
            result = ImageCms.profileToProfile(image, source, _SRGB, outputMode=target)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            result = None  # unusable profile or unsupported mode: keep the values as they are
    if result is None or result.mode != target:
        result = image.convert(target)
    if result.mode == "RGBA" and result.getchannel("A").getextrema()[0] == 255:
        result = result.convert("RGB")  # an alpha channel without any transparency
    result.info = {}  # EXIF (with GPS), ICC, XMP, comments, text chunks: all gone
    return result


def verify_image(
    uploaded_file,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    min_width: int = 0,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_decoded_side: int | None = ORIGINAL_MAX_SIDE,
) -> VerifiedImage:
    """Check an upload and return it decoded and normalised; raise ``ImageRejected`` if not.

    ``uploaded_file`` is an ``UploadedFile`` (or any binary file object, or bytes). Accepted
    are JPEG, PNG and WebP up to ``max_bytes`` bytes and ``max_pixels`` pixels (never more
    than Pillow's ``Image.MAX_IMAGE_PIXELS``), at least ``min_width`` pixels wide after
    applying the orientation. Animated PNG and WebP are accepted; only the first frame is kept.
    The returned image is at most ``max_decoded_side`` pixels per side (None: the full size).
    """
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise ImproperlyConfigured(
            "PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False: truncated uploads must be refused."
        )
    if Image.MAX_IMAGE_PIXELS:
        max_pixels = min(max_pixels, Image.MAX_IMAGE_PIXELS)

    data = _read_upload(uploaded_file, max_bytes)
    # Pillow only warns between MAX_IMAGE_PIXELS and twice that: make it an error. (The filter
    # change is process-wide while it lasts; the max_pixels clamp above refuses such images
    # anyway, so a concurrent thread can at worst see the warning printed, never accepted.)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = _open(data)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _pixels_error(max_pixels) from None
        except Image.UnidentifiedImageError:
            raise _format_error() from None
        except Exception:  # noqa: BLE001 - malformed headers raise many exception types
            raise _corrupt_error() from None
        if probe.format not in _ACCEPTED_DECODED:
            raise _format_error()

        # The header gives the size before anything is decoded.
        width, height = probe.size
        if width < 1 or height < 1:
            raise _corrupt_error()
        if width * height > max_pixels:
            raise _pixels_error(max_pixels)
        if max(width, height) > MAX_SIDE:
            raise ImageRejected(
                _("Das Bild ist zu lang oder zu breit (höchstens %(pixels)s Pixel je Seite).")
                % {"pixels": MAX_SIDE},
                code="too_many_pixels",
            )

        original_format = "JPEG" if probe.format == "MPO" else probe.format
        try:
            probe.verify()  # checksums and structure; the object is unusable afterwards
            image, turned = _decode(data, max_decoded_side)  # verify() needs a fresh object
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _pixels_error(max_pixels) from None
        except Exception:  # noqa: BLE001 - Pillow raises many exception types for broken files
            raise _corrupt_error() from None

    full_width = height if turned else width
    if full_width < min_width:
        raise ImageRejected(
            _("Das Bild ist zu klein: mindestens %(min_width)s Pixel Breite.")
            % {"min_width": min_width},
            code="too_small",
        )
    return VerifiedImage(
        original_format=original_format,
        original_size=(width, height),
        file_size=len(data),
        full_width=full_width,
        size=image.size,
        has_alpha=image.mode == "RGBA",
        # An upload stays with Django for the request (no copy of it here); anything else is
        # kept as the bytes that were verified.
        source=uploaded_file if isinstance(uploaded_file, UploadedFile) else data,
        max_decoded_side=max_decoded_side,
    )


def rendition_widths(original_width: int, widths=DEFAULT_WIDTHS) -> list[int]:
    """The widths to render: those not larger than the original, plus the original width itself
    when it lies below the largest wanted width (so the sharpest copy is never thrown away).
    Never upscales."""
    wanted = {int(width) for width in widths if width > 0}
    fitting = {width for width in wanted if width <= original_width}
    if not wanted or original_width < max(wanted):
        fitting.add(original_width)
    return sorted(fitting)


def _flatten(image: Image.Image, background=(255, 255, 255)) -> Image.Image:
    flat = Image.new("RGB", image.size, background)
    flat.paste(image, mask=image.getchannel("A"))
    return flat


def _encode(image: Image.Image, fmt: str, quality: int) -> bytes:
    buffer = BytesIO()
    if fmt == "webp":
        image.save(buffer, format="WEBP", quality=quality, method=4)
    elif fmt == "jpeg":
        image.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    else:
        image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def make_renditions(
    image: Image.Image | VerifiedImage,
    *,
    widths=DEFAULT_WIDTHS,
    quality: int = DEFAULT_QUALITY,
    keep_alpha: bool | None = None,
) -> list[Rendition]:
    """Encode ``image`` as WebP plus a fallback in each of ``rendition_widths()``.

    The fallback is JPEG, or PNG when transparency is kept. ``keep_alpha=None`` keeps
    transparency whenever the image has it (logos); ``False`` puts transparent images on
    white first (photos: JPEG fallback). Returned sorted by width, WebP first per width.
    """
    if isinstance(image, VerifiedImage):
        image = image.image
    if image.info:  # not from verify_image(): drop metadata without touching the caller's image
        image = image.copy()
        image.info = {}
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    if keep_alpha is None:
        keep_alpha = image.mode == "RGBA"
    if image.mode == "RGBA" and not keep_alpha:
        image = _flatten(image)
    elif image.mode == "RGB":
        keep_alpha = False
    fallback = "png" if keep_alpha else "jpeg"

    renditions = []
    for width in rendition_widths(image.width, widths):
        if width == image.width:
            resized = image
        else:
            height = max(1, round(image.height * width / image.width))
            resized = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        for fmt in ("webp", fallback):
            renditions.append(
                Rendition(resized.width, resized.height, fmt, _encode(resized, fmt, quality))
            )
    return renditions


def store_renditions(renditions, *, prefix: str, storage=None) -> list[dict]:
    """Save each rendition as ``{prefix}/{width}.{ext}``; return a list for a JSONField.

    Each entry is ``{"path", "width", "height", "format"}``; ``path`` is the name the storage
    actually used (it appends a suffix rather than overwrite an existing file).
    """
    storage = storage or default_storage
    prefix = prefix.strip("/")
    stored = []
    for rendition in renditions:
        path = files.save(
            storage,
            f"{prefix}/{rendition.width}.{rendition.extension}",
            ContentFile(rendition.content),
        )
        stored.append(
            {
                "path": path,
                "width": rendition.width,
                "height": rendition.height,
                "format": rendition.format,
            }
        )
    return stored


def delete_renditions(renditions_json, storage=None) -> None:
    """Remove stored renditions, e.g. when an image is replaced or its owner deleted, once the
    current transaction commits (at once outside one): a rollback leaves them in place."""
    storage = storage or default_storage
    for entry in renditions_json or []:
        files.delete_on_commit(storage, entry["path"])


# Private originals -----------------------------------------------------------------------------


def original_file(
    verified: VerifiedImage,
    *,
    max_side: int | None = ORIGINAL_MAX_SIDE,
    lossless: bool = False,
    quality: int = ORIGINAL_QUALITY,
) -> ContentFile:
    """``verified`` encoded for keeping: at most ``max_side`` pixels per side (None: as it is),
    PNG when it has transparency or ``lossless`` is asked for (logos), else WebP."""
    image = verified.image  # a new image on each read: changed here without a copy
    if max_side and max(image.size) > max_side:
        image.thumbnail((max_side, max_side))
    fmt = "png" if lossless or image.mode == "RGBA" else "webp"
    return ContentFile(_encode(image, fmt, quality), name=f"original.{EXTENSIONS[fmt]}")


def original_name(folder: str, filename: str) -> str:
    """For ``upload_to``: a fresh name in ``folder``; only the suffix of the file we wrote
    (``.png`` or else ``.webp``) is used, never the uploader's file name."""
    suffix = ".png" if filename.endswith(".png") else ".webp"
    return f"{folder}/{uuid.uuid4().hex}{suffix}"


def store_original(field_file, verified: VerifiedImage, **options) -> None:
    """Keep ``verified`` in ``field_file`` (of a ``FileField`` on the private storage), replacing
    the file it held. ``options`` go to ``original_file()``. The model instance is not saved.

    The new file is written first; the old one is deleted when the transaction commits, so a
    rollback leaves the row and its file as they were (``smartregion.core.files``)."""
    _replace_file(field_file, original_file(verified, **options))


def _replace_file(field_file, content: ContentFile) -> None:
    old = field_file.name
    field_file.save(content.name, content, save=False)
    files.remember(field_file.storage, field_file.name)
    if old:
        files.delete_on_commit(field_file.storage, old)


def copy_original(source, target) -> None:
    """Keep a copy of the file of ``source`` in ``target`` (both private ``FieldFile``s),
    replacing the file ``target`` held. The model instance is not saved."""
    with source.open("rb") as handle:
        content = ContentFile(handle.read(), name=posixpath.basename(source.name))
    _replace_file(target, content)


def render_original(field_file, *, prefix: str, widths=DEFAULT_WIDTHS) -> list[dict]:
    """Make and store the public renditions of a kept original (see ``store_renditions()``)."""
    with field_file.open("rb") as handle, Image.open(handle) as image:
        image.load()
        renditions = make_renditions(image, widths=widths)
    return store_renditions(renditions, prefix=prefix)


def build_srcset(renditions_json, fmt: str, storage=None) -> str:
    """``"url 480w, url 960w"`` for the stored renditions in ``fmt`` ("webp", "jpeg", "png")."""
    storage = storage or default_storage
    entries = sorted(
        (entry for entry in renditions_json or [] if entry["format"] == fmt),
        key=lambda entry: entry["width"],
    )
    return ", ".join(f"{storage.url(entry['path'])} {entry['width']}w" for entry in entries)


def picture(renditions_json, storage=None) -> dict | None:
    """Everything a ``<picture>`` needs, or None without renditions::

        <picture>
          <source type="image/webp" srcset="{{ p.webp_srcset }}" sizes="...">
          <img src="{{ p.src }}" srcset="{{ p.srcset }}" sizes="..."
               width="{{ p.width }}" height="{{ p.height }}" alt="...">
        </picture>

    ``src``, ``width`` and ``height`` describe the largest fallback (JPEG or PNG) rendition.
    """
    storage = storage or default_storage
    fallbacks = [entry for entry in renditions_json or [] if entry["format"] != "webp"]
    if not fallbacks:
        return None
    largest = max(fallbacks, key=lambda entry: entry["width"])
    fmt = largest["format"]
    return {
        "webp_srcset": build_srcset(renditions_json, "webp", storage),
        "srcset": build_srcset(renditions_json, fmt, storage),
        "type": CONTENT_TYPES[fmt],
        "src": storage.url(largest["path"]),
        "width": largest["width"],
        "height": largest["height"],
    }


class VerifiedImageField(forms.FileField):
    """A file field that accepts only images passing ``verify_image()``.

    The cleaned value is the ``UploadedFile`` with the ``VerifiedImage`` attached as
    ``.verified``; pass that to ``store_original()`` and never store the upload itself.
    When ``kept`` is set (``KeepsImagesMixin`` does that), a submission without a new file
    counts as that image.
    """

    kept: "KeptImage | None" = None
    # False (refuse_images()): clean() decodes nothing, and an upload comes back unverified.
    decodes: bool = True

    def __init__(
        self,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        min_width: int = 0,
        max_pixels: int = DEFAULT_MAX_PIXELS,
        **kwargs,
    ):
        self.max_bytes = max_bytes
        self.min_width = min_width
        self.max_pixels = max_pixels
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(**kwargs)

    @property
    def limits(self) -> dict:
        """The keyword arguments for ``verify_image()``."""
        return {
            "max_bytes": self.max_bytes,
            "min_width": self.min_width,
            "max_pixels": self.max_pixels,
        }

    def clean(self, data, initial=None):
        if not data and self.kept is not None:
            # No new file: the image taken over from an earlier submission, verified only now.
            if not self.decodes:
                return self.kept
            verified = unstash_image(self.kept.token, **self.limits)
            if verified is None:
                raise ValidationError(
                    _(
                        "Das übernommene Bild ist nicht mehr da. Bitte wählen Sie es noch einmal aus."
                    ),
                    code="kept_gone",
                )
            return KeptImage(verified=verified, token=self.kept.token)
        return super().clean(data, initial)

    def to_python(self, data):
        # Only called for a new upload: an unchanged or cleared field never gets here.
        uploaded = super().to_python(data)
        if uploaded is None or not self.decodes:
            return uploaded
        uploaded.verified = verify_image(uploaded, **self.limits)
        return uploaded


def refuse_images(form: forms.BaseForm, message: str) -> None:
    """Turn a bound ``form`` down without decoding any of its images (call it before
    ``is_valid()``, e.g. when a rate limit is exhausted).

    ``message`` is shown above the form together with whatever else is wrong, the text input
    stays, and the form is never valid. New uploads are neither decoded nor kept; images kept
    from an earlier submission stay kept (their tokens are still in the form).
    """
    for field in form.fields.values():
        if isinstance(field, VerifiedImageField):
            field.decodes = False
    form.add_error(None, message)


# Keeping uploads across a failed form submission ----------------------------------------------
#
# Browsers cannot re-fill a file input. When a form with a valid image comes back with an error
# elsewhere, the verified (already re-encoded) image is kept in private storage for a few hours
# and the form carries a signed token instead, so nobody has to pick the file again.

# Content photos (post covers, event images) fill a wide card: one set of limits for all.
PHOTO_MIN_WIDTH = 800


def photo_field(*, label, required: bool = True) -> VerifiedImageField:
    """A form field for a content photo, with the site's limits and their German help text."""
    return VerifiedImageField(
        label=label,
        required=required,
        min_width=PHOTO_MIN_WIDTH,
        max_bytes=DEFAULT_MAX_BYTES,
        help_text=gettext_lazy("JPEG, PNG oder WebP, höchstens 10 MB, mindestens 800 Pixel breit."),
    )


STASH_PREFIX = "pending-uploads/"
# Bounds of the stash, counted in the shared cache (smartregion.core.ratelimit) per window of
# stash_max_age(): images per visitor (client_ip), and bytes for all visitors together.
# Files live up to an hour longer than their window (the hourly purge), so the storage holds at
# most twice STASH_MAX_TOTAL_BYTES. An image beyond a bound is not kept; the form says so.
STASH_MAX_PER_VISITOR = 30
STASH_MAX_TOTAL_BYTES = 1024 * MB


def stash_max_age() -> timedelta:
    """How long a kept upload stays (settings.RETENTION_STASHED_IMAGES_HOURS, shown on the
    privacy statement); its token is valid as long."""
    return timedelta(hours=settings.RETENTION_STASHED_IMAGES_HOURS)


def stash_image(verified: VerifiedImage, *, visitor: str = "") -> str | None:
    """Keep ``verified`` privately (at most its ``max_decoded_side``); return a signed token
    for a hidden form field, or None when a bound of the stash is reached."""
    window = int(stash_max_age().total_seconds())
    if not hit("image-stash-visitor", visitor, limit=STASH_MAX_PER_VISITOR, period_seconds=window):
        return None
    content = original_file(verified, max_side=None, quality=95)
    if not hit(
        "image-stash-bytes",
        "all",
        limit=STASH_MAX_TOTAL_BYTES,
        period_seconds=window,
        cost=content.size,
    ):
        return None
    name = storages["private"].save(f"{STASH_PREFIX}{uuid.uuid4().hex}", content)
    # The width of the picture as uploaded: min_width is checked against it, not the copy.
    return make_token("stashed-image", f"{name}|{verified.full_width}")


def _stashed(token: str) -> tuple[str, int | None] | None:
    """The file name and the uploaded width behind a token, if it is valid and the file there."""
    try:
        value = read_token("stashed-image", token, max_age=stash_max_age())
    except BadToken:
        return None
    name, _sep, width = value.partition("|")
    if not name.startswith(STASH_PREFIX) or ".." in name or not storages["private"].exists(name):
        return None
    return name, int(width) if width.isdigit() else None


def unstash_image(token: str, *, min_width: int = 0, **limits) -> VerifiedImage | None:
    """The image behind a token from ``stash_image()``, verified again; None if gone or forged."""
    stashed = _stashed(token)
    if stashed is None:
        return None
    name, full_width = stashed
    with storages["private"].open(name, "rb") as handle:
        data = handle.read()
    try:
        verified = verify_image(data, **limits)
    except ImageRejected:
        return None
    if full_width is not None:
        verified = replace(verified, full_width=full_width)
    return verified if verified.full_width >= min_width else None


def purge_stashed_images() -> int:
    """Delete kept uploads older than their tokens' lifetime (a periodic task)."""
    storage = storages["private"]
    try:
        # Not exists(folder): object storage has no folders, only keys with a common prefix
        # (listdir of a missing prefix is empty there, FileNotFoundError on the filesystem).
        _, filenames = storage.listdir(STASH_PREFIX.rstrip("/"))
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - stash_max_age()
    removed = 0
    for filename in filenames:
        name = f"{STASH_PREFIX}{filename}"
        if storage.get_modified_time(name) < cutoff:
            storage.delete(name)
            removed += 1
    return removed


@dataclass(frozen=True)
class KeptImage:
    """Stands in for an upload taken over from an earlier submission of the same form.

    ``verified`` is None until the field is cleaned (nothing is decoded before that).
    """

    verified: VerifiedImage | None
    token: str
    name: str = "bild"


class KeepsImagesMixin:
    """For forms with ``VerifiedImageField``s: valid images survive a failed submission.

    Call ``self.keep_images()`` at the end of the form's ``__init__`` (after all fields exist).
    Each image field ``x`` gets a hidden companion ``x_kept``. When ``full_clean()`` finds
    errors, every valid new upload is stashed and its token put into ``x_kept``. On the next
    submission an empty ``x`` with a valid ``x_kept`` counts as that image: the field's
    ``kept``, a ``KeptImage`` with ``.verified`` like an upload, is its cleaned value.

    ``visitor`` (the ``client_ip``) is what the stash's per-visitor bound counts; an image beyond
    a bound gets a message beside its field instead of a token.
    """

    visitor: str = ""

    def _image_fields(self) -> list[str]:
        return [n for n, f in self.fields.items() if isinstance(f, VerifiedImageField)]

    def keep_images(self, *, visitor: str = "") -> None:
        self.visitor = visitor
        names = self._image_fields()
        for name in names:
            self.fields[f"{name}_kept"] = forms.CharField(required=False, widget=forms.HiddenInput)
        if not self.is_bound:
            return
        for name in names:
            if self.files.get(self.add_prefix(name)):
                continue  # a new upload replaces the kept one
            token = self.data.get(self.add_prefix(f"{name}_kept"), "")
            field = self.fields[name]
            if token and _stashed(token):  # decoded and verified only when the field is cleaned
                field.kept = KeptImage(verified=None, token=token)
                field.required = False  # no new file needed, and the page marks none as required

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not self.errors:
            return
        self.data = self.data.copy()
        for name in self._image_fields():
            value = self.cleaned_data.get(name)
            if not getattr(value, "verified", None) or isinstance(value, KeptImage):
                continue  # no new valid upload in this field
            token = stash_image(value.verified, visitor=self.visitor)
            if token:
                self.data[self.add_prefix(f"{name}_kept")] = token
            else:
                self.add_error(
                    name,
                    _(
                        "Wir können gerade keine weiteren Bilder für Sie aufbewahren. Bitte "
                        "wählen Sie dieses Bild beim nächsten Absenden noch einmal aus."
                    ),
                )
