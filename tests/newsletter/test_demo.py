import io

import pytest

from newsletter.models import Campaign, Subscriber
from smartregion.site.demo import newsletter as demo

pytestmark = pytest.mark.django_db


def test_demo_content_is_idempotent(client):
    subscribers = demo.load().subscribers
    demo.seed(io.StringIO())
    counts = (Subscriber.objects.count(), Campaign.objects.count())
    demo.seed(io.StringIO())
    assert (Subscriber.objects.count(), Campaign.objects.count()) == counts == (len(subscribers), 2)
    assert Subscriber.objects.confirmed().count() == len(subscribers)
    assert all(s.email.endswith("@example.org") for s in Subscriber.objects.all())
    sent = Campaign.objects.sent().get()
    assert sent.sent_count == len(subscribers)
    assert client.get(sent.get_absolute_url()).status_code == 200
    assert sent.subject in client.get("/newsletter/archiv/").content.decode()
