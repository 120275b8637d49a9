"""Seal downloads, the public verification page and the embeddable seal image."""

import base64
import io
import re
from datetime import date

import pytest
import time_machine
import zxingcpp
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from PIL import Image

from members import seal, services
from tests.members.helpers import member, verified_user
from tests.staff import login_staff

pytestmark = pytest.mark.django_db

A4_POINTS = (595.2756, 841.8898)


def _urls(membership):
    pk = membership.pk
    urls = [reverse("members:seal_pdf", kwargs={"pk": pk})]
    for variant in ("hell", "dunkel"):
        urls.append(reverse("members:seal_svg", kwargs={"pk": pk, "variant": variant}))
        for size in (256, 512, 1024):
            urls.append(
                reverse("members:seal_png", kwargs={"pk": pk, "variant": variant, "size": size})
            )
    return urls


def _verify_url(membership):
    return settings.SITE_URL + f"/siegel/{membership.seal_code}/"


# Formats -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["hell", "dunkel"])
@pytest.mark.parametrize("size", [256, 512, 1024])
def test_png_has_the_size_a_transparent_background_and_a_qr_code_with_the_verify_url(
    client, manager, membership, variant, size
):
    client.force_login(manager)
    response = client.get(
        reverse("members:seal_png", kwargs={"pk": membership.pk, "variant": variant, "size": size})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == (size, size)
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0 and image.getpixel((size - 1, size - 1))[3] == 0
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [_verify_url(membership)]


@pytest.mark.parametrize("variant", ["hell", "dunkel"])
def test_svg_shows_brand_name_year_and_exactly_the_qr_matrix_of_the_verify_url(
    client, manager, membership, variant
):
    client.force_login(manager)
    response = client.get(
        reverse("members:seal_svg", kwargs={"pk": membership.pk, "variant": variant})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert "Part of SMART REGION Emscher-Lippe" in svg
    assert "Zechenblick Software GmbH" in svg
    assert str(membership.valid_until.year) in svg
    data = services.seal_data(membership)
    assert data.verify_url == _verify_url(membership)
    expected = seal.seal_svg(data, variant="light" if variant == "hell" else "dark")
    assert response.content == expected  # the cached file is what seal.py makes for the verify URL


def test_light_and_dark_variants_differ(client, manager, membership):
    client.force_login(manager)
    light = client.get(
        reverse("members:seal_svg", kwargs={"pk": membership.pk, "variant": "hell"})
    ).content
    dark = client.get(
        reverse("members:seal_svg", kwargs={"pk": membership.pk, "variant": "dunkel"})
    ).content
    assert light != dark


def test_pdf_certificate_is_one_a4_page_with_name_number_and_validity(client, manager, membership):
    client.force_login(manager)
    response = client.get(reverse("members:seal_pdf", kwargs={"pk": membership.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.\s]+)\]", pdf)
    assert boxes
    for box in boxes:
        x0, y0, width, height = (float(v) for v in box.split())
        assert (x0, y0) == (0, 0)
        assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1
    assert membership.number.encode() in pdf


def test_downloads_are_attachments_with_german_filenames(client, manager, membership):
    client.force_login(manager)
    png = client.get(
        reverse("members:seal_png", kwargs={"pk": membership.pk, "variant": "dunkel", "size": 256})
    )
    assert (
        png["Content-Disposition"]
        == 'attachment; filename="Siegel-SMART-REGION-zechenblick-software-gmbh-dunkel-256.png"'
    )
    pdf = client.get(reverse("members:seal_pdf", kwargs={"pk": membership.pk}))
    assert (
        pdf["Content-Disposition"]
        == 'attachment; filename="Urkunde-SMART-REGION-zechenblick-software-gmbh.pdf"'
    )
    svg = client.get(reverse("members:seal_svg", kwargs={"pk": membership.pk, "variant": "hell"}))
    assert (
        svg["Content-Disposition"]
        == 'attachment; filename="Siegel-SMART-REGION-zechenblick-software-gmbh-hell.svg"'
    )


@pytest.mark.parametrize(
    "path",
    [
        "siegel-blau.svg",
        "siegel-hell-300.png",
        "siegel-hell-abc.png",
        "siegel-%00.svg",
        "urkunde.docx",
    ],
)
def test_unknown_variants_sizes_and_formats_are_404(client, manager, membership, path):
    client.force_login(manager)
    assert client.get(f"/mein-bereich/siegel/{membership.pk}/{path}").status_code == 404


# Caching and regeneration --------------------------------------------------------------------------


def test_files_are_generated_once_per_version_and_regenerated_after_a_change(
    client, manager, membership, monkeypatch
):
    calls = []
    original = seal.seal_svg
    monkeypatch.setattr(
        seal, "seal_svg", lambda data, **kw: calls.append(data) or original(data, **kw)
    )
    client.force_login(manager)
    url = reverse("members:seal_svg", kwargs={"pk": membership.pk, "variant": "hell"})
    first = client.get(url).content
    assert client.get(url).content == first
    assert len(calls) == 1

    membership.organisation.name = "Zechenblick Software AG"
    membership.organisation.save()
    renamed = client.get(url).content
    assert len(calls) == 2 and b"Zechenblick Software AG" in renamed

    membership.refresh_from_db()
    membership.seal_version += 1
    membership.save()
    client.get(url)
    assert len(calls) == 3


def test_renewal_regenerates_the_seal_with_the_new_year(client, manager, membership):
    client.force_login(manager)
    url = reverse("members:seal_svg", kwargs={"pk": membership.pk, "variant": "hell"})
    old_year = membership.valid_until.year
    assert str(old_year).encode() in client.get(url).content
    with time_machine.travel(date(old_year, 12, 1), tick=False):
        client.force_login(manager)  # a session from today would have expired by then
        client.post(reverse("members:renew", args=[membership.pk]))
        membership.refresh_from_db()
        assert membership.valid_until == date(old_year + 1, 12, 31)
        assert f"gültig bis {old_year + 1}".encode() in client.get(url).content


def test_old_versions_are_removed_from_private_storage(client, manager, membership):
    from django.core.files.storage import storages

    private_storage = storages["private"]

    client.force_login(manager)
    url = reverse("members:seal_svg", kwargs={"pk": membership.pk, "variant": "hell"})
    client.get(url)
    membership.seal_version += 1
    membership.save()
    client.get(url)
    _, files = private_storage.listdir(f"seals/{membership.seal_code}")
    assert files and all(name.startswith(f"v{membership.seal_version}-") for name in files)


# Permissions ---------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login_for_every_download(client, membership):
    for url in _urls(membership):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/konto/login/?next=")


def test_strangers_get_403_for_every_download(client, membership, stranger):
    client.force_login(stranger)
    for url in _urls(membership):
        assert client.get(url).status_code == 403, url


def test_managers_of_a_valid_membership_get_every_download(client, manager, membership):
    client.force_login(manager)
    for url in _urls(membership):
        assert client.get(url).status_code == 200, url


def test_staff_with_members_permission_get_every_download_even_when_revoked(
    client, staff_editor, membership
):
    services.membership_revoke(membership=membership, actor=staff_editor, reason="Test")
    login_staff(client, staff_editor)
    for url in _urls(membership):
        assert client.get(url).status_code == 200, url


def test_staff_without_members_permission_get_403(client, membership, django_user_model):
    staff = django_user_model.objects.create_user(
        email="technik@example.org", password="x", is_staff=True
    )
    login_staff(client, staff)
    assert client.get(_urls(membership)[0]).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_membership"))
    login_staff(client, django_user_model.objects.get(pk=staff.pk))
    assert client.get(_urls(membership)[0]).status_code == 200


def test_manager_of_another_organisation_gets_403(client, membership):
    other_manager = verified_user("andere@example.org")
    member("Halde Digital UG", manager=other_manager)
    client.force_login(other_manager)
    for url in _urls(membership):
        assert client.get(url).status_code == 403, url


def test_revocation_stops_downloads_and_the_page_says_widerrufen(
    client, manager, membership, staff_editor, django_capture_on_commit_callbacks, mailoutbox
):
    login_staff(client, staff_editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:members_membership_changelist"),
            {
                "action": "revoke",
                "apply": "1",
                "_selected_action": [membership.pk],
                "text": "Siegel missbräuchlich verwendet.",
            },
        )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (
        membership.status == "revoked"
        and membership.revoked_reason == "Siegel missbräuchlich verwendet."
    )
    assert [m.to for m in mailoutbox] == [[manager.email]]
    assert "Siegel missbräuchlich verwendet." in mailoutbox[0].body
    client.force_login(manager)
    for url in _urls(membership):
        assert client.get(url).status_code == 403, url
    client.logout()
    html = client.get(f"/siegel/{membership.seal_code}/").content.decode()
    assert "widerrufen" in html and "gültig</strong>" not in html
    assert client.get(membership.organisation.get_absolute_url()).status_code == 404


def test_revoke_action_asks_for_a_reason_first(client, membership, staff_editor):
    login_staff(client, staff_editor)
    response = client.post(
        reverse("admin:members_membership_changelist"),
        {"action": "revoke", "_selected_action": [membership.pk]},
    )
    assert response.status_code == 200
    assert "Begründung" in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == "active"


def test_expired_membership_page_says_abgelaufen_and_downloads_stop(client, manager, membership):
    with time_machine.travel(date(membership.valid_until.year + 1, 1, 1), tick=False):
        client.force_login(manager)
        for url in _urls(membership):
            assert client.get(url).status_code == 403, url
        client.logout()
        html = client.get(f"/siegel/{membership.seal_code}/").content.decode()
        assert "abgelaufen" in html


def test_founding_members_never_expire(client, manager):
    organisation = member("Stadt Gelsenkirchen", kind="public", founding=True, manager=manager)
    membership = organisation.membership
    assert membership.valid_until is None
    with time_machine.travel(date(2099, 6, 1), tick=False):
        assert services.memberships_expire() == 0
        membership.refresh_from_db()
        assert membership.is_valid
        html = client.get(f"/siegel/{membership.seal_code}/").content.decode()
        assert "gültig" in html and "unbefristet" in html
        client.force_login(manager)
        svg = client.get(
            reverse("members:seal_svg", kwargs={"pk": membership.pk, "variant": "hell"})
        )
        assert svg.status_code == 200 and "Gründungsmitglied" in svg.content.decode()


# Verification --------------------------------------------------------------------------------------


def test_valid_seal_page_shows_organisation_state_and_validity_and_sets_no_cookie(
    client, membership
):
    response = client.get(f"/siegel/{membership.seal_code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Zechenblick Software GmbH" in html and "gültig" in html
    assert membership.valid_until.strftime("%d.%m.%Y") in html
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in html


@pytest.mark.parametrize("code", ["A" * 27, "unbekannter-code-1234567", "x" * 64])
def test_unknown_code_is_a_404_saying_no_such_seal_exists(client, code, membership):
    response = client.get(f"/siegel/{code}/")
    assert response.status_code == 404
    assert "Kein Siegel mit diesem Code" in response.content.decode()


@pytest.mark.parametrize("code", ["%00" * 20, "kurz", "a" * 65, "..%2F..%2Fetc"])
def test_malformed_codes_are_404_never_500(client, code):
    assert client.get(f"/siegel/{code}/").status_code == 404


def test_codes_are_unguessable_and_do_not_contain_the_member_number(membership):
    code = membership.seal_code
    raw = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))
    assert len(raw) * 8 >= 80
    digits = re.sub(r"\D", "", membership.number)
    assert membership.number not in code and digits[-4:] not in code
    other = member("Halde Digital UG").membership
    assert other.seal_code != code


def test_public_seal_image_is_the_seal_while_valid_and_a_badge_afterwards(
    client, membership, staff_editor
):
    url = reverse("members:seal_image", kwargs={"code": membership.seal_code, "variant": "hell"})
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert b"Part of SMART REGION Emscher-Lippe" in response.content
    assert not response.cookies
    services.membership_revoke(membership=membership, actor=staff_editor, reason="x")
    response = client.get(url)
    assert response.status_code == 200
    assert (
        "Siegel ungültig" in response.content.decode() and "widerrufen" in response.content.decode()
    )
    assert (
        client.get(
            reverse("members:seal_image", kwargs={"code": "B" * 27, "variant": "hell"})
        ).status_code
        == 404
    )
    assert client.get(f"/siegel/{membership.seal_code}/siegel-blau.svg").status_code == 404


def test_embed_snippet_links_the_seal_image_to_the_verification_page(client, manager, membership):
    client.force_login(manager)
    html = client.get("/mein-bereich/").content.decode()
    verify = _verify_url(membership)
    image = settings.SITE_URL + f"/siegel/{membership.seal_code}/siegel-hell.svg"
    assert f"&lt;a href=&quot;{verify}&quot;" in html
    assert f"&lt;img src=&quot;{image}&quot;" in html
    assert "<textarea" in html and "readonly" in html
