"""Text helpers shared by all apps."""

import re

from django.utils.text import slugify

_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ẞ": "SS"}
)


def german_slugify(value: str, *, max_length: int = 80) -> str:
    """slugify() that keeps German words readable: "Straße" -> "strasse", "Müll" -> "muell"."""
    return slugify(str(value).translate(_GERMAN))[:max_length].strip("-")


def unique_slug(
    model, value: str, *, field: str = "slug", max_length: int = 80, exclude_pk=None
) -> str:
    """A slug for ``value`` that no other row of ``model`` has yet (appends -2, -3, ...)."""
    base = german_slugify(value, max_length=max_length - 6) or "eintrag"
    candidate, n = base, 1
    qs = model._default_manager.all()
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    taken = set(qs.filter(**{f"{field}__startswith": base}).values_list(field, flat=True))
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# Leichte Sprache: short sentences -------------------------------------------------------------

EASY_READ_MAX_WORDS = 15
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"\w[\w'’-]*")


def sentences(text: str) -> list[str]:
    """The sentences of a plain text: every line on its own, split after . ! or ?"""
    found = []
    for line in text.splitlines():
        found.extend(part.strip() for part in _SENTENCE_END.split(line) if part.strip())
    return found


def long_sentences(text: str, *, max_words: int = EASY_READ_MAX_WORDS) -> list[str]:
    """The sentences of ``text`` with more than ``max_words`` words (numbers count as words)."""
    return [s for s in sentences(text) if len(_WORD.findall(s)) > max_words]
