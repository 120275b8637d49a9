"""Demo content for the site-wide app: the editorial accounts (development only)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from smartregion.core.permissions import EDITORS_GROUP

DEMO_PASSWORD = "smartregion-demo"


def seed(stdout) -> None:
    if not settings.DEBUG:
        stdout.write("  accounts: skipped (DEBUG is off, no demo passwords in production)")
        return
    User = get_user_model()
    admin, created = User.objects.get_or_create(
        email="admin@example.org",
        defaults={
            "is_staff": True,
            "is_superuser": True,
            "first_name": "Ada",
            "last_name": "Admin",
        },
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    editor, created = User.objects.get_or_create(
        email="redaktion@example.org",
        defaults={"is_staff": True, "first_name": "Rita", "last_name": "Redaktion"},
    )
    if created:
        editor.set_password(DEMO_PASSWORD)
        editor.save()
    editor.groups.add(Group.objects.get(name=EDITORS_GROUP))
    from allauth.account.models import EmailAddress

    for user in (admin, editor):
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    stdout.write(
        f"  accounts: admin@example.org and redaktion@example.org, password {DEMO_PASSWORD!r}"
    )
