"""Reviewing applications and managing organisations and memberships in the admin."""

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members import services
from members.models import Application, ApplicationMessage, Membership, Organisation
from smartregion.core.models import Municipality, Topic
from tests.members.helpers import logo_upload, member, verified_user
from tests.staff import login_staff

pytestmark = pytest.mark.django_db


def _application(name="Lippeauen Robotik GmbH", status="submitted", email=None):
    user = verified_user(email or f"{name.split()[0].lower()}@example.org")
    application = Application.objects.create(
        applicant=user,
        organisation_name=name,
        kind="company",
        status=status,
        municipality=Municipality.objects.get(slug="dorsten"),
        address="Am Hafen 3",
        website="https://l.example",
        description="Roboter für kleine Serien.",
        contact_person="Anna",
        criterion_region=True,
        criterion_digital=True,
        criterion_sharing=True,
        criterion_terms=False,
    )
    application.topics.set([Topic.objects.get(slug="smart-economy")])
    return application


def test_redaktion_can_open_every_members_page(client, staff_editor):
    application = _application()
    organisation = member()
    login_staff(client, staff_editor)
    for url in (
        reverse("admin:members_application_changelist"),
        reverse("admin:members_application_change", args=[application.pk]),
        reverse("admin:members_organisation_changelist"),
        reverse("admin:members_organisation_add"),
        reverse("admin:members_organisation_change", args=[organisation.pk]),
        reverse("admin:members_membership_changelist"),
        reverse("admin:members_membership_change", args=[organisation.membership.pk]),
        reverse("admin:members_invitation_changelist"),
    ):
        assert client.get(url).status_code == 200, url


def test_admin_index_counts_applications_waiting_for_the_redaktion(client, staff_editor):
    _application("Eins GmbH")
    _application("Zwei GmbH", status="in_review")
    _application("Drei GmbH", status="question")
    _application("Vier GmbH", status="approved")
    login_staff(client, staff_editor)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Mitgliedsanträge zur Prüfung" in html
    start = html.index("Mitgliedsanträge zur Prüfung")
    assert '<span class="moderation-count">2</span>' in html[start : start + 200]
    assert "status__in=submitted,in_review" in html
    assert (
        client.get(
            reverse("admin:members_application_changelist") + "?status__in=submitted,in_review"
        ).status_code
        == 200
    )


