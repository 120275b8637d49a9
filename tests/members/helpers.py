"""Shared helpers for the members tests (and the browser tests): people, members, form data."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members import services
from members.models import Organisation
from smartregion.core.images import verify_image
from smartregion.core.models import Municipality, Topic
from tests.factories import UserFactory, image_bytes

PASSWORD = "pw-test-123"


def verified_user(email: str = "anna@example.org", **kwargs):
    user = UserFactory(email=email, **kwargs)
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def password_login(client, email: str, password: str, *, next_url: str = "", follow=False):
    """Log in through allauth's form, as a person does. Not followed, the response's Location is
    the next step (``next_url``, or the second factor's form)."""
    url = reverse("account_login") + (f"?{urlencode({'next': next_url})}" if next_url else "")
    return client.post(url, {"login": email, "password": password}, follow=follow)


def reauthenticate(client, password: str) -> None:
    """Confirm the password again, as the pages that change the security of an account ask."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()


def logo_upload(name: str = "logo.png", fmt: str = "PNG") -> SimpleUploadedFile:
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(
        name, image_bytes(width=400, height=200, fmt=fmt), content_type=content_type
    )


def member(
    name: str = "Zechenblick Software GmbH",
    *,
    city: str = "gelsenkirchen",
    manager=None,
    founding=False,
    logo=False,
    topics=("smart-economy",),
    kind="company",
    ambassador=False,
    statement="",
):
    """An organisation with an active membership (and a manager, when given)."""
    organisation = Organisation.objects.create(
        name=name,
        slug=services.organisation_slug(name),
        kind=kind,
        municipality=Municipality.objects.get(slug=city),
        description=f"{name} bringt die **Digitalisierung** voran.",
        website="https://beispiel.example",
        is_founding=founding,
        is_ambassador=ambassador,
        ambassador_statement=statement,
    )
    organisation.topics.set(Topic.objects.filter(slug__in=topics))
    if logo:
        services.organisation_set_logo(
            organisation=organisation, verified=verify_image(image_bytes(400, 200, "PNG"))
        )
    if manager is not None:
        organisation.managers.add(manager)
    services.membership_create(organisation=organisation, founding=founding)
    organisation.refresh_from_db()
    return organisation


def application_data(**overrides) -> dict:
    """A valid application form submission, logo included."""
    data = {
        "organisation_name": "Lippeauen Robotik GmbH",
        "kind": "company",
        "municipality": str(Municipality.objects.get(slug="dorsten").pk),
        "address": "Am Hafen 3\n46282 Dorsten",
        "website": "https://lippeauen-robotik.example",
        "description": "Wir planen und programmieren kollaborative Roboter für kleine Serien im Mittelstand der Region.",
        "topics": [
            str(Topic.objects.get(slug="smart-economy").pk),
            str(Topic.objects.get(slug="kuenstliche-intelligenz").pk),
        ],
        "logo": logo_upload(),
        "contact_person": "Anna Beispiel",
        "criterion_region": "on",
        "criterion_digital": "on",
        "criterion_sharing": "on",
        "criterion_terms": "on",
        "wants_ambassador": "",
        "ambassador_motivation": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def path_in(text: str, site_url: str, pattern: str) -> str:
    """The path of the first absolute link under ``site_url`` in ``text`` matching ``pattern``."""
    match = re.search(re.escape(site_url) + r"(" + pattern + r")", text)
    assert match, f"no link {pattern!r} under {site_url} in:\n{text}"
    return match.group(1)
