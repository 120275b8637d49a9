"""smartregion.core.images: every test image is generated here with Pillow (or by hand)."""

import json
import math
import struct
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, ImageFile

from smartregion.core.images import (
    ImageRejected,
    KeptImage,
    Rendition,
    VerifiedImageField,
    build_srcset,
    copy_original,
    delete_renditions,
    make_renditions,
    original_file,
    original_name,
    picture,
    render_original,
    rendition_widths,
    stash_image,
    store_original,
    store_renditions,
    verify_image,
)

FORMAT_MESSAGE = "Bitte laden Sie ein Bild im Format JPEG, PNG oder WebP hoch."
CORRUPT_MESSAGE = "Die Datei ist beschädigt oder unvollständig."
PIXELS_MESSAGE = "Das Bild hat zu viele Pixel"
PILLOW_DEFAULT_MAX_PIXELS = int(1024 * 1024 * 1024 // 4 // 3)


def encode(image, fmt, **params) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def photo(size=(1200, 800)) -> Image.Image:
    """An RGB image with some structure, so encoders have something to do."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image.paste((200, 30, 30), (0, 0, size[0] // 2, size[1] // 2))
    return image


def upload(content: bytes, name="bild.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def decode(content: bytes) -> Image.Image:
    image = Image.open(BytesIO(content))
    image.load()
    return image


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of the given size: all zeros, so a few KB claim many megapixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = bytes(1 + math.ceil(width / 8))  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    batch = row * 1000
    idat = b"".join(compressor.compress(batch) for _ in range(height // 1000))
    idat += compressor.compress(row * (height % 1000)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def exif_with_gps(orientation=None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"  # GPSLatitudeRef
    gps[2] = (51.0, 36.0, 12.0)  # GPSLatitude
    gps[3] = "E"
    gps[4] = (7.0, 11.0, 30.0)
    return exif


# --- accepted formats -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "params"),
    [("JPEG", {"quality": 90}), ("PNG", {}), ("WEBP", {"quality": 90})],
)
def test_jpeg_png_and_webp_are_accepted(fmt, params):
    verified = verify_image(upload(encode(photo(), fmt, **params)))

    assert verified.original_format == fmt
    assert verified.original_size == (1200, 800)
    assert (verified.width, verified.height) == (1200, 800)
    assert verified.image.mode == "RGB"
    assert verified.image.info == {}
    assert not verified.has_alpha


def test_bytes_and_plain_file_objects_are_accepted_too():
    content = encode(photo(), "PNG")
    assert verify_image(content).original_format == "PNG"
    assert verify_image(BytesIO(content)).original_format == "PNG"


def test_mpo_from_cameras_counts_as_jpeg():
    buffer = BytesIO()
    photo().save(buffer, "MPO", save_all=True, append_images=[photo((600, 400))])
    assert Image.open(BytesIO(buffer.getvalue())).format == "MPO"

    verified = verify_image(upload(buffer.getvalue()))

    assert verified.original_format == "JPEG"
    assert verified.image.size == (1200, 800)


def test_upload_position_is_rewound():
    file = upload(encode(photo(), "JPEG"))
    verify_image(file)
    assert file.tell() == 0


# --- refused formats and broken files ---------------------------------------------------------


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="900" height="900">'
    b'<script>alert(1)</script><rect width="900" height="900"/></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(SVG, id="svg"),
        pytest.param(HTML, id="html-named-jpg"),
        pytest.param(encode(photo(), "TIFF"), id="tiff"),
        pytest.param(encode(photo(), "BMP"), id="bmp"),
        pytest.param(encode(photo(), "GIF"), id="gif"),
        pytest.param(encode(photo((64, 64)), "ICO"), id="ico"),
        pytest.param(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", id="pdf"),
        pytest.param(b"nur Text", id="text"),
    ],
)
def test_other_formats_are_refused_whatever_name_and_content_type_claim(content):
    # Every upload claims to be a JPEG by name and content type: only the data counts.
    with pytest.raises(ImageRejected) as caught:
        verify_image(upload(content, name="urlaub.jpg", content_type="image/jpeg"))

    assert caught.value.messages == [FORMAT_MESSAGE]
    assert caught.value.code == "format"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_truncated_files_are_refused(fmt):
    content = encode(photo(), fmt)
    truncated = content[: int(len(content) * 0.7)]  # the last 30 % cut off

    with pytest.raises(ImageRejected) as caught:
        verify_image(upload(truncated))

    assert caught.value.messages == [CORRUPT_MESSAGE]
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_png_with_bad_checksum_is_refused():
    content = bytearray(encode(photo(), "PNG"))
    content[-20] ^= 0xFF  # inside the last IDAT chunk

    with pytest.raises(ImageRejected) as caught:
        verify_image(bytes(content))

    assert caught.value.messages == [CORRUPT_MESSAGE]


def test_load_truncated_images_switched_on_is_a_configuration_error(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)

    with pytest.raises(ImproperlyConfigured):
        verify_image(encode(photo(), "JPEG"))


# Documented choice: bytes appended after the image data (or hidden in comments and text
# chunks) do not get the file refused; they are lost because only re-encoded pixels are kept.
@pytest.mark.parametrize(
    ("fmt", "params"),
    [
        ("JPEG", {"comment": b"<script>alert(2)</script>"}),
        ("PNG", {}),
        ("WEBP", {}),
    ],
)
def test_appended_script_is_lost_by_re_encoding(fmt, params):
    if fmt == "PNG":
        from PIL.PngImagePlugin import PngInfo

        text = PngInfo()
        text.add_text("Comment", "<script>alert(2)</script>")
        params = {"pnginfo": text}
    content = encode(photo(), fmt, **params) + b"<script>alert(1)</script>"

    verified = verify_image(upload(content))
    renditions = make_renditions(verified)
    logo_renditions = make_renditions(verified.image.convert("RGBA"), keep_alpha=True)

    assert renditions
    for rendition in renditions + logo_renditions:
        assert b"<script" not in rendition.content
        assert b"alert(" not in rendition.content


# --- decompression bombs ----------------------------------------------------------------------


def test_pillow_limit_is_not_disabled_globally():
    assert Image.MAX_IMAGE_PIXELS == PILLOW_DEFAULT_MAX_PIXELS


def test_huge_dimensions_in_a_small_png_are_refused():
    bomb = png_bomb(20000, 20000)  # 400 megapixels, more than twice Pillow's limit
    assert len(bomb) < 200_000

    with pytest.raises(ImageRejected) as caught:
        verify_image(upload(bomb, name="bombe.png", content_type="image/png"))

    assert caught.value.messages[0].startswith(PIXELS_MESSAGE)
    assert caught.value.code == "too_many_pixels"


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("max_pixels", [40_000_000, 10**9])
def test_between_one_and_two_times_pillows_limit_is_refused_not_just_warned(max_pixels):
    # Pillow itself would only warn here; a caller's higher limit does not lift Pillow's.
    side = math.isqrt(int(PILLOW_DEFAULT_MAX_PIXELS * 1.5))
    assert PILLOW_DEFAULT_MAX_PIXELS < side * side < 2 * PILLOW_DEFAULT_MAX_PIXELS

    with pytest.raises(ImageRejected) as caught:
        verify_image(png_bomb(side, side), max_pixels=max_pixels)

    assert caught.value.messages[0].startswith(PIXELS_MESSAGE)


def test_our_own_pixel_limit_is_lower_than_pillows():
    bomb = png_bomb(5001, 5000)  # 25.005 megapixels: below Pillow's limit, above ours

    with pytest.raises(ImageRejected) as caught:
        verify_image(bomb)

    assert caught.value.messages == [
        "Das Bild hat zu viele Pixel (höchstens 25 Megapixel).",
    ]
    with pytest.raises(ImageRejected):
        verify_image(encode(photo((1000, 800)), "PNG"), max_pixels=799_999)
    assert verify_image(encode(photo((1000, 800)), "PNG"), max_pixels=800_000)


def test_twenty_five_megapixels_are_the_limit():
    assert verify_image(png_bomb(5000, 5000)).original_size == (5000, 5000)
    with pytest.raises(ImageRejected) as caught:
        verify_image(png_bomb(5001, 5000))
    assert caught.value.messages == ["Das Bild hat zu viele Pixel (höchstens 25 Megapixel)."]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_large_images_are_kept_at_most_at_the_originals_size(fmt):
    verified = verify_image(encode(photo((6000, 4000)), fmt))

    assert verified.original_size == (6000, 4000)
    assert verified.full_width == 6000
    assert verified.size == verified.image.size == (2400, 1600)
    assert verified.image.getpixel((10, 10)) == pytest.approx((200, 30, 30), abs=8)
    full = verify_image(encode(photo((3000, 2000)), fmt), max_decoded_side=None)
    assert full.image.size == (3000, 2000)


def test_min_width_is_checked_against_the_picture_not_the_smaller_copy():
    tall = encode(photo((1000, 4000)), "JPEG")  # kept as 600 × 2400

    verified = verify_image(tall, min_width=800)

    assert verified.size == (600, 2400)
    assert verified.full_width == 1000
    with pytest.raises(ImageRejected):
        verify_image(tall, min_width=1001)


def test_orientation_is_applied_to_the_smaller_copy_and_to_the_width_check():
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: shown 2000 wide and 5000 high
    upload = encode(photo((5000, 2000)), "JPEG", exif=exif.tobytes())

    verified = verify_image(upload, min_width=2000)

    assert verified.size == (960, 2400)
    assert verified.full_width == 2000
    with pytest.raises(ImageRejected):
        verify_image(upload, min_width=2001)


PEAK_MEMORY_SCRIPT = """
import json, sys
import django
django.setup()
from smartregion.core.images import verify_image

def status(key):
    with open("/proc/self/status") as handle:
        return next(int(l.split()[1]) for l in handle if l.startswith(key + ":"))

data = open(sys.argv[1], "rb").read()
before = status("VmRSS")
kept = [verify_image(data) for _ in range(int(sys.argv[2]))]
images = [v.image.size for v in kept]
print(json.dumps({"growth_mib": (status("VmHWM") - before) / 1024, "sizes": images}))
"""


def peak_growth_mib(path: Path, count: int) -> dict:
    """Verify ``count`` copies of the image at ``path`` in a fresh process, keeping them all as a
    form does; return how far its peak RSS rose above what it had before (and the sizes)."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="tests.settings")
    result = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY_SCRIPT, str(path), str(count)],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("fmt", "limit_mib"),
    [
        ("JPEG", 100),  # decoded at half size (25 MB), one at a time
        ("PNG", 200),  # decoded in full (100 MB) and reduced, one at a time
    ],
)
def test_seven_images_of_25_megapixels_are_never_held_at_once(tmp_path, fmt, limit_mib):
    # Square: the most pixels a kept copy can have (2400 × 2400).
    side = 5000
    image = Image.linear_gradient("L").resize((side, side)).convert("RGB")
    path = tmp_path / f"gross.{fmt.lower()}"
    image.save(path, fmt)
    del image

    result = peak_growth_mib(path, 7)

    assert result["sizes"] == [[2400, 2400]] * 7
    # Each decoded at full size and held: 7 × 100 MB and more.
    assert result["growth_mib"] < limit_mib, result


