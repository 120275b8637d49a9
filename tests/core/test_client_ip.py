"""The visitor's address behind trusted proxies, for the portal's limits and allauth's."""

import pytest
from django.test import RequestFactory

from smartregion.core.ratelimit import client_ip

PROXY = "10.0.0.2"


def request_from(remote: str = PROXY, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_forwarding_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from(forwarded="203.0.113.7")) == PROXY


def test_behind_one_proxy_the_address_it_appended_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from(forwarded="203.0.113.7")) == "203.0.113.7"


def test_a_forged_entry_on_the_left_changes_nothing(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    forged = client_ip(request_from(forwarded="1.2.3.4, 203.0.113.7"))
    assert forged == "203.0.113.7"


def test_behind_two_proxies_the_second_entry_from_the_right_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from(forwarded="1.2.3.4, 203.0.113.7, 10.0.0.1")) == "203.0.113.7"


@pytest.mark.parametrize("header", ["", "203.0.113.7", "not-an-address", "1.2.3.4, garbage"])
def test_a_short_or_broken_header_falls_back_to_the_peer(settings, header):
    settings.TRUSTED_PROXY_COUNT = 2 if header == "203.0.113.7" else 1
    assert client_ip(request_from(forwarded=header)) == PROXY


def test_ipv6_entries_are_normalised(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from(forwarded="2001:DB8:0:0::1")) == "2001:db8::1"


@pytest.mark.django_db
def test_allauth_login_limit_counts_per_visitor_behind_the_proxy(
    client, settings, django_user_model
):
    """One visitor exhausting allauth's per-address login limit (10 failures a minute) leaves
    another visitor behind the same proxy able to log in."""
    from allauth.account.models import EmailAddress

    settings.TRUSTED_PROXY_COUNT = 1
    user = django_user_model.objects.create_user(email="b@example.org", password="richtig-123")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    url = "/konto/login/"

    def login(visitor: str, email: str, password: str):
        return client.post(
            url,
            {"login": email, "password": password},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, {visitor}",  # a forged entry, then nginx's
        )

    for i in range(11):
        login("198.51.100.1", f"niemand{i}@example.org", "falsch")
    locked_out = login("198.51.100.1", "b@example.org", "richtig-123")
    assert locked_out.status_code == 200  # the form again: visitor A is limited
    assert "_auth_user_id" not in client.session
    response = login("198.51.100.2", "b@example.org", "richtig-123")
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)


@pytest.mark.parametrize("value", ["eins", "-1"])
def test_a_wrong_proxy_count_stops_the_start_with_a_clear_message(value):
    import os
    import subprocess
    import sys

    env = {**os.environ, "TRUSTED_PROXY_COUNT": value, "DJANGO_SETTINGS_MODULE": ""}
    env.pop("DJANGO_SETTINGS_MODULE")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must" in result.stderr
