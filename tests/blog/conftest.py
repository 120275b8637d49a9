"""Fixtures for the blog tests (none of them autouse: tests/blog/test_demo.py is someone else's)."""

import pytest

from smartregion.core.models import Municipality, Topic
from tests.blog.helpers import verified


@pytest.fixture
def fast_forms(monkeypatch):
    """Forms may be sent at once (spam.py's minimum fill time is tested on its own)."""
    monkeypatch.setattr("smartregion.core.spam.SpamProtectedForm.min_fill_seconds", 0)


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = "https://portal.example"
    return settings.SITE_URL


@pytest.fixture
def make_post(django_capture_on_commit_callbacks, mailoutbox):
    """A post created through the services with real image files, in the state asked for.

    ``status`` is "submitted", "confirmed", "published" or "rejected". Mails sent on the way
    are dropped, so a test sees only its own.
    """
    from blog import services
    from blog.models import Post

    counter = iter(range(1, 1000))

    def make(status="submitted", *, gallery=1, user=None, **overrides):
        n = next(counter)
        data = {
            "title": f"Mit Ideen durch die Krise, Teil {n}",
            "teaser": "Ein Betrieb aus der Region erzählt, wie er digital weitermachte.",
            "body": "## Ausgangslage\n\nAlles stand still.\n\n## Lösung\n\nEin Onlineshop.",
            "organisation_name": "Beispiel GmbH",
            "municipality": Municipality.objects.get(slug="bottrop"),
            "topics": list(Topic.objects.filter(slug="smart-economy")),
            "website": "",
            "video_url": "",
            "author_name": "Bernd Beispiel",
            "author_email": f"bernd{n}@example.org",
            "cover_alt": "Ein Lager mit Paketen",
            **overrides,
        }
        with django_capture_on_commit_callbacks(execute=True):
            post = services.post_submit(
                data=data,
                cover=verified(),
                gallery=[(verified(640, 480, "PNG", (200, 30, 30)), "Galeriebild")] * gallery,
                user=user,
            )
            if status in ("confirmed", "published", "rejected"):
                services.post_confirm(post=post)
            if status == "published":
                services.post_publish(post=post, actor=None)
            if status == "rejected":
                services.post_reject(post=post, actor=None, reason="Bitte ergänzen.")
        mailoutbox.clear()
        return Post.objects.get(pk=post.pk)

    return make