def test_very_long_sides_are_refused():
    with pytest.raises(ImageRejected) as caught:
        verify_image(png_bomb(20000, 10))

    assert caught.value.code == "too_many_pixels"


# --- metadata and orientation -----------------------------------------------------------------


def test_exif_with_gps_is_stripped_from_all_renditions():
    content = encode(photo(), "JPEG", exif=exif_with_gps())
    assert Image.open(BytesIO(content)).getexif().get_ifd(0x8825)

    verified = verify_image(upload(content))
    renditions = make_renditions(verified)

    assert verified.image.info == {}
    assert not verified.image.getexif()
    for rendition in renditions:
        decoded = decode(rendition.content)
        assert "exif" not in decoded.info
        assert not decoded.getexif()
        assert b"SecretCam" not in rendition.content
        assert b"Exif" not in rendition.content


def test_renditions_of_a_raw_pillow_image_carry_no_metadata_either():
    raw = decode(encode(photo(), "JPEG", exif=exif_with_gps(), comment=b"geheim"))

    renditions = make_renditions(raw)

    assert "exif" in raw.info  # the caller's image is left alone
    for rendition in renditions:
        assert b"SecretCam" not in rendition.content
        assert b"geheim" not in rendition.content


def test_icc_profile_is_converted_and_dropped():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    content = encode(photo(), "JPEG", icc_profile=profile)

    verified = verify_image(content)

    assert "icc_profile" not in verified.image.info
    for rendition in make_renditions(verified):
        assert "icc_profile" not in decode(rendition.content).info


