import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The "private" storage follows this setting, also where model fields hold it.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the shared cache (Redis at TEST_REDIS_URL, flushed whole):
    every test starts with none, also after an interrupted run."""
    from django.core.cache import cache, caches

    caches["fragments"].clear()
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in German: a request to an /en/ page leaves English active in the
    thread (LocaleMiddleware activates the URL's language and does not reset it), and reverse()
    would then give /en/ URLs to the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def warm_taxonomy(db):
    """The Themenfelder and Kommunen in this worker's memory, as after its first list page
    (smartregion.core.models.taxonomy): query counts then show what a page itself reads."""
    from smartregion.core.models import taxonomy

    taxonomy()


@pytest.fixture
def taxonomy():
    """Transactional tests start from an empty database: seed the municipalities and topics."""
    from importlib import import_module

    from django.apps import apps

    import_module("smartregion.core.migrations.0002_seed_taxonomy_and_pages").seed(apps, None)


@pytest.fixture
def staff_editor(django_user_model):
    """A staff member in the Redaktion group, not a superuser, with a verified address."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        email="redaktion@example.org", password="pw-redaktion", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Redaktion"))
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def housekeeping(django_capture_on_commit_callbacks):
    """``housekeeping()``: run ``manage.py housekeeping`` as cron does and return its output.

    The tests' immediate task backend runs each periodic task as it is enqueued; what waits
    for the commit (mail delivery) runs as well, as after a real run.
    """
    from io import StringIO

    from django.core.management import call_command

    def run() -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("housekeeping", stdout=out)
        return out.getvalue()

    return run


@pytest.fixture
def db_tasks(settings, transactional_db):
    """The database task backend (as deployed) instead of the immediate one, with fast mail
    retries (base 0.5 s). Run its worker with ``tests.tasks.run_worker()``."""
    from tests.tasks import db_tasks_setting

    settings.TASKS = db_tasks_setting()
    settings.MAIL_RETRY_BASE_SECONDS = 0.5


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 (tests.tasks.SMTPServer), not started yet: its port is
    closed until ``smtp_server.start()``. The site's mail goes to it."""
    from tests.tasks import SMTPServer

    server = SMTPServer()
    settings.MAILERS = server.mailers()
    yield server
    server.stop()


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, logged in as staff log in: with TOTP (tests/staff.py)."""
    from tests.staff import login_staff

    login_staff(client, admin_user)
    return client


@pytest.fixture(scope="session")
def s3_server():
    """A real S3 API server (moto over HTTP on 127.0.0.1, tests/s3.py) for the whole run."""
    from tests.s3 import S3Server

    server = S3Server()
    server.start()
    yield server
    server.stop()


def local_files(settings) -> list:
    """Every file under MEDIA_ROOT and PRIVATE_MEDIA_ROOT (none may appear on S3)."""
    from pathlib import Path

    roots = [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]
    return [path for root in roots if root.exists() for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def s3_storages(settings, s3_server):
    """The storages on S3 as deployed: fresh media and private buckets for this test, and
    STORAGES["default"] and ["private"] built from the S3_* variables by the settings' own
    ``s3_storages()``. Model fields follow (smartregion.core.storage.private_storage). Fails
    the test if anything was written under MEDIA_ROOT or PRIVATE_MEDIA_ROOT meanwhile.

    Yields ``tests.s3.S3Buckets``: the server, the two bucket names and their keys.
    """
    import uuid

    from smartregion.site.settings import s3_storages as storages_from_env
    from tests.s3 import S3Buckets

    suffix = uuid.uuid4().hex[:12]
    buckets = S3Buckets(s3_server, media=f"media-{suffix}", private=f"private-{suffix}")
    s3_server.create_buckets(buckets.media, buckets.private)
    settings.STORAGES = {
        **settings.STORAGES,
        **storages_from_env(s3_server.env(buckets.media, buckets.private)),
    }
    yield buckets
    assert local_files(settings) == [], "files were written to the filesystem, not to S3"
