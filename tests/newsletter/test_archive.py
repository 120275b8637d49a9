"""The public archive of sent campaigns: no personal links, no cookies, no drafts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsletter.models import Campaign
from tests.factories import CampaignFactory, EventFactory, PostFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def _sent(**kwargs):
    return CampaignFactory(status="sent", sent_at=timezone.now() - timedelta(days=1), **kwargs)


def test_the_archive_lists_sent_campaigns_only(client):
    old = _sent(subject="Ausgabe März")
    old.sent_at = timezone.now() - timedelta(days=60)
    old.save()
    new = _sent(subject="Ausgabe Mai")
    CampaignFactory(subject="Geheimer Entwurf")
    CampaignFactory(subject="Wird gerade versendet", status="sending")
    response = client.get("/newsletter/archiv/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Ausgabe Mai") < html.index("Ausgabe März")
    assert f'href="{new.get_absolute_url()}"' in html
    assert "Geheimer Entwurf" not in html and "Wird gerade versendet" not in html
    assert response.cookies == {}


def test_the_archive_page_is_the_campaign_without_personal_links(
    client, django_assert_max_num_queries
):
    SubscriberFactory()
    post = PostFactory(title="Digitale Werkstatt")
    event = EventFactory(title="Netzwerkabend", starts_at=timezone.now() - timedelta(days=2))
    campaign = _sent(
        subject="Ausgabe Juni", body="Hallo **Region**", include_blog=True, include_events=True
    )
    campaign.posts.set([post])
    campaign.events.set([event])
    with django_assert_max_num_queries(6):
        response = client.get(campaign.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Ausgabe Juni</h1>" in html
    assert "<strong>Region</strong>" in html
    assert "Digitale Werkstatt" in html and post.get_absolute_url() in html
    # The archive shows the events as announced, even once they are over.
    assert "Netzwerkabend" in html
    assert "/newsletter/abmelden/" not in html and "/newsletter/einstellungen/" not in html
    assert "%%" not in html
    assert response.cookies == {}


@pytest.mark.parametrize("status", ["draft", "scheduled", "sending"])
def test_unsent_campaigns_have_no_public_page(client, status):
    campaign = CampaignFactory(status=status)
    assert client.get(f"/newsletter/archiv/{campaign.pk}/").status_code == 404


def test_the_archive_is_paginated(client):
    for index in range(23):
        _sent(subject=f"Ausgabe {index}")
    html = client.get("/newsletter/archiv/").content.decode()
    assert html.count('class="archive-list__title"') == 20
    assert 'aria-label="Seitennavigation"' in html
    assert (
        client.get("/newsletter/archiv/?page=2")
        .content.decode()
        .count('class="archive-list__title"')
        == 3
    )
    assert Campaign.objects.sent().count() == 23
