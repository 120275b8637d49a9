"""Text helpers shared by all apps."""

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
