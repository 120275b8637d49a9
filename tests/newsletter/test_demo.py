import io

import pytest

from newsletter import demo
from newsletter.models import Campaign, Subscriber

pytestmark = pytest.mark.django_db


def test_demo_content_is_idempotent(client):
    demo.seed(io.StringIO())
    counts = (Subscriber.objects.count(), Campaign.objects.count())
    demo.seed(io.StringIO())
    assert (Subscriber.objects.count(), Campaign.objects.count()) == counts
    assert Subscriber.objects.confirmed().count() == len(demo.SUBSCRIBERS)
    assert all(s.email.endswith("@example.org") for s in Subscriber.objects.all())
    sent = Campaign.objects.sent().get()
    assert sent.sent_count == len(demo.SUBSCRIBERS)
    assert client.get(sent.get_absolute_url()).status_code == 200
    assert sent.subject in client.get("/newsletter/archiv/").content.decode()
