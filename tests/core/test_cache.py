"""Redis down: the shared cache answers a miss, and the site keeps serving from PostgreSQL.

The outage is real: the cache points at a port on 127.0.0.1 where nothing listens, so every
Redis call gets "connection refused" from the redis client, as when the server is stopped.
"""

import logging
import os

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.test import override_settings
from django.urls import reverse

from blog.models import Post
from smartregion.core import sessions
from smartregion.core.cache import CacheUnavailable, ResilientRedisCache
from smartregion.core.ratelimit import hit
from tests.blog.helpers import form_data, with_files
from tests.factories import UserFactory
from tests.outages import closed_port

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


def redis_down() -> dict:
    return {
        "BACKEND": "smartregion.core.cache.ResilientRedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        "KEY_PREFIX": "smartregion-test",
    }


@pytest.fixture
def down():
    """The default cache is the site's Redis cache with Redis stopped; sessions as deployed."""
    with override_settings(
        CACHES={**django_settings.CACHES, "default": redis_down()},
        SESSION_ENGINE="smartregion.core.sessions",
    ):
        yield caches["default"]


def test_every_operation_answers_a_miss_while_redis_is_down(down, caplog):
    assert isinstance(down, ResilientRedisCache)
    with caplog.at_level(logging.ERROR, logger="smartregion.core.cache"):
        assert down.get("k") is None
        assert down.get("k", "vorgabe") == "vorgabe"
        assert down.get_many(["a", "b"]) == {}
        assert down.has_key("k") is False
        assert "k" not in down
        assert down.add("k", 1) is True  # as if stored: a lock taken with add() is had
        assert down.set("k", 1) is False
        assert down.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert down.touch("k") is False
        assert down.delete("k") is False
        assert down.delete_many(["a"]) is None
        assert down.get_or_set("k", "berechnet") == "berechnet"
        with pytest.raises(CacheUnavailable):
            down.incr("k")
        with pytest.raises(CacheUnavailable):
            down.decr("k")
    # Logged, but not once per call: once a minute per process.
    outage_lines = [r for r in caplog.records if "Redis cache unavailable" in r.getMessage()]
    assert len(outage_lines) == 1


def test_a_working_redis_is_used_as_before():
    assert isinstance(caches["default"], ResilientRedisCache)
    cache.set("wahl", "Herten", 30)
    assert cache.get("wahl") == "Herten"
    assert cache.add("zähler", 0) is True
    assert cache.incr("zähler", 5) == 5
    with pytest.raises(ValueError):
        cache.incr("gibt-es-nicht")  # a missing key is still an error, not an outage


def test_rate_limits_let_everything_through_uncounted_while_redis_is_down(down):
    assert all(hit("test-scope", "1.2.3.4", limit=1, period_seconds=60) for _ in range(5))


@pytest.mark.django_db
def test_a_session_copy_in_redis_lives_ten_minutes_at_most(settings):
    settings.SESSION_ENGINE = "smartregion.core.sessions"
    store = sessions.SessionStore()
    store["wahl"] = "Dorsten"
    store.save()
    assert store.get_expiry_age() > sessions.CACHE_SECONDS  # the session itself lives longer
    client = redis.Redis.from_url(TEST_REDIS_URL)
    ttl = client.ttl(cache.make_key(store.cache_key))
    assert 0 < ttl <= sessions.CACHE_SECONDS
    assert sessions.SessionStore(store.session_key)["wahl"] == "Dorsten"


# Whole requests ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_members_log_in_use_their_area_and_log_out_while_redis_is_down(down, client):
    from allauth.account.models import EmailAddress

    user = UserFactory(email="mitglied@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post(
        reverse("account_login"), {"login": "mitglied@example.org", "password": "pw-test-123"}
    )
    assert response.status_code == 302, "allauth's login limits let it through uncounted"
    assert client.get(reverse("blog:mine")).status_code == 200  # the session, from PostgreSQL
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("blog:mine")).status_code == 302  # logged out: to the login


@pytest.mark.django_db
def test_a_post_can_be_submitted_while_redis_is_down(down, client, monkeypatch):
    monkeypatch.setattr("smartregion.core.spam.SpamProtectedForm.min_fill_seconds", 0)
    response = client.post(reverse("blog:submit"), with_files(form_data()))
    assert response.status_code == 302
    assert Post.objects.count() == 1


@pytest.mark.django_db
def test_reading_pages_answer_while_redis_is_down(down, client):
    for path in ("/", "/blog/", "/veranstaltungen/", "/suche/?q=Digitalisierung"):
        assert client.get(path).status_code == 200, path
