"""Signed blog links clicked twice at the same moment (a mail scanner and the person, two tabs):
one click does the work, the other gets the "already done" page; never an error, never two mails.

Real threads on separate connections. To force the race, the test holds the post's row lock
while both requests start: both read the post as it was, then pass the lock one after the other.
"""

import pytest
from django.test import Client

from blog import services
from blog.models import Post
from tests.blog.helpers import form_data
from tests.concurrency import holding_lock, start_concurrently, wait_for_lock_waiters
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("taxonomy")]


@pytest.fixture
def editor():
    """Someone the Redaktion's mails go to (transactional tests have no groups)."""
    return UserFactory(email="redaktion@example.org", is_staff=True, is_superuser=True)


def _at_once(post, request, count=2):
    """``request(client)`` from ``count`` clients at once, all after reading ``post``."""
    with holding_lock(post):
        running = start_concurrently(lambda _: request(Client()), range(count))
        wait_for_lock_waiters(count)
    return running.join()


def test_two_clicks_on_the_confirmation_link_at_once_confirm_once(make_post, editor, mailoutbox):
    post = make_post("submitted")
    path = services.confirm_path(post)

    responses = _at_once(post, lambda client: client.get(path))

    assert [r.status_code for r in responses] == [200, 200]
    pages = sorted(r.content.decode() for r in responses)
    assert sum("liegt jetzt bei der Redaktion" in page for page in pages) == 1
    assert sum("bereits bestätigt" in page for page in pages) == 1
    post.refresh_from_db()
    assert post.status == Post.Status.CONFIRMED
    assert sorted(m.to[0] for m in mailoutbox) == sorted([post.author_email, editor.email])


@pytest.mark.usefixtures("fast_forms")
def test_two_revisions_sent_at_once_go_into_the_queue_once(make_post, editor, mailoutbox):
    post = make_post("rejected")
    path = services.revise_path(post)
    mailoutbox.clear()

    def revise(client):
        data = form_data(title="Überarbeitet", author_email=post.author_email)
        return client.post(path, data)

    responses = _at_once(post, revise)

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 302]
    loser = next(r for r in responses if r.status_code == 200).content.decode()
    assert "Überarbeitung ist bereits eingegangen" in loser
    post.refresh_from_db()
    assert post.status == Post.Status.CONFIRMED
    assert post.title == "Überarbeitet"
    assert post.images.count() == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted([post.author_email, editor.email])
