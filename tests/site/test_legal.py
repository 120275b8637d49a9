"""Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit and its feedback form."""

import re
from datetime import date

import pytest
from django.urls import reverse

from smartregion.core.models import Page
from smartregion.site.models import AccessibilityFeedback, LegalInformation
from tests.sitemaps import whole_sitemap
from tests.staff import login_staff

pytestmark = pytest.mark.django_db

COMPLETE = {
    "provider_name": "WiN Emscher-Lippe GmbH",
    "legal_form": "Gesellschaft mit beschränkter Haftung (GmbH)",
    "street": "Teststraße 99",
    "postal_code": "45699",
    "city": "Herten",
    "representatives": "Testa Beispiel, Tim Probe",
    "email": "kontakt@example.org",
    "phone": "+49 2366 000000",
    "register_court": "Amtsgericht Beispielstadt",
    "register_number": "HRB 00000",
    "vat_id": "DE000000000",
    "supervisory_authority": "",
    "content_responsible": "Rita Redaktion",
    "content_responsible_address": "Teststraße 99\n45699 Herten",
    "accessibility_statement_date": date(2026, 11, 2),
    "accessibility_review_date": date(2026, 12, 1),
}


def fill_in(**values) -> LegalInformation:
    legal = LegalInformation.load()
    for name, value in {**COMPLETE, **values}.items():
        setattr(legal, name, value)
    legal.save()
    return legal


