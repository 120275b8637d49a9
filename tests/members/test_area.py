"""The member area: overview, profile editing, invitations."""

from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from members.models import Invitation
from smartregion.core.models import Topic
from tests.blog.helpers import field_errors, textarea_value
from tests.members.helpers import logo_upload, member, path_in, verified_user

pytestmark = pytest.mark.django_db
AREA = "/mein-bereich/"


def test_area_requires_login(client):
    response = client.get(AREA)
    assert response.status_code == 302 and response["Location"] == f"/konto/login/?next={AREA}"


def test_user_without_organisation_is_invited_to_apply(client):
    client.force_login(verified_user())
    html = client.get(AREA).content.decode()
    assert "Noch kein Mitglied?" in html and 'href="/mitglieder/bewerben/"' in html
    assert 'href="/blog/meine-beitraege/"' in html


def test_area_shows_membership_seals_managers_and_invitations(
    client, manager, organisation, membership
):
    Invitation.objects.create(
        organisation=organisation, email="kollege@example.org", invited_by=manager
    )
    client.force_login(manager)
    html = client.get(AREA).content.decode()
    assert "Zechenblick Software GmbH" in html
    assert membership.number in html and "aktiv" in html
    assert membership.valid_until.strftime("%d.%m.%Y") in html
    assert reverse("members:seal_pdf", args=[membership.pk]) in html
    assert reverse("members:seal_svg", args=[membership.pk, "dunkel"]) in html
    for size in (256, 512, 1024):
        assert reverse("members:seal_png", args=[membership.pk, "hell", size]) in html
    assert "mia@example.org" in html and "kollege@example.org" in html
    assert reverse("members:profile_edit", args=[organisation.slug]) in html
    assert reverse("members:invite", args=[organisation.slug]) in html


def test_area_of_a_revoked_member_offers_no_seal(client, manager, membership, staff_editor):
    from members import services

    services.membership_revoke(
        membership=membership, actor=staff_editor, reason="Verstoß gegen die Bedingungen"
    )
    client.force_login(manager)
    html = client.get(AREA).content.decode()
    assert "widerrufen" in html and "Verstoß gegen die Bedingungen" in html
    assert reverse("members:seal_pdf", args=[membership.pk]) not in html
    assert "<textarea" not in html


def test_area_query_count_does_not_grow_with_organisations(
    client, manager, django_assert_max_num_queries
):
    member("Eins GmbH", manager=manager)
    client.force_login(manager)
    with django_assert_max_num_queries(12) as first:
        client.get(AREA)
    for index in range(5):
        member(f"Mehr {index} GmbH", manager=manager)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(AREA)


# Profile editing -----------------------------------------------------------------------------------


def _profile_data(**overrides):
    data = {
        "description": "Neue **Beschreibung** unserer digitalen Arbeit.",
        "topics": [str(Topic.objects.get(slug="bildung").pk)],
        "website": "https://neu.example",
        "address": "Neue Straße 1",
        "contact_person": "Mia Mitglied",
    }
    data.update(overrides)
    return data


