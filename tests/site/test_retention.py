"""The privacy statement's retention periods are the settings the purges use: the page shows
each setting's value, and each purge deletes after that time and not before, whatever the
setting says."""

import os
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from blog.models import Post
from blog.services import purge_unconfirmed
from events.models import Registration
from events.services import registrations_anonymise_past, registrations_purge_unconfirmed
from newsletter.models import Subscriber
from newsletter.services import pending_purge
from smartregion.core import images, ratelimit
from smartregion.core import tasks as core_tasks
from smartregion.core.models import UndeliveredMail
from smartregion.site.legal import PURGE_TASKS
from smartregion.site.models import AccessibilityFeedback
from smartregion.site.services import feedback_purge_answered
from tests.factories import PostFactory, RegistrationFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def privacy_page(client) -> str:
    response = client.get(reverse("legal:privacy"))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


# The page shows the settings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "value", "text"),
    [
        ("LOG_RETENTION_DAYS", 3, "Die Protokolle werden nach 3 Tagen gelöscht."),
        (
            "RETENTION_UNCONFIRMED_POSTS_DAYS",
            4,
            "löschen wir den Beitrag mit allen Bildern nach 4 Tagen",
        ),
        ("RETENTION_STASHED_IMAGES_HOURS", 2, "für den zweiten Versuch 2 Stunden auf"),
        (
            "RETENTION_UNCONFIRMED_REGISTRATIONS_DAYS",
            5,
            "Nicht bestätigte Anmeldungen löschen wir nach 5 Tagen; so lange gilt auch der Link.",
        ),
        (
            "RETENTION_PAST_REGISTRATIONS_DAYS",
            21,
            "21 Tage nach dem Ende der Veranstaltung löschen wir Namen, E-Mail-Adressen",
        ),
        (
            "RETENTION_PENDING_SUBSCRIBERS_DAYS",
            11,
            "Nicht bestätigte Anmeldungen löschen wir nach 11 Tagen.",
        ),
        ("RETENTION_ANSWERED_FEEDBACK_DAYS", 90, "Rückmeldung 90 Tage nach unserer Antwort"),
        ("RETENTION_TASK_RESULTS_DAYS", 2, "noch 2 Tage in der Warteschlange"),
        ("RETENTION_UNDELIVERED_MAIL_DAYS", 12, "Betreff, Fehler) löschen wir nach 12 Tagen."),
        ("SESSION_COOKIE_AGE", 3 * 86400, "Eine Sitzung läuft nach 3 Tagen ab"),
        ("STAFF_SESSION_AGE", 4 * 3600, "bei Konten der Redaktion 4 Stunden nach der Anmeldung"),
        ("RATE_LIMIT_MAX_WINDOW_SECONDS", 6 * 3600, "spätestens nach 6 Stunden"),
    ],
)
def test_the_privacy_statement_shows_each_retention_setting(client, settings, setting, value, text):
    assert text not in privacy_page(client)
    setattr(settings, setting, value)
    assert text in privacy_page(client)


def test_singular_periods_read_as_german(client, settings):
    settings.LOG_RETENTION_DAYS = 1
    assert "Die Protokolle werden nach 1 Tag gelöscht." in privacy_page(client)


def test_the_delay_of_the_purge_runs_is_their_longest_interval(client, settings):
    assert "bis zu 24 Stunden vergehen" in privacy_page(client)
    settings.PERIODIC_TASKS = {name: timedelta(hours=1) for name in settings.PERIODIC_TASKS}
    assert "bis zu 1 Stunde vergehen" in privacy_page(client)


def test_every_purge_the_page_relies_on_runs_periodically(settings):
    assert set(PURGE_TASKS) <= set(settings.PERIODIC_TASKS)


def test_default_retention_is_as_documented(settings):
    """The defaults docs/legal.md names (and the page shows when nothing is set)."""
    assert settings.RETENTION_UNCONFIRMED_POSTS_DAYS == 7
    assert settings.RETENTION_UNCONFIRMED_REGISTRATIONS_DAYS == 7
    assert settings.RETENTION_PAST_REGISTRATIONS_DAYS == 90
    assert settings.RETENTION_PENDING_SUBSCRIBERS_DAYS == 30
    assert settings.RETENTION_TASK_RESULTS_DAYS == 7
    assert settings.RETENTION_UNDELIVERED_MAIL_DAYS == 30
    assert settings.RETENTION_STASHED_IMAGES_HOURS == 6
    assert settings.RETENTION_ANSWERED_FEEDBACK_DAYS == 365
    assert settings.LOG_RETENTION_DAYS == 7