def test_exif_orientation_is_applied():
    image = Image.new("RGB", (200, 100), (255, 0, 0))
    image.paste((0, 0, 255), (100, 0, 200, 100))  # left red, right blue as stored
    content = encode(image, "JPEG", quality=95, exif=exif_with_gps(orientation=6))

    verified = verify_image(content)

    # Orientation 6: shown rotated 90° clockwise, so the stored left half ends up on top.
    assert verified.image.size == (100, 200)
    assert verified.original_size == (200, 100)
    top, bottom = verified.image.getpixel((50, 20)), verified.image.getpixel((50, 180))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60
    rendition = make_renditions(verified)[0]
    assert (rendition.width, rendition.height) == (100, 200)
    assert decode(rendition.content).size == (100, 200)


def test_sixteen_bit_greyscale_is_scaled_not_clipped():
    content = encode(Image.new("I;16", (100, 100), 32768), "PNG")

    verified = verify_image(content)

    assert verified.image.mode == "RGB"
    assert verified.image.getpixel((0, 0)) == (128, 128, 128)


# --- size limits ------------------------------------------------------------------------------


def test_min_width_is_enforced_after_orientation():
    with pytest.raises(ImageRejected) as caught:
        verify_image(encode(photo((799, 600)), "JPEG"), min_width=800)
    assert caught.value.messages == ["Das Bild ist zu klein: mindestens 800 Pixel Breite."]
    assert caught.value.code == "too_small"

    assert verify_image(encode(photo((800, 600)), "JPEG"), min_width=800).width == 800

    turned = encode(photo((900, 700)), "JPEG", exif=exif_with_gps(orientation=6))
    with pytest.raises(ImageRejected):
        verify_image(turned, min_width=800)  # shown 700 pixels wide