def test_manager_edits_the_profile_and_the_logo_is_reprocessed(
    client, manager, organisation, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    url = reverse("members:profile_edit", args=[organisation.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, _profile_data(logo=logo_upload("neu.jpg", fmt="JPEG")))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.description_html.startswith("<p>Neue <strong>Beschreibung</strong>")
    assert organisation.website == "https://neu.example"
    assert [t.slug for t in organisation.topics.all()] == ["bildung"]
    first = organisation.logo_renditions
    assert first and {r["format"] for r in first} >= {"webp"}
    with django_capture_on_commit_callbacks(execute=True):  # old files go on commit
        client.post(url, _profile_data(logo=logo_upload("noch-neuer.png")))
    organisation.refresh_from_db()
    assert organisation.logo_renditions and organisation.logo_renditions != first
    from django.core.files.storage import default_storage

    assert not any(default_storage.exists(r["path"]) for r in first)  # old renditions are gone


def test_profile_edit_errors_are_german_and_keep_input(client, manager, organisation):
    client.force_login(manager)
    svg = SimpleUploadedFile(
        "logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/svg+xml"
    )
    response = client.post(
        reverse("members:profile_edit", args=[organisation.slug]),
        _profile_data(website="kein link", logo=svg, description="Bleibt\x00"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "JPEG, PNG oder WebP" in field_errors(html, "id_logo")
    assert field_errors(html, "id_website")
    assert "Nullzeichen" in field_errors(html, "id_description")
    assert textarea_value(html, "address") == "Neue Straße 1"


def test_strangers_cannot_edit_or_invite(client, organisation, stranger):
    client.force_login(stranger)
    assert client.get(reverse("members:profile_edit", args=[organisation.slug])).status_code == 403
    assert (
        client.post(
            reverse("members:invite", args=[organisation.slug]), {"email": "x@example.org"}
        ).status_code
        == 403
    )
    assert not Invitation.objects.exists()


# Invitations ---------------------------------------------------------------------------------------


def test_invited_colleague_with_verified_address_becomes_manager(
    client, manager, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members:invite", args=[organisation.slug]), {"email": "Kollegin@Example.org"}
        )
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["kollegin@example.org"]]
    path = path_in(mailoutbox[0].body, settings.SITE_URL, r"/mein-bereich/einladung/[^/\s]+/")

    client.logout()
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/konto/login/?next=")

    colleague = verified_user("kollegin@example.org")
    client.force_login(colleague)
    page = client.get(path)
    assert page.status_code == 200 and "Einladung annehmen" in page.content.decode()
    assert client.post(path).status_code == 302
    assert organisation.managers.filter(pk=colleague.pk).exists()
    assert Invitation.objects.get().accepted_at is not None


def test_invitation_for_another_address_is_refused(client, manager, organisation):
    invitation = Invitation.objects.create(
        organisation=organisation, email="kollegin@example.org", invited_by=manager
    )
    from smartregion.core.signing import make_token

    path = reverse("members:accept_invitation", args=[make_token("member-invite", invitation.pk)])
    other = verified_user("jemand@example.org")
    client.force_login(other)
    response = client.post(path)
    assert response.status_code == 403
    assert "gilt für kollegin@example.org" in response.content.decode()
    assert not organisation.managers.filter(pk=other.pk).exists()


def test_unverified_invited_address_is_not_enough(client, manager, organisation, django_user_model):
    invitation = Invitation.objects.create(
        organisation=organisation, email="kollegin@example.org", invited_by=manager
    )
    from smartregion.core.signing import make_token

    user = django_user_model.objects.create_user(email="kollegin@example.org", password="x")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    client.force_login(user)
    assert (
        client.post(
            reverse("members:accept_invitation", args=[make_token("member-invite", invitation.pk)])
        ).status_code
        == 403
    )
    assert not organisation.managers.filter(pk=user.pk).exists()


@pytest.mark.parametrize("token", ["kaputt", "1:abc:def", "%00"])
def test_forged_invitation_tokens_are_refused(client, token):
    client.force_login(verified_user())
    assert client.get(f"/mein-bereich/einladung/{token}/").status_code in (400, 404)


def test_invitations_expire_after_14_days_and_work_once(client, manager, organisation):
    invitation = Invitation.objects.create(
        organisation=organisation, email="kollegin@example.org", invited_by=manager
    )
    from smartregion.core.signing import make_token

    path = reverse("members:accept_invitation", args=[make_token("member-invite", invitation.pk)])
    colleague = verified_user("kollegin@example.org")
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        client.force_login(colleague)
        response = client.get(path)
        assert response.status_code == 400 and "abgelaufen" in response.content.decode()
    client.force_login(colleague)
    client.post(path)
    assert organisation.managers.filter(pk=colleague.pk).exists()
    client.force_login(verified_user("jemand@example.org"))
    assert client.post(path).status_code == 409


def test_invite_form_refuses_duplicates_in_german(client, manager, organisation):
    client.force_login(manager)
    url = reverse("members:invite", args=[organisation.slug])
    assert "verwaltet das Profil bereits" in field_errors(
        client.post(url, {"email": "mia@example.org"}).content.decode(), "id_email"
    )
    client.post(url, {"email": "neu@example.org"})
    assert "bereits eine Einladung" in field_errors(
        client.post(url, {"email": "NEU@example.org"}).content.decode(), "id_email"
    )
    assert field_errors(client.post(url, {"email": "kein\x00mail"}).content.decode(), "id_email")


def test_invitations_are_rate_limited(client, manager, organisation):
    client.force_login(manager)
    url = reverse("members:invite", args=[organisation.slug])
    for index in range(10):
        assert client.post(url, {"email": f"person{index}@example.org"}).status_code == 302
    response = client.post(url, {"email": "zu-viel@example.org"})
    assert response.status_code == 200 and "sehr viele Einladungen" in response.content.decode()
    assert Invitation.objects.count() == 10


def test_area_lists_the_users_applications_with_their_state(client):
    from tests.members.helpers import application_data

    user = verified_user()
    client.force_login(user)
    client.post("/mitglieder/bewerben/", application_data())
    html = client.get(AREA).content.decode()
    assert "Ihre Anträge" in html and "Lippeauen Robotik GmbH" in html and "Eingereicht" in html
    assert "Ihr Antrag wird gerade bearbeitet." in html


# Sections other apps register ----------------------------------------------------------------------


def test_registered_sections_come_in_order_and_once():
    from members.area import Link, Registry

    registry = Registry()
    registry.register(Link("Später", "spaeter", order=20))
    registry.register(Link("Zuerst", "zuerst", order=10))
    registry.register(Link("Später, neu", "spaeter", order=20))  # ready() ran again
    assert [link.label for link in registry] == ["Zuerst", "Später, neu"]


def test_area_shows_what_blog_and_events_register_in_their_order(client):
    client.force_login(verified_user())
    html = client.get(AREA).content.decode()
    main = html[html.index("<main") :]
    assert main.index('id="events-area-title"') < main.index('id="more-title"')
    links = main[main.index('id="more-title"') :]
    posts, events, account = (
        links.index(f'href="{url}"')
        for url in ("/blog/meine-beitraege/", "/mein-bereich/veranstaltungen/", "/konto/email/")
    )
    assert posts < events < account
