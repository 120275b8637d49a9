"""Member seal "Part of SMART REGION Emscher-Lippe": SVG, PNG, PDF certificate and embed snippet.

Pure and deterministic: every function takes plain values (no Django models, no database,
no clock) and the same input always gives byte-identical output, so results can be cached
or stored and compared.

The badge is laid out once, as a short list of drawing primitives in a 1000 x 1000 unit
square (``_seal_layout``), and that list is rendered by three small backends: SVG text,
Pillow (PNG) and reportlab (the seal on the certificate). The QR code in all three comes
from ``qr_matrix`` and is always dark modules on a white quiet zone of four modules, also
in the dark variant, because scanners expect dark-on-light.
"""

import html
import io
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import segno
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas

BRAND_TEXT = "Part of SMART REGION Emscher-Lippe"
ISSUER = "WiN Emscher-Lippe GmbH"
NETWORK_DESCRIPTION = "dem regionalen Digitalisierungsnetzwerk von Gelsenkirchen, Bottrop und dem Kreis Recklinghausen"

DARK_BLUE = "#0b3d5c"
GREEN = "#0f6e4f"
ACCENT = "#9fe0c7"
WHITE = "#ffffff"
GREY = "#4a5a66"

VARIANTS = ("light", "dark")
PNG_SIZES = (256, 512, 1024)
PNG_MIN_SIZE = 64
PNG_MAX_SIZE = 4096

QR_ERROR = "m"
QR_QUIET_ZONE = 4  # modules of light margin around the symbol, as the QR standard asks

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_REGULAR = os.path.join(FONT_DIR, "DejaVuSans.ttf")
FONT_BOLD = os.path.join(FONT_DIR, "DejaVuSans-Bold.ttf")
SVG_FONT_FAMILY = "Arial, Helvetica, 'DejaVu Sans', sans-serif"

_CANVAS = 1000  # the badge is laid out in a 1000 x 1000 unit square
# Organisation name on the badge: (lines, font sizes) tried in order, see _fit_lines.
_NAME_TIERS = (
    (1, (46, 44, 42, 40, 38, 36, 34)),
    (2, (42, 40, 38, 36, 34, 32, 30)),
    (3, (38, 36, 34, 32, 30, 28, 26)),
)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _clean(text: str) -> str:
    """One line of printable text: NFC, control characters dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFC", str(text))
    text = _CONTROL_CHARS.sub("", text)
    return " ".join(text.split())


def _require_http_url(url: str, what: str) -> str:
    url = str(url).strip()
    if not re.fullmatch(r"https?://[^\s\x00-\x1f\x7f]+", url):
        raise ValueError(f"{what} must be an absolute http(s) URL without whitespace: {url!r}")
    return url


@dataclass(frozen=True)
class SealData:
    """What a seal shows. ``year`` is the last valid year; ``None`` only for founding members."""

    organisation_name: str
    year: int | None
    verify_url: str
    founding: bool = False

    def __post_init__(self):
        if not _clean(self.organisation_name):
            raise ValueError("organisation_name must not be empty")
        _require_http_url(self.verify_url, "verify_url")
        if self.year is None:
            if not self.founding:
                raise ValueError("year is required unless the member is a founding member")
        elif isinstance(self.year, bool) or not isinstance(self.year, int):
            raise ValueError(f"year must be an int or None, not {self.year!r}")

    @property
    def organisation(self) -> str:
        """The organisation name as displayed (cleaned, single line)."""
        return _clean(self.organisation_name)

    @property
    def year_line(self) -> str:
        if self.founding:
            if self.year is None:
                return "Gründungsmitglied"
            return f"Gründungsmitglied · gültig bis {self.year}"
        return f"gültig bis {self.year}"

    @property
    def url(self) -> str:
        return self.verify_url.strip()


# --- QR code ----------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def qr_matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """The QR module matrix (True = dark) for ``url``, without quiet zone.

    Fixed error level M and ``boost_error=False``, so the symbol depends on the URL only; a
    regular QR code (never Micro QR), which every phone camera reads.
    """
    qr = segno.make_qr(url, error=QR_ERROR, boost_error=False)
    return tuple(tuple(bool(cell) for cell in row) for row in qr.matrix)


def _qr_runs(matrix) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules as (x, y, length), row by row, left to right."""
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append((start, y, x - start))
            else:
                x += 1
    return runs