def test_max_bytes_is_enforced():
    big = SimpleUploadedFile("gross.jpg", b"\xff\xd8" + bytes(10 * 1024 * 1024))
    with pytest.raises(ImageRejected) as caught:
        verify_image(big)
    assert caught.value.messages == ["Die Datei ist zu groß (höchstens 10 MB)."]
    assert caught.value.code == "too_large"

    content = encode(photo(), "PNG")
    with pytest.raises(ImageRejected) as caught:
        verify_image(BytesIO(content), max_bytes=len(content) - 1)  # no size attribute
    assert caught.value.code == "too_large"
    with pytest.raises(ImageRejected) as caught:
        verify_image(content, max_bytes=512)
    assert caught.value.messages == ["Die Datei ist zu groß (höchstens 0,5 KB)."]
    assert verify_image(BytesIO(content), max_bytes=len(content))


# --- renditions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        (2000, [480, 960, 1600]),
        (1600, [480, 960, 1600]),
        (1200, [480, 960, 1200]),
        (480, [480]),
        (700, [480, 700]),
        (300, [300]),
    ],
)
def test_rendition_widths_never_upscale(original, expected):
    assert rendition_widths(original) == expected


def test_renditions_decode_to_their_format_and_size():
    verified = verify_image(encode(photo((1200, 800)), "JPEG"))

    renditions = make_renditions(verified)

    assert [(r.width, r.format) for r in renditions] == [
        (480, "webp"),
        (480, "jpeg"),
        (960, "webp"),
        (960, "jpeg"),
        (1200, "webp"),
        (1200, "jpeg"),
    ]
    for rendition in renditions:
        assert isinstance(rendition, Rendition)
        assert rendition.height == round(800 * rendition.width / 1200)
        decoded = decode(rendition.content)
        assert decoded.format == rendition.format.upper()
        assert decoded.size == (rendition.width, rendition.height)
        assert decoded.mode == "RGB"


