"""Members in English: the account's recorded language, and the mails that follow it."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from members import services
from members.models import Application, Membership, User
from tests.members.helpers import PASSWORD, application_data, member, verified_user

pytestmark = pytest.mark.django_db


def _language(user) -> str:
    user.refresh_from_db()
    return user.language


def test_the_area_in_english_records_english_and_the_german_one_german(
    client, manager, organisation
):
    client.force_login(manager)
    html = client.get("/en/mein-bereich/").content.decode()
    assert '<html lang="en">' in html and "<h1>My area</h1>" in html
    assert "<h3>Your seals</h3>" in html
    # The seal is German, and so are the links in its HTML code (and its QR code).
    seal = f"{settings.SITE_URL}/siegel/{organisation.membership.seal_code}/"
    assert seal in html and f"{settings.SITE_URL}/en/siegel/" not in html
    assert services.seal_data(organisation.membership).verify_url == seal
    assert _language(manager) == "en"
    assert "<h1>Mein Bereich</h1>" in client.get("/mein-bereich/").content.decode()
    assert _language(manager) == "de"


def test_logging_in_on_an_english_page_records_english(client, manager):
    response = client.post("/en/konto/login/", {"login": manager.email, "password": PASSWORD})
    assert response.status_code == 302
    assert _language(manager) == "en"


def test_an_application_from_the_english_page_gets_an_english_mail_the_redaktion_a_german_one(
    client, staff_editor, mailoutbox, django_capture_on_commit_callbacks
):
    applicant = verified_user("ann@example.org", first_name="Ann", last_name="Example")
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/mitglieder/bewerben/", application_data())
    application = Application.objects.get()
    assert response["Location"] == f"/en/mein-bereich/antraege/{application.pk}/"
    received = next(m for m in mailoutbox if m.to == [applicant.email])
    assert received.subject == "Your membership application has been received: " + (
        application.organisation_name
    )
    assert received.body.startswith("Hello Ann Example,")
    assert f"{settings.SITE_URL}/en/mein-bereich/antraege/{application.pk}/" in received.body
    waiting = next(m for m in mailoutbox if m.to == [staff_editor.email])
    assert waiting.subject.startswith("Neuer Mitgliedsantrag")
    assert '<html lang="de">' in waiting.alternatives[0][0]


def test_the_redaktions_question_and_decision_follow_the_applicants_language(
    staff_editor, mailoutbox, django_capture_on_commit_callbacks
):
    applicant = verified_user("ann@example.org", first_name="Ann", last_name="Example")
    applicant.language = "en"
    applicant.save()
    data = application_data()
    data.pop("logo")
    from members.forms import ApplicationForm

    form = ApplicationForm(data, user=applicant)
    form.fields.pop("logo")
    assert form.is_valid(), form.errors
    application, _created = services.application_create(user=applicant, data=form.cleaned_data)
    mailoutbox.clear()
    # The Redaktion acts in the German admin: the mails still go out in English.
    with (
        translation.override("de"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.application_ask(application=application, actor=staff_editor, question="Wer?")
        services.application_approve(application=application, actor=staff_editor)
    question, approved = mailoutbox
    assert question.subject.startswith("Question about your membership application")
    assert f"{settings.SITE_URL}/en/mein-bereich/antraege/{application.pk}/" in question.body
    assert approved.subject.startswith("Welcome: ")
    assert f"{settings.SITE_URL}/en/mein-bereich/" in approved.body
    assert '<html lang="en">' in approved.alternatives[0][0]


def test_reminders_go_to_each_manager_in_their_language(
    manager, mailoutbox, django_capture_on_commit_callbacks, time_machine
):
    colleague = verified_user("ann@example.org")
    colleague.language = "en"
    colleague.save()
    organisation = member(manager=manager)
    organisation.managers.add(colleague)
    Membership.objects.filter(organisation=organisation).update(
        valid_from=date(2025, 12, 31), valid_until=date(2026, 12, 31)
    )
    time_machine.move_to(date(2026, 12, 10), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.memberships_send_reminders() == 1
    by_recipient = {tuple(m.to): m for m in mailoutbox}
    german = by_recipient[(manager.email,)]
    english = by_recipient[(colleague.email,)]
    assert german.subject.startswith("Ihre Mitgliedschaft endet am 31.12.2026")
    assert f"{settings.SITE_URL}/mein-bereich/" in german.body
    assert english.subject.startswith("Your membership ends on 31/12/2026")
    assert f"{settings.SITE_URL}/en/mein-bereich/" in english.body


def test_an_invitation_follows_the_invitees_account_else_the_page(
    client, manager, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with translation.override("en"):
        url = reverse("members:invite", kwargs={"slug": organisation.slug})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "new@example.org"})
    [to_stranger] = mailoutbox
    assert to_stranger.subject.startswith("Invitation: help manage")
    assert f"{settings.SITE_URL}/en/mein-bereich/einladung/" in to_stranger.body

    german_colleague = verified_user("kollege@example.org")
    assert german_colleague.language == "de"
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": german_colleague.email})
    [to_colleague] = mailoutbox
    assert to_colleague.subject.startswith("Einladung:")
    assert f"{settings.SITE_URL}/mein-bereich/einladung/" in to_colleague.body


def test_english_profile_marks_the_members_own_texts_german(client, organisation):
    with translation.override("en"):
        url = organisation.get_absolute_url()
    html = client.get(url).content.decode()
    assert "At a glance" in html
    assert '<div class="prose" lang="de">' in html
    assert '<meta property="og:locale" content="en_GB">' in html
    german = client.get(f"/mitglieder/{organisation.slug}/").content.decode()
    assert '<div class="prose">' in german and "Auf einen Blick" in german


def test_account_mails_from_english_pages_are_english_with_english_links(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    verified_user("ann@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/konto/password/reset/", {"email": "ann@example.org"})
        client.post(
            "/en/konto/signup/",
            {
                "email": "new@example.org",
                "password1": "Very-safe-42-x",
                "password2": "Very-safe-42-x",
            },
        )
    reset, confirm = mailoutbox
    assert reset.subject.endswith("Reset password")
    assert reset.body.startswith("Hello,")
    assert re.search(r"https?://\S+/en/konto/password/reset/key/\S+/", reset.body)
    assert confirm.subject.endswith("Please confirm your email address")
    assert re.search(r"https?://\S+/en/konto/confirm-email/\S+/", confirm.body)
    assert '<html lang="en">' in confirm.alternatives[0][0]
    # Signed up on an English page: the account's later mails are English.
    assert User.objects.get(email="new@example.org").language == "en"


def test_topics_in_forms_show_the_english_name_or_the_german_one_marked(client, manager):
    from smartregion.core.models import Topic

    named = Topic.objects.get(slug="smart-economy")
    named.name_en = "Smart economy"
    named.save()
    unnamed = Topic.objects.get(slug="kuenstliche-intelligenz")
    client.force_login(manager)
    html = client.get("/en/mitglieder/bewerben/").content.decode()
    assert re.search(r'<label for="id_topics_\d+">[^<]*Smart economy</label>', html)
    assert f'<span lang="de">{unnamed.name}</span></label>' in html
    german = client.get("/mitglieder/bewerben/").content.decode()
    assert f"{named.name}</label>" in german and '<span lang="de">' not in german
