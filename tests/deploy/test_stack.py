"""The portal as deployed (nginx with TLS -> gunicorn -> PostgreSQL, the worker, a real SMTP
server), driven over HTTPS by visitors with their own loopback addresses."""

import random
import re
import string
import time
import uuid

import pytest

from tests.deploy.support import schedule_campaign

pytestmark = pytest.mark.deployed

SIGNUP = "/newsletter/"
LIMITED = "sehr viele Anmeldungen"  # newsletter/views.py, the per-address limit's message
TOO_MANY_LOGINS = "Zu viele gescheiterte Anmeldeversuche"  # allauth's message (login_failed)
SIGNUP_LIMIT_PER_IP = 10  # newsletter.views.SIGNUP_LIMIT_PER_IP (not imported: it is the stack's)


def unique_email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.org"


def signup(visitor, email: str, *, fields: dict | None = None, headers: dict | None = None):
    """Send the newsletter form as a browser does (the page first, unless ``fields`` are given)."""
    if fields is None:
        fields = visitor.form(SIGNUP)
        time.sleep(1.1)  # the form's minimum fill time (spam protection)
    data = {**fields, "email": email, "name": "", "consent": "on", "homepage": ""}
    return visitor.post(SIGNUP, data, headers=headers)


def assert_signed_up(response):
    text = response.text
    assert response.status_code == 302, "limited" if LIMITED in text else text[:1000]
    assert response.headers["location"].endswith("/newsletter/danke/")


def assert_limited(response):
    assert response.status_code == 200
    assert LIMITED in response.text


def create_member(stack, email: str, password: str) -> None:
    """A member with a verified address, in the stack's database."""
    stack.manage(
        "shell",
        "-c",
        "from allauth.account.models import EmailAddress\n"
        "from members.models import User\n"
        f"user = User.objects.create_user(email={email!r}, password={password!r})\n"
        "EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)\n",
    )


def log_in(visitor, email: str, password: str):
    fields = visitor.form("/konto/login/")
    return visitor.post("/konto/login/", {**fields, "login": email, "password": password})


# Visitors, not the proxy ------------------------------------------------------------------------


def test_signup_limit_counts_per_visitor_and_a_forged_forwarded_for_does_not_escape_it(
    stack, visitor, fresh_limits
):
    first = visitor("127.0.0.11")
    fields = first.form(SIGNUP)
    time.sleep(1.1)
    for _ in range(SIGNUP_LIMIT_PER_IP):
        assert_signed_up(signup(first, unique_email("limit"), fields=fields))
    assert_limited(signup(first, unique_email("limit"), fields=fields))

    # Someone else in the region is not affected.
    assert_signed_up(signup(visitor("127.0.0.12"), unique_email("other")))

    # The first visitor claims to be someone else: nginx appends the real address, which counts.
    forged = signup(
        first, unique_email("forged"), fields=fields, headers={"X-Forwarded-For": "1.2.3.4"}
    )
    assert_limited(forged)


def test_failed_logins_lock_out_that_visitor_only(stack, visitor, fresh_limits):
    create_member(stack, "lockout-victim@example.org", "a-good-passphrase-41")
    attacker = visitor("127.0.0.21")
    fields = attacker.form("/konto/login/")
    outcomes = []
    for attempt in range(25):
        response = attacker.post(
            "/konto/login/",
            {**fields, "login": f"guess{attempt}@example.org", "password": "wrong-password"},
        )
        outcomes.append(
            "limited"
            if response.status_code == 429 or TOO_MANY_LOGINS in response.text
            else response.status_code
        )
    assert outcomes[-1] == "limited", outcomes  # the attacker did run into allauth's limit

    response = log_in(visitor("127.0.0.22"), "lockout-victim@example.org", "a-good-passphrase-41")
    text = response.text
    assert response.status_code == 302, "limited" if TOO_MANY_LOGINS in text else text[:1000]
    assert response.headers["location"] == "/"


# Errors and cookies with DEBUG off -------------------------------------------------------------