def test_small_image_gets_one_width_at_its_own_size():
    renditions = make_renditions(verify_image(encode(photo((300, 200)), "PNG")))

    assert [(r.width, r.height, r.format) for r in renditions] == [
        (300, 200, "webp"),
        (300, 200, "jpeg"),
    ]


def test_custom_widths_and_quality():
    image = photo((1000, 500))
    small = make_renditions(image, widths=(200, 400, 2000), quality=40)
    large = make_renditions(image, widths=(200, 400), quality=95)

    assert sorted({r.width for r in small}) == [200, 400, 1000]
    assert sorted({r.width for r in large}) == [200, 400]
    assert len(small[1].content) < len(large[1].content)


def logo() -> Image.Image:
    image = Image.new("RGBA", (600, 300), (0, 0, 0, 0))
    image.paste((0, 90, 160, 255), (100, 50, 500, 250))
    return image


def test_transparent_image_keeps_alpha_in_webp_and_gets_png_fallback():
    verified = verify_image(upload(encode(logo(), "PNG"), name="logo.png"))
    assert verified.has_alpha

    renditions = make_renditions(verified)

    assert [(r.width, r.format) for r in renditions] == [
        (480, "webp"),
        (480, "png"),
        (600, "webp"),
        (600, "png"),
    ]
    for rendition in renditions:
        decoded = decode(rendition.content).convert("RGBA")
        assert decode(rendition.content).format == rendition.format.upper()
        assert decoded.getpixel((0, 0))[3] == 0  # transparent corner
        assert decoded.getpixel((240, 120))[3] == 255  # opaque middle


def test_transparent_webp_and_palette_png_are_recognised_as_transparent():
    webp = verify_image(encode(logo(), "WEBP", lossless=True))
    palette = verify_image(encode(logo().convert("P"), "PNG", transparency=0))

    assert webp.has_alpha
    assert palette.image.mode == "RGBA"


def test_alpha_can_be_dropped_for_photos():
    renditions = make_renditions(logo(), keep_alpha=False)

    assert {r.format for r in renditions} == {"webp", "jpeg"}
    corner = decode(renditions[1].content).getpixel((0, 0))
    assert all(channel > 245 for channel in corner)  # put on white


def test_opaque_alpha_channel_is_treated_as_a_photo():
    verified = verify_image(encode(photo().convert("RGBA"), "PNG"))

    assert not verified.has_alpha
    assert {r.format for r in make_renditions(verified)} == {"webp", "jpeg"}


# --- storage ----------------------------------------------------------------------------------


