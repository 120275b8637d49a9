"""Shared helpers for the blog tests: valid form data, images, mail links, HTML snippets."""

from __future__ import annotations

import re
from html import unescape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from smartregion.core.images import verify_image
from smartregion.core.models import Municipality, Topic
from smartregion.core.signing import make_token
from tests.factories import image_bytes, uploaded_image


def started_token(seconds_ago: float = 60) -> str:
    """A valid "started" token as the unbound form would have rendered it."""
    return make_token("form-started", timezone.now().timestamp() - seconds_ago)


# A story told in all the sections of the form (blog.models.SECTIONS).
STORY = {
    "situation": "Die Läden waren zu, die Kundschaft blieb aus.",
    "solution": "Eine **App** zum Vorbestellen, gebaut mit dem Stadtteilbüro.",
    "outcome": "Ein Drittel der Brötchen geht heute über die App weg.",
    "tips": "Fangen Sie mit einem einzigen Produkt an.",
    "contact": "Anna Beispiel, Inhaberin, anna@example.org",
}


def form_data(**overrides) -> dict:
    """A valid submission (without files)."""
    data = {
        "title": "Digital durch die Krise mit der Bäckerei",
        "teaser": "Wie eine Bäckerei aus Gladbeck mit Vorbestellung per App durch die Krise kam.",
        "body": "## Ausgangslage\n\nDie Läden waren zu.\n\n## Lösung\n\nEine **App** zum Vorbestellen.",
        "organisation_name": "Bäckerei Beispiel",
        "municipality": str(Municipality.objects.get(slug="gladbeck").pk),
        "topics": [
            str(Topic.objects.get(slug="smart-economy").pk),
            str(Topic.objects.get(slug="bildung").pk),
        ],
        "cover_alt": "Verkaufstheke mit frischen Brötchen",
        "video_url": "",
        "website": "https://baeckerei-beispiel.example",
        "author_name": "Anna Beispiel",
        "author_email": "anna@example.org",
        "consent": "on",
        "homepage": "",
        "started": started_token(),
    }
    data.update(overrides)
    return data


def with_files(data: dict, *, cover=True, gallery=1) -> dict:
    """``data`` plus a valid cover and ``gallery`` gallery images with alt text."""
    data = dict(data)
    if cover:
        data["cover"] = uploaded_image("titelbild.jpg", width=1200, height=800)
    for index in range(1, gallery + 1):
        data[f"gallery_{index}"] = uploaded_image(
            f"galerie{index}.png", width=640, height=480, fmt="PNG", color=(200, 40 * index, 10)
        )
        data[f"gallery_{index}_alt"] = f"Galeriebild Nummer {index}"
    return data


def raw_upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def verified(width=1200, height=800, fmt="JPEG", color=(11, 95, 133)):
    return verify_image(image_bytes(width=width, height=height, fmt=fmt, color=color))


def link_in(text: str, site_url: str, pattern: str) -> str:
    """The path of the first absolute ``site_url`` link in ``text`` matching ``pattern``."""
    match = re.search(re.escape(site_url) + r"(" + pattern + r")", text)
    assert match, f"no link {pattern!r} under {site_url} in:\n{text}"
    return match.group(1)


def field_errors(html: str, field_id: str) -> str:
    """The text of the error list rendered beside the field with the id ``field_id``."""
    match = re.search(
        r'<ul class="errorlist"[^>]*id="' + re.escape(field_id) + r'_error"[^>]*>(.*?)</ul>',
        html,
        re.S,
    )
    return unescape(re.sub(r"<[^>]+>", " ", match.group(1))) if match else ""


def input_value(html: str, name: str) -> str | None:
    """The ``value`` attribute of the text input named ``name`` (unescaped), if any."""
    tag = re.search(r'<input[^>]*\bname="' + re.escape(name) + r'"[^>]*>', html)
    if not tag:
        return None
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return unescape(value.group(1)) if value else None


def textarea_value(html: str, name: str) -> str | None:
    match = re.search(
        r'<textarea[^>]*\bname="' + re.escape(name) + r'"[^>]*>(.*?)</textarea>', html, re.S
    )
    return unescape(match.group(1)).strip("\r\n") if match else None


def checked_values(html: str, name: str) -> set[str]:
    tags = re.findall(r'<input[^>]*\bname="' + re.escape(name) + r'"[^>]*>', html)
    return {
        re.search(r'\bvalue="([^"]*)"', tag).group(1)
        for tag in tags
        if re.search(r"\bchecked\b", tag)
    }


def selected_value(html: str, name: str) -> str | None:
    select = re.search(
        r'<select[^>]*\bname="' + re.escape(name) + r'"[^>]*>(.*?)</select>', html, re.S
    )
    if not select:
        return None
    option = re.search(r'<option value="([^"]*)"[^>]*\bselected\b', select.group(1))
    return option.group(1) if option else None


def publish_in_admin(client, post, capture_on_commit):
    """Publish ``post`` with the admin's changelist action, as the Redaktion does (``client``
    logged in as staff); runs what waits for the commit (the renditions). Returns the response."""
    with capture_on_commit(execute=True):
        return client.post(
            "/admin/blog/post/", {"action": "publish", "_selected_action": [post.pk]}
        )
