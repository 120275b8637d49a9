"""nginx's micro-cache of reading pages, as deployed (deploy/nginx/smartregion.conf): anonymous
visitors get the stored copy, nobody ever gets someone else's personal page, a change reaches
readers within the TTL, and while PostgreSQL is down the stored pages keep answering.

The stack's PAGE_CACHE_SECONDS is short (conftest.py). Each test asks for addresses of its own
(a query string no other test uses), so what it finds in the cache is what it put there.
Visitors come from their own loopback addresses over HTTPS; ``X-Cache-Status`` is nginx's
``$upstream_cache_status``.
"""

import re
import time
import uuid

import pytest

from tests.deploy.test_stack import create_member, log_in, wait_for_health

pytestmark = pytest.mark.deployed

LOGOUT_BUTTON = "Abmelden"  # templates/includes/header.html, for logged-in visitors only
LOGGED_OUT = "Sie haben sich abgemeldet."  # allauth's message after logout (a messages cookie)
ERROR_PAGE = "Technischer Fehler"  # templates/500.html
CSRF_FIELD = "csrfmiddlewaretoken"


def ttl(stack) -> int:
    return int(stack.config.env["PAGE_CACHE_SECONDS"])


def expiry(stack) -> float:
    """Seconds after which a copy stored now has certainly expired: nginx counts whole seconds,
    so a copy lives between PAGE_CACHE_SECONDS and a second more."""
    return ttl(stack) + 1.5


def unique(path: str) -> str:
    """``path`` with a query string of its own: a page no other request has asked for."""
    return f"{path}{'&' if '?' in path else '?'}probe={uuid.uuid4().hex[:12]}"


def status(response) -> str | None:
    return response.headers.get("x-cache-status")


def assert_shared(response):
    assert response.status_code == 200, response.status_code
    assert "set-cookie" not in response.headers, response.headers.get_list("set-cookie")
    assert "public" in response.headers["cache-control"], response.headers["cache-control"]
    assert LOGOUT_BUTTON not in response.text and CSRF_FIELD not in response.text


def assert_personal(response):
    assert response.status_code == 200, response.status_code
    assert status(response) == "BYPASS", status(response)
    assert response.headers["cache-control"].startswith("private"), response.headers
    assert "etag" not in response.headers


def csrf_cookie(response) -> str:
    (cookie,) = [c for c in response.headers.get_list("set-cookie") if "csrftoken=" in c]
    return cookie.split(";")[0].split("=", 1)[1]


def publish_post(stack, title: str) -> float:
    """A published post in the stack's database; the time (time.time()) it was committed."""
    output = stack.manage(
        "shell",
        "-c",
        "import time\n"
        "from tests.factories import PostFactory\n"
        f"PostFactory(title={title!r}, slug={uuid.uuid4().hex!r})\n"
        "print(time.time())\n",
    )
    return float(output.strip().splitlines()[-1])


def first_seen(visitor, path: str, text: str, timeout: float) -> float:
    """When (time.time()) ``text`` first showed on ``path`` for ``visitor``, asking every 0.2 s."""
    start = time.time()
    while time.time() - start < timeout:
        asked = time.time()
        response = visitor.get(path)
        if response.status_code == 200 and text in response.text:
            return asked
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not show on {path} within {timeout} s")


# Anonymous visitors share one copy ---------------------------------------------------------------


@pytest.fixture(scope="module")
def content(stack) -> dict[str, str]:
    """A published post and event, a member's profile and a sent newsletter issue."""
    output = stack.manage(
        "shell",
        "-c",
        "from django.utils import timezone\n"
        "from tests.factories import CampaignFactory, EventFactory, PostFactory\n"
        "from tests.members.helpers import member\n"
        f"post = PostFactory(slug='mikro-{uuid.uuid4().hex[:8]}')\n"
        f"event = EventFactory(slug='mikro-{uuid.uuid4().hex[:8]}')\n"
        f"organisation = member('Mikro {uuid.uuid4().hex[:8]} GmbH')\n"
        "issue = CampaignFactory(status='sent', sent_at=timezone.now())\n"
        "print(post.slug, event.slug, organisation.slug, issue.pk)\n",
    )
    post, event, organisation, issue = output.strip().splitlines()[-1].split()
    return {"post": post, "event": event, "member": organisation, "issue": issue}