def test_store_renditions_and_build_srcset(settings):
    renditions = make_renditions(verify_image(encode(photo((1000, 500)), "JPEG")))

    stored = store_renditions(renditions, prefix="blog/2025/fest/")

    assert json.loads(json.dumps(stored)) == stored
    assert stored[0] == {
        "path": "blog/2025/fest/480.webp",
        "width": 480,
        "height": 240,
        "format": "webp",
    }
    for entry, rendition in zip(stored, renditions, strict=True):
        assert (Path(settings.MEDIA_ROOT) / entry["path"]).read_bytes() == rendition.content
    assert build_srcset(stored, "webp") == (
        "/media/blog/2025/fest/480.webp 480w, /media/blog/2025/fest/960.webp 960w, "
        "/media/blog/2025/fest/1000.webp 1000w"
    )
    assert build_srcset(stored, "jpeg") == (
        "/media/blog/2025/fest/480.jpg 480w, /media/blog/2025/fest/960.jpg 960w, "
        "/media/blog/2025/fest/1000.jpg 1000w"
    )
    assert build_srcset(stored, "png") == ""
    assert picture(stored) == {
        "webp_srcset": build_srcset(stored, "webp"),
        "srcset": build_srcset(stored, "jpeg"),
        "type": "image/jpeg",
        "src": "/media/blog/2025/fest/1000.jpg",
        "width": 1000,
        "height": 500,
    }
    assert picture([]) is None

    again = store_renditions(renditions, prefix="blog/2025/fest")
    assert again[0]["path"] != stored[0]["path"]  # never overwrites

    delete_renditions(stored + again)
    assert not any((Path(settings.MEDIA_ROOT) / "blog/2025/fest").iterdir())


def test_logo_picture_uses_png_fallback():
    stored = store_renditions(make_renditions(logo()), prefix="members/logo")

    result = picture(stored)

    assert result["type"] == "image/png"
    assert result["src"] == "/media/members/logo/600.png"


# --- private originals ------------------------------------------------------------------------


def test_original_file_keeps_photos_as_webp_within_the_largest_side():
    content = original_file(verify_image(encode(photo((3000, 1500)), "JPEG")))

    kept = decode(content.read())
    assert kept.format == "WEBP"
    assert kept.size == (2400, 1200)
    assert content.name.endswith(".webp")


def test_original_file_keeps_transparency_as_png():
    content = original_file(verify_image(encode(logo(), "PNG")))

    kept = decode(content.read())
    assert kept.format == "PNG"
    assert kept.mode == "RGBA"
    assert kept.getpixel((0, 0))[3] == 0
    assert content.name.endswith(".png")


def test_original_file_lossless_and_own_size_for_logos():
    verified = verify_image(encode(photo((1600, 800)), "JPEG"))

    content = original_file(verified, max_side=1200, lossless=True)

    kept = decode(content.read())
    assert kept.format == "PNG"
    assert kept.size == (1200, 600)
    expected = verified.image.copy()
    expected.thumbnail((1200, 1200))
    assert kept.convert("RGB").tobytes() == expected.tobytes()  # not a pixel changed


def test_original_file_never_upscales_and_max_side_none_keeps_the_size():
    small = verify_image(encode(photo((640, 480)), "JPEG"))
    large = verify_image(encode(photo((3000, 1500)), "JPEG"), max_decoded_side=None)

    assert decode(original_file(small).read()).size == (640, 480)
    assert decode(original_file(large, max_side=None).read()).size == (3000, 1500)


def test_original_name_uses_only_the_suffix_of_the_written_file():
    first = original_name("blog", "urlaub-mit-gps.png")
    second = original_name("blog", "urlaub-mit-gps.png")

    assert first.startswith("blog/") and first.endswith(".png")
    assert "urlaub" not in first
    assert first != second
    assert original_name("events", "original.webp").endswith(".webp")
    assert original_name("events", "script.php").endswith(".webp")


def private_fields():
    """Two file fields on the private storage, on unsaved instances (nothing touches the database)."""
    from blog.models import PostImage

    return PostImage().original, PostImage().original


def test_store_original_keeps_the_image_privately_and_replaces_the_old_file(settings):
    field_file, _ = private_fields()
    private_root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()

    store_original(field_file, verify_image(encode(photo(), "JPEG")))
    first = Path(field_file.path)
    store_original(field_file, verify_image(encode(logo(), "PNG")), max_side=300)
    second = Path(field_file.path)

    assert first.resolve().is_relative_to(private_root)
    assert not first.exists()  # replaced, not left behind
    assert second.resolve().is_relative_to(private_root) and second.suffix == ".png"
    assert decode(second.read_bytes()).size == (300, 150)
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.*"))  # nothing public


