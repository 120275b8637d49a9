import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_signup_requires_email_verification_and_speaks_german(
    client, django_user_model, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the mail goes out after the commit
        response = client.post(
            reverse("account_signup"),
            {
                "email": "neu@example.org",
                "password1": "Sehr-sicheres-Passwort-42",
                "password2": "Sehr-sicheres-Passwort-42",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = django_user_model.objects.get(email="neu@example.org")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "bestätigen" in body.lower() or "bestätige" in body.lower()
    link = re.search(r"https?://\S+/konto/confirm-email/\S+/", body).group(0)
    # Not verified yet: login is refused until the address is confirmed.
    response = client.post(
        reverse("account_login"),
        {"login": "neu@example.org", "password": "Sehr-sicheres-Passwort-42"},
    )
    assert response["Location"] == reverse("account_email_verification_sent")
    client.post(link.split("testserver")[-1] if "testserver" in link else link)
    assert user.emailaddress_set.get().verified


def test_login_page_is_in_site_layout_and_german(client):
    html = client.get(reverse("account_login")).content.decode()
    assert '<html lang="de">' in html
    assert "Anmelden" in html
    assert "SMART REGION" in html


def test_login_is_rate_limited(client, django_user_model):
    django_user_model.objects.create_user(email="x@example.org", password="richtig-richtig-1")
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": "x@example.org", "password": "falsch"}
        )
        assert "Zu viele gescheiterte Anmeldeversuche" not in response.content.decode()
    # Even the right password is refused once the limit is reached.
    response = client.post(
        reverse("account_login"), {"login": "x@example.org", "password": "richtig-richtig-1"}
    )
    assert "Zu viele gescheiterte Anmeldeversuche" in response.content.decode()


def test_email_is_unique_case_insensitively(django_user_model):
    from django.db import IntegrityError, transaction

    django_user_model.objects.create_user(email="Anna@Example.org", password="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        django_user_model.objects.create(email="ANNA@example.org")


def test_mfa_totp_is_available(client, staff_editor):
    client.force_login(staff_editor)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code in (200, 302)
    if response.status_code == 302:  # allauth asks to re-authenticate first
        assert "reauthenticate" in response["Location"]


TOO_MANY_FAILED = "Zu viele gescheiterte Anmeldeversuche"
NGINX = "10.0.0.1"


def verified_user(django_user_model, email, password):
    from allauth.account.models import EmailAddress

    user = django_user_model.objects.create_user(email=email, password=password)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def test_login_limits_are_per_visitor_behind_the_proxy(settings, django_user_model):
    """Two visitors behind nginx (one REMOTE_ADDR): one visitor's failures lock out only them."""
    from django.test import Client

    settings.TRUSTED_PROXY_COUNT = 1
    verified_user(django_user_model, "a@example.org", "richtig-richtig-a")
    verified_user(django_user_model, "b@example.org", "richtig-richtig-b")
    visitor_a = Client(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="203.0.113.5")
    visitor_b = Client(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="203.0.113.6")
    login = reverse("account_login")

    # allauth's per-address limit for failed logins (10 a minute); other addresses each time, so
    # the per-address-of-the-account limit is not what stops them.
    for n in range(10):
        response = visitor_a.post(login, {"login": f"nobody{n}@example.org", "password": "falsch"})
        assert TOO_MANY_FAILED not in response.content.decode()
    response = visitor_a.post(login, {"login": "a@example.org", "password": "richtig-richtig-a"})
    assert TOO_MANY_FAILED in response.content.decode()
    # Forging an address on the left of X-Forwarded-For does not get visitor A out.
    forged = Client(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.5")
    response = forged.post(login, {"login": "a@example.org", "password": "richtig-richtig-a"})
    assert TOO_MANY_FAILED in response.content.decode()

    response = visitor_b.post(login, {"login": "b@example.org", "password": "richtig-richtig-b"})
    assert response.status_code == 302
    assert response["Location"] == settings.LOGIN_REDIRECT_URL


def test_login_with_a_header_shorter_than_the_proxy_count_is_no_error(settings, client):
    settings.TRUSTED_PROXY_COUNT = 2  # allauth's own setting would raise ImproperlyConfigured
    response = client.post(
        reverse("account_login"),
        {"login": "x@example.org", "password": "falsch"},
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert response.status_code == 200


def test_account_forms_show_their_fields_as_the_portals_own_forms(client):
    """allauth's pages render each field through includes/_field.html: the password rules (a
    list) in a <div> tied to the input, errors beside the field, the typed address kept."""
    html = client.get(reverse("account_signup")).content.decode()
    assert re.search(r'<div class="helptext" id="id_password1_helptext"><ul>', html)
    assert re.search(
        r'<input[^>]*aria-describedby="id_password1_helptext"[^>]*id="id_password1"', html
    )
    assert "<p>" not in html.split('id="id_email"')[0].rsplit("<form", 1)[1]

    html = client.post(
        reverse("account_signup"), {"email": "anna@beispiel", "password1": "a", "password2": "b"}
    ).content.decode()
    assert re.search(r'<div class="field field--error">\s*<label for="id_email">', html)
    assert re.search(r'<input[^>]*value="anna@beispiel"[^>]*aria-invalid="true"', html)