def test_change_page_shows_declared_criteria_read_only_and_saves_checklist_and_notes(
    client, staff_editor
):
    application = _application()
    ApplicationMessage.objects.create(
        application=application, author=staff_editor, from_staff=True, text="Eine frühere Frage"
    )
    login_staff(client, staff_editor)
    url = reverse("admin:members_application_change", args=[application.pk])
    html = client.get(url).content.decode()
    assert 'name="check_region"' in html and 'name="internal_notes"' in html
    assert 'name="criterion_region"' not in html and 'name="status"' not in html
    assert "Eine frühere Frage" in html
    assert "Selbsterklärung" in html and "Prüfliste der Redaktion" in html
    response = client.post(
        url,
        {
            "check_region": "on",
            "check_digital": "on",
            "internal_notes": "Telefonat am Montag.",
            "status": "approved",
            "criterion_terms": "on",  # not editable: ignored
            "messages-TOTAL_FORMS": "1",
            "messages-INITIAL_FORMS": "1",
            "messages-MIN_NUM_FORMS": "0",
            "messages-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    application.refresh_from_db()
    assert application.check_region and application.check_digital and not application.check_terms
    assert application.internal_notes == "Telefonat am Montag."
    assert application.status == "submitted" and not application.criterion_terms


def test_bulk_actions_start_review_and_approve(
    client, staff_editor, django_capture_on_commit_callbacks, mailoutbox
):
    first, second = _application("Eins GmbH"), _application("Zwei GmbH")
    login_staff(client, staff_editor)
    changelist = reverse("admin:members_application_changelist")
    client.post(changelist, {"action": "start_review", "_selected_action": [first.pk, second.pk]})
    assert set(Application.objects.values_list("status", flat=True)) == {"in_review"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "approve", "_selected_action": [first.pk, second.pk]})
    assert set(Application.objects.values_list("status", flat=True)) == {"approved"}
    assert Organisation.objects.active_members().count() == 2
    assert sorted(Membership.objects.values_list("number", flat=True))[0].endswith("-0001")
    assert len(mailoutbox) == 2


def test_ask_and_reject_actions_need_a_text_on_an_intermediate_page(
    client, staff_editor, django_capture_on_commit_callbacks, mailoutbox
):
    application = _application()
    login_staff(client, staff_editor)
    changelist = reverse("admin:members_application_changelist")
    page = client.post(changelist, {"action": "ask", "_selected_action": [application.pk]})
    assert page.status_code == 200 and "Ihre Frage" in page.content.decode()
    empty = client.post(
        changelist,
        {"action": "ask", "apply": "1", "_selected_action": [application.pk], "text": ""},
    )
    assert empty.status_code == 200
    application.refresh_from_db()
    assert application.status == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            changelist,
            {
                "action": "ask",
                "apply": "1",
                "_selected_action": [application.pk],
                "text": "Wo genau?",
            },
        )
    application.refresh_from_db()
    assert application.status == "question" and application.messages.get().text == "Wo genau?"
    assert "Wo genau?" in mailoutbox[-1].body
    page = client.post(changelist, {"action": "reject", "_selected_action": [application.pk]})
    assert "Begründung" in page.content.decode()
    client.post(
        changelist,
        {
            "action": "reject",
            "apply": "1",
            "_selected_action": [application.pk],
            "text": "Nicht in der Region.",
        },
    )
    application.refresh_from_db()
    assert (
        application.status == "rejected" and application.decision_reason == "Nicht in der Region."
    )


def test_decided_applications_cannot_be_decided_again(client, staff_editor):
    application = _application(status="rejected")
    login_staff(client, staff_editor)
    response = client.post(
        reverse("admin:members_application_decide", args=[application.pk, "approve"]), follow=True
    )
    assert "lässt der Status des Antrags nicht zu" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "rejected" and not Organisation.objects.exists()
    assert (
        client.get(
            reverse("admin:members_application_decide", args=[application.pk, "zaubern"])
        ).status_code
        == 403
    )


def test_change_page_warns_when_the_organisation_exists_already(client, staff_editor):
    member("Lippeauen Robotik GmbH")
    application = _application()
    login_staff(client, staff_editor)
    html = client.get(
        reverse("admin:members_application_change", args=[application.pk])
    ).content.decode()
    assert "vorhandenen Organisation" in html