def test_copy_original_keeps_a_second_private_copy(settings):
    source, target = private_fields()
    store_original(source, verify_image(encode(logo(), "PNG")))
    store_original(target, verify_image(encode(photo(), "JPEG")))
    replaced = Path(target.path)

    copy_original(source, target)

    assert target.name != source.name
    assert Path(target.path).read_bytes() == Path(source.path).read_bytes()
    assert Path(target.path).suffix == ".png"
    assert not replaced.exists()


def test_render_original_stores_public_renditions_of_the_kept_file(settings):
    field_file, _ = private_fields()
    store_original(field_file, verify_image(encode(logo(), "PNG")))

    stored = render_original(field_file, prefix="logos/beispiel", widths=(160, 320))

    assert [(entry["width"], entry["format"]) for entry in stored] == [
        (160, "webp"),
        (160, "png"),
        (320, "webp"),
        (320, "png"),
    ]
    for entry in stored:
        assert entry["path"].startswith("logos/beispiel/")
        assert (Path(settings.MEDIA_ROOT) / entry["path"]).is_file()
    assert picture(stored)["src"] == "/media/logos/beispiel/320.png"


# --- form field -------------------------------------------------------------------------------


class CoverForm(forms.Form):
    cover = VerifiedImageField(min_width=800, label="Titelbild")
    logo = VerifiedImageField(required=False, max_bytes=1024 * 1024)


def test_form_field_shows_german_errors():
    form = CoverForm(
        data={},
        files={
            "cover": upload(SVG, name="cover.jpg"),
            "logo": upload(encode(photo((100, 100)), "BMP"), name="logo.png"),
        },
    )

    assert not form.is_valid()
    assert form.errors["cover"] == [FORMAT_MESSAGE]
    assert form.errors["logo"] == [FORMAT_MESSAGE]

    small = CoverForm(data={}, files={"cover": upload(encode(photo((640, 480)), "JPEG"))})
    assert not small.is_valid()
    assert small.errors["cover"] == ["Das Bild ist zu klein: mindestens 800 Pixel Breite."]


def test_form_field_attaches_the_verified_image():
    form = CoverForm(data={}, files={"cover": upload(encode(photo(), "JPEG"))})

    assert form.is_valid(), form.errors
    cover = form.cleaned_data["cover"]
    assert cover.verified.image.size == (1200, 800)
    assert cover.verified.original_format == "JPEG"
    assert form.cleaned_data["logo"] is None


def test_form_field_keeps_the_initial_value_without_new_upload():
    form = CoverForm(data={}, files={}, initial={"cover": "blog/alt.jpg"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["cover"] == "blog/alt.jpg"


def test_form_field_widget_limits_the_file_picker():
    html = str(CoverForm()["cover"])

    assert 'accept="image/jpeg,image/png,image/webp"' in html
    assert 'type="file"' in html


def test_form_field_takes_its_kept_image_when_no_new_file_comes():
    token = stash_image(verify_image(encode(photo(), "JPEG")))
    kept = KeptImage(verified=None, token=token)  # as keep_images() finds it: not decoded yet
    form = CoverForm(data={}, files={})
    form.fields["cover"].kept = kept

    assert form.is_valid(), form.errors
    assert form.cleaned_data["cover"].token == token
    assert form.cleaned_data["cover"].verified.image.size == (1200, 800)

    replaced = CoverForm(data={}, files={"cover": upload(encode(photo((900, 600)), "JPEG"))})
    replaced.fields["cover"].kept = kept
    assert replaced.is_valid(), replaced.errors
    assert replaced.cleaned_data["cover"].verified.image.size == (900, 600)
