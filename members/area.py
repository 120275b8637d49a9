"""Sections that other capabilities add to the members' pages, without members importing them.

Members sits below blog and events in the layers (pyproject.toml), so its views cannot ask them
for a member's posts, registrations or events. Instead each capability registers what it shows
from its ``AppConfig.ready()``, and ``members.views`` renders whatever is registered, by
``order``:

- ``area_sections``: sections of the member area (/mein-bereich/), below the organisations and
  applications. The context function is called as ``context(request=..., user=...)``.
- ``area_links``: entries of the list "Ihre Beiträge und Anmeldungen" in the member area, before
  the account link.
- ``profile_sections``: sections at the end of an organisation's public profile. The context
  function is called as ``context(request=..., organisation=...)``.

A section's template is rendered like ``{% include %}``, with the variables its context function
returns on top of the page's. A context function should return lazy querysets or few queries:
they count on every page view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class Section:
    template: str
    context: Callable[..., dict]
    order: int = 100


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    order: int = 100


@dataclass(frozen=True)
class BoundSection:
    """A section with its variables for one page view (what the page template renders)."""

    template: str
    context: dict


class Registry[T: (Section, Link)]:
    """Registered sections or links, kept in ``order`` (then in the order of registration).

    Registering the same template or URL name again replaces the entry, so an app whose
    ``ready()`` runs twice (a test that reloads the app registry) does not show it twice.
    """

    def __init__(self) -> None:
        self._entries: dict[str, T] = {}

    def register(self, entry: T) -> T:
        key = entry.template if isinstance(entry, Section) else entry.url_name
        self._entries.pop(key, None)
        self._entries[key] = entry
        return entry

    def __iter__(self):
        return iter(sorted(self._entries.values(), key=lambda entry: entry.order))


area_sections: Registry[Section] = Registry()
area_links: Registry[Link] = Registry()
profile_sections: Registry[Section] = Registry()


def bind(registry: Registry[Section], request: HttpRequest, **kwargs) -> list[BoundSection]:
    """The registered sections with their context for this request."""
    return [
        BoundSection(section.template, section.context(request=request, **kwargs))
        for section in registry
    ]


def bind_links() -> list[dict]:
    """The registered links with their URLs."""
    return [{"label": link.label, "url": reverse(link.url_name)} for link in area_links]