# --- Text measuring and fitting ---------------------------------------------------------------


def _estimate_width(text: str, size: float, bold: bool) -> float:
    """A machine-independent, slightly generous width estimate (DejaVu Sans is the widest
    common sans-serif; Helvetica metrics scaled up cover it), used for the shared layout."""
    font = "Helvetica-Bold" if bold else "Helvetica"
    return pdfmetrics.stringWidth(text, font, size) * (1.2 if bold else 1.16)


def _wrap(text: str, width: float, measure) -> list[str]:
    """Greedy word wrap; a word wider than a line is split between characters."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if measure(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
        while measure(word) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and measure(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def _fit_lines(text, *, width, tiers, bold, measure=_estimate_width):
    """Font size and lines for ``text``: the first tier ``(max_lines, sizes)`` with a size at
    which the text wraps into ``max_lines`` lines wins, largest size first, so short names stay
    on one big line and long ones get more, smaller lines. If nothing fits, the last tier's
    smallest size is used and the surplus is cut and marked with an ellipsis."""
    for max_lines, sizes in tiers:
        for size in sizes:
            lines = _wrap(text, width, lambda s, size=size: measure(s, size, bold))
            if len(lines) <= max_lines:
                return size, lines
    max_lines, sizes = tiers[-1]
    size = sizes[-1]
    lines = _wrap(text, width, lambda s: measure(s, size, bold))[:max_lines]
    last = lines[-1]
    while last and measure(last + "…", size, bold) > width:
        last = last[:-1].rstrip()
    lines[-1] = last + "…"
    return size, lines


# --- Layout -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rect:
    x: float
    y: float
    w: float
    h: float
    r: float
    fill: str


@dataclass(frozen=True)
class _Text:
    x: float  # centre
    y: float  # baseline
    text: str
    size: float
    bold: bool
    fill: str
    max_width: float


@dataclass(frozen=True)
class _QR:
    x: float  # top left of the white panel, which includes the quiet zone
    y: float
    size: float
    matrix: tuple
    dark: str
    light: str


_PALETTES = {
    "light": {
        "border": DARK_BLUE,
        "fill": WHITE,
        "kicker": GREEN,
        "title": DARK_BLUE,
        "subtitle": GREEN,
        "bar": GREEN,
        "qr_frame": ACCENT,
        "name": DARK_BLUE,
        "pill": GREEN,
        "pill_text": WHITE,
    },
    "dark": {
        "border": ACCENT,
        "fill": DARK_BLUE,
        "kicker": ACCENT,
        "title": WHITE,
        "subtitle": ACCENT,
        "bar": ACCENT,
        "qr_frame": None,
        "name": WHITE,
        "pill": ACCENT,
        "pill_text": DARK_BLUE,
    },
}


def _check_variant(variant: str) -> dict:
    if variant not in _PALETTES:
        raise ValueError(f"variant must be one of {VARIANTS}, not {variant!r}")
    return _PALETTES[variant]


@lru_cache(maxsize=128)
def _seal_layout(data: SealData, variant: str) -> tuple:
    """The badge as drawing primitives in a 1000 x 1000 square, painted in order."""
    p = _check_variant(variant)
    items: list = [
        _Rect(12, 12, 976, 976, 130, p["border"]),
        _Rect(26, 26, 948, 948, 116, p["fill"]),
        _Text(500, 118, "Part of", 40, False, p["kicker"], 800),
        _Text(500, 200, "SMART REGION", 78, True, p["title"], 820),
        _Text(500, 258, "Emscher-Lippe", 50, True, p["subtitle"], 800),
        _Rect(450, 282, 100, 8, 4, p["bar"]),
    ]
    qr_x, qr_y, qr_size = 325, 310, 350
    if p["qr_frame"]:
        items.append(_Rect(qr_x - 6, qr_y - 6, qr_size + 12, qr_size + 12, 22, p["qr_frame"]))
    items.append(_Rect(qr_x, qr_y, qr_size, qr_size, 16, WHITE))
    items.append(_QR(qr_x, qr_y, qr_size, qr_matrix(data.url), DARK_BLUE, WHITE))

    # Organisation name: up to three centred lines between the QR code and the year pill.
    name_width, box_top, box_bottom = 800, 680, 852
    size, lines = _fit_lines(
        data.organisation,
        width=name_width,
        tiers=_NAME_TIERS,
        bold=True,
    )
    leading = size * 1.2
    cap = size * 0.73
    block = (len(lines) - 1) * leading + cap
    baseline = (box_top + box_bottom) / 2 - block / 2 + cap
    for i, line in enumerate(lines):
        items.append(_Text(500, baseline + i * leading, line, size, True, p["name"], name_width))

    # Validity as a pill at the bottom.
    pill_size = 34
    text_width = min(_estimate_width(data.year_line, pill_size, True), 740)
    pill_w = max(300, text_width + 72)
    items.append(_Rect(500 - pill_w / 2, 868, pill_w, 62, 31, p["pill"]))
    items.append(_Text(500, 911, data.year_line, pill_size, True, p["pill_text"], 740))
    return tuple(items)


# --- SVG --------------------------------------------------------------------------------------


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def seal_svg(data: SealData, *, variant: str = "light") -> bytes:
    """The seal as a standalone SVG document (UTF-8), 1000 x 1000 user units."""
    label = f"{BRAND_TEXT} – {data.organisation} – {data.year_line}"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 1000 1000"'
        f' width="512" height="512" role="img" aria-label="{_attr(label)}">',
        f"<title>{html.escape(label, quote=False)}</title>",
        f"<desc>{html.escape(f'Siegel prüfen: {data.url}', quote=False)}</desc>",
    ]
    for item in _seal_layout(data, variant):
        if isinstance(item, _Rect):
            out.append(
                f'<rect x="{_num(item.x)}" y="{_num(item.y)}" width="{_num(item.w)}"'
                f' height="{_num(item.h)}" rx="{_num(item.r)}" fill="{item.fill}"/>'
            )
        elif isinstance(item, _Text):
            out.append(
                f'<text x="{_num(item.x)}" y="{_num(item.y)}" font-family="{_attr(SVG_FONT_FAMILY)}"'
                f' font-size="{_num(item.size)}" font-weight="{"bold" if item.bold else "normal"}"'
                f' text-anchor="middle" fill="{item.fill}">{html.escape(item.text, quote=False)}</text>'
            )
        else:
            count = len(item.matrix)
            module = item.size / (count + 2 * QR_QUIET_ZONE)
            origin_x = item.x + QR_QUIET_ZONE * module
            origin_y = item.y + QR_QUIET_ZONE * module
            d = "".join(f"M{x} {y}h{n}v1h-{n}z" for x, y, n in _qr_runs(item.matrix))
            out.append(
                f'<path transform="translate({_num(origin_x)} {_num(origin_y)})'
                f' scale({module:.6f})" fill="{item.dark}" shape-rendering="crispEdges"'
                f' d="{d}"/>'
            )
    out.append("</svg>")
    return ("\n".join(out) + "\n").encode("utf-8")


# --- PNG --------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _png_font(size: int, bold: bool):
    path = FONT_BOLD if bold else FONT_REGULAR
    if os.path.exists(path):
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _rgba(colour: str, alpha: int = 255) -> tuple[int, int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16), alpha)


def _png_rect(image: Image.Image, rect: _Rect, scale: float, supersample: int = 4) -> None:
    """An anti-aliased rounded rectangle: the shape is drawn as a supersampled alpha mask."""
    x0, y0 = rect.x * scale, rect.y * scale
    x1, y1 = (rect.x + rect.w) * scale, (rect.y + rect.h) * scale
    left, top = math.floor(x0), math.floor(y0)
    width, height = math.ceil(x1) - left, math.ceil(y1) - top
    mask = Image.new("L", (width * supersample, height * supersample), 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        (
            round((x0 - left) * supersample),
            round((y0 - top) * supersample),
            round((x1 - left) * supersample) - 1,
            round((y1 - top) * supersample) - 1,
        ),
        radius=round(rect.r * scale * supersample),
        fill=255,
    )
    layer = Image.new("RGBA", (width, height), _rgba(rect.fill))
    layer.putalpha(mask.resize((width, height), Image.Resampling.BOX))
    image.alpha_composite(layer, (left, top))


def _png_qr(image: Image.Image, qr: _QR, scale: float) -> None:
    """Modules snapped to whole pixels, so the code stays crisp at every size."""
    count = len(qr.matrix)
    total = count + 2 * QR_QUIET_ZONE
    target = qr.size * scale
    module = math.floor(target / total)
    if module < 2:
        # Tiny renders: two-pixel modules stay readable, even if the code outgrows its panel.
        module = 2 if target / total >= 1.5 else 1
    side = module * total
    left = round((qr.x + qr.size / 2) * scale - side / 2)
    top = round((qr.y + qr.size / 2) * scale - side / 2)
    draw = ImageDraw.Draw(image)
    draw.rectangle((left, top, left + side - 1, top + side - 1), fill=_rgba(qr.light))
    dark = _rgba(qr.dark)
    for x, y, n in _qr_runs(qr.matrix):
        px = left + (QR_QUIET_ZONE + x) * module
        py = top + (QR_QUIET_ZONE + y) * module
        draw.rectangle((px, py, px + n * module - 1, py + module - 1), fill=dark)


def _png_text(image: Image.Image, text: _Text, scale: float) -> None:
    size = max(1, round(text.size * scale))
    limit = text.max_width * scale
    font = _png_font(size, text.bold)
    while size > 1 and font.getlength(text.text) > limit:
        size -= 1
        font = _png_font(size, text.bold)
    ImageDraw.Draw(image).text(
        (text.x * scale, text.y * scale), text.text, font=font, fill=_rgba(text.fill), anchor="ms"
    )


def seal_png(data: SealData, *, size: int = 512, variant: str = "light") -> bytes:
    """The seal as a square RGBA PNG of ``size`` pixels, transparent outside the badge."""
    if isinstance(size, bool) or not isinstance(size, int):
        raise ValueError(f"size must be an int, not {size!r}")
    if not PNG_MIN_SIZE <= size <= PNG_MAX_SIZE:
        raise ValueError(f"size must be between {PNG_MIN_SIZE} and {PNG_MAX_SIZE} pixels")
    items = _seal_layout(data, variant)
    scale = size / _CANVAS
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    for item in items:
        if isinstance(item, _Rect):
            _png_rect(image, item, scale)
        elif isinstance(item, _Text):
            _png_text(image, item, scale)
        else:
            _png_qr(image, item, scale)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


# --- PDF --------------------------------------------------------------------------------------

_PDF_REGULAR = "SmartRegionSeal-Regular"
_PDF_BOLD = "SmartRegionSeal-Bold"


@lru_cache(maxsize=1)
def _pdf_fonts() -> tuple[str, str]:
    """Embedded DejaVu Sans (all of Unicode an organisation name may use) when installed,
    otherwise the standard Helvetica."""
    if os.path.exists(FONT_REGULAR) and os.path.exists(FONT_BOLD):
        pdfmetrics.registerFont(TTFont(_PDF_REGULAR, FONT_REGULAR))
        pdfmetrics.registerFont(TTFont(_PDF_BOLD, FONT_BOLD))
        return _PDF_REGULAR, _PDF_BOLD
    return "Helvetica", "Helvetica-Bold"


def _pdf_font(bold: bool) -> str:
    regular, bold_font = _pdf_fonts()
    return bold_font if bold else regular


def _pdf_width(text: str, size: float, bold: bool) -> float:
    return pdfmetrics.stringWidth(text, _pdf_font(bold), size)


def _pdf_centred(c, x: float, y: float, text: str, size: float, bold: bool, limit: float) -> None:
    while size > 4 and _pdf_width(text, size, bold) > limit:
        size -= 0.5
    c.setFont(_pdf_font(bold), size)
    c.drawCentredString(x, y, text)


def _pdf_seal(c, data: SealData, *, x: float, top: float, size: float, variant="light") -> None:
    """Draws the badge with its top-left corner at (x, top), ``size`` points wide."""
    k = size / _CANVAS
    for item in _seal_layout(data, variant):
        if isinstance(item, _Rect):
            c.setFillColor(item.fill)
            c.roundRect(
                x + item.x * k, top - (item.y + item.h) * k, item.w * k, item.h * k, item.r * k,
                stroke=0, fill=1,
            )  # fmt: skip
        elif isinstance(item, _Text):
            c.setFillColor(item.fill)
            _pdf_centred(
                c, x + item.x * k, top - item.y * k, item.text, item.size * k, item.bold,
                item.max_width * k,
            )  # fmt: skip
        else:
            _pdf_qr(c, item, x=x, top=top, k=k)


def _pdf_qr(c, qr: _QR, *, x: float, top: float, k: float) -> None:
    module = qr.size * k / (len(qr.matrix) + 2 * QR_QUIET_ZONE)
    origin_x = x + qr.x * k + QR_QUIET_ZONE * module
    origin_top = top - qr.y * k - QR_QUIET_ZONE * module
    c.setFillColor(qr.dark)
    path = c.beginPath()
    for mx, my, n in _qr_runs(qr.matrix):
        path.rect(origin_x + mx * module, origin_top - (my + 1) * module, n * module, module)
    c.drawPath(path, stroke=0, fill=1)


def _german_date(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def validity_text(data: SealData, valid_from: date, valid_until: date | None) -> str:
    """The validity period in German, as printed on the certificate."""
    if valid_until is None:
        suffix = " (Gründungsmitglied)" if data.founding else ""
        return f"ab {_german_date(valid_from)}, unbefristet{suffix}"
    return f"{_german_date(valid_from)} – {_german_date(valid_until)}"


def certificate_pdf(
    data: SealData, *, member_number: str, valid_from: date, valid_until: date | None
) -> bytes:
    """A print-ready A4 certificate ("Urkunde"), one page, fonts embedded, QR code as vectors."""
    member_number = _clean(member_number)
    if not member_number:
        raise ValueError("member_number must not be empty")
    if valid_until is not None and valid_until < valid_from:
        raise ValueError("valid_until must not be before valid_from")

    page_w, page_h = A4
    regular, bold = _pdf_fonts()
    buffer = io.BytesIO()
    c = pdf_canvas.Canvas(buffer, pagesize=A4, invariant=1, lang="de-DE", initialFontName=regular)
    c.setPageCompression(0)  # keeps the text searchable in the raw file
    c.setTitle(f"Urkunde – {data.organisation} – {BRAND_TEXT}")
    c.setAuthor(ISSUER)
    c.setSubject(BRAND_TEXT)
    c.setCreator("SMART REGION Emscher-Lippe Portal")
    c.setKeywords("SMART REGION Emscher-Lippe, Mitgliedschaft, Urkunde, Siegel")

    margin = 15 * mm
    inner_w = page_w - 2 * margin
    centre = page_w / 2

    # Frame and header band.
    c.setStrokeColor(DARK_BLUE)
    c.setLineWidth(1.5)
    c.rect(margin, margin, inner_w, page_h - 2 * margin, stroke=1, fill=0)
    band_h = 30 * mm
    band_y = page_h - margin - band_h
    c.setFillColor(DARK_BLUE)
    c.rect(margin, band_y, inner_w, band_h, stroke=0, fill=1)
    c.setFillColor(GREEN)
    c.rect(margin, band_y - 2.5 * mm, inner_w, 2.5 * mm, stroke=0, fill=1)
    c.setFillColor(WHITE)
    c.setFont(bold, 20)
    c.drawString(margin + 10 * mm, band_y + 16 * mm, "SMART REGION")
    c.setFillColor(ACCENT)
    c.drawString(
        margin + 10 * mm + pdfmetrics.stringWidth("SMART REGION ", bold, 20),
        band_y + 16 * mm,
        "Emscher-Lippe",
    )
    c.setFillColor(WHITE)
    c.setFont(regular, 9)
    c.drawString(
        margin + 10 * mm, band_y + 8 * mm, "Gelsenkirchen · Bottrop · Kreis Recklinghausen"
    )

    # Title and statement.
    c.setFillColor(DARK_BLUE)
    c.setFont(bold, 44)
    c.drawCentredString(centre, page_h - 76 * mm, "Urkunde")
    c.setFillColor(GREY)
    c.setFont(regular, 13)
    c.drawCentredString(centre, page_h - 91 * mm, "Hiermit wird bestätigt, dass")

    text_width = inner_w - 30 * mm
    size, lines = _fit_lines(
        data.organisation,
        width=text_width,
        tiers=((1, (28, 26, 24, 22)), (2, (26, 24, 22, 20)), (3, (22, 20, 18, 16))),
        bold=True,
        measure=_pdf_width,
    )
    y = page_h - 106 * mm
    c.setFillColor(DARK_BLUE)
    c.setFont(bold, size)
    for line in lines:
        c.drawCentredString(centre, y, line)
        y -= size * 1.25
    y -= 6 * mm
    c.setFillColor(GREEN)
    c.setFont(bold, 18)
    c.drawCentredString(centre, y, "ist " + BRAND_TEXT)
    y -= 8 * mm
    c.setFillColor(GREY)
    c.setFont(regular, 11)
    for line in _wrap(f"– {NETWORK_DESCRIPTION}.", text_width, lambda s: _pdf_width(s, 11, False)):
        c.drawCentredString(centre, y, line)
        y -= 15

    # Details on the left, the seal (with the QR code) on the right.
    section_top = 108 * mm
    c.setStrokeColor(ACCENT)
    c.setLineWidth(1)
    c.line(
        margin + 15 * mm, section_top + 10 * mm, page_w - margin - 15 * mm, section_top + 10 * mm
    )
    seal_size = 68 * mm
    seal_x = page_w - margin - 15 * mm - seal_size
    _pdf_seal(c, data, x=seal_x, top=section_top, size=seal_size)

    details = [("Mitgliedsnummer", member_number)]
    details.append(("Gültigkeit", validity_text(data, valid_from, valid_until)))
    details.append(("Ausgestellt von", ISSUER))
    left = margin + 15 * mm
    detail_width = seal_x - left - 8 * mm
    y = section_top - 6 * mm
    for label, value in details:
        c.setFillColor(GREY)
        c.setFont(regular, 9)
        c.drawString(left, y, label)
        y -= 15
        c.setFillColor(DARK_BLUE)
        for line in _wrap(value, detail_width, lambda s: _pdf_width(s, 13, True)):
            c.setFont(bold, 13)
            c.drawString(left, y, line)
            y -= 16
        y -= 9

    # Verification.
    c.setFillColor(GREY)
    c.setFont(regular, 9)
    y = section_top - seal_size - 8 * mm
    c.drawString(left, y, "Echtheit prüfen: QR-Code scannen oder diese Adresse aufrufen:")
    y -= 13
    c.setFillColor(DARK_BLUE)
    for line in _wrap(data.url, inner_w - 30 * mm, lambda s: _pdf_width(s, 10, False)):
        c.setFont(regular, 10)
        c.drawString(left, y, line)
        y -= 13

    c.setFillColor(GREY)
    c.setFont(regular, 8)
    c.drawCentredString(
        centre,
        margin + 6 * mm,
        f"Herausgegeben von der {ISSUER} für das Netzwerk SMART REGION Emscher-Lippe",
    )
    c.showPage()
    c.save()
    return buffer.getvalue()


# --- Embedding --------------------------------------------------------------------------------


def embed_snippet(data: SealData, *, image_url: str, size: int = 160) -> str:
    """HTML for member websites: the seal image, linked to the public verification page."""
    image_url = _require_http_url(image_url, "image_url")
    alt = f"{BRAND_TEXT} – {data.organisation} (Siegel prüfen)"
    return (
        f'<a href="{_attr(data.url)}" target="_blank" rel="noopener">'
        f'<img src="{_attr(image_url)}" alt="{_attr(alt)}" width="{int(size)}" height="{int(size)}"'
        ' loading="lazy"></a>'
    )
