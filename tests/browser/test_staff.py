"""Browser test for the staff accounts' first login: the admin sends a staff account without
TOTP to allauth's activation, then the recovery codes lead on to the admin; both pages are
checked with axe-core (WCAG 2.1 A/AA) in Chromium."""

import time

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.members.helpers import verified_user
from tests.staff import totp_code

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Redaktion-Passwort-2026"


def test_first_admin_visit_sets_up_totp_in_accessible_pages(live_server, page, axe_check, settings):
    # One step either side: the code is computed here and checked a moment later by the server.
    settings.MFA_TOTP_TOLERANCE = 1
    user = verified_user("redaktion@example.org", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name="Redaktion"))

    page.goto(live_server.url + "/admin/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    # allauth asks for the password once more before an authenticator is added.
    expect(page).to_have_url(
        f"{live_server.url}/konto/reauthenticate/?next=%2Fkonto%2F2fa%2Ftotp%2Factivate%2F%3Fnext%3D%252Fadmin%252F"
    )
    expect(page.get_by_role("status")).to_contain_text("Anmeldung in zwei Schritten Pflicht")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()

    expect(page).to_have_url(f"{live_server.url}/konto/2fa/totp/activate/?next=%2Fadmin%2F")
    expect(page.get_by_text("von dort geht es weiter zur Redaktion")).to_be_visible()
    axe_check(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(totp_code(secret, time.time()))
    page.locator("main form button[type=submit]").first.click()

    expect(page).to_have_url(f"{live_server.url}/konto/2fa/recovery-codes/")
    expect(page.locator("#recovery_codes")).not_to_be_empty()
    axe_check(page)
    assert page.console_errors == []
    page.get_by_role("link", name="Weiter zur Redaktion").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