def test_unknown_address_shows_the_sites_own_german_404_page(stack, visitor):
    response = visitor("127.0.0.31").get("/gibt-es-nicht/auch-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.text
    assert "Diese Seite gibt es nicht (mehr)." in response.text
    assert "Zur Startseite" in response.text
    assert "URLconf" not in response.text  # not Django's debug page


def test_a_form_sent_without_its_csrf_cookie_shows_the_sites_own_german_page(stack, visitor):
    """A token from the form but no cookie (blocked, or expired while the page was open)."""
    person = visitor("127.0.0.34")
    fields = person.form("/barrierefreiheit/rueckmeldung/")
    person.client.cookies.clear()
    response = person.post("/barrierefreiheit/rueckmeldung/", {**fields, "message": "Kontrast"})
    assert response.status_code == 403
    assert '<html lang="de">' in response.text
    assert "<h1>Formular nicht angenommen</h1>" in response.text
    assert "CSRF" not in response.text  # not Django's own page
    # rendered with its request: the navigation (context processors) is there
    assert re.search(r'<nav class="site-nav"[^>]*>\s*<ul>\s*<li><a href="/"', response.text)


def test_account_pages_say_sie_with_the_compiled_german_catalogue(stack, visitor):
    """The stack compiles the project's catalogues as an upgrade does (compilemessages): allauth's
    login page says „Sie“, not „Du hast noch kein Konto bei uns?“."""
    response = visitor("127.0.0.33").get("/konto/login/")
    assert response.status_code == 200
    assert "Sie haben noch kein Konto?" in response.text
    assert "Du hast" not in response.text


def test_cookies_are_secure_and_the_session_cookie_is_http_only(stack, visitor, fresh_limits):
    create_member(stack, "cookies@example.org", "a-good-passphrase-42")
    person = visitor("127.0.0.32")
    form_page = person.get(SIGNUP)
    csrf = [c for c in form_page.headers.get_list("set-cookie") if "csrftoken" in c]
    assert csrf, form_page.headers
    assert all("; secure" in c.lower() for c in csrf), csrf

    response = log_in(person, "cookies@example.org", "a-good-passphrase-42")
    assert response.status_code == 302
    session = [c for c in response.headers.get_list("set-cookie") if "sessionid" in c]
    assert session, response.headers
    for cookie in session:
        assert "; secure" in cookie.lower() and "; httponly" in cookie.lower(), cookie
        assert cookie.startswith("__Secure-"), cookie


def test_plain_http_healthz_answers_and_everything_else_redirects_to_https(stack, visitor):
    probe = visitor("127.0.0.41", scheme="http")
    health = probe.get("/healthz")
    assert health.status_code == 200
    assert "location" not in health.headers

    page = probe.get("/newsletter/?source=x")
    assert page.status_code == 301
    assert page.headers["location"] == (
        f"https://127.0.0.1:{stack.config.https_port}/newsletter/?source=x"
    )


# No mail is lost --------------------------------------------------------------------------------


def test_a_confirmation_survives_an_smtp_outage_and_arrives_exactly_once(
    stack, visitor, smtp_server, fresh_limits
):
    email = unique_email("outage")
    smtp_server.stop()
    try:
        assert_signed_up(signup(visitor("127.0.0.51"), email))
        time.sleep(5)  # the worker tries (interval 1 s) and finds the server down
        assert smtp_server.messages_to(email) == []
    finally:
        smtp_server.start()
    waited = smtp_server.wait_for(email, timeout=60)
    assert waited is not None, "the confirmation never arrived after the SMTP server came back"
    time.sleep(5)  # a second copy would come now
    assert len(smtp_server.messages_to(email)) == 1


def test_a_confirmation_is_not_held_up_by_a_campaign_of_2000_mails(
    stack, visitor, smtp_server, fresh_limits
):
    domain = f"{uuid.uuid4().hex[:8]}.bulk.example.org"
    bulk = f"@{domain}"
    schedule_campaign(stack, recipients=2000, domain=domain)
    smtp_server.delay = 0.005  # a mail server that takes its time: the campaign lasts a while
    try:
        deadline = time.monotonic() + 60
        while smtp_server.count(lambda r: r.endswith(bulk)) < 50:
            assert time.monotonic() < deadline, "the campaign did not start sending"
            time.sleep(0.1)

        email = unique_email("during-campaign")
        assert_signed_up(signup(visitor("127.0.0.61"), email))
        waited = smtp_server.wait_for(email, timeout=120)
        campaign_sent = smtp_server.count(lambda r: r.endswith(bulk))
        assert waited is not None, "the confirmation never arrived"
        assert campaign_sent < 2000, "the campaign was finished before the confirmation came"
        assert waited < 5, f"the confirmation waited {waited:.1f} s behind the campaign"
        print(f"confirmation after {waited:.2f} s, with {campaign_sent} of 2000 campaign mails out")  # noqa: T201 - shown with -s

        deadline = time.monotonic() + 240
        while smtp_server.count(lambda r: r.endswith(bulk)) < 2000:
            assert time.monotonic() < deadline, "the campaign did not finish"
            time.sleep(0.5)
        time.sleep(2)
        assert smtp_server.count(lambda r: r.endswith(bulk)) == 2000  # each reader exactly once
    finally:
        smtp_server.delay = 0.0


# Health follows the database (last: it stops PostgreSQL) ---------------------------------------


def wait_for_health(stack, status: int, timeout: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if stack.healthz_status() == status:
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"/healthz did not answer {status} within {timeout} s")


def test_healthz_follows_the_database(stack):
    assert stack.healthz_status() == 200
    stack.stop_database()
    try:
        wait_for_health(stack, 503, timeout=20)
    finally:
        stack.start_database()
    wait_for_health(stack, 200, timeout=30)


# Inspiration as deployed -----------------------------------------------------------------------


def test_stories_similar_examples_synonyms_and_figures_through_nginx(stack, visitor):
    """A post told in sections with its similar examples, a search by a synonym and the page of
    figures with its downloads, each from a visitor address of its own, with DEBUG off."""
    marker = "".join(random.choices(string.ascii_lowercase, k=10))  # a word of its own
    output = stack.manage(
        "shell",
        "-c",
        "from smartregion.core.models import Topic\n"
        "from tests.factories import PostFactory\n"
        "topics = [Topic.objects.get(slug='kuenstliche-intelligenz')]\n"
        f"story = PostFactory(title='Künstliche Intelligenz im Handwerk {marker}', "
        f"slug='ki-{marker}', topics=topics, body='', "
        "situation='Die Aufträge stapelten sich.', solution='Ein Sprachmodell sortiert die Post.')\n"
        f"PostFactory(title='Roboter in der Werkstatt {marker}', slug='roboter-{marker}', "
        "topics=topics)\n"
        "print(story.get_absolute_url())\n",
    )
    path = output.strip().splitlines()[-1]

    page = visitor("127.0.0.35").get(path)
    assert page.status_code == 200 and "set-cookie" not in page.headers
    assert '<h2 id="abschnitt-solution-title">Lösung</h2>' in page.text
    similar = page.text.split('<h2 id="related-title">Ähnliche Beispiele</h2>', 1)[1]
    assert f'href="/blog/roboter-{marker}/"' in similar.split("</section>", 1)[0]

    found = visitor("127.0.0.36").get("/suche/", params={"q": f"KI {marker}"})
    assert found.status_code == 200
    assert f"Intelligenz</mark> im Handwerk <mark>{marker}</mark>" in found.text

    reader = visitor("127.0.0.37")
    figures = reader.get("/zahlen/")
    assert figures.status_code == 200 and "set-cookie" not in figures.headers
    # Members and posts always have a chart; events and subscriptions once there are any.
    assert figures.text.count('<svg class="chart"') >= 4
    table = reader.get("/zahlen/beitraege-nach-themenfeld.csv")
    assert table.headers["content-type"] == "text/csv; charset=utf-8"
    assert table.headers["content-disposition"].startswith("attachment;")
    assert table.text.splitlines()[0] == "themenfeld,beitraege"
    data = reader.get("/zahlen/zahlen.json").json()
    assert data["licence"]["id"] == "dl-de/by-2-0"