# The purges follow the settings -------------------------------------------------------------------


def test_unconfirmed_posts_are_purged_after_the_setting(settings, time_machine):
    settings.RETENTION_UNCONFIRMED_POSTS_DAYS = 3
    time_machine.move_to(timezone.now(), tick=False)
    now = timezone.now()
    stale = PostFactory(status="submitted", created_at=now - timedelta(days=3, minutes=1))
    fresh = PostFactory(status="submitted", created_at=now - timedelta(days=2, hours=23))
    assert purge_unconfirmed() == 1
    assert list(Post.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert stale.pk != fresh.pk


def test_the_confirmation_link_of_a_post_lives_as_long_as_the_post(client, settings):
    import time_machine

    from blog.services import confirm_path

    settings.RETENTION_UNCONFIRMED_POSTS_DAYS = 2
    post = PostFactory(status="submitted", created_at=timezone.now())
    path = confirm_path(post)
    with time_machine.travel(timezone.now() + timedelta(days=1, hours=23)):
        client.get(path)
    post.refresh_from_db()
    assert post.status == "confirmed"

    late = PostFactory(status="submitted", created_at=timezone.now())
    path = confirm_path(late)
    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=1)):
        client.get(path)
    late.refresh_from_db()
    assert late.status == "submitted"


def test_unconfirmed_registrations_are_purged_after_the_setting(settings):
    settings.RETENTION_UNCONFIRMED_REGISTRATIONS_DAYS = 2
    now = timezone.now()
    stale = RegistrationFactory()
    fresh = RegistrationFactory()
    Registration.objects.filter(pk=stale.pk).update(created_at=now - timedelta(days=2, minutes=1))
    Registration.objects.filter(pk=fresh.pk).update(created_at=now - timedelta(days=1, hours=23))
    assert registrations_purge_unconfirmed(now=now) == 1
    assert list(Registration.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_past_registrations_are_anonymised_after_the_setting(settings, time_machine):
    settings.RETENTION_PAST_REGISTRATIONS_DAYS = 10
    time_machine.move_to(timezone.now(), tick=False)
    now = timezone.now()
    old = RegistrationFactory(
        status="confirmed",
        place=1,
        name="Alte Teilnehmerin",
        organisation="Zeche AG",
        event__starts_at=now - timedelta(days=10, hours=3),
        event__ends_at=now - timedelta(days=10, minutes=1),
    )
    cancelled = RegistrationFactory(status="cancelled", event=old.event)
    recent = RegistrationFactory(
        status="confirmed",
        event__starts_at=now - timedelta(days=9, hours=25),
        event__ends_at=now - timedelta(days=9, hours=23),
    )

    assert registrations_anonymise_past() == 2
    assert registrations_anonymise_past() == 0  # done once
    for registration in (old, cancelled):
        registration.refresh_from_db()
        assert (registration.name, registration.organisation) == ("", "")
        assert registration.email == f"anonym-{registration.public_id}@anonymisiert.invalid"
    assert (old.status, old.place) == ("confirmed", 1)  # still counted
    recent_before = (recent.name, recent.email)
    recent.refresh_from_db()
    assert (recent.name, recent.email) == recent_before


def test_pending_subscribers_are_purged_after_the_setting(settings, time_machine):
    settings.RETENTION_PENDING_SUBSCRIBERS_DAYS = 5
    time_machine.move_to(timezone.now(), tick=False)
    now = timezone.now()
    SubscriberFactory(status="pending", signup_at=now - timedelta(days=5, minutes=1))
    fresh = SubscriberFactory(status="pending", signup_at=now - timedelta(days=4, hours=23))
    confirmed = SubscriberFactory(signup_at=now - timedelta(days=50))
    assert pending_purge() == 1
    assert set(Subscriber.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk}


def _finished_task(finished_ago: timedelta) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status="SUCCESSFUL",
        args_kwargs={"args": [{"to": ["person@example.org"]}], "kwargs": {}},
        task_path="smartregion.core.tasks.deliver_mail",
        backend_name="default",
        queue_name="mail",
        run_after=get_date_max(),
        finished_at=timezone.now() - finished_ago,
    )


