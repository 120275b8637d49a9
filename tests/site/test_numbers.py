"""Numbers shown to people have German thousands separators („10.000“, humanize's intcomma);
numbers that machines read (years in datetime attributes and calendars, ids in URLs) keep none.

USE_THOUSAND_SEPARATOR stays off on purpose: it would group every number a template renders,
ids in URLs and attributes and years included. Counts shown to people use ``|intcomma``.
"""

import pytest
from django.urls import reverse

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_event():
    return EventFactory(pk=12345, capacity=10000, slug="grosses-treffen")


def test_places_of_an_event_are_shown_with_thousands_separators(client, big_event):
    detail = client.get(reverse("events:detail", kwargs={"slug": big_event.slug})).content.decode()
    assert "noch 10.000 von 10.000 frei" in detail and "10000" not in detail
    listing = client.get(reverse("events:list")).content.decode()
    assert "Noch 10.000 Plätze frei" in listing
    register = client.get(reverse("events:register", kwargs={"slug": big_event.slug}))
    assert "Noch 10.000 Plätze frei." in register.content.decode()


def test_english_pages_group_numbers_the_english_way(client, big_event):
    listing = client.get("/en" + reverse("events:list")).content.decode()
    assert "10,000 places left" in listing and "10.000" not in listing


def test_years_and_ids_that_machines_read_stay_ungrouped(client, admin_client, big_event):
    year = str(big_event.starts_at.year)
    detail = client.get(reverse("events:detail", kwargs={"slug": big_event.slug})).content.decode()
    assert f'datetime="{year}-' in detail
    assert f"{year[0]}.{year[1:]}" not in detail
    ics = client.get(reverse("events:ics", kwargs={"slug": big_event.slug})).content.decode()
    assert f"DTSTART:{year}" in ics or f"DTSTART;TZID=Europe/Berlin:{year}" in ics
    participants = admin_client.get(
        reverse("admin:events_event_participants", args=[big_event.pk])
    ).content.decode()
    assert "0 von 10.000 Plätzen vergeben" in participants
    assert "/12345/" in participants and "12.345" not in participants


def test_the_count_of_a_list_is_grouped(client):
    from blog.models import Post
    from tests.factories import PostFactory

    Post.objects.bulk_create(PostFactory.build() for _ in range(1234))
    listing = client.get(reverse("blog:list")).content.decode()
    # Not merely "1234" anywhere: a card's address may hold the factory's 1234th slug.
    assert "1.234 Beiträge" in listing and "1234 Beiträge" not in listing
