"""The read replica's router and middleware (smartregion/core/dbrouting.py) on real connections.

tests/settings.py configures a "replica" alias as a test mirror of "default": a second
connection to the same test database. Only these tests install the router. They are
transactional: rows must be committed for the second connection to see them (and inside
TestCase's transaction the router keeps every read on the primary, as it should).
"""

import threading
from contextlib import contextmanager
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connections, router, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from blog.models import Post
from newsletter.models import ConsentText, Subscriber
from smartregion.core import dbrouting
from smartregion.core.dbrouting import PrimaryReplicaRouter, ReadReplicaMiddleware
from smartregion.core.signing import make_token
from tests.factories import EventFactory, PostFactory, UserFactory
from tests.outages import unreachable

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
    pytest.mark.usefixtures("taxonomy", "replica_router"),
]


@pytest.fixture
def replica_router(settings):
    settings.DATABASE_ROUTERS = ["smartregion.core.dbrouting.PrimaryReplicaRouter"]
    dbrouting.replica_health.reset()
    yield
    dbrouting.replica_health.reset()


class Queries:
    """The SQL each alias ran, via CaptureQueriesContext, and both in the order they ran."""

    def __init__(self, primary, replica, ordered):
        self.primary, self.replica, self.ordered = primary, replica, ordered

    @property
    def on_primary(self) -> list[str]:
        return [q["sql"] for q in self.primary.captured_queries]

    @property
    def on_replica(self) -> list[str]:
        return [q["sql"] for q in self.replica.captured_queries]


@contextmanager
def queries():
    ordered: list[tuple[str, str]] = []

    def recorder(alias):
        def record(execute, sql, params, many, context):
            ordered.append((alias, sql))
            return execute(sql, params, many, context)

        return record

    primary, replica = connections["default"], connections["replica"]
    with (
        CaptureQueriesContext(primary) as on_primary,
        CaptureQueriesContext(replica) as on_replica,
        primary.execute_wrapper(recorder("default")),
        replica.execute_wrapper(recorder("replica")),
    ):
        yield Queries(on_primary, on_replica, ordered)


def is_write(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))


@pytest.fixture
def content():
    ConsentText.objects.current()  # the newsletter box's text exists, as after migrate
    post = PostFactory()
    event = EventFactory()
    return post, event


# --- anonymous page views read from the replica --------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/blog/", "post", "/veranstaltungen/", "event", "/mitglieder/", "/"],
)
def test_an_anonymous_visitors_page_view_reads_from_the_replica_only(client, content, path):
    post, event = content
    path = {"post": post.get_absolute_url(), "event": event.get_absolute_url()}.get(path, path)

    with queries() as q:
        response = client.get(path)

    assert response.status_code == 200
    assert q.on_replica, "nothing was read from the replica"
    assert q.on_primary == []
    if path == post.get_absolute_url():
        assert post.title in response.text
        assert any('"blog_post"' in sql for sql in q.on_replica)
    if path == event.get_absolute_url():
        assert event.title in response.text


def test_a_logged_in_members_page_view_reads_from_the_primary(client, content):
    post, _event = content
    client.force_login(UserFactory())

    with queries() as q:
        response = client.get(post.get_absolute_url())

    assert response.status_code == 200 and post.title in response.text
    assert q.on_replica == []
    assert any('"blog_post"' in sql for sql in q.on_primary)


def test_an_anonymous_post_that_writes_runs_wholly_on_the_primary(client, content, monkeypatch):
    monkeypatch.setattr("newsletter.forms.SubscribeForm.min_fill_seconds", 0)
    data = {
        "email": "anna@example.org",
        "name": "",
        "consent": "on",
        "consent_version": str(ConsentText.objects.current().version),
        "source": "",
        "homepage": "",
        "started": make_token("form-started", 0),
    }

    with queries() as q:
        response = client.post("/newsletter/", data)

    assert response.status_code == 302
    assert Subscriber.objects.filter(email="anna@example.org").exists()
    assert q.on_replica == []
    assert any(is_write(sql) for sql in q.on_primary)


def test_an_anonymous_get_that_writes_reads_on_the_primary_after_the_write(client, content):
    """The blog's confirmation link: a GET that finds the post (on the replica), then confirms
    it. Nothing after its first write runs on the replica."""
    from blog import services

    post = PostFactory(status="submitted")

    with queries() as q:
        response = client.get(services.confirm_path(post))

    assert response.status_code == 200
    post.refresh_from_db()
    assert post.status == Post.Status.CONFIRMED
    assert q.on_replica, "the lookup before the write reads from the replica"
    first_write = next(i for i, (_alias, sql) in enumerate(q.ordered) if is_write(sql))
    assert q.ordered[first_write][0] == "default"
    assert all(alias == "default" for alias, _sql in q.ordered[first_write:])


# --- the rules, one by one, through the middleware ------------------------------------------


def _serve(view, *, method="GET", user=None):
    request = RequestFactory().generic(method, "/irgendwo/")
    request.user = user or AnonymousUser()
    return ReadReplicaMiddleware(view)(request)


