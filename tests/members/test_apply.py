"""Applying for membership: access rules, the form, duplicates, and the whole path to a valid seal."""

import io
import re
from datetime import date

import pytest
import time_machine
import zxingcpp
from django.conf import settings
from django.core import mail
from django.urls import reverse
from PIL import Image

from members.models import Application, Membership, Organisation
from smartregion.core.models import ModerationLog
from tests.blog.helpers import field_errors, input_value, textarea_value
from tests.members.helpers import application_data, logo_upload, member, path_in, verified_user
from tests.staff import login_staff

pytestmark = pytest.mark.django_db
APPLY = "/mitglieder/bewerben/"


# Access --------------------------------------------------------------------------------------------


def test_visitor_sees_how_to_apply_with_signup_and_login_leading_back_to_the_form(client):
    response = client.get(APPLY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mitglied werden" in html
    assert f'href="/konto/signup/?next={APPLY}"' in html
    assert f'href="/konto/login/?next={APPLY}"' in html
    assert "Set-Cookie" not in str(response.headers)


def test_visitor_posting_is_sent_to_login(client):
    response = client.post(APPLY, {})
    assert response.status_code == 302
    assert response["Location"] == f"/konto/login/?next={APPLY}"


def test_signup_with_next_returns_to_the_form_after_email_confirmation(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the mail goes out after the commit
        response = client.post(
            f"/konto/signup/?next={APPLY}",
            {
                "email": "neu@example.org",
                "password1": "Sehr-sicheres-Passwort-42",
                "password2": "Sehr-sicheres-Passwort-42",
            },
        )
    assert response.status_code == 302
    link = re.search(r"https?://[^/\s]+(/konto/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == APPLY
    response = client.get(APPLY)
    assert response.status_code == 200
    assert 'name="organisation_name"' in response.content.decode()


def test_unverified_address_is_sent_to_allauths_verification(
    client, django_user_model, django_capture_on_commit_callbacks
):
    user = django_user_model.objects.create_user(email="unbestaetigt@example.org", password="x")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(APPLY)
    assert response.status_code == 200
    assert 'name="organisation_name"' not in response.content.decode()
    assert any("confirm-email" in message.body for message in mail.outbox)
    assert not Application.objects.exists()
    response = client.post(APPLY, application_data())
    assert not Application.objects.exists()


def test_form_renders_for_verified_user_with_all_fields(client):
    client.force_login(verified_user())
    html = client.get(APPLY).content.decode()
    for name in (
        "organisation_name",
        "kind",
        "municipality",
        "address",
        "website",
        "description",
        "topics",
        "logo",
        "contact_person",
        "criterion_region",
        "criterion_digital",
        "criterion_sharing",
        "criterion_terms",
        "wants_ambassador",
        "ambassador_motivation",
    ):
        assert f'name="{name}"' in html, name
    assert 'accept="image/jpeg,image/png,image/webp"' in html
    assert 'Name der Organisation <span class="required" aria-hidden="true">*</span>' in html
    assert "Digitalisierung werden.</label>" in html  # the optional ambassador wish has no *
    for kind in (
        "Unternehmen",
        "Hochschule/Forschung",
        "Kommune/Verwaltung",
        "Verein/Initiative",
        "Projekt",
    ):
        assert kind in html


# Bad input -----------------------------------------------------------------------------------------


def test_missing_criteria_give_german_errors_beside_fields_and_keep_input(client):
    client.force_login(verified_user())
    data = application_data(criterion_region=None, criterion_terms=None)
    response = client.post(APPLY, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte bestätigen Sie dieses Kriterium." in field_errors(html, "id_criterion_region")
    assert "Bitte bestätigen Sie dieses Kriterium." in field_errors(html, "id_criterion_terms")
    assert field_errors(html, "id_criterion_digital") == ""
    assert input_value(html, "organisation_name") == "Lippeauen Robotik GmbH"
    assert textarea_value(html, "description").startswith("Wir planen")
    assert "Bitte prüfen Sie Ihre Angaben" in html
    assert not Application.objects.exists()


def test_svg_logo_is_refused_in_german(client):
    client.force_login(verified_user())
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        APPLY,
        application_data(logo=SimpleUploadedFile("logo.svg", svg, content_type="image/svg+xml")),
    )
    assert response.status_code == 200
    assert "JPEG, PNG oder WebP" in field_errors(response.content.decode(), "id_logo")
    assert not Application.objects.exists()


def test_missing_logo_and_empty_topics_are_reported(client):
    client.force_login(verified_user())
    response = client.post(APPLY, application_data(logo=None, topics=[]))
    html = response.content.decode()
    assert field_errors(html, "id_logo")
    assert "mindestens ein Themenfeld" in field_errors(html, "id_topics")


def test_nul_bytes_and_nonsense_never_cause_a_500(client):
    client.force_login(verified_user())
    response = client.post(
        APPLY,
        application_data(
            organisation_name="Evil\x00Corp",
            description="x\x00" * 40,
            municipality="\x00",
            kind="\x00",
            topics=["\x00", "abc"],
            website="javascript:alert(1)",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nullzeichen" in field_errors(html, "id_organisation_name")
    assert field_errors(html, "id_municipality")
    assert field_errors(html, "id_kind")
    assert field_errors(html, "id_topics")
    assert field_errors(html, "id_website")
    assert not Application.objects.exists()


def test_ambassador_wish_needs_a_motivation(client):
    client.force_login(verified_user())
    response = client.post(APPLY, application_data(wants_ambassador="on"))
    assert "warum Sie Botschafterin" in field_errors(
        response.content.decode(), "id_ambassador_motivation"
    )


# Duplicates ----------------------------------------------------------------------------------------


def test_open_application_by_same_user_is_shown_instead_of_the_form(client):
    user = verified_user()
    client.force_login(user)
    client.post(APPLY, application_data())
    application = Application.objects.get()
    response = client.get(APPLY)
    assert response.status_code == 302
    assert response["Location"] == reverse("members:application", args=[application.pk])
    response = client.post(APPLY, application_data(organisation_name="Ganz Andere GmbH"))
    assert response["Location"] == reverse("members:application", args=[application.pk])
    assert Application.objects.count() == 1


def test_open_application_for_same_organisation_is_detected_case_insensitively(client):
    client.force_login(verified_user("erste@example.org"))
    client.post(APPLY, application_data(organisation_name="Lippeauen Robotik GmbH"))
    client.force_login(verified_user("zweite@example.org"))
    response = client.post(APPLY, application_data(organisation_name="  LIPPEAUEN   robotik gmbh "))
    assert response.status_code == 200
    assert "bereits ein offener Antrag" in field_errors(
        response.content.decode(), "id_organisation_name"
    )
    assert Application.objects.count() == 1


def test_service_returns_the_existing_open_application(django_user_model):
    from members import services
    from smartregion.core.models import Municipality

    user = verified_user()
    data = {
        "organisation_name": "Halde Digital UG",
        "kind": "company",
        "municipality": Municipality.objects.get(slug="herten"),
        "address": "x",
        "website": "https://h.example",
        "description": "y",
        "contact_person": "z",
        "criterion_region": True,
        "criterion_digital": True,
        "criterion_sharing": True,
        "criterion_terms": True,
    }
    first, created = services.application_create(user=user, data=data)
    assert created
    again, created = services.application_create(
        user=verified_user("b@example.org"), data={**data, "organisation_name": "halde digital ug"}
    )
    assert not created and again == first


def test_existing_active_member_cannot_be_claimed_by_a_stranger(client):
    member("Förderturm Energiedaten GmbH")
    client.force_login(verified_user())
    response = client.post(
        APPLY, application_data(organisation_name="förderturm energiedaten gmbh")
    )
    assert "bereits Mitglied" in field_errors(response.content.decode(), "id_organisation_name")


# The whole path ------------------------------------------------------------------------------------


def _admin_decide(client, application, decision, text=None):
    url = reverse("admin:members_application_decide", args=[application.pk, decision])
    assert client.get(url).status_code == 200
    return client.post(url, {"text": text} if text is not None else {})


@time_machine.travel(date(2025, 5, 14), tick=False)
def test_application_question_answer_approval_seal_and_verification(
    client, staff_editor, django_capture_on_commit_callbacks, mailoutbox
):
    applicant = verified_user("anna@example.org", first_name="Anna", last_name="Beispiel")

    # 1. Apply: the applicant gets a confirmation, the Redaktion a notice.
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            APPLY, application_data(wants_ambassador="on", ambassador_motivation="Wir teilen gern.")
        )
    application = Application.objects.get()
    assert response["Location"] == reverse("members:application", args=[application.pk])
    assert application.status == Application.Status.SUBMITTED
    assert application.applicant == applicant and application.logo_original
    assert application.criterion_region and application.criterion_terms
    assert {m.to[0] for m in mailoutbox} == {"anna@example.org", staff_editor.email}
    received = next(m for m in mailoutbox if m.to == ["anna@example.org"])
    assert "eingegangen" in received.subject
    waiting = next(m for m in mailoutbox if m.to == [staff_editor.email])
    assert (
        settings.SITE_URL + reverse("admin:members_application_change", args=[application.pk])
        in waiting.body
    )
    mailoutbox.clear()

    # 2. The Redaktion asks a question: mail with a link to the applicant's page.
    login_staff(client, staff_editor)
    with django_capture_on_commit_callbacks(execute=True):
        _admin_decide(client, application, "ask", "Welche Kunden haben Sie in der Region?")
    application.refresh_from_db()
    assert application.status == Application.Status.QUESTION
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["anna@example.org"]
    question_mail = mailoutbox[0]
    assert "Welche Kunden haben Sie in der Region?" in question_mail.body
    answer_path = path_in(question_mail.body, settings.SITE_URL, r"/mein-bereich/antraege/\d+/")
    mailoutbox.clear()

    # 3. The applicant answers from their account.
    client.force_login(applicant)
    page = client.get(answer_path).content.decode()
    assert "Welche Kunden haben Sie in der Region?" in page and 'name="text"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(answer_path, {"text": "Drei Maschinenbauer aus Dorsten."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.IN_REVIEW
    assert [m.text for m in application.messages.all()] == [
        "Welche Kunden haben Sie in der Region?",
        "Drei Maschinenbauer aus Dorsten.",
    ]
    assert [m.to for m in mailoutbox] == [[staff_editor.email]]
    assert "Antwort" in mailoutbox[0].subject
    mailoutbox.clear()

    # 4. Approval: organisation, membership, manager, mail; each decision is logged.
    login_staff(client, staff_editor)
    with django_capture_on_commit_callbacks(execute=True):
        _admin_decide(client, application, "approve")
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    organisation = application.organisation
    assert (
        organisation.name == "Lippeauen Robotik GmbH"
        and organisation.slug == "lippeauen-robotik-gmbh"
    )
    assert list(organisation.managers.all()) == [applicant]
    assert organisation.logo_renditions and organisation.topics.count() == 2
    assert (
        organisation.ambassador_statement == "Wir teilen gern." and not organisation.is_ambassador
    )
    membership = organisation.membership
    assert membership.number == "SR-2025-0001"
    assert membership.valid_from == date(2025, 5, 14) == membership.member_since
    assert membership.valid_until == date(2026, 12, 31)
    assert membership.is_valid
    assert [m.to for m in mailoutbox] == [["anna@example.org"]]
    assert "SR-2025-0001" in mailoutbox[0].body and "31.12.2026" in mailoutbox[0].body
    log = list(
        ModerationLog.objects.filter(
            object_id=str(application.pk), content_type__model="application"
        ).order_by("at", "pk")
    )
    assert [(entry.to_state, entry.actor) for entry in log] == [
        ("submitted", applicant),
        ("question", staff_editor),
        ("in_review", applicant),
        ("approved", staff_editor),
    ]

    # 5. The new manager downloads the seal; its QR code is the public verification URL.
    client.force_login(applicant)
    area = client.get("/mein-bereich/").content.decode()
    png_url = reverse(
        "members:seal_png", kwargs={"pk": membership.pk, "variant": "hell", "size": 512}
    )
    assert png_url in area
    response = client.get(png_url)
    assert response.status_code == 200
    image = Image.open(io.BytesIO(response.content))
    verify_url = settings.SITE_URL + f"/siegel/{membership.seal_code}/"
    assert [result.text for result in zxingcpp.read_barcodes(image)] == [verify_url]

    # 6. The public verification page says "gültig".
    client.logout()
    response = client.get(f"/siegel/{membership.seal_code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "gültig" in html and "Lippeauen Robotik GmbH" in html and "31.12.2026" in html


def test_rejection_with_reason_mails_the_applicant(
    client, staff_editor, django_capture_on_commit_callbacks, mailoutbox
):
    applicant = verified_user()
    client.force_login(applicant)
    client.post(APPLY, application_data())
    application = Application.objects.get()
    mailoutbox.clear()
    login_staff(client, staff_editor)
    with django_capture_on_commit_callbacks(execute=True):
        _admin_decide(client, application, "reject", "Kein Sitz in der Region.")
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert application.decision_reason == "Kein Sitz in der Region." and application.decided_at
    assert [m.to for m in mailoutbox] == [[applicant.email]]
    assert "Kein Sitz in der Region." in mailoutbox[0].body
    assert not Organisation.objects.exists() and not Membership.objects.exists()
    # The applicant sees the decision and may apply again.
    client.force_login(applicant)
    assert (
        "Kein Sitz in der Region."
        in client.get(reverse("members:application", args=[application.pk])).content.decode()
    )
    assert client.get(APPLY).status_code == 200


def test_other_people_cannot_see_or_answer_an_application(client, stranger):
    applicant = verified_user()
    client.force_login(applicant)
    client.post(APPLY, application_data())
    application = Application.objects.get()
    client.force_login(stranger)
    url = reverse("members:application", args=[application.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Hallo"}).status_code == 404
    assert client.get(reverse("members:application_logo", args=[application.pk])).status_code == 403


def test_answer_is_refused_when_no_question_is_open(client):
    applicant = verified_user()
    client.force_login(applicant)
    client.post(APPLY, application_data())
    application = Application.objects.get()
    response = client.post(
        reverse("members:application", args=[application.pk]), {"text": "Ungefragt"}
    )
    assert response.status_code == 302
    assert not application.messages.exists()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_applicant_logo_is_visible_to_applicant_and_staff_only(client, staff_editor):
    applicant = verified_user()
    client.force_login(applicant)
    client.post(APPLY, application_data(logo=logo_upload("firmenlogo.jpg", fmt="JPEG")))
    url = reverse("members:application_logo", args=[Application.objects.get().pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    login_staff(client, staff_editor)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302
