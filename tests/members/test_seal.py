"""The member seal: SVG, PNG, PDF certificate and embed snippet (pure functions, no database)."""

import io
import re
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser

import pytest
import segno
import zxingcpp
from PIL import Image

from members import seal
from members.seal import (
    BRAND_TEXT,
    PNG_SIZES,
    VARIANTS,
    SealData,
    certificate_pdf,
    embed_snippet,
    qr_matrix,
    seal_png,
    seal_svg,
)

SVG_NS = "{http://www.w3.org/2000/svg}"
URL = "https://smartregion-emscher-lippe.de/siegel/AB12CD34EF/"
HOSTILE = "Evil <script>alert(1)</script> & \"Co\" 'KG'"

MEMBER = SealData("Stadtwerke Musterstadt GmbH", 2027, URL)
FOUNDER = SealData(
    "Gründerzentrum Bottrop e. V.",
    None,
    "https://smartregion-emscher-lippe.de/siegel/ZZ99XY/",
    founding=True,
)
LONG_NAME = "Wirtschaftsförderung und Stadtmarketing Gelsenkirchen GmbH & Co. KG – Digitales Büro"  # 85 characters


def _svg_root(data, variant="light"):
    return ET.fromstring(seal_svg(data, variant=variant))


def _svg_texts(root):
    return [element.text for element in root.iter(f"{SVG_NS}text")]


def _png(data, **kwargs):
    return Image.open(io.BytesIO(seal_png(data, **kwargs)))


def _decode(image):
    return [result.text for result in zxingcpp.read_barcodes(image)]


def _pdf(data=MEMBER, **kwargs):
    kwargs = {
        "member_number": "SR-2026-0042",
        "valid_from": date(2026, 1, 1),
        "valid_until": date(2027, 12, 31),
    } | kwargs
    return certificate_pdf(data, **kwargs)


# --- Input and QR ---------------------------------------------------------------------------


def test_qr_matrix_is_segno_at_level_m_without_boost():
    expected = segno.make(URL, error="m", boost_error=False).matrix
    matrix = qr_matrix(URL)
    assert [[bool(cell) for cell in row] for row in expected] == [list(row) for row in matrix]
    assert segno.make(URL, error="m", boost_error=False).designator.endswith("-M")


def test_year_line_for_members_and_founders():
    assert MEMBER.year_line == "gültig bis 2027"
    assert FOUNDER.year_line == "Gründungsmitglied"
    both = SealData("X", 2030, URL, founding=True)
    assert both.year_line == "Gründungsmitglied · gültig bis 2030"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"organisation_name": "  ", "year": 2027, "verify_url": URL},
        {"organisation_name": "X", "year": None, "verify_url": URL},
        {"organisation_name": "X", "year": "2027", "verify_url": URL},
        {"organisation_name": "X", "year": 2027, "verify_url": "javascript:alert(1)"},
        {"organisation_name": "X", "year": 2027, "verify_url": "/siegel/abc/"},
        {"organisation_name": "X", "year": 2027, "verify_url": "https://a.de/x y"},
    ],
)
def test_seal_data_rejects_invalid_input(kwargs):
    with pytest.raises(ValueError):
        SealData(**kwargs)


def test_unknown_variant_is_rejected():
    with pytest.raises(ValueError):
        seal_svg(MEMBER, variant="sepia")
    with pytest.raises(ValueError):
        seal_png(MEMBER, variant="sepia")


# --- SVG ------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_svg_is_xml_with_brand_name_and_year(variant):
    root = _svg_root(MEMBER, variant)
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("viewBox") == "0 0 1000 1000"
    texts = _svg_texts(root)
    assert texts[:3] == ["Part of", "SMART REGION", "Emscher-Lippe"]
    assert "Stadtwerke Musterstadt GmbH" in texts
    assert "gültig bis 2027" in texts
    title = root.find(f"{SVG_NS}title").text
    assert title == f"{BRAND_TEXT} – Stadtwerke Musterstadt GmbH – gültig bis 2027"
    assert root.get("aria-label") == title
    assert all("sans-serif" in t.get("font-family") for t in root.iter(f"{SVG_NS}text"))