READING_PAGES = [
    "/",
    "/en/",
    "/blog/",
    "/blog/{post}/",
    "/blog/feed/",
    "/blog/feed/atom/",
    "/veranstaltungen/",
    "/veranstaltungen/{event}/",
    "/veranstaltungen/{event}/kalender.ics",
    "/veranstaltungen/kalender.ics",
    "/mitglieder/",
    "/mitglieder/{member}/",
    "/mitglieder/botschafter/",
    "/newsletter/archiv/",
    "/newsletter/archiv/{issue}/",
    "/suche/?q=digital",
    "/impressum/",
    "/datenschutz/",
    "/leichte-sprache/",
    "/gebaerdensprache/",
    "/sitemap.xml",
    "/sitemap-blog.xml",
    "/robots.txt",
]


@pytest.mark.parametrize("path", READING_PAGES)
def test_a_reading_page_is_stored_for_anonymous_visitors_and_sets_no_cookie(
    stack, visitor, content, path
):
    path = unique(path.format(**content))
    first = visitor("127.0.0.71").get(path)
    assert_shared(first)
    assert status(first) == "MISS"
    assert f"s-maxage={ttl(stack)}" in first.headers["cache-control"]

    second = visitor("127.0.0.72").get(path)  # someone else, right after
    assert_shared(second)
    assert status(second) == "HIT"
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]


def test_static_files_are_not_kept_by_the_micro_cache(stack, visitor):
    reader = visitor("127.0.0.73")
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', reader.get("/").text).group(1)
    for _ in range(2):
        response = reader.get(stylesheet)
        assert response.status_code == 200
        assert "x-cache-status" not in response.headers  # no proxy_cache in that location
        assert "immutable" in response.headers["cache-control"]  # whitenoise's, for browsers


# Personal pages are never stored and never served to someone else -------------------------------


def test_a_logged_in_visitor_always_gets_their_own_page_and_it_is_not_stored(stack, visitor):
    create_member(stack, "eigene-seite@example.org", "a-good-passphrase-61")
    home = unique("/")
    anonymous = visitor("127.0.0.74")
    assert_shared(anonymous.get(home))
    assert status(anonymous.get(home)) == "HIT"  # the anonymous copy is in the cache

    member = visitor("127.0.0.75")
    assert log_in(member, "eigene-seite@example.org", "a-good-passphrase-61").status_code == 302
    own = unique("/blog/")  # the member asks first
    for path in (home, home, own, own):
        response = member.get(path)
        assert_personal(response)
        assert LOGOUT_BUTTON in response.text and CSRF_FIELD in response.text

    # Right after, someone else from another address: the page the member got was not stored.
    other = visitor("127.0.0.76")
    response = other.get(own)
    assert_shared(response)
    assert status(response) == "MISS"
    response = other.get(home)
    assert_shared(response)
    assert status(response) in ("HIT", "STALE", "UPDATING", "EXPIRED", "REVALIDATED")


def test_pending_messages_go_past_the_cache_and_are_not_stored(stack, visitor):
    """After logging out, the visitor has no session but a messages cookie: the next page shows
    the message, to that visitor only."""
    create_member(stack, "nachricht@example.org", "a-good-passphrase-62")
    member = visitor("127.0.0.77")
    assert log_in(member, "nachricht@example.org", "a-good-passphrase-62").status_code == 302
    fields = member.form("/konto/logout/")
    assert member.post("/konto/logout/", fields).status_code == 302
    assert "messages" in member.client.cookies
    assert not any("sessionid" in name for name in member.client.cookies)

    page = unique("/")
    response = member.get(page)
    assert response.status_code == 200
    assert status(response) == "BYPASS"
    assert LOGGED_OUT in response.text
    assert response.headers["cache-control"].startswith("private")

    other = visitor("127.0.0.78").get(page)
    assert_shared(other)
    assert status(other) == "MISS"
    assert LOGGED_OUT not in other.text


@pytest.mark.parametrize("path", ["/newsletter/", "/blog/einreichen/"])
def test_a_page_with_a_csrf_form_is_never_served_from_the_cache(stack, visitor, path):
    first, second = visitor("127.0.0.81"), visitor("127.0.0.82")
    seen = []
    for person in (first, second, first, second):
        response = person.get(path)
        assert response.status_code == 200
        assert status(response) == "MISS", status(response)
        assert response.headers["cache-control"].startswith("private")
        assert "etag" not in response.headers
        token = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', response.text).group(1)
        seen.append((csrf_cookie(response), token))
    # Each visitor keeps their own CSRF secret; the other never gets it, nor the form's token.
    assert seen[0][0] == seen[2][0] and seen[1][0] == seen[3][0]
    assert seen[0][0] != seen[1][0]
    assert len({token for _cookie, token in seen}) == 4


