"""Reading the demo data under ``data/``: TOML files, and Markdown files with a front matter.

A Markdown file starts with a front matter in TOML between two lines ``+++``; the rest of the
file is its Markdown text. Entries become dataclasses with ``build()``, so a misspelt or
missing key stops the seeding with the file's name instead of being ignored.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
FENCE = "+++"


def toml(name: str) -> dict:
    """The TOML file ``data/<name>``."""
    path = DATA / name
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: {error}") from None


def markdown(folder: str) -> list[tuple[Path, dict, str]]:
    """``(path, front matter, text)`` of every ``*.md`` in ``data/<folder>``, by file name."""
    return [_split(path) for path in sorted((DATA / folder).glob("*.md"))]


def build(cls, values: dict, where: Path | str):
    """``cls(**values)``, with ``where`` in the message when a key is wrong or missing."""
    try:
        return cls(**values)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: {error}") from None


def _split(path: Path) -> tuple[Path, dict, str]:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if not lines or lines[0].strip() != FENCE:
        raise ValueError(f"{path}: the first line must be {FENCE}, the start of the front matter")
    try:
        end = next(n for n in range(1, len(lines)) if lines[n].strip() == FENCE)
    except StopIteration:
        raise ValueError(f"{path}: the front matter has no closing {FENCE}") from None
    try:
        meta = tomllib.loads("".join(lines[1:end]))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}, front matter: {error}") from None
    return path, meta, "".join(lines[end + 1 :]).lstrip("\n")
