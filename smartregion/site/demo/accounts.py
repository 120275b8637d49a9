"""The demo accounts from ``data/accounts.toml`` (development only: while DEBUG is on).

``demo_user()`` makes every demo account, here and in the members' seeder: a known password
and a verified primary address, so that one can log in with it right away.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from smartregion.core.permissions import EDITORS_GROUP
from smartregion.site.demo.datafiles import build, toml

DEMO_PASSWORD = "smartregion-demo"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    is_staff: bool = False
    is_superuser: bool = False
    redaktion: bool = False  # in the Redaktion group


def demo_user(email: str, *, first_name: str, last_name: str, **flags):
    """The account for ``email``; created with ``DEMO_PASSWORD`` and ``flags`` when missing."""
    user, created = get_user_model().objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name, **flags}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(stdout) -> None:
    if not settings.DEBUG:
        stdout.write("  accounts: skipped (DEBUG is off, no demo passwords in production)")
        return
    accounts = [
        build(DemoAccount, values, f"accounts.toml, account {number}")
        for number, values in enumerate(toml("accounts.toml")["account"], start=1)
    ]
    for account in accounts:
        user = demo_user(
            account.email,
            first_name=account.first_name,
            last_name=account.last_name,
            is_staff=account.is_staff,
            is_superuser=account.is_superuser,
        )
        if account.redaktion:
            user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    emails = " and ".join(account.email for account in accounts)
    stdout.write(f"  accounts: {emails}, password {DEMO_PASSWORD!r}")