def text_of(response) -> str:
    """The page's visible text in <main>, whitespace collapsed."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


# Impressum -----------------------------------------------------------------------------------------


def test_impressum_shows_every_particular_once_filled_in(client):
    fill_in(supervisory_authority="Bezirksregierung Münster")
    response = client.get("/impressum/")
    assert response.status_code == 200
    text = text_of(response)
    for expected in (
        "WiN Emscher-Lippe GmbH",
        "Rechtsform: Gesellschaft mit beschränkter Haftung (GmbH)",
        "Teststraße 99",
        "45699 Herten",
        "Geschäftsführung: Testa Beispiel, Tim Probe",
        "E-Mail: kontakt@example.org",
        "Telefon: +49 2366 000000",
        "Registergericht: Amtsgericht Beispielstadt",
        "Registernummer: HRB 00000",
        "Umsatzsteuer-Identifikationsnummer nach § 27a Umsatzsteuergesetz: DE000000000",
        "Zuständige Aufsichtsbehörde Bezirksregierung Münster",
        "Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV Rita Redaktion Teststraße 99 45699 Herten",
    ):
        assert expected in text, expected
    html = response.content.decode()
    assert 'href="mailto:kontakt@example.org"' in html
    assert 'href="tel:+492366000000"' in html


def test_impressum_leaves_out_what_is_missing_and_shows_no_placeholder(client):
    legal = LegalInformation.load()  # as shipped: only name, legal form and city
    assert legal.street == legal.register_number == legal.vat_id == ""
    text = text_of(client.get("/impressum/"))
    assert "WiN Emscher-Lippe GmbH" in text and "Herten" in text
    for absent in (
        "Registergericht",
        "Registernummer",
        "Umsatzsteuer-Identifikationsnummer",
        "Vertretungsberechtigt",
        "Verantwortlich für den Inhalt",
        "Aufsichtsbehörde",
        "Kontakt",
        "None",
        "…",
        "pflegt die Redaktion",
    ):
        assert absent not in text, absent


def test_reading_the_legal_pages_writes_nothing(client, django_assert_num_queries):
    for path in ("/impressum/", "/datenschutz/", "/barrierefreiheit/"):
        with django_assert_num_queries(2):  # the content versions, the particulars, read only
            assert client.get(path).status_code == 200
    assert not LegalInformation.objects.exists()


def test_the_stub_pages_are_gone_and_nothing_shows_a_placeholder(client):
    assert not Page.objects.filter(slug__in=["impressum", "datenschutz", "barrierefreiheit"])
    for path in ("/impressum/", "/datenschutz/", "/barrierefreiheit/"):
        text = text_of(client.get(path))
        assert "pflegt die Redaktion in der Verwaltung" not in text
        assert "soll die Anforderungen" not in text


def test_footer_links_the_three_legal_pages_on_every_page(client):
    html = client.get("/").content.decode()
    nav = html[html.index('aria-label="Rechtliches"') :]
    assert '<a href="/impressum/">Impressum</a>' in nav
    assert '<a href="/datenschutz/">Datenschutz</a>' in nav
    assert '<a href="/barrierefreiheit/">Barrierefreiheit</a>' in nav


def test_sitemap_lists_the_legal_pages(client):
    body = whole_sitemap(client)
    for path in ("/impressum/", "/datenschutz/", "/barrierefreiheit/"):
        assert body.count(f"<loc>http://testserver{path}</loc>") == 1


# Warnings for staff ----------------------------------------------------------------------------------


def test_admin_index_warns_staff_about_each_missing_particular(client, staff_editor):
    fill_in(register_number="", vat_id="")
    login_staff(client, staff_editor)
    html = client.get(reverse("admin:index")).content.decode()
    block = html[html.index('class="module legal-warnings"') :]
    block = block[: block.index("</div>")]
    assert "Rechtliche Pflichtangaben fehlen" in block
    assert "<li>Registernummer</li>" in block
    assert "<li>Umsatzsteuer-Identifikationsnummer</li>" in block
    assert "<li>Registergericht</li>" not in block
    assert reverse("admin:site_legalinformation_changelist") in block


def test_admin_index_has_no_warning_once_all_is_filled_in(client, staff_editor):
    fill_in()
    login_staff(client, staff_editor)
    html = client.get(reverse("admin:index")).content.decode()
    assert "legal-warnings" not in html


def test_the_supervisory_authority_is_optional():
    assert fill_in(supervisory_authority="").missing() == []


def test_change_form_lists_the_missing_particulars(client, staff_editor):
    fill_in(phone="", content_responsible="")
    login_staff(client, staff_editor)
    response = client.get(reverse("admin:site_legalinformation_changelist"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:site_legalinformation_change", args=[1])
    html = response.content.decode()
    block = html[html.index('class="module legal-warnings"') :]
    block = block[: block.index("</div>")]
    assert "<li>Telefon</li>" in block
    assert "<li>Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV (Name)</li>" in block
    assert "<li>E-Mail-Adresse</li>" not in block


def test_the_redaktion_edits_the_particulars_in_the_admin(client, staff_editor):
    login_staff(client, staff_editor)
    url = reverse("admin:site_legalinformation_change", args=[1])
    data = {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in COMPLETE.items()
    }
    data["register_number"] = "HRB 12345"
    data["privacy_officer"] = ""
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Registernummer: HRB 12345" in text_of(client.get("/impressum/"))
    assert LegalInformation.objects.count() == 1
    assert client.get(reverse("admin:site_legalinformation_add")).status_code == 403


# Datenschutzerklärung ----------------------------------------------------------------------------------


def test_privacy_statement_covers_each_processing_with_basis_and_rights(client):
    fill_in()
    text = text_of(client.get("/datenschutz/"))
    for heading in (
        "Aufruf der Website (Server-Protokolle)",
        "Schutz vor Missbrauch (Zähler)",
        "Konto",
        "Beiträge für den Blog",
        "Anmeldungen zu Veranstaltungen",
        "Mitgliedsanträge",
        "Newsletter",
        "Rückmeldungen zur Barrierefreiheit",
        "E-Mails",
        "Ihre Rechte",
    ):
        assert heading in text, heading
    for basis in ("lit. a", "lit. b", "lit. c", "lit. f"):
        assert f"Art. 6 Abs. 1 {basis} DSGVO" in text
    assert "Auftragsverarbeiter (Art. 28 DSGVO)" in text
    assert "Double-Opt-in" in text and "Einwilligungstext" in text
    for article in ("Art. 15", "(Art. 16)", "(Art. 17)", "(Art. 18)", "(Art. 20)", "(Art. 21)"):
        assert article in text
    assert "Art. 77 DSGVO" in text
    assert "Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen" in text
    assert "Kein Tracking" in text
    assert "kontakt@example.org" in text  # the controller's contact from the particulars


# Erklärung zur Barrierefreiheit -------------------------------------------------------------------------


def test_accessibility_statement_has_the_structure_bitv_expects(client):
    fill_in()
    response = client.get("/barrierefreiheit/")
    text = text_of(response)
    for heading in (
        "Stand der Vereinbarkeit mit den Anforderungen",
        "Nicht barrierefreie Inhalte",
        "Erstellung dieser Erklärung",
        "Feedback und Kontakt",
        "Durchsetzungsverfahren",
    ):
        assert heading in text, heading
    assert "teilweise vereinbar" in text
    assert "PDF ohne Tags" in text
    assert "axe-core" in text
    assert "Diese Erklärung wurde am 2. November 2026 erstellt." in text
    assert "Die Erklärung wurde zuletzt am 1. Dezember 2026 überprüft." in text
    assert (
        "Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen" in text
    )
    assert f'href="{reverse("legal:feedback")}"' in response.content.decode()


def test_accessibility_statement_leaves_out_dates_not_yet_entered(client):
    fill_in(accessibility_statement_date=None, accessibility_review_date=None)
    text = text_of(client.get("/barrierefreiheit/"))
    assert "Erstellung dieser Erklärung" in text
    assert "erstellt." not in text and "überprüft." not in text
    assert "None" not in text


# Feedback form ------------------------------------------------------------------------------------------

FEEDBACK = {
    "message": "Der Kalender lässt sich nicht mit der Tastatur bedienen.",
    "page_url": "/veranstaltungen/",
    "name": "Bea Beispiel",
    "email": "Bea@Example.org",
}


@pytest.fixture
def filled_form(client, time_machine):
    """POST data as the form sends it, shown long enough ago to pass the fill-time check."""
    from django.utils import timezone

    time_machine.move_to(timezone.now(), tick=False)
    html = client.get(reverse("legal:feedback")).content.decode()
    started = re.search(r'name="started" value="([^"]+)"', html).group(1)
    time_machine.shift(10)
    return lambda **changes: {**FEEDBACK, "started": started, "homepage": "", **changes}


def test_feedback_is_stored_mailed_to_the_redaktion_and_thanked(
    client, filled_form, staff_editor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("legal:feedback"), filled_form())
    assert response.status_code == 302
    assert response["Location"] == reverse("legal:feedback_thanks")
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.message == FEEDBACK["message"]
    assert feedback.page_url == "/veranstaltungen/"
    assert feedback.name == "Bea Beispiel"
    assert feedback.email == "bea@example.org"
    assert feedback.status == AccessibilityFeedback.Status.OPEN

    assert [m.to for m in mailoutbox] == [[staff_editor.email]]
    message = mailoutbox[0]
    assert message.reply_to == ["bea@example.org"]
    assert "Rückmeldung zur Barrierefreiheit" in message.subject
    assert FEEDBACK["message"] in message.body
    assert reverse("admin:site_accessibilityfeedback_change", args=[feedback.pk]) in message.body

    thanks = client.get(response["Location"])
    assert "Danke für Ihre Nachricht" in thanks.content.decode()


def test_only_the_message_is_required(client, filled_form, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("legal:feedback"), filled_form(page_url="", name="", email="")
        )
    assert response.status_code == 302
    assert AccessibilityFeedback.objects.get().email == ""


def test_a_missing_message_is_named_beside_the_field_and_the_rest_kept(client, filled_form):
    response = client.post(reverse("legal:feedback"), filled_form(message="  "))
    assert response.status_code == 200
    html = response.content.decode()
    field = html[html.index('<div class="field field--error">') :]
    field = field[: field.index("</textarea>")]
    assert "Bitte schreiben Sie uns, welche Barriere Sie bemerkt haben." in field
    assert 'value="Bea Beispiel"' in html
    assert 'value="/veranstaltungen/"' in html
    assert not AccessibilityFeedback.objects.exists()


def test_a_bad_address_is_named_beside_the_field_and_the_message_kept(client, filled_form):
    response = client.post(reverse("legal:feedback"), filled_form(email="bea@"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an" in html
    assert FEEDBACK["message"] in html
    assert not AccessibilityFeedback.objects.exists()


def test_a_bot_filling_the_honeypot_sees_thanks_and_nothing_is_kept(
    client, filled_form, mailoutbox, staff_editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("legal:feedback"), filled_form(homepage="http://spam"))
    assert response["Location"] == reverse("legal:feedback_thanks")
    assert not AccessibilityFeedback.objects.exists()
    assert mailoutbox == []


def test_the_rate_limit_refuses_in_german_and_keeps_the_input(
    client, filled_form, django_capture_on_commit_callbacks
):
    from smartregion.site.legal import FEEDBACK_LIMIT_PER_IP

    with django_capture_on_commit_callbacks(execute=True):
        for number in range(FEEDBACK_LIMIT_PER_IP.attempts):
            response = client.post(reverse("legal:feedback"), filled_form(name=f"Nr. {number}"))
            assert response.status_code == 302
        response = client.post(reverse("legal:feedback"), filled_form(name="Zu viel"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Rückmeldungen." in html
    assert FEEDBACK["message"] in html and 'value="Zu viel"' in html
    assert AccessibilityFeedback.objects.count() == FEEDBACK_LIMIT_PER_IP.attempts


def test_the_page_concerned_can_come_from_the_link(client):
    html = client.get(reverse("legal:feedback") + "?seite=/blog/").content.decode()
    assert 'value="/blog/"' in html


# Feedback in the admin ----------------------------------------------------------------------------------


def test_the_admin_lists_feedback_and_marks_it_answered(
    client, staff_editor, django_assert_max_num_queries
):
    for number in range(3):
        AccessibilityFeedback.objects.create(message=f"Barriere Nummer {number}")
    login_staff(client, staff_editor)
    url = reverse("admin:site_accessibilityfeedback_changelist")
    with django_assert_max_num_queries(20):
        html = client.get(url).content.decode()
    assert html.count('<td class="field-summary">Barriere Nummer') == 3
    assert "offen" in html

    AccessibilityFeedback.objects.create(message="Barriere Nummer 3")
    with django_assert_max_num_queries(20):
        html = client.get(url).content.decode()
    assert html.count('<td class="field-summary">Barriere Nummer') == 4

    first = AccessibilityFeedback.objects.order_by("pk").first()
    response = client.post(
        url, {"action": "mark_answered", "_selected_action": [first.pk]}, follow=True
    )
    assert "1 Rückmeldung als beantwortet markiert." in response.content.decode()
    first.refresh_from_db()
    assert first.status == AccessibilityFeedback.Status.ANSWERED
    assert first.answered_at is not None


def test_the_admin_index_counts_open_feedback(client, staff_editor):
    AccessibilityFeedback.objects.create(message="offen")
    AccessibilityFeedback.objects.create(message="erledigt", status="answered")
    login_staff(client, staff_editor)
    html = client.get(reverse("admin:index")).content.decode()
    assert re.search(
        r"Rückmeldungen zur Barrierefreiheit</a>: <span class=\"moderation-count\">1</span>", html
    )


def test_answering_in_the_change_form_records_when(client, staff_editor):
    feedback = AccessibilityFeedback.objects.create(message="offen")
    login_staff(client, staff_editor)
    url = reverse("admin:site_accessibilityfeedback_change", args=[feedback.pk])
    assert client.post(url, {"status": "answered"}).status_code == 302
    feedback.refresh_from_db()
    assert feedback.answered_at is not None
    assert client.post(url, {"status": "open"}).status_code == 302
    feedback.refresh_from_db()
    assert feedback.answered_at is None


# In English -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/en/impressum/", "Impressum"),
        ("/en/datenschutz/", "Privacy policy"),
        ("/en/barrierefreiheit/", "Accessibility statement"),
        ("/en/barrierefreiheit/rueckmeldung/", "Report a barrier"),
    ],
)
def test_the_legal_pages_are_in_english_under_en(client, path, title):
    fill_in()
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert f"<h1>{title}</h1>" in html


def test_the_english_privacy_policy_shows_the_settings_too(client, settings):
    settings.LOG_RETENTION_DAYS = 3
    text = text_of(client.get("/en/datenschutz/"))
    assert "The logs are deleted after 3 days." in text
    assert "Art. 6 (1) (f) GDPR" in text


def test_the_english_feedback_form_names_errors_in_english(client, filled_form):
    response = client.post("/en/barrierefreiheit/rueckmeldung/", filled_form(message=""))
    html = response.content.decode()
    assert "Please tell us which barrier you noticed." in html
    assert 'value="Bea Beispiel"' in html


def test_feedback_from_the_english_page_reaches_the_redaktion_in_german(
    client, filled_form, staff_editor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/barrierefreiheit/rueckmeldung/", filled_form())
    assert response["Location"] == "/en/barrierefreiheit/rueckmeldung/danke/"
    assert "Thank you for your message" in client.get(response["Location"]).content.decode()
    assert mailoutbox[0].subject.startswith("Rückmeldung zur Barrierefreiheit")
    assert '<html lang="de">' in mailoutbox[0].alternatives[0].content
