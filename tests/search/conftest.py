"""Fixtures for the search tests: posts and members with chosen words."""

from datetime import timedelta

import pytest
from django.utils import timezone

from smartregion.core.models import Municipality, Topic
from tests.factories import PostFactory

BODY = "## Ausgangslage\n\nEin Betrieb aus der Region erzählt.\n\n## Lösung\n\nEin neuer Weg."


@pytest.fixture
def post(db):
    """A published post; keyword arguments override fields, ``topics`` takes slugs."""
    counter = iter(range(1, 10_000))

    def make(title="Ein Beitrag", *, topics=("smart-economy",), city="gelsenkirchen", **fields):
        n = next(counter)
        fields.setdefault("teaser", "Ein kurzer Text über einen Betrieb.")
        fields.setdefault("body", BODY)
        fields.setdefault("organisation_name", "Beispiel GmbH")
        fields.setdefault("slug", f"beitrag-{n}")
        if fields.get("status", "published") == "published":
            fields.setdefault("published_at", timezone.now() - timedelta(hours=n))
        return PostFactory(
            title=title,
            municipality=Municipality.objects.get(slug=city),
            topics=list(Topic.objects.filter(slug__in=topics)),
            **fields,
        )

    return make


@pytest.fixture
def member(db):
    """An organisation with an active membership (tests/members/helpers.member)."""
    from tests.members.helpers import member as make_member

    def make(name="Zechenblick Software GmbH", *, description=None, **kwargs):
        organisation = make_member(name, **kwargs)
        if description is not None:
            organisation.description = description
            organisation.save()
        return organisation

    return make


def search(client, **params):
    response = client.get("/suche/", params)
    assert response.status_code == 200
    return response.content.decode()


def hit_titles(html: str) -> list[str]:
    """The titles of the hits in order, without the <mark> tags."""
    import re

    titles = re.findall(r'<h3 class="hit__title"><a href="[^"]*">(.*?)</a></h3>', html, re.S)
    return [re.sub(r"<[^>]+>", "", t).strip() for t in titles]