def test_svg_founder_shows_gruendungsmitglied():
    texts = _svg_texts(_svg_root(FOUNDER))
    assert "Gründungsmitglied" in texts
    assert not any("gültig bis" in text for text in texts)
    assert seal_svg(FOUNDER).decode("utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>')


def test_svg_escapes_hostile_names():
    data = SealData(HOSTILE, 2027, URL)
    raw = seal_svg(data).decode("utf-8")
    assert "<script>" not in raw
    assert "&lt;script&gt;" in raw
    root = ET.fromstring(raw)
    assert HOSTILE in " ".join(_svg_texts(root))  # the name may wrap, but survives intact
    assert HOSTILE in root.find(f"{SVG_NS}title").text
    assert HOSTILE in root.get("aria-label")


def test_svg_drops_control_characters_that_xml_forbids():
    data = SealData("Null\x00Byte\x1b Verein\n e. V.", 2027, URL)
    texts = _svg_texts(ET.fromstring(seal_svg(data)))
    assert "NullByte Verein e. V." in texts


@pytest.mark.parametrize("data", [MEMBER, FOUNDER], ids=["member", "founder"])
@pytest.mark.parametrize("variant", VARIANTS)
def test_svg_qr_path_draws_exactly_the_segno_matrix(data, variant):
    root = _svg_root(data, variant)
    (path,) = root.iter(f"{SVG_NS}path")
    d = path.get("d")
    runs = re.findall(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z", d)
    assert "".join(f"M{x} {y}h{n}v1h-{m}z" for x, y, n, m in runs) == d
    expected = segno.make(data.verify_url, error="m", boost_error=False).matrix
    drawn = [[False] * len(expected) for _ in expected]
    for x, y, n, m in runs:
        assert n == m
        for i in range(int(n)):
            assert not drawn[int(y)][int(x) + i]
            drawn[int(y)][int(x) + i] = True
    assert drawn == [[bool(cell) for cell in row] for row in expected]
    assert path.get("fill") == seal.DARK_BLUE


@pytest.mark.parametrize("variant", VARIANTS)
def test_svg_qr_sits_on_a_white_panel_with_four_module_quiet_zone(variant):
    root = _svg_root(MEMBER, variant)
    (path,) = root.iter(f"{SVG_NS}path")
    tx, ty, module = map(
        float,
        re.fullmatch(
            r"translate\(([\d.]+) ([\d.]+)\) scale\(([\d.]+)\)", path.get("transform")
        ).groups(),
    )
    count = len(qr_matrix(URL))
    panels = [
        r
        for r in root.iter(f"{SVG_NS}rect")
        if r.get("fill") == seal.WHITE
        and float(r.get("x")) <= tx - 4 * module + 0.01
        and float(r.get("y")) <= ty - 4 * module + 0.01
        and float(r.get("x")) + float(r.get("width")) >= tx + (count + 4) * module - 0.01
        and float(r.get("y")) + float(r.get("height")) >= ty + (count + 4) * module - 0.01
    ]
    assert panels, "no white panel covers the code and its quiet zone"


def test_svg_variants_use_brand_colours():
    light_rects = [r.get("fill") for r in _svg_root(MEMBER, "light").iter(f"{SVG_NS}rect")]
    dark_rects = [r.get("fill") for r in _svg_root(MEMBER, "dark").iter(f"{SVG_NS}rect")]
    assert light_rects[:2] == [seal.DARK_BLUE, seal.WHITE]  # dark rim, white badge
    assert dark_rects[:2] == [seal.ACCENT, seal.DARK_BLUE]  # light rim, dark badge
    light_ink = {t.get("fill") for t in _svg_root(MEMBER, "light").iter(f"{SVG_NS}text")}
    assert light_ink <= {seal.DARK_BLUE, seal.GREEN, seal.WHITE}


# --- PNG ------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", PNG_SIZES)
@pytest.mark.parametrize("variant", VARIANTS)
def test_png_has_exact_size_rgba_and_transparent_corners(size, variant):
    image = _png(MEMBER, size=size, variant=variant)
    assert image.format == "PNG"
    assert image.mode == "RGBA"
    assert image.size == (size, size)
    for corner in [(0, 0), (size - 1, 0), (0, size - 1), (size - 1, size - 1)]:
        assert image.getpixel(corner)[3] == 0
    assert image.getpixel((size // 2, size // 2))[3] == 255


@pytest.mark.parametrize("variant", VARIANTS)
def test_png_badge_colour_per_variant(variant):
    image = _png(MEMBER, size=512, variant=variant)
    # Left of the QR code, inside the badge: the badge background.
    expected = (255, 255, 255, 255) if variant == "light" else (11, 61, 92, 255)
    assert image.getpixel((80, 256)) == expected


@pytest.mark.parametrize("size", PNG_SIZES)
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("data", [MEMBER, FOUNDER], ids=["member", "founder"])
def test_png_qr_decodes_to_exactly_the_verify_url(data, variant, size):
    assert _decode(_png(data, size=size, variant=variant)) == [data.verify_url]


def test_png_rejects_sizes_out_of_range():
    for size in (0, 10, 10_000, 512.0, True):
        with pytest.raises(ValueError):
            seal_png(MEMBER, size=size)


def test_png_without_dejavu_falls_back_to_pillows_default_font(monkeypatch):
    monkeypatch.setattr(seal, "FONT_REGULAR", "/nonexistent/Regular.ttf")
    monkeypatch.setattr(seal, "FONT_BOLD", "/nonexistent/Bold.ttf")
    seal._png_font.cache_clear()
    try:
        first = seal_png(MEMBER, size=1024, variant="dark")
        assert first == seal_png(MEMBER, size=1024, variant="dark")
        image = Image.open(io.BytesIO(first))
        assert image.size == (1024, 1024)
        assert _decode(image) == [URL]
    finally:
        seal._png_font.cache_clear()


# --- Long names -----------------------------------------------------------------------------


def _name_lines(data):
    layout = seal._seal_layout(data, "light")
    texts = [item for item in layout if isinstance(item, seal._Text)]
    return texts[3:-1]  # between the brand lines and the year


def test_long_names_wrap_into_at_most_three_lines_that_fit():
    assert len(LONG_NAME) >= 80
    lines = _name_lines(SealData(LONG_NAME, 2027, URL))
    assert 2 <= len(lines) <= 3
    assert " ".join(line.text for line in lines) == LONG_NAME
    for line in lines:
        assert seal._estimate_width(line.text, line.size, True) <= line.max_width
    assert len({line.size for line in lines}) == 1
    assert lines[0].size < _name_lines(MEMBER)[0].size  # shrunk


def test_overlong_names_and_words_are_cut_with_an_ellipsis():
    lines = _name_lines(SealData("Donaudampfschifffahrtsgesellschaft " * 12, 2027, URL))
    assert len(lines) == 3
    assert lines[-1].text.endswith("…")
    for line in lines:
        assert seal._estimate_width(line.text, line.size, True) <= line.max_width
    (single,) = _name_lines(SealData("A" * 10, 2027, URL))
    assert single.text == "A" * 10


# --- PDF ------------------------------------------------------------------------------------


def test_pdf_is_one_a4_page_with_the_certificate_texts():
    pdf = _pdf()
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert (
        b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf or b"/MediaBox [0 0 595.2756 841.8898]" in pdf
    )
    assert re.search(rb"/Count 1\b", pdf)
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 1
    for text in [
        b"Urkunde",
        b"Stadtwerke Musterstadt GmbH",
        b"ist Part of SMART REGION Emscher-Lippe",
        b"SR-2026-0042",
        b"01.01.2026",
        b"31.12.2027",
        b"WiN Emscher-Lippe GmbH",
        URL.encode(),
    ]:
        assert text in pdf, text
    assert b"/Author (WiN Emscher-Lippe GmbH)" in pdf


def test_pdf_draws_the_qr_code_as_vector_rectangles():
    pdf = _pdf()
    runs = seal._qr_runs(qr_matrix(URL))
    assert len(re.findall(rb" re\b", pdf)) >= len(runs)
    assert b"/Subtype /Image" not in pdf  # no raster image anywhere


def test_pdf_for_founders_is_unlimited():
    pdf = _pdf(FOUNDER, member_number="SR-0001", valid_until=None)
    assert b"unbefristet" in pdf
    assert b"SR-0001" in pdf
    assert seal.validity_text(FOUNDER, date(2026, 1, 1), None) == (
        "ab 01.01.2026, unbefristet (Gründungsmitglied)"
    )
    assert seal.validity_text(MEMBER, date(2026, 1, 1), date(2027, 12, 31)) == (
        "01.01.2026 – 31.12.2027"
    )


def test_pdf_rejects_bad_input():
    with pytest.raises(ValueError):
        _pdf(member_number=" ")
    with pytest.raises(ValueError):
        _pdf(valid_from=date(2027, 1, 1), valid_until=date(2026, 1, 1))


def test_pdf_with_long_and_hostile_names_stays_one_page():
    for name in (LONG_NAME, HOSTILE, "Sehr " * 40):
        pdf = _pdf(SealData(name, 2027, URL))
        assert re.search(rb"/Count 1\b", pdf)


# --- Determinism ----------------------------------------------------------------------------


def _clear_caches():
    seal._seal_layout.cache_clear()
    seal.qr_matrix.cache_clear()
    seal._png_font.cache_clear()


@pytest.mark.parametrize("data", [MEMBER, FOUNDER, SealData(HOSTILE, 2027, URL)])
def test_every_format_is_byte_identical_for_the_same_input(data):
    def render():
        outputs = [_pdf(data), embed_snippet(data, image_url="https://example.org/s.png")]
        for variant in VARIANTS:
            outputs.append(seal_svg(data, variant=variant))
            outputs.extend(seal_png(data, size=size, variant=variant) for size in PNG_SIZES)
        return outputs

    first = render()
    _clear_caches()
    assert render() == first
    assert seal_svg(data, variant="light") != seal_svg(data, variant="dark")


def test_different_urls_give_different_codes():
    other = SealData(MEMBER.organisation_name, 2027, URL.replace("AB12", "ZZ34"))
    assert qr_matrix(other.verify_url) != qr_matrix(URL)
    assert seal_png(other) != seal_png(MEMBER)


# --- Embed snippet --------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_embed_snippet_links_image_to_verification_page():
    snippet = embed_snippet(MEMBER, image_url="https://example.org/seal.png?v=1&size=512")
    parser = _Tags()
    parser.feed(snippet)
    (a_tag, a), (img_tag, img) = parser.tags
    assert (a_tag, img_tag) == ("a", "img")
    assert a["href"] == URL
    assert img["src"] == "https://example.org/seal.png?v=1&size=512"
    assert img["alt"] == f"{BRAND_TEXT} – Stadtwerke Musterstadt GmbH (Siegel prüfen)"
    assert img["width"] == img["height"] == "160"
    assert snippet.endswith("</a>")
    assert "&size" not in snippet  # ampersands are escaped


def test_embed_snippet_escapes_hostile_names():
    snippet = embed_snippet(SealData(HOSTILE, 2027, URL), image_url="https://example.org/s.png")
    assert "<script>" not in snippet
    assert '"Co"' not in snippet
    parser = _Tags()
    parser.feed(snippet)
    assert [tag for tag, _ in parser.tags] == ["a", "img"]
    assert parser.tags[1][1]["alt"] == f"{BRAND_TEXT} – {HOSTILE} (Siegel prüfen)"


def test_embed_snippet_rejects_non_http_image_urls():
    with pytest.raises(ValueError):
        embed_snippet(MEMBER, image_url='javascript:alert("x")')