def test_within_a_request_reads_after_a_write_stay_on_the_primary(content):
    seen = []

    post = content[0]

    def view(request):
        seen.append(Post.objects.get(pk=post.pk).title)
        Post.objects.filter(pk=post.pk).update(title="Neu")  # a write
        seen.append(router.db_for_read(Post))
        seen.append(Post.objects.get(pk=post.pk).title)
        return HttpResponse()

    with queries() as q:
        _serve(view)

    assert seen == [post.title, "default", "Neu"]
    assert len(q.on_replica) == 1  # the read before the write
    assert [is_write(sql) for sql in q.on_primary] == [True, False]


def test_reads_inside_an_atomic_block_on_the_primary_go_to_the_primary(content):
    seen = []

    def view(request):
        with transaction.atomic():
            seen.append(Post.objects.filter(pk=content[0].pk).exists())
            seen.append(router.db_for_read(Post))
        seen.append(router.db_for_read(Post))  # no write happened: back to the replica
        return HttpResponse()

    with queries() as q:
        _serve(view)

    assert seen == [True, "default", "replica"]
    assert q.on_replica == []


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("GET", "replica"),
        ("HEAD", "replica"),
        ("OPTIONS", "replica"),
        ("POST", "default"),
        ("PUT", "default"),
        ("PATCH", "default"),
        ("DELETE", "default"),
    ],
)
def test_only_safe_methods_of_anonymous_visitors_may_read_from_the_replica(method, expected):
    seen = []

    def view(request):
        seen.append(router.db_for_read(Post))
        return HttpResponse()

    _serve(view, method=method)
    _serve(view, method=method, user=UserFactory())

    assert seen == [expected, "default"]


def test_writes_always_go_to_the_primary_and_migrations_only_there(content):
    routing = PrimaryReplicaRouter()
    assert routing.db_for_write(Post) == "default"
    assert routing.allow_migrate("default", "blog") is True
    assert routing.allow_migrate("replica", "blog") is False

    from_replica = Post.objects.using("replica").get(pk=content[0].pk)
    from_primary = Post.objects.using("default").get(pk=content[0].pk)
    assert routing.allow_relation(from_replica, from_primary) is True


def test_the_state_is_reset_after_every_request_also_after_an_exception():
    def failing(request):
        assert dbrouting.current_state() is not None
        raise RuntimeError("kaputt")

    with pytest.raises(RuntimeError):
        _serve(failing)

    assert dbrouting.current_state() is None
    assert router.db_for_read(Post) == "default"


def test_state_does_not_leak_from_one_request_to_the_next(client, content):
    client.get("/blog/")
    assert dbrouting.current_state() is None

    client.force_login(UserFactory())
    with queries() as q:
        client.get("/blog/")
    assert q.on_replica == []


# --- outside a request everything uses the primary ------------------------------------------


def test_the_orm_outside_a_request_uses_the_primary(content):
    with queries() as q:
        assert Post.objects.count() == 1
        assert list(Post.objects.values_list("title", flat=True)) == [content[0].title]

    assert router.db_for_read(Post) == "default"
    assert q.on_replica == []
    assert len(q.on_primary) == 2


def test_a_management_command_uses_the_primary(content):
    with queries() as q:
        call_command("housekeeping", stdout=StringIO())

    assert q.on_primary
    assert q.on_replica == []


def test_concurrent_requests_in_threads_keep_their_own_state(content):
    """An anonymous request, a member's request and work outside a request at the same moment,
    each in its own thread on its own connections."""
    member = UserFactory()
    barrier = threading.Barrier(3, timeout=10)
    results: dict[str, list] = {}
    errors: list[BaseException] = []

    def in_request(name, user):
        def view(request):
            barrier.wait()
            results[name] = [router.db_for_read(Post), Post.objects.count()]
            barrier.wait()  # all have read before any request ends
            return HttpResponse()

        _serve(view, user=user)

    def outside():
        barrier.wait()
        results["outside"] = [router.db_for_read(Post), Post.objects.count()]
        barrier.wait()

    def run(target, *args):
        try:
            target(*args)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(in_request, "anonymous", None)),
        threading.Thread(target=run, args=(in_request, "member", member)),
        threading.Thread(target=run, args=(outside,)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert results == {
        "anonymous": ["replica", 1],
        "member": ["default", 1],
        "outside": ["default", 1],
    }


def test_a_replica_that_cannot_be_reached_leaves_the_reads_to_the_primary(client, content, caplog):
    with queries() as q, unreachable(connections["replica"]):
        response = client.get("/blog/")
    assert response.status_code == 200
    assert content[0].title in response.content.decode()
    assert q.on_primary and not q.on_replica
    assert "read replica unreachable" in caplog.text


def test_after_a_failure_the_replica_is_left_alone_for_the_retry_time(client, content, settings):
    settings.DATABASE_REPLICA_RETRY_SECONDS = 30
    with unreachable(connections["replica"]):
        client.get("/blog/")
    # Back, but within the retry time this process does not try it again.
    with queries() as q:
        assert client.get("/blog/").status_code == 200
    assert q.on_primary and not q.on_replica


def test_once_the_retry_time_is_over_the_replica_is_used_again(client, content, settings):
    settings.DATABASE_REPLICA_RETRY_SECONDS = 0
    with unreachable(connections["replica"]):
        client.get("/blog/")
    with queries() as q:
        assert client.get("/blog/").status_code == 200
    assert q.on_replica