def test_only_an_anonymous_visitor_gets_304_for_the_anonymous_pages_etag(stack, visitor):
    create_member(stack, "etag@example.org", "a-good-passphrase-63")
    path = unique("/blog/")
    etag = visitor("127.0.0.83").get(path).headers["etag"]

    anonymous = visitor("127.0.0.84").get(path, headers={"If-None-Match": etag})
    assert anonymous.status_code == 304
    assert anonymous.content == b""

    member = visitor("127.0.0.85")
    assert log_in(member, "etag@example.org", "a-good-passphrase-63").status_code == 302
    response = member.get(path, headers={"If-None-Match": etag})
    assert_personal(response)
    assert LOGOUT_BUTTON in response.text


# Changes and outages -------------------------------------------------------------------------


def test_an_expired_copy_is_served_at_once_and_refreshed_with_the_apps_304(stack, visitor):
    reader = visitor("127.0.0.90")
    # A page whose ETag does not change with the minute (timed=False), nor with other tests.
    path = unique("/impressum/")
    stored = reader.get(path)
    assert status(stored) == "MISS"
    time.sleep(expiry(stack))

    expired = reader.get(path)  # the old copy, while nginx asks the app in the background
    assert status(expired) in ("STALE", "UPDATING"), status(expired)
    assert expired.content == stored.content
    # nginx asked with the copy's ETag, and the app answered 304 without the page.
    access_log = stack.log_dir / "gunicorn.log"
    deadline = time.monotonic() + 10
    while f'"GET {path} HTTP/1.0" 304 ' not in access_log.read_text(errors="replace"):
        assert time.monotonic() < deadline, "no 304 from the app in gunicorn's access log"
        time.sleep(0.2)
    refreshed = reader.get(path)
    assert status(refreshed) == "HIT"
    assert refreshed.headers["etag"] == stored.headers["etag"]


def test_a_new_post_reaches_anonymous_readers_within_the_ttl(stack, visitor):
    reader = visitor("127.0.0.86")
    path = unique("/blog/")
    reader.get(path)
    assert status(reader.get(path)) == "HIT"

    title = f"Mikro-Cache {uuid.uuid4().hex[:8]}"
    committed = publish_post(stack, title)
    shown_after = first_seen(reader, path, title, timeout=ttl(stack) + 10) - committed
    # The copy stored before the commit is served until it expires (TTL, plus at most a second:
    # nginx counts whole seconds); the first request after that refreshes it in the background,
    # the next one has the post.
    assert shown_after <= expiry(stack) + 1, f"shown {shown_after:.1f} s after the commit"


def test_stored_pages_answer_while_postgresql_is_down_and_the_site_recovers(stack, visitor):
    """Last in this file: it stops PostgreSQL and gunicorn, and leaves both running again."""
    reader = visitor("127.0.0.87")
    kept = unique("/blog/")
    before = reader.get(kept)
    assert_shared(before)
    assert status(reader.get(kept)) == "HIT"
    never_seen = unique("/veranstaltungen/")

    stack.stop_database()
    try:
        wait_for_health(stack, 503, timeout=20)
        # gunicorn restarts too (a deployment, a worker at max_requests): its workers lose the
        # pages they held, so nginx's copy is the only one left.
        stack.kill("gunicorn")
        stack.revive("gunicorn")
        wait_for_health(stack, 503, timeout=30)
        time.sleep(expiry(stack))

        for _ in range(3):
            response = reader.get(kept)
            assert response.status_code == 200
            assert status(response) in ("STALE", "UPDATING"), status(response)
            assert response.content == before.content

        broken = visitor("127.0.0.88").get(never_seen)
        assert 500 <= broken.status_code < 600
        assert ERROR_PAGE in broken.text
        assert "Traceback" not in broken.text and "psycopg" not in broken.text
    finally:
        stack.start_database()
        stack.revive("gunicorn")
    wait_for_health(stack, 200, timeout=60)

    assert visitor("127.0.0.89").get(never_seen).status_code == 200
    title = f"Wieder da {uuid.uuid4().hex[:8]}"
    publish_post(stack, title)
    first_seen(reader, kept, title, timeout=ttl(stack) + 10)
