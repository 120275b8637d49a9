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
