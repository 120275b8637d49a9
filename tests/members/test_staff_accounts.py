"""Staff accounts (smartregion/core/staff.py): TOTP before the admin, sessions with a fixed end."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from smartregion.core.staff import is_staff_account
from tests.members.helpers import password_login, verified_user
from tests.staff import login_staff, totp_code

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
PASSWORD = "Redaktion-Passwort-2026"
WHY = "Für die Redaktion ist die Anmeldung in zwei Schritten Pflicht"
CONTINUE = "Weiter zur Redaktion"


def activation_url(next_url: str) -> str:
    return reverse("mfa_activate_totp") + "?" + urlencode({"next": next_url})


def staff_user(kind: str, email: str = "redakteurin@example.org"):
    """A staff account of one kind, with a verified address and a password."""
    flags = {"is_staff": kind == "is_staff", "is_superuser": kind == "superuser"}
    if kind == "superuser":
        flags["is_staff"] = True
    user = verified_user(email, **flags)
    user.set_password(PASSWORD)
    user.save()
    if kind == "redaktion":
        user.groups.add(Group.objects.get(name="Redaktion"))
    return user


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.mark.parametrize("kind", ["is_staff", "superuser", "redaktion"])
def test_is_staff_account_covers_staff_superusers_and_the_redaktion(kind):
    assert is_staff_account(staff_user(kind))


def test_an_ordinary_member_is_no_staff_account():
    assert not is_staff_account(verified_user("mitglied@example.org"))


@pytest.mark.parametrize("kind", ["is_staff", "superuser", "redaktion"])
def test_staff_without_totp_is_sent_from_the_admin_to_the_activation_with_the_reason(client, kind):
    client.force_login(staff_user(kind))
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"] == activation_url(ADMIN)
    page = client.get(response["Location"], follow=True)  # allauth may ask for the password
    assert any(WHY in message for message in messages_of(page))
    assert WHY in page.content.decode()


def test_the_redaktion_editor_without_totp_is_sent_to_the_activation(client, staff_editor):
    client.force_login(staff_editor)
    response = client.get(reverse("admin:blog_post_changelist"))
    assert response["Location"] == activation_url(reverse("admin:blog_post_changelist"))


def test_a_member_visiting_the_admin_gets_the_usual_refusal_not_the_activation(client):
    client.force_login(verified_user("mitglied@example.org"))
    response = client.get(ADMIN)
    assert response["Location"] == reverse("admin:login") + "?next=/admin/"
    assert client.get(response["Location"]).status_code == 403  # allauth's secure_admin_login


def test_a_visitor_visiting_the_admin_is_sent_to_the_login(client):
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_login") + "?next=%2Fadmin%2F"


def test_staff_with_totp_opens_the_admin(client, staff_editor):
    login_staff(client, staff_editor)
    assert client.get(ADMIN).status_code == 200


def test_admin_login_and_logout_stay_reachable_without_totp(client):
    user = staff_user("is_staff")
    client.force_login(user)
    login = client.get(reverse("admin:login"))
    assert reverse("mfa_activate_totp") not in login.get("Location", "")
    logout = client.post(reverse("admin:logout"))
    assert logout.status_code == 200
    assert "_auth_user_id" not in client.session


def test_removing_the_authenticator_locks_the_account_out_of_the_admin_again(client, staff_editor):
    login_staff(client, staff_editor)
    assert client.get(ADMIN).status_code == 200
    Authenticator.objects.filter(user=staff_editor).delete()
    assert client.get(ADMIN)["Location"] == activation_url(ADMIN)


@pytest.mark.parametrize("wanted", ["/admin/", "/admin/blog/post/"])
def test_first_login_sets_up_totp_shows_recovery_codes_and_continues_to_the_admin(
    client, time_machine, wanted
):
    time_machine.move_to(timezone.now(), tick=False)
    user = staff_user("is_staff")
    user.user_permissions.add(*Group.objects.get(name="Redaktion").permissions.all())

    # The admin sends the visitor to allauth's login, which continues to the admin ...
    login_url = client.get(wanted)["Location"]
    assert login_url.startswith(reverse("admin:login"))
    to_login = client.get(login_url)
    assert to_login["Location"].startswith(reverse("account_login"))
    logged_in = password_login(client, user.email, PASSWORD, next_url=wanted)
    assert logged_in["Location"] == wanted
    # ... which asks for TOTP first.
    to_activation = client.get(wanted)
    assert to_activation["Location"] == activation_url(wanted)
    # allauth asks for the password once more before an authenticator is added, then goes on.
    reauth = client.get(to_activation["Location"])
    assert reauth["Location"] == reverse("account_reauthenticate") + "?" + urlencode(
        {"next": activation_url(wanted)}
    )
    assert WHY in client.get(reauth["Location"]).content.decode()
    back = client.post(reauth["Location"], {"password": PASSWORD})
    assert back["Location"] == activation_url(wanted)
    activation = client.get(back["Location"])
    assert activation.status_code == 200
    html = activation.content.decode()
    assert "von dort geht es weiter zur Redaktion" in html
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', html)
    secret = secret or re.search(r'value="([A-Z2-7]+)"[^>]*id="authenticator_secret"', html)
    code = totp_code(secret.group(1), timezone.now().timestamp())
    activated = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert activated["Location"] == reverse("mfa_view_recovery_codes")

    codes = client.get(activated["Location"])
    html = codes.content.decode()
    assert codes.status_code == 200
    assert 'id="recovery_codes"' in html
    link = re.search(rf'<a class="button" href="([^"]+)">{CONTINUE}</a>', html)
    assert link and link.group(1) == wanted
    assert client.get(link.group(1)).status_code == 200

    # Next time the password alone is not enough: allauth asks for the code.
    client.post(reverse("account_logout"))
    time_machine.shift(timedelta(minutes=2))
    again = password_login(client, user.email, PASSWORD, next_url=wanted)
    assert again["Location"].startswith(reverse("mfa_authenticate"))
    assert client.get(wanted)["Location"].startswith(reverse("admin:login"))
    code = totp_code(secret.group(1), timezone.now().timestamp())
    done = client.post(again["Location"], {"code": code})
    assert done["Location"] == wanted
    assert client.get(wanted).status_code == 200


def test_recovery_codes_page_offers_no_way_to_the_admin_to_members(client):
    member = verified_user("mitglied@example.org")
    member.set_password(PASSWORD)
    member.save()
    password_login(client, member.email, PASSWORD, next_url="/")
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    RecoveryCodes.activate(member)
    page = client.get(reverse("mfa_view_recovery_codes"))
    assert page.status_code == 200
    assert 'id="recovery_codes"' in page.content.decode()
    assert CONTINUE not in page.content.decode()


# Sessions -------------------------------------------------------------------------------------


def _session_end(client):
    return client.session.get_expiry_date()


@pytest.mark.parametrize("remember", [True, False])
def test_staff_session_ends_eight_hours_after_login_however_active(client, time_machine, remember):
    time_machine.move_to(timezone.now(), tick=False)
    user = staff_user("is_staff")
    login_at = timezone.now()
    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD, **({"remember": "on"} if remember else {})},
    )
    assert response.status_code == 302
    client.get("/")  # allauth set its own expiry after the login signal; this request pins it
    end = login_at + timedelta(seconds=settings.STAFF_SESSION_AGE)
    assert _session_end(client) == end
    assert settings.STAFF_SESSION_AGE == 8 * 60 * 60
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert 0 < int(cookie["max-age"]) <= 8 * 60 * 60

    time_machine.shift(timedelta(hours=4))
    client.get("/")  # activity does not extend it
    assert _session_end(client) == end


def test_visitor_session_keeps_the_normal_two_weeks(client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    member = verified_user("mitglied@example.org")
    member.set_password(PASSWORD)
    member.save()
    client.post(
        reverse("account_login"), {"login": member.email, "password": PASSWORD, "remember": "on"}
    )
    client.get("/")
    assert settings.SESSION_COOKIE_AGE == 14 * 24 * 60 * 60
    assert _session_end(client) == timezone.now() + timedelta(days=14)


def test_expired_staff_session_is_logged_out(client, staff_editor, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    login_staff(client, staff_editor)
    time_machine.shift(timedelta(hours=4))
    assert client.get(ADMIN).status_code == 200
    time_machine.shift(timedelta(hours=4, minutes=1))
    response = client.get(ADMIN)
    assert response["Location"] == reverse("admin:login") + "?next=/admin/"
    assert "_auth_user_id" not in client.session


def test_member_made_staff_while_logged_in_gets_the_fixed_end_on_the_next_request(
    client, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    member = verified_user("mitglied@example.org")
    client.force_login(member)
    assert _session_end(client) == timezone.now() + timedelta(days=14)
    member.is_staff = True
    member.save()
    client.get("/")
    assert _session_end(client) == timezone.now() + timedelta(hours=8)


def test_staff_session_age_follows_the_setting(client, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    settings.STAFF_SESSION_AGE = 60 * 60
    user = staff_user("redaktion")
    client.force_login(user)
    assert _session_end(client) == timezone.now() + timedelta(hours=1)
