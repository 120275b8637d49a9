"""The newsletter's personal links used twice at the same moment (a mail scanner and the person):
one click confirms or unsubscribes, the other gets the "already done" answer, never an error.
Real threads on separate connections; the test holds the subscriber's row lock while both
requests start, so both pass it one after the other."""

import pytest
from django.test import Client

from newsletter import links
from newsletter.models import Subscriber
from tests.concurrency import holding_lock, start_concurrently, wait_for_lock_waiters
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_clicks_on_the_confirmation_link_at_once_confirm_once():
    subscriber = SubscriberFactory(status="pending")
    path = links.confirm_path(subscriber)

    with holding_lock(subscriber):
        running = start_concurrently(lambda _: Client().get(path), range(2))
        wait_for_lock_waiters(2)
    responses = running.join()

    assert [r.status_code for r in responses] == [200, 200]
    assert sum("bereits bestätigt" in r.content.decode() for r in responses) == 1
    subscriber.refresh_from_db()
    assert subscriber.is_confirmed


def test_two_one_click_unsubscribes_at_once_unsubscribe_once():
    subscriber = SubscriberFactory(status="confirmed")
    url = links.personal_links(subscriber)["unsubscribe_url"]
    before = subscriber.unsubscribed_at

    with holding_lock(subscriber):
        running = start_concurrently(
            lambda _: Client().post(url, {"List-Unsubscribe": "One-Click"}), range(2)
        )
        wait_for_lock_waiters(2)
    responses = running.join()

    assert [r.status_code for r in responses] == [200, 200]
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at != before
