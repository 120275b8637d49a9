"""Membership lifecycle: expiry, reminders, renewal, revocation, founding members, re-approval."""

from datetime import date

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from members import services, tasks
from members.models import Application, ApplicationMessage, Membership, Organisation
from smartregion.core.models import ModerationLog, Municipality
from smartregion.core.moderation import InvalidTransition
from tests.members.helpers import member, verified_user

pytestmark = pytest.mark.django_db


def _membership_ending(valid_until: date, manager=None) -> Membership:
    organisation = member(manager=manager)
    membership = organisation.membership
    Membership.objects.filter(pk=membership.pk).update(
        valid_from=date(valid_until.year - 1, 1, 1), valid_until=valid_until
    )
    membership.refresh_from_db()
    return membership


# Reminders -----------------------------------------------------------------------------------------


def test_reminder_is_mailed_once_30_days_before_expiry_by_the_housekeeping_task(
    manager, mailoutbox, django_capture_on_commit_callbacks
):
    membership = _membership_ending(date(2026, 12, 31), manager=manager)
    with (
        time_machine.travel(date(2026, 11, 30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.membership_housekeeping.call() == {"expired": 0, "reminded": 0}
    assert mailoutbox == []
    with (
        time_machine.travel(date(2026, 12, 1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.membership_housekeeping.call() == {"expired": 0, "reminded": 1}
    assert [m.to for m in mailoutbox] == [[manager.email]]
    reminder = mailoutbox[0]
    assert "31.12.2026" in reminder.subject
    assert settings.SITE_URL + reverse("members:area") in reminder.body
    with (
        time_machine.travel(date(2026, 12, 2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.membership_housekeeping.call()["reminded"] == 0
    with (
        time_machine.travel(date(2026, 12, 20), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.membership_housekeeping.call()
    assert len(mailoutbox) == 1
    membership.refresh_from_db()
    assert membership.reminder_sent_for == date(2026, 12, 31)


def test_reminder_days_come_from_settings(
    settings, manager, mailoutbox, django_capture_on_commit_callbacks
):
    settings.MEMBERSHIP_REMINDER_DAYS = 10
    _membership_ending(date(2026, 12, 31), manager=manager)
    with (
        time_machine.travel(date(2026, 12, 1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.memberships_send_reminders() == 0
    with (
        time_machine.travel(date(2026, 12, 21), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.memberships_send_reminders() == 1


def test_founding_members_get_no_reminder_and_never_expire(mailoutbox):
    founding = member(
        "Stadt Bottrop", kind="public", founding=True, manager=verified_user()
    ).membership
    with time_machine.travel(date(2090, 1, 1), tick=False):
        assert services.memberships_send_reminders() == 0
        assert services.memberships_expire() == 0
    founding.refresh_from_db()
    assert founding.status == "active" and founding.is_valid


def test_after_renewal_the_next_period_gets_its_own_reminder(
    manager, mailoutbox, django_capture_on_commit_callbacks
):
    membership = _membership_ending(date(2026, 12, 31), manager=manager)
    with (
        time_machine.travel(date(2026, 12, 5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.memberships_send_reminders()
        services.membership_renew(membership=membership, user=manager)
    membership.refresh_from_db()
    assert membership.valid_until == date(2027, 12, 31) and membership.reminder_sent_for is None
    with (
        time_machine.travel(date(2027, 12, 1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.memberships_send_reminders() == 1
    assert len(mailoutbox) == 2


# Expiry --------------------------------------------------------------------------------------------


def test_housekeeping_expires_memberships_past_their_end_and_bumps_the_seal(manager):
    membership = _membership_ending(date(2026, 12, 31), manager=manager)
    version = membership.seal_version
    with time_machine.travel(date(2027, 1, 1), tick=False):
        assert membership.state == "expired"  # even before the task ran
        assert tasks.membership_housekeeping.call()["expired"] == 1
    membership.refresh_from_db()
    assert membership.status == "expired" and membership.seal_version == version + 1
    assert ModerationLog.objects.filter(object_id=str(membership.pk), to_state="expired").exists()


# Renewal -------------------------------------------------------------------------------------------


def test_manager_renews_from_the_member_area_within_the_window(client, manager):
    membership = _membership_ending(date(2026, 12, 31), manager=manager)
    with time_machine.travel(date(2026, 12, 1), tick=False):
        client.force_login(manager)
        html = client.get("/mein-bereich/").content.decode()
        assert reverse("members:renew", args=[membership.pk]) in html
        response = client.post(reverse("members:renew", args=[membership.pk]), follow=True)
    assert "verlängert bis zum 31.12.2027" in response.content.decode()
    membership.refresh_from_db()
    assert membership.valid_until == date(2027, 12, 31) and membership.valid_from == date(
        2025, 1, 1
    )


def test_renewal_outside_the_window_is_refused(client, manager):
    membership = _membership_ending(date(2026, 12, 31), manager=manager)
    with time_machine.travel(date(2026, 6, 1), tick=False):
        client.force_login(manager)
        assert (
            reverse("members:renew", args=[membership.pk])
            not in client.get("/mein-bereich/").content.decode()
        )
        response = client.post(reverse("members:renew", args=[membership.pk]), follow=True)
    assert "kann zurzeit nicht verlängert werden" in response.content.decode()
    membership.refresh_from_db()
    assert membership.valid_until == date(2026, 12, 31)


def test_expired_membership_renews_into_a_new_period_from_today(client, manager):
    membership = _membership_ending(date(2026, 12, 31), manager=manager)
    with time_machine.travel(date(2027, 3, 10), tick=False):
        services.memberships_expire()
        client.force_login(manager)
        client.post(reverse("members:renew", args=[membership.pk]))
        membership.refresh_from_db()
        assert membership.status == "active" and membership.is_valid
    assert membership.valid_from == date(2027, 3, 10) and membership.valid_until == date(
        2028, 12, 31
    )


def test_revoked_membership_cannot_be_renewed(client, manager, staff_editor):
    membership = _membership_ending(date(2026, 12, 31), manager=manager)
    services.membership_revoke(membership=membership, actor=staff_editor, reason="x")
    with time_machine.travel(date(2026, 12, 20), tick=False):
        client.force_login(manager)
        client.post(reverse("members:renew", args=[membership.pk]))
    membership.refresh_from_db()
    assert membership.status == "revoked"


def test_only_managers_may_renew(client, membership, stranger):
    client.force_login(stranger)
    assert client.post(reverse("members:renew", args=[membership.pk])).status_code == 403
    assert client.get(reverse("members:renew", args=[membership.pk])).status_code == 405


def test_renewal_extends_by_the_configured_number_of_years(settings, manager):
    settings.MEMBERSHIP_VALIDITY_YEARS = 2
    membership = _membership_ending(date(2026, 12, 31), manager=manager)
    with time_machine.travel(date(2026, 12, 1), tick=False):
        services.membership_renew(membership=membership, user=manager)
    assert membership.valid_until == date(2028, 12, 31)


# Approval edge cases (bugs fixed in services) -------------------------------------------------------


def _application(user, name="Zechenblick Software GmbH"):
    application = Application.objects.create(
        applicant=user,
        organisation_name=name,
        kind="company",
        municipality=Municipality.objects.get(slug="gelsenkirchen"),
        address="x",
        website="https://z.example",
        description="y",
        contact_person="z",
        criterion_region=True,
        criterion_digital=True,
        criterion_sharing=True,
        criterion_terms=True,
    )
    return application


def test_approving_an_expired_organisation_starts_a_new_valid_period(manager, staff_editor):
    membership = _membership_ending(date(2026, 12, 31), manager=manager)
    with time_machine.travel(date(2027, 2, 1), tick=False):
        services.memberships_expire()
        version = Membership.objects.get(pk=membership.pk).seal_version
        services.application_approve(application=_application(verified_user()), actor=staff_editor)
        membership.refresh_from_db()
        assert membership.is_valid
    assert membership.valid_from == date(2027, 2, 1) and membership.valid_until == date(
        2028, 12, 31
    )
    assert membership.seal_version == version + 1
    assert Membership.objects.count() == 1


def test_approving_a_revoked_organisation_clears_the_revocation(manager, staff_editor):
    membership = member(manager=manager).membership
    services.membership_revoke(membership=membership, actor=staff_editor, reason="damals")
    services.application_approve(application=_application(verified_user()), actor=staff_editor)
    membership.refresh_from_db()
    assert membership.is_valid and membership.revoked_reason == ""


def test_a_question_on_a_decided_application_leaves_no_orphan_message(staff_editor):
    application = _application(verified_user(), name="Neu GmbH")
    services.application_reject(application=application, actor=staff_editor, reason="nein")
    with pytest.raises(InvalidTransition):
        services.application_ask(application=application, actor=staff_editor, question="Noch da?")
    assert not ApplicationMessage.objects.exists()


def test_an_answer_without_open_question_leaves_no_orphan_message():
    user = verified_user()
    application = _application(user, name="Neu GmbH")
    with pytest.raises(InvalidTransition):
        services.application_answer(application=application, user=user, text="Hallo")
    assert not ApplicationMessage.objects.exists()


@pytest.mark.parametrize("name", ["Botschafter", "Bewerben"])
def test_organisation_slugs_never_shadow_fixed_pages(name, staff_editor):
    organisation = services.application_approve(
        application=_application(verified_user(), name=name), actor=staff_editor
    )
    assert organisation.slug not in {"botschafter", "bewerben"}
    assert organisation.get_absolute_url() != f"/mitglieder/{name.lower()}/"


def test_member_numbers_count_up_per_year():
    first = member("Eins GmbH").membership
    second = member("Zwei GmbH").membership
    year = first.valid_from.year
    assert (first.number, second.number) == (f"SR-{year}-0001", f"SR-{year}-0002")


def test_organisation_make_founding_creates_or_converts_and_logs(staff_editor):
    organisation = Organisation.objects.create(
        name="Stadt Marl",
        slug="stadt-marl",
        kind="public",
        municipality=Municipality.objects.get(slug="marl"),
    )
    membership = services.organisation_make_founding(organisation=organisation, actor=staff_editor)
    assert membership.valid_until is None and organisation.is_founding
    assert ModerationLog.objects.filter(object_id=str(membership.pk), actor=staff_editor).exists()
    limited = member("Westfälische Hochschule", kind="research").membership
    converted = services.organisation_make_founding(
        organisation=limited.organisation, actor=staff_editor
    )
    assert converted.valid_until is None and converted.seal_version == limited.seal_version + 1
