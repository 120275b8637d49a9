"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium); axe-core checks WCAG."""

import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from django.conf import settings

from tests.browser.helpers import EXTERNAL

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM:
                if os.environ.get("REQUIRE_BROWSER"):
                    raise pytest.UsageError("REQUIRE_BROWSER is set but chromium is missing")
                item.add_marker(pytest.mark.skip(reason="no Chromium: apt-get install chromium"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    yield page
    context.close()


@pytest.fixture
def axe_check():
    """Run axe-core on the page; fail with a readable list of WCAG 2.1 A/AA violations."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        violations = results.response["violations"]
        report = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
            for v in violations
        )
        assert not violations, f"axe-core found WCAG violations on {page.url}:\n{report}"

    return check


REFERENCE_DATA = [
    # (migration module, function): the data migrations that seed reference data.
    ("smartregion.core.migrations.0002_seed_taxonomy_and_pages", "seed"),
    ("smartregion.core.migrations.0003_add_redaktion_group", "create_group"),
    ("smartregion.core.migrations.0012_seed_easy_read_pages", "seed"),
    ("smartregion.core.migrations.0012_seed_easy_read_pages", "grant"),
    ("blog.migrations.0002_grant_redaktion_blog_permissions", "grant"),
    ("members.migrations.0003_grant_redaktion_members_permissions", "grant"),
    ("events.migrations.0003_grant_redaktion_events_permissions", "grant"),
    ("newsletter.migrations.0002_grant_redaktion_newsletter_permissions", "grant"),
    ("smartregion.site.migrations.0002_replace_legal_stub_pages", "forwards"),
]


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Browser tests run against a live server, so their tables are flushed after each test.

    Re-run the seeding data migrations (idempotent) before each one. Django's
    serialized_rollback cannot do this here: Playwright's event loop gives the test another
    context, whose database connection lacks the serialized copy.
    """
    if "live_server" not in request.fixturenames:
        return
    from importlib import import_module

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for module_name, function in REFERENCE_DATA:
        getattr(import_module(module_name), function)(apps, None)


@pytest.fixture
def site_page(page, live_server):
    """The page with /media/ served from MEDIA_ROOT and other hosts unreachable.

    The live server does not serve MEDIA_URL. ``page.requests`` lists every URL the page asked
    for.
    """
    media_root = Path(settings.MEDIA_ROOT)

    def serve_media(route):
        path = unquote(urlparse(route.request.url).path).removeprefix(settings.MEDIA_URL)
        file = (media_root / path).resolve()
        if file.is_relative_to(media_root.resolve()) and file.is_file():
            route.fulfill(path=file)
        else:
            route.fulfill(status=404, body="not found")

    page.set_default_timeout(5000)
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.route(EXTERNAL, lambda route: route.abort())
    page.route(f"{live_server.url}{settings.MEDIA_URL}**", serve_media)
    return page
