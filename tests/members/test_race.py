"""Two runs of the membership housekeeping at the same time (a slow run overlapping the next
slot's): every membership is reminded once and expires once. An invitation link clicked twice
at once is accepted once. Threads on separate connections."""

from datetime import date

import pytest
import time_machine

from members import services
from members.models import Invitation, Membership
from smartregion.core.models import ModerationLog
from tests.concurrency import (
    holding_lock,
    run_concurrently,
    start_concurrently,
    wait_for_lock_waiters,
)
from tests.members.helpers import member, verified_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("taxonomy")]

RUNS = 4


def _memberships_ending(valid_until: date, count: int) -> list[Membership]:
    memberships = []
    for n in range(count):
        organisation = member(f"Mitglied {n} GmbH", manager=verified_user(f"m{n}@example.org"))
        Membership.objects.filter(pk=organisation.membership.pk).update(
            valid_from=date(valid_until.year - 1, 1, 1), valid_until=valid_until
        )
        memberships.append(Membership.objects.get(pk=organisation.membership.pk))
    return memberships


def test_reminder_runs_at_the_same_time_send_one_mail_per_membership(mailoutbox):
    memberships = _memberships_ending(date(2026, 12, 31), 8)
    with time_machine.travel(date(2026, 12, 10), tick=False):
        reminded = run_concurrently(lambda _: services.memberships_send_reminders(), range(RUNS))
    assert sum(reminded) == 8
    assert sorted(m.to[0] for m in mailoutbox) == sorted(f"m{n}@example.org" for n in range(8))
    assert set(
        Membership.objects.filter(pk__in=[m.pk for m in memberships]).values_list(
            "reminder_sent_for", flat=True
        )
    ) == {date(2026, 12, 31)}


def test_expiry_runs_at_the_same_time_expire_each_membership_once():
    memberships = _memberships_ending(date(2026, 12, 31), 6)
    versions = {m.pk: m.seal_version for m in memberships}
    with time_machine.travel(date(2027, 1, 2), tick=False):
        expired = run_concurrently(lambda _: services.memberships_expire(), range(RUNS))
    assert sum(expired) == 6
    for membership in Membership.objects.filter(pk__in=versions):
        assert membership.status == "expired"
        assert membership.seal_version == versions[membership.pk] + 1
    logged = ModerationLog.objects.filter(to_state="expired").values_list("object_id", flat=True)
    assert sorted(logged) == sorted(str(pk) for pk in versions)


def test_an_invitation_accepted_twice_at_once_is_accepted_once():
    """Two clicks on the invitation link at the same moment: one accepts, the other finds it
    used (and the person managing the organisation: the view then says so)."""
    organisation = member("Zechenblick Software GmbH", manager=verified_user("chefin@example.org"))
    invitee = verified_user("neu@example.org")
    invitation = services.invitation_create(
        organisation=organisation, email=invitee.email, invited_by=None
    )
    loaded = [Invitation.objects.get(pk=invitation.pk) for _ in range(2)]  # as each view read it

    with holding_lock(invitation):
        running = start_concurrently(
            lambda stale: services.invitation_accept(invitation=stale, user=invitee), loaded
        )
        wait_for_lock_waiters(2)
    assert sorted(running.join()) == [False, True]
    assert list(organisation.managers.filter(pk=invitee.pk)) == [invitee]