def test_sent_mails_in_the_task_queue_are_pruned_after_the_setting(db_tasks, settings):
    settings.RETENTION_TASK_RESULTS_DAYS = 2
    _finished_task(timedelta(days=2, minutes=1))
    fresh = _finished_task(timedelta(days=1, hours=23))
    core_tasks.prune_task_results.call()
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [fresh.pk]


def _undelivered(last_attempt_ago: timedelta) -> UndeliveredMail:
    now = timezone.now()
    return UndeliveredMail.objects.create(
        recipients=["person@example.org"],
        subject="Bitte bestätigen",
        reason=UndeliveredMail.Reason.REFUSED,
        error="550 no such user",
        attempts=1,
        first_attempt_at=now - last_attempt_ago,
        last_attempt_at=now - last_attempt_ago,
    )


def test_reports_of_undelivered_mail_are_pruned_after_the_setting(db_tasks, settings):
    settings.RETENTION_UNDELIVERED_MAIL_DAYS = 4
    _undelivered(timedelta(days=4, minutes=1))
    fresh = _undelivered(timedelta(days=3, hours=23))
    core_tasks.prune_task_results.call()
    assert list(UndeliveredMail.objects.values_list("pk", flat=True)) == [fresh.pk]


def _stashed_file(settings, name: str, age: timedelta):
    folder = settings.PRIVATE_MEDIA_ROOT / images.STASH_PREFIX
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"image")
    when = (timezone.now() - age).timestamp()
    os.utime(path, (when, when))
    return path


def test_stashed_images_are_purged_after_the_setting(settings):
    settings.RETENTION_STASHED_IMAGES_HOURS = 2
    stale = _stashed_file(settings, "alt", timedelta(hours=2, minutes=1))
    fresh = _stashed_file(settings, "neu", timedelta(hours=1, minutes=59))
    assert images.purge_stashed_images() == 1
    assert not stale.exists()
    assert fresh.exists()


def test_answered_feedback_is_purged_after_the_setting_and_open_feedback_kept(settings):
    settings.RETENTION_ANSWERED_FEEDBACK_DAYS = 10
    now = timezone.now()
    answered = AccessibilityFeedback.Status.ANSWERED
    AccessibilityFeedback.objects.create(
        message="alt", status=answered, answered_at=now - timedelta(days=10, minutes=1)
    )
    fresh = AccessibilityFeedback.objects.create(
        message="neu", status=answered, answered_at=now - timedelta(days=9, hours=23)
    )
    still_open = AccessibilityFeedback.objects.create(
        message="offen", created_at=now - timedelta(days=400)
    )
    assert feedback_purge_answered(now=now) == 1
    assert set(AccessibilityFeedback.objects.values_list("pk", flat=True)) == {
        fresh.pk,
        still_open.pk,
    }


def test_housekeeping_purges_answered_feedback(settings, housekeeping):
    settings.RETENTION_ANSWERED_FEEDBACK_DAYS = 1
    AccessibilityFeedback.objects.create(
        message="alt",
        status=AccessibilityFeedback.Status.ANSWERED,
        answered_at=timezone.now() - timedelta(days=2),
    )
    output = housekeeping()
    assert "smartregion.site.tasks.purge_answered_feedback" in output
    assert not AccessibilityFeedback.objects.exists()


def test_no_rate_limit_counts_longer_than_the_setting(settings):
    settings.RATE_LIMIT_MAX_WINDOW_SECONDS = 3600
    assert ratelimit.hit("probe", "192.0.2.1", limit=5, period_seconds=3600)
    with pytest.raises(ValueError, match="RATE_LIMIT_MAX_WINDOW_SECONDS"):
        ratelimit.hit("probe", "192.0.2.1", limit=5, period_seconds=3601)


def test_a_rate_limit_counter_expires_a_minute_after_its_window_at_the_latest():
    ratelimit.hit("probe", "192.0.2.1", limit=5, period_seconds=3600)
    client = cache._cache.get_client()
    keys = client.keys("*rl:probe*")
    assert len(keys) == 1
    assert 0 < client.ttl(keys[0]) <= 3600 + ratelimit.EXPIRY_MARGIN_SECONDS
