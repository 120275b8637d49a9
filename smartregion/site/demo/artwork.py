"""Every generated demo picture: post covers and gallery images, event images, member logos.

All of them are drawn here with Pillow, nothing is downloaded, and the same parameters always
give the same picture. A picture of a post or an event is an ``Art``: a gradient in one of the
``PALETTES``, a motif from ``MOTIFS`` and a big word; the data files name it as
``{ word = "…", palette = 3, motif = "kreise" }``. A logo is a shape in a brand colour with the
organisation's initials.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

# Colour pairs for the gradients (start, end), with German names for the alternative text.
# The data files refer to them by number, so new palettes go at the end.
PALETTES = [
    (("Dunkelblau", (16, 42, 94)), ("Türkis", (0, 150, 160))),  # 0
    (("Tannengrün", (20, 90, 60)), ("Hellgrün", (110, 170, 60))),  # 1
    (("Violett", (80, 40, 150)), ("Pink", (200, 30, 110))),  # 2
    (("Rot", (170, 30, 40)), ("Orange", (230, 110, 0))),  # 3
    (("Petrol", (0, 80, 95)), ("Grün", (40, 140, 90))),  # 4
    (("Anthrazit", (40, 44, 52)), ("Orange", (220, 100, 20))),  # 5
    (("Nachtblau", (20, 24, 70)), ("Magenta", (170, 30, 140))),  # 6
    (("Blau", (25, 90, 180)), ("Hellblau", (70, 160, 220))),  # 7
    (("Bordeaux", (110, 20, 50)), ("Koralle", (220, 90, 80))),  # 8
    (("Dunkelgrün", (15, 70, 50)), ("Türkis", (0, 140, 140))),  # 9
    (("Dunkelblau", (11, 61, 92)), ("Türkis", (0, 150, 160))),  # 10, the site's dark blue
    (("Tannengrün", (15, 110, 79)), ("Hellgrün", (110, 170, 60))),  # 11, the site's green
    (("Petrol", (0, 80, 95)), ("Orange", (220, 110, 20))),  # 12
    (("Nachtblau", (20, 24, 70)), ("Blau", (25, 90, 180))),  # 13
]

# Motif -> how it is described in the alternative text.
MOTIFS = {
    "kreise": "halbtransparenten Kreisen",
    "ringe": "konzentrischen Ringen",
    "streifen": "diagonalen Streifen",
    "dreiecke": "hellen Dreiecken",
    "raster": "einem Raster aus kleinen Quadraten",
    "sechsecke": "verstreuten Sechsecken",
    "wellen": "geschwungenen Linien",
    "kalenderblatt": "einem stilisierten Kalenderblatt",  # the word moves to the right of it
}

# Logos: brand colours, one per organisation in turn.
LOGO_COLOURS = [
    (11, 61, 92),
    (15, 110, 79),
    (11, 95, 133),
    (138, 90, 0),
    (90, 60, 130),
    (160, 45, 40),
]


@dataclass(frozen=True)
class Art:
    """A generated picture: a gradient in one of the PALETTES, a motif and a big word."""

    word: str
    palette: int
    motif: str

    def __post_init__(self) -> None:
        if not 0 <= self.palette < len(PALETTES):
            raise ValueError(f"palette {self.palette}: one of 0 to {len(PALETTES) - 1}")
        if self.motif not in MOTIFS:
            raise ValueError(f"motif {self.motif!r}: one of {', '.join(MOTIFS)}")

    @property
    def alt(self) -> str:
        (start, _), (end, _) = PALETTES[self.palette]
        return (
            f"Farbverlauf von {start} zu {end} mit {MOTIFS[self.motif]} "
            f"und dem Schriftzug „{self.word}“ in weißer Schrift"
        )

    def jpeg(self, size: tuple[int, int]) -> bytes:
        """The picture as JPEG bytes: deterministic for the same art and ``size``."""
        rng = random.Random(f"{self.word}/{self.palette}/{self.motif}/{size}")
        (_, start), (_, end) = PALETTES[self.palette]
        image = _gradient(size, start, end, direction=rng.randrange(3)).convert("RGBA")
        overlay = Image.new("RGBA", size, (0, 0, 0, 0))
        _motif(ImageDraw.Draw(overlay), self.motif, size, rng)
        image = Image.alpha_composite(image, overlay)

        draw = ImageDraw.Draw(image)
        width, height = size
        if self.motif == "kalenderblatt":  # the sheet takes the left third
            centre, max_width, font_size = (
                (width * 7 // 10, height // 2),
                width * 9 // 16,
                height // 6,
            )
        else:
            centre, max_width, font_size = (width // 2, height // 2), int(width * 0.82), height // 4
        font = _fitting_font(draw, self.word, max_width, size=font_size)
        shadow = (centre[0] + 6, centre[1] + 6)
        draw.text(shadow, self.word, font=font, anchor="mm", fill=(0, 0, 0, 90))
        draw.text(centre, self.word, font=font, anchor="mm", fill=(255, 255, 255, 255))

        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "JPEG", quality=90)
        return buffer.getvalue()


def logo(name: str, index: int) -> bytes:
    """A simple, clearly generated logo as PNG bytes: a shape in a brand colour and the
    initials of ``name``; ``index`` picks the colour and the shape."""
    colour = LOGO_COLOURS[index % len(LOGO_COLOURS)]
    image = Image.new("RGBA", (640, 360), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    shape = index % 3
    if shape == 0:
        draw.ellipse((40, 30, 340, 330), fill=colour)
    elif shape == 1:
        draw.rounded_rectangle((40, 30, 340, 330), radius=48, fill=colour)
    else:
        draw.polygon([(190, 20), (350, 330), (30, 330)], fill=colour)
    initials = "".join(word[0] for word in name.split() if word[:1].isalnum())[:2].upper()
    if shape == 2:  # lower and smaller, where the triangle is wide enough
        draw.text((190, 250), initials, font=_font(84), fill="white", anchor="mm")
    else:
        draw.text((190, 180), initials, font=_font(120), fill="white", anchor="mm")
    draw.rectangle((380, 150, 600, 170), fill=colour)
    draw.rectangle((380, 195, 540, 215), fill=(120, 130, 140))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _font(size: int):
    for name in ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf"):
        path = FONT_DIR / name
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def _fitting_font(draw: ImageDraw.ImageDraw, word: str, max_width: int, size: int):
    while size > 24:
        font = _font(size)
        left, _, right, _ = draw.textbbox((0, 0), word, font=font)
        if right - left <= max_width:
            return font
        size -= 12
    return _font(size)


def _gradient(size: tuple[int, int], start, end, direction: int) -> Image.Image:
    """From ``start`` to ``end``: 0 top to bottom, 1 left to right, 2 from the centre out."""
    if direction == 2:
        mask = Image.radial_gradient("L").resize(size)
    else:
        mask = Image.linear_gradient("L")
        if direction == 1:
            mask = mask.rotate(90)
        mask = mask.resize(size)
    return Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), mask)


def _motif(draw: ImageDraw.ImageDraw, motif: str, size: tuple[int, int], rng) -> None:
    width, height = size

    def white(low=30, high=80):
        return (255, 255, 255, rng.randint(low, high))

    if motif == "kreise":
        for _ in range(14):
            x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(40, 260)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=white())
    elif motif == "ringe":
        x, y = rng.randint(width // 5, width * 4 // 5), rng.randint(height // 5, height * 4 // 5)
        for r in range(60, max(width, height), 70):
            draw.ellipse((x - r, y - r, x + r, y + r), outline=white(40, 90), width=14)
    elif motif == "streifen":
        step = rng.randint(90, 140)
        for x in range(-height, width + height, step):
            draw.polygon(
                [
                    (x, 0),
                    (x + step // 2, 0),
                    (x + step // 2 + height, height),
                    (x + height, height),
                ],
                fill=white(20, 50),
            )
    elif motif == "dreiecke":
        for _ in range(12):
            x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(50, 220)
            draw.regular_polygon((x, y, r), 3, rotation=rng.randint(0, 119), fill=white())
    elif motif == "raster":
        cell = max(40, width // 24)
        for x in range(cell // 2, width, cell):
            for y in range(cell // 2, height, cell):
                if rng.random() < 0.45:
                    side = rng.randint(cell // 5, cell // 2)
                    draw.rectangle((x - side, y - side, x + side, y + side), fill=white(20, 70))
    elif motif == "sechsecke":
        for _ in range(16):
            x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(40, 180)
            draw.regular_polygon((x, y, r), 6, fill=white())
    elif motif == "wellen":
        for line in range(9):
            base = height * (line + 1) / 10
            amplitude, phase = rng.randint(20, 90), rng.random() * math.tau
            points = [
                (x, base + amplitude * math.sin(x / width * math.tau * 1.5 + phase))
                for x in range(0, width + 20, 20)
            ]
            draw.line(points, fill=white(40, 100), width=rng.randint(4, 12), joint="curve")
    elif motif == "kalenderblatt":
        # A calendar sheet in the left third: a white sheet, a dark header bar, a grid of days.
        def box(left, top, right, bottom):  # given on 1600 × 900, scaled to the size
            return (
                left * width // 1600,
                top * height // 900,
                right * width // 1600,
                bottom * height // 900,
            )

        radius = 36 * height // 900
        draw.rounded_rectangle(box(110, 170, 590, 730), radius=radius, fill=(255, 255, 255, 255))
        draw.rounded_rectangle(box(110, 170, 590, 300), radius=radius, fill=(29, 43, 54, 255))
        draw.rectangle(box(110, 260, 590, 300), fill=(29, 43, 54, 255))
        for row in range(4):
            for column in range(5):
                x, y = 150 + column * 86, 340 + row * 92
                draw.rounded_rectangle(
                    box(x, y, x + 60, y + 60), radius=10 * height // 900, fill=(201, 211, 218, 255)
                )