def test_staff_without_permission_cannot_decide(client, django_user_model):
    application = _application()
    staff = django_user_model.objects.create_user(
        email="technik@example.org", password="x", is_staff=True
    )
    login_staff(client, staff)
    response = client.post(
        reverse("admin:members_application_decide", args=[application.pk, "approve"])
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == "submitted"


def test_history_shows_who_decided_and_when(client, staff_editor):
    application = _application()
    services.application_start_review(application=application, actor=staff_editor)
    login_staff(client, staff_editor)
    html = client.get(
        reverse("admin:members_application_change", args=[application.pk])
    ).content.decode()
    assert "Eingereicht → In Prüfung" in html and "redaktion@example.org" in html


# Organisations -------------------------------------------------------------------------------------


def _organisation_form(**overrides):
    data = {
        "name": "Stadt Waltrop",
        "slug": "stadt-waltrop",
        "kind": "public",
        "municipality": str(Municipality.objects.get(slug="waltrop").pk),
        "description": "Geborenes Mitglied.",
        "topics": [str(Topic.objects.get(slug="egovernment").pk)],
        "website": "",
        "address": "",
        "contact_person": "",
        "is_founding": "on",
        "ambassador_statement": "",
        "membership-TOTAL_FORMS": "0",
        "membership-INITIAL_FORMS": "0",
        "membership-MIN_NUM_FORMS": "0",
        "membership-MAX_NUM_FORMS": "1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_staff_create_a_founding_member_directly_with_logo(client, staff_editor):
    login_staff(client, staff_editor)
    response = client.post(
        reverse("admin:members_organisation_add"), _organisation_form(logo=logo_upload())
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    organisation = Organisation.objects.get(slug="stadt-waltrop")
    assert organisation.is_founding and organisation.logo_renditions and organisation.logo_original
    membership = organisation.membership
    assert membership.valid_until is None and membership.is_valid
    assert client.get("/mitglieder/stadt-waltrop/").status_code == 200


def test_admin_logo_upload_refuses_svg(client, staff_editor):
    login_staff(client, staff_editor)
    svg = SimpleUploadedFile(
        "logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/svg+xml"
    )
    response = client.post(reverse("admin:members_organisation_add"), _organisation_form(logo=svg))
    assert response.status_code == 200 and "JPEG, PNG oder WebP" in response.content.decode()
    assert not Organisation.objects.exists()


def test_saving_a_founding_member_again_does_not_touch_its_membership(client, staff_editor):
    organisation = member("Stadt Datteln", city="datteln", kind="public", founding=True)
    version = organisation.membership.seal_version
    login_staff(client, staff_editor)
    client.post(
        reverse("admin:members_organisation_change", args=[organisation.pk]),
        _organisation_form(
            name="Stadt Datteln",
            slug="stadt-datteln",
            **{
                "membership-TOTAL_FORMS": "1",
                "membership-INITIAL_FORMS": "1",
                "membership-0-id": str(organisation.membership.pk),
                "membership-0-organisation": str(organisation.pk),
            },
        ),
    )
    assert Membership.objects.get(pk=organisation.membership.pk).seal_version == version
    assert Membership.objects.count() == 1


def test_ambassadors_are_marked_by_action(client, staff_editor):
    organisation = member()
    login_staff(client, staff_editor)
    client.post(
        reverse("admin:members_organisation_changelist"),
        {"action": "make_ambassador", "_selected_action": [organisation.pk]},
    )
    organisation.refresh_from_db()
    assert organisation.is_ambassador
    client.post(
        reverse("admin:members_organisation_changelist"),
        {"action": "remove_ambassador", "_selected_action": [organisation.pk]},
    )
    organisation.refresh_from_db()
    assert not organisation.is_ambassador


def test_make_founding_action(client, staff_editor):
    organisation = member("Hochschule Ruhr West", city="bottrop", kind="research")
    login_staff(client, staff_editor)
    client.post(
        reverse("admin:members_organisation_changelist"),
        {"action": "make_founding", "_selected_action": [organisation.pk]},
    )
    organisation.refresh_from_db()
    assert organisation.is_founding and organisation.membership.valid_until is None


# Memberships ---------------------------------------------------------------------------------------


def test_staff_extend_an_expired_membership_which_becomes_active_again(client, staff_editor):
    membership = member().membership
    Membership.objects.filter(pk=membership.pk).update(
        valid_from=date(2024, 1, 1), valid_until=date(2025, 12, 31)
    )
    with time_machine.travel(date(2026, 2, 1), tick=False):
        services.memberships_expire()
        membership.refresh_from_db()
        version = membership.seal_version
        login_staff(client, staff_editor)
        response = client.post(
            reverse("admin:members_membership_change", args=[membership.pk]),
            {"member_since": "2024-01-01", "valid_from": "2024-01-01", "valid_until": "2026-12-31"},
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        membership.refresh_from_db()
        assert membership.status == "active" and membership.is_valid
        assert membership.seal_version == version + 1


def test_membership_admin_offers_downloads_and_verification(client, staff_editor):
    membership = member().membership
    login_staff(client, staff_editor)
    html = client.get(
        reverse("admin:members_membership_change", args=[membership.pk])
    ).content.decode()
    assert reverse("members:seal_pdf", args=[membership.pk]) in html
    assert membership.get_verify_url() in html
    assert 'name="status"' not in html and 'name="number"' not in html
