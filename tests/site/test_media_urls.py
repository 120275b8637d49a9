"""Absolute URLs of public images (JSON-LD, OpenGraph) in every capability: SITE_URL + MEDIA_URL
while MEDIA_URL is a path, the CDN's URL as it is when MEDIA_BASE_URL is absolute."""

import json
import re

import pytest

from smartregion.core.images import make_renditions, store_renditions, verify_image
from tests.factories import EventFactory, image_bytes
from tests.members.helpers import member

pytestmark = pytest.mark.django_db

CDN = "https://cdn.example.org/media/"


def _json_ld(html: str) -> dict:
    return json.loads(re.search(r'ld\+json">(.*?)</script>', html, re.S).group(1))


def _renditions(prefix: str) -> list[dict]:
    image = verify_image(image_bytes(width=1000, height=600, fmt="JPEG", color=(10, 90, 130)))
    return store_renditions(make_renditions(image, widths=(480, 960)), prefix=prefix)


@pytest.mark.parametrize("media_url", ["/media/", CDN])
def test_event_json_ld_and_og_image(client, settings, media_url):
    settings.SITE_URL = "https://portal.example"
    settings.MEDIA_URL = media_url
    event = EventFactory(image_renditions=_renditions("events/vortrag"))

    html = client.get(event.get_absolute_url()).content.decode()

    base = CDN if media_url == CDN else "https://portal.example/media/"
    assert _json_ld(html)["image"] == [f"{base}events/vortrag/960.jpg"]
    assert f'<meta property="og:image" content="{base}events/vortrag/960.jpg">' in html


@pytest.mark.parametrize("media_url", ["/media/", CDN])
def test_member_json_ld_logo(client, settings, media_url):
    settings.SITE_URL = "https://portal.example"
    settings.MEDIA_URL = media_url
    organisation = member("Förderturm Energiedaten GmbH", logo=True)

    html = client.get(organisation.get_absolute_url()).content.decode()

    base = CDN if media_url == CDN else "https://portal.example/media/"
    logo = _json_ld(html)["logo"]
    assert logo.startswith(base) and logo.removeprefix(base) in {
        r["path"] for r in organisation.logo_renditions
    }
