"""The public submission form and its views: from the empty form to the published post."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone
from PIL import Image

from blog import views
from blog.models import Post, PostImage
from smartregion.core.images import DEFAULT_MAX_BYTES as MAX_UPLOAD_BYTES
from smartregion.core.models import ModerationLog, Topic
from smartregion.core.signing import make_token
from tests.blog.helpers import (
    STORY,
    checked_values,
    field_errors,
    form_data,
    input_value,
    link_in,
    publish_in_admin,
    raw_upload,
    selected_value,
    started_token,
    textarea_value,
    with_files,
)
from tests.factories import PostFactory, UserFactory, image_bytes, uploaded_image
from tests.sitemaps import whole_sitemap
from tests.staff import login_staff

pytestmark = pytest.mark.django_db

SUBMIT = "/blog/einreichen/"
THANKS = "/blog/einreichen/danke/"


def files_in(root) -> list[Path]:
    root = Path(root)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def submit(client, data, captured, **extra):
    with captured(execute=True):
        return client.post(SUBMIT, data, **extra)


# The whole path --------------------------------------------------------------------------------


def test_whole_path_from_the_form_to_the_published_post(
    client, site_url, staff_editor, django_capture_on_commit_callbacks, mailoutbox, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    response = client.get(SUBMIT)
    assert response.status_code == 200
    html = response.content.decode()
    assert input_value(html, "homepage") is None  # the honeypot is rendered empty
    started = input_value(html, "started")
    assert started, "the hidden started token is rendered"

    # A human takes a while to fill in the form (spam.py refuses anything under 3 seconds).
    time_machine.shift(timedelta(seconds=30))
    data = with_files(form_data(started=started), gallery=2)
    response = submit(client, data, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == THANKS
    thanks = client.get(THANKS).content.decode()
    assert "Bitte bestätigen Sie jetzt Ihre E-Mail-Adresse" in thanks

    post = Post.objects.get()
    assert post.status == Post.Status.SUBMITTED
    assert post.title == data["title"]
    assert post.author_email == "anna@example.org"
    assert set(post.topics.values_list("slug", flat=True)) == {"smart-economy", "bildung"}
    assert list(post.images.values_list("alt_text", flat=True)) == [
        "Galeriebild Nummer 1",
        "Galeriebild Nummer 2",
    ]
    assert post.cover_original and post.cover_renditions == []

    # Exactly one mail: the confirmation, with an absolute link to SITE_URL.
    assert len(mailoutbox) == 1
    confirm = mailoutbox[0]
    assert confirm.to == ["anna@example.org"]
    assert "bestätigen" in confirm.subject
    confirm_path = link_in(confirm.body, site_url, r"/blog/bestaetigen/[^/\s]+/")
    assert f'href="{site_url}{confirm_path}"' in confirm.alternatives[0][0]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(confirm_path)
    assert response.status_code == 200
    assert "E-Mail-Adresse bestätigt" in response.content.decode()
    post.refresh_from_db()
    assert post.status == Post.Status.CONFIRMED
    assert post.confirmed_at is not None

    # A receipt for the submitter, a note for the Redaktion.
    assert len(mailoutbox) == 3
    receipt = next(m for m in mailoutbox[1:] if m.to == ["anna@example.org"])
    assert "eingegangen" in receipt.subject
    editors = next(m for m in mailoutbox[1:] if staff_editor.email in m.to)
    assert post.title in editors.subject
    assert f"{site_url}/admin/blog/post/{post.pk}/change/" in editors.body

    # The Redaktion publishes through the admin action.
    login_staff(client, staff_editor)
    response = publish_in_admin(client, post, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert post.published_at == timezone.now()
    assert {r["format"] for r in post.cover_renditions} == {"webp", "jpeg"}
    for rendition in post.cover_renditions:
        assert (Path(settings.MEDIA_ROOT) / rendition["path"]).is_file()
    for image in post.images.all():  # opaque PNG photos get a JPEG fallback too
        assert {r["format"] for r in image.renditions} == {"webp", "jpeg"}
        assert all((Path(settings.MEDIA_ROOT) / r["path"]).is_file() for r in image.renditions)
    published_mail = mailoutbox[-1]
    assert published_mail.to == ["anna@example.org"]
    assert f"{site_url}/blog/{post.slug}/" in published_mail.body

    # Everyone can read it now.
    client.logout()
    detail_url = f"/blog/{post.slug}/"
    assert client.get(detail_url).status_code == 200
    listing = client.get("/blog/").content.decode()
    assert post.title in listing and f'href="{detail_url}"' in listing
    rss = client.get("/blog/feed/").content.decode()
    assert f"<link>{site_url}{detail_url}</link>" in rss
    atom = client.get("/blog/feed/atom/").content.decode()
    assert f'href="{site_url}{detail_url}"' in atom
    sitemap = whole_sitemap(client)
    assert f"{detail_url}</loc>" in sitemap
    home = client.get("/").content.decode()
    assert post.title in home and f'href="{detail_url}"' in home


def test_form_is_german_with_hidden_spam_fields_and_image_accept_attribute(client):
    html = client.get(SUBMIT).content.decode()
    assert "Beitrag einreichen" in html
    assert re.search(r'<input type="hidden" name="started" value="[^"]+"', html)
    assert 'class="honeypot" aria-hidden="true"' in html
    assert 'accept="image/jpeg,image/png,image/webp"' in html
    for index in range(1, 7):
        assert f'name="gallery_{index}"' in html and f'name="gallery_{index}_alt"' in html


# Logged-in submitters --------------------------------------------------------------------------


@pytest.fixture
def member(client):
    user = UserFactory(email="mia@example.org", first_name="Mia", last_name="Muster")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    return user


def test_logged_in_user_gets_name_and_email_prefilled(client, member):
    html = client.get(SUBMIT).content.decode()
    assert input_value(html, "author_name") == "Mia Muster"
    assert input_value(html, "author_email") == "mia@example.org"


def test_anonymous_form_is_not_prefilled(client):
    html = client.get(SUBMIT).content.decode()
    assert input_value(html, "author_name") is None
    assert input_value(html, "author_email") is None


@pytest.mark.usefixtures("fast_forms")
def test_verified_user_skips_the_confirmation_mail(
    client, member, staff_editor, django_capture_on_commit_callbacks, mailoutbox
):
    data = with_files(form_data(author_name="Mia Muster", author_email="Mia@Example.org"))
    response = submit(client, data, django_capture_on_commit_callbacks)
    assert response["Location"] == THANKS

    post = Post.objects.get()
    assert post.status == Post.Status.CONFIRMED
    assert post.confirmed_at is not None
    assert post.submitted_by == member
    assert not any("/blog/bestaetigen/" in m.body for m in mailoutbox)
    assert sorted(m.to[0] for m in mailoutbox) == ["mia@example.org", staff_editor.email]
    thanks = client.get(THANKS).content.decode()
    assert "liegt jetzt bei der Redaktion" in thanks
    assert "Bitte bestätigen Sie" not in thanks


@pytest.mark.usefixtures("fast_forms")
def test_unverified_address_of_a_logged_in_user_must_be_confirmed(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory(email="neu@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    client.force_login(user)
    submit(
        client,
        with_files(form_data(author_email="neu@example.org")),
        django_capture_on_commit_callbacks,
    )
    post = Post.objects.get()
    assert post.status == Post.Status.SUBMITTED
    assert post.submitted_by == user
    assert len(mailoutbox) == 1 and "/blog/bestaetigen/" in mailoutbox[0].body


@pytest.mark.usefixtures("fast_forms")
def test_verified_user_submitting_for_another_address_must_confirm_it(
    client, member, django_capture_on_commit_callbacks, mailoutbox
):
    data = with_files(form_data(author_email="kollegin@example.org"))
    submit(client, data, django_capture_on_commit_callbacks)
    assert Post.objects.get().status == Post.Status.SUBMITTED
    assert [m.to for m in mailoutbox] == [["kollegin@example.org"]]


def test_my_posts_lists_own_submissions_with_their_states(client, member):
    PostFactory(title="Veröffentlicht von Mia", submitted_by=member)
    PostFactory(title="Wartet bei der Redaktion", submitted_by=member, status="confirmed")
    PostFactory(title="Noch unbestätigt", submitted_by=member, status="submitted")
    PostFactory(
        title="Abgelehnt von der Redaktion",
        submitted_by=member,
        status="rejected",
        rejection_reason="Bitte mit Bild der Kommune.",
    )
    PostFactory(title="Von jemand anderem", submitted_by=UserFactory(), status="confirmed")

    response = client.get("/blog/meine-beitraege/")
    assert response.status_code == 200
    html = response.content.decode()
    rows = {
        re.sub(r"<[^>]+>", "", cells[0]).strip(): re.sub(r"<[^>]+>", " ", cells[2])
        for cells in (
            re.findall(r"<td>(.*?)</td>", row, re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
        )
        if cells
    }
    assert set(rows) == {
        "Veröffentlicht von Mia",
        "Wartet bei der Redaktion",
        "Noch unbestätigt",
        "Abgelehnt von der Redaktion",
    }
    assert "Veröffentlicht" in rows["Veröffentlicht von Mia"]
    assert "E-Mail bestätigt" in rows["Wartet bei der Redaktion"]
    assert "Eingereicht" in rows["Noch unbestätigt"]
    assert "Abgelehnt" in rows["Abgelehnt von der Redaktion"]
    assert "Bitte mit Bild der Kommune." in rows["Abgelehnt von der Redaktion"]
    published = Post.objects.get(title="Veröffentlicht von Mia")
    assert f'href="{published.get_absolute_url()}"' in html
    unpublished = Post.objects.get(title="Noch unbestätigt")
    assert f'href="{unpublished.get_absolute_url()}"' not in html


def test_my_posts_requires_login(client):
    response = client.get("/blog/meine-beitraege/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/login/?next=/blog/meine-beitraege/"


# Bad input -------------------------------------------------------------------------------------

KEPT_TEXT_INPUTS = [
    "title",
    "organisation_name",
    "cover_alt",
    "website",
    "author_name",
    "author_email",
]
KEPT_TEXTAREAS = ["teaser", "situation", "solution", "outcome", "tips", "body", "contact"]


def assert_input_kept(html: str, data: dict, *, except_field: str) -> None:
    """Everything else the submitter typed is in the re-rendered form."""
    for name in KEPT_TEXT_INPUTS:
        if name != except_field:
            assert input_value(html, name) == data[name], name
    for name in KEPT_TEXTAREAS:
        if name != except_field:
            assert textarea_value(html, name) == data.get(name, ""), name
    if except_field != "municipality":
        assert selected_value(html, "municipality") == data["municipality"]
    if except_field != "topics":
        assert checked_values(html, "topics") == set(data["topics"])
    if except_field != "consent":
        assert re.search(r'<input type="checkbox" name="consent"[^>]*\bchecked\b', html)


def post_invalid(client, data, captured, mailoutbox, field_id):
    with captured(execute=True):
        response = client.post(SUBMIT, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert Post.objects.count() == 0
    assert PostImage.objects.count() == 0
    assert ModerationLog.objects.count() == 0
    assert mailoutbox == []
    # Valid images are only kept for the next attempt (purged after a few hours), nothing else.
    kept = Path(settings.PRIVATE_MEDIA_ROOT) / "pending-uploads"
    assert [p for p in files_in(settings.PRIVATE_MEDIA_ROOT) if p.parent != kept] == []
    assert 'id="form-errors"' in html and "Bitte prüfen Sie Ihre Angaben" in html
    errors = field_errors(html, field_id)
    assert errors, f"no error beside {field_id}"
    return html, errors


REQUIRED = "Dieses Feld ist zwingend erforderlich."


@pytest.mark.usefixtures("fast_forms")
@pytest.mark.parametrize(
    "field",
    [
        "title",
        "teaser",
        "organisation_name",
        "municipality",
        "cover_alt",
        "author_name",
        "author_email",
    ],
)
def test_missing_required_field(client, field, django_capture_on_commit_callbacks, mailoutbox):
    data = with_files(form_data(**{field: ""}))
    html, errors = post_invalid(
        client, data, django_capture_on_commit_callbacks, mailoutbox, f"id_{field}"
    )
    assert REQUIRED in errors
    assert_input_kept(html, data, except_field=field)


NO_STORY = "Bitte erzählen Sie Ihr Beispiel: in mindestens einem Abschnitt oder als freien Text."


@pytest.mark.usefixtures("fast_forms")
@pytest.mark.parametrize("contact", ["", STORY["contact"]], ids=["nothing", "only-a-contact"])
def test_a_post_needs_a_story(client, contact, django_capture_on_commit_callbacks, mailoutbox):
    """Neither free text nor a section of the story (an Ansprechpartner alone is none): the
    message stands beside the Lösung, everything typed is kept."""
    data = with_files(form_data(body="   ", contact=contact))
    html, errors = post_invalid(
        client, data, django_capture_on_commit_callbacks, mailoutbox, "id_solution"
    )
    assert NO_STORY in errors
    assert_input_kept(html, data, except_field="solution")


@pytest.mark.usefixtures("fast_forms")
@pytest.mark.parametrize("section", ["situation", "solution", "outcome", "tips", "contact"])
def test_a_section_has_at_most_5000_characters(
    client, section, django_capture_on_commit_callbacks, mailoutbox
):
    data = with_files(form_data(body="", **STORY | {section: "x" * 5001}))
    html, errors = post_invalid(
        client, data, django_capture_on_commit_callbacks, mailoutbox, f"id_{section}"
    )
    assert "höchstens 5000 Zeichen" in errors
    # One section too long is not "no story": no second message beside the Lösung.
    assert NO_STORY not in html
    assert_input_kept(html, data, except_field=section)


def tiff_upload():
    return raw_upload("bild.jpg", image_bytes(fmt="TIFF"), "image/jpeg")


def truncated_jpeg():
    # Noise compresses badly, so the cut surely falls inside the image data.
    noise = Image.effect_noise((1200, 800), 80).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=90)
    content = buffer.getvalue()
    return raw_upload("kaputt.jpg", content[: len(content) // 2], "image/jpeg")


def too_large_jpeg():
    content = image_bytes()
    return raw_upload(
        "riesig.jpg", content + b"\0" * (MAX_UPLOAD_BYTES + 1 - len(content)), "image/jpeg"
    )


FORMAT = "Bitte laden Sie ein Bild im Format JPEG, PNG oder WebP hoch."
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800">'
    b"<script>alert(1)</script><rect width='1200' height='800'/></svg>"
)
HTML_AS_JPEG = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.usefixtures("fast_forms")
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("teaser", "x" * 301, "höchstens 300 Zeichen"),
        ("title", "Titel mit \x00 Nullbyte", "Nullzeichen sind nicht erlaubt."),
        ("author_email", "anna(at)example.org", "Bitte gültige E-Mail-Adresse eingeben."),
        (
            "video_url",
            "https://www.dailymotion.com/video/x8abcd1",
            "Bitte geben Sie einen Link zu einem Video auf YouTube oder Vimeo an.",
        ),
        (
            "video_url",
            "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
            "Bitte geben Sie einen Link zu einem Video auf YouTube oder Vimeo an.",
        ),
        ("consent", "", REQUIRED),
        ("topics", [], REQUIRED),
    ],
    ids=[
        "teaser-301",
        "nul-in-title",
        "email",
        "video-dailymotion",
        "video-lookalike",
        "consent",
        "no-topic",
    ],
)
def test_bad_text_input(
    client, field, value, message, django_capture_on_commit_callbacks, mailoutbox
):
    data = with_files(form_data(**{field: value}))
    if field == "consent":
        del data["consent"]
    html, errors = post_invalid(
        client, data, django_capture_on_commit_callbacks, mailoutbox, f"id_{field}"
    )
    assert message in errors
    assert_input_kept(html, data, except_field=field)


@pytest.mark.usefixtures("fast_forms")
def test_four_topics_are_too_many(client, django_capture_on_commit_callbacks, mailoutbox):
    topics = [str(pk) for pk in Topic.objects.values_list("pk", flat=True)[:4]]
    data = with_files(form_data(topics=topics))
    html, errors = post_invalid(
        client, data, django_capture_on_commit_callbacks, mailoutbox, "id_topics"
    )
    assert "Bitte wählen Sie höchstens drei Themenfelder." in errors
    assert checked_values(html, "topics") == set(topics)  # the choice is kept to be corrected
    assert_input_kept(html, data, except_field="topics")


@pytest.mark.usefixtures("fast_forms")
def test_three_topics_are_fine(client, django_capture_on_commit_callbacks):
    topics = [str(pk) for pk in Topic.objects.values_list("pk", flat=True)[:3]]
    response = submit(
        client, with_files(form_data(topics=topics)), django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert Post.objects.get().topics.count() == 3


@pytest.mark.usefixtures("fast_forms")
@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (None, REQUIRED),
        (
            lambda: uploaded_image("schmal.jpg", width=799, height=600),
            "mindestens 800 Pixel Breite",
        ),
        (too_large_jpeg, "Die Datei ist zu groß (höchstens 10 MB)."),
        (lambda: raw_upload("bild.svg", SVG, "image/svg+xml"), FORMAT),
        (lambda: raw_upload("bild.jpg", HTML_AS_JPEG, "image/jpeg"), FORMAT),
        (tiff_upload, FORMAT),
        (truncated_jpeg, "Die Datei ist beschädigt oder unvollständig."),
    ],
    ids=["missing", "too-narrow", "over-10-mb", "svg", "html-as-jpg", "tiff", "truncated-jpeg"],
)
def test_bad_cover(client, make_file, message, django_capture_on_commit_callbacks, mailoutbox):
    data = with_files(form_data(), cover=False)
    if make_file:
        data["cover"] = make_file()
    html, errors = post_invalid(
        client, data, django_capture_on_commit_callbacks, mailoutbox, "id_cover"
    )
    assert message in errors
    assert_input_kept(html, data, except_field="cover")


@pytest.mark.usefixtures("fast_forms")
def test_cover_of_exactly_800_pixels_is_accepted(client, django_capture_on_commit_callbacks):
    data = with_files(form_data())
    data["cover"] = uploaded_image("genau.jpg", width=800, height=500)
    assert submit(client, data, django_capture_on_commit_callbacks).status_code == 302
    assert Post.objects.count() == 1


@pytest.mark.usefixtures("fast_forms")
def test_gallery_image_without_alt_text(client, django_capture_on_commit_callbacks, mailoutbox):
    data = with_files(form_data(), gallery=2)
    data["gallery_2_alt"] = "   "
    html, errors = post_invalid(
        client, data, django_capture_on_commit_callbacks, mailoutbox, "id_gallery_2_alt"
    )
    assert "Bitte beschreiben Sie das Bild mit einem Alternativtext." in errors
    assert input_value(html, "gallery_1_alt") == "Galeriebild Nummer 1"
    assert_input_kept(html, data, except_field="gallery_2_alt")


@pytest.mark.usefixtures("fast_forms")
def test_gallery_image_must_be_an_image_too(client, django_capture_on_commit_callbacks, mailoutbox):
    data = with_files(form_data())
    data["gallery_1"] = raw_upload("galerie.jpg", HTML_AS_JPEG, "image/jpeg")
    html, errors = post_invalid(
        client, data, django_capture_on_commit_callbacks, mailoutbox, "id_gallery_1"
    )
    assert FORMAT in errors
    assert_input_kept(html, data, except_field="gallery_1")


@pytest.mark.usefixtures("fast_forms")
@pytest.mark.parametrize(
    "field",
    ["teaser", "body", "organisation_name", "author_name", "municipality", "topics", "website"],
)
def test_nul_bytes_anywhere_are_form_errors_not_server_errors(
    client, field, django_capture_on_commit_callbacks, mailoutbox
):
    value = ["1\x00"] if field == "topics" else "ab\x00cd"
    data = with_files(form_data(**{field: value}))
    html, errors = post_invalid(
        client, data, django_capture_on_commit_callbacks, mailoutbox, f"id_{field}"
    )
    assert errors.strip()


# Spam ------------------------------------------------------------------------------------------


def assert_nothing_kept(response, mailoutbox):
    assert response.status_code == 302
    assert response["Location"] == THANKS  # a bot learns nothing
    assert Post.objects.count() == 0
    assert PostImage.objects.count() == 0
    assert mailoutbox == []
    assert files_in(settings.PRIVATE_MEDIA_ROOT) == []


@pytest.mark.usefixtures("fast_forms")
def test_filled_honeypot_pretends_success_but_keeps_nothing(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    data = with_files(form_data(homepage="https://spam.example"))
    assert_nothing_kept(submit(client, data, django_capture_on_commit_callbacks), mailoutbox)


TOO_FAST = "Das ging schneller, als ein Mensch ein Formular ausfüllt."
EXPIRED = "Das Formular ist abgelaufen."


def assert_back_with_input_kept(response, data, mailoutbox, note: str) -> str:
    """Not spam, not yet taken: the form again, the note above it, everything entered kept
    (the images as kept uploads), and nothing stored or sent."""
    assert response.status_code == 200
    html = response.content.decode()
    assert note in html
    assert_input_kept(html, data, except_field="")
    assert re.search(r'name="cover_kept" value="[^"]+"', html), "the cover is kept"
    assert re.search(r'name="gallery_1_kept" value="[^"]+"', html), "the gallery image is kept"
    assert Post.objects.count() == 0
    assert ModerationLog.objects.count() == 0
    assert mailoutbox == []
    return html


def send_again(client, html, data, captured):
    """What the person does next: press the button again (the browser sends the hidden
    fields as rendered, and no files)."""
    again = {key: value for key, value in data.items() if not key.startswith(("cover", "gallery"))}
    again |= {
        "cover_alt": data["cover_alt"],
        "gallery_1_alt": data["gallery_1_alt"],
        "started": input_value(html, "started"),
        "cover_kept": input_value(html, "cover_kept"),
        "gallery_1_kept": input_value(html, "gallery_1_kept"),
    }
    return submit(client, again, captured)


def test_a_form_sent_faster_than_the_minimum_fill_time_comes_back_with_everything_kept(
    client, django_capture_on_commit_callbacks, mailoutbox, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    started = started_token(seconds_ago=1)  # autofill: a person done in one second
    data = with_files(form_data(started=started))
    response = submit(client, data, django_capture_on_commit_callbacks)
    html = assert_back_with_input_kept(response, data, mailoutbox, TOO_FAST)
    assert input_value(html, "started") == started  # its clock goes on running

    time_machine.shift(timedelta(seconds=3))
    response = send_again(client, html, data, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == THANKS
    post = Post.objects.get()
    assert post.title == data["title"] and post.cover_original and post.images.count() == 1


def test_the_same_form_after_the_minimum_fill_time_is_kept(
    client, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    started = input_value(client.get(SUBMIT).content.decode(), "started")
    time_machine.shift(timedelta(seconds=4))
    response = submit(
        client, with_files(form_data(started=started)), django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert Post.objects.count() == 1


def test_the_started_token_expires_after_a_day(
    client, django_capture_on_commit_callbacks, mailoutbox, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    started = input_value(client.get(SUBMIT).content.decode(), "started")
    time_machine.shift(timedelta(hours=23, minutes=59))
    submit(client, with_files(form_data(started=started)), django_capture_on_commit_callbacks)
    assert Post.objects.count() == 1, "a form open for most of a day still counts"
    Post.objects.all().delete()
    ModerationLog.objects.all().delete()
    mailoutbox.clear()

    time_machine.shift(timedelta(minutes=2))  # the same token, now older than a day
    data = with_files(form_data(started=started, title="Ein zweiter Versuch"))
    response = submit(client, data, django_capture_on_commit_callbacks)
    html = assert_back_with_input_kept(response, data, mailoutbox, EXPIRED)
    fresh = input_value(html, "started")
    assert fresh and fresh != started, "the second try gets a fresh token"

    time_machine.shift(timedelta(seconds=4))
    response = send_again(client, html, data, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert Post.objects.get().title == "Ein zweiter Versuch"


def _forged_timestamp():
    value, stamp, signature = started_token(seconds_ago=60).split(":")
    return f"{float(value) - 3600}:{stamp}:{signature}"


@pytest.mark.usefixtures("fast_forms")
@pytest.mark.parametrize(
    "started",
    [
        None,
        "",
        "1700000000",
        "1700000000.0:1abcde:forged-signature",
        "_forged_timestamp",
        "other-purpose",
    ],
    ids=["missing", "empty", "unsigned", "bad-signature", "changed-timestamp", "other-purpose"],
)
def test_missing_or_forged_started_token_comes_back_and_keeps_nothing(
    client, started, django_capture_on_commit_callbacks, mailoutbox
):
    if started == "_forged_timestamp":
        started = _forged_timestamp()
    elif started == "other-purpose":
        started = make_token("blog-confirm", timezone.now().timestamp() - 60)
    data = with_files(form_data())
    if started is None:
        del data["started"]
    else:
        data["started"] = started
    response = submit(client, data, django_capture_on_commit_callbacks)
    html = assert_back_with_input_kept(response, data, mailoutbox, EXPIRED)
    assert input_value(html, "started") not in (None, "", started)


RATE_LIMITED = "Sie haben in kurzer Zeit sehr viele Beiträge eingereicht."


@pytest.mark.usefixtures("fast_forms")
def test_rate_limit_per_ip_address(client, django_capture_on_commit_callbacks, mailoutbox):
    limit = views.SUBMIT_LIMIT_PER_IP[0]
    for n in range(limit):
        data = with_files(form_data(author_email=f"person{n}@example.org"), gallery=0)
        response = submit(
            client, data, django_capture_on_commit_callbacks, REMOTE_ADDR="203.0.113.7"
        )
        assert response.status_code == 302
    assert Post.objects.count() == limit
    mailoutbox.clear()

    data = with_files(form_data(author_email="noch-eine@example.org"), gallery=0)
    response = submit(client, data, django_capture_on_commit_callbacks, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    html = response.content.decode()
    assert RATE_LIMITED in html
    assert_input_kept(html, data, except_field="")
    assert Post.objects.count() == limit
    assert mailoutbox == []

    # Another address is not affected.
    data = with_files(form_data(author_email="woanders@example.org"), gallery=0)
    response = submit(client, data, django_capture_on_commit_callbacks, REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 302
    assert Post.objects.count() == limit + 1


@pytest.mark.usefixtures("fast_forms")
def test_rate_limit_per_email_address(client, django_capture_on_commit_callbacks, mailoutbox):
    limit = views.SUBMIT_LIMIT_PER_EMAIL[0]
    for n in range(limit):
        data = with_files(form_data(author_email="viel@example.org"), gallery=0)
        response = submit(
            client, data, django_capture_on_commit_callbacks, REMOTE_ADDR=f"192.0.2.{n}"
        )
        assert response.status_code == 302
    mailoutbox.clear()

    # Another IP address and another spelling of the same address do not help.
    data = with_files(form_data(author_email="VIEL@example.org"), gallery=0)
    response = submit(client, data, django_capture_on_commit_callbacks, REMOTE_ADDR="192.0.2.200")
    assert response.status_code == 200
    assert RATE_LIMITED in response.content.decode()
    assert Post.objects.count() == limit
    assert mailoutbox == []


# Confirmation ----------------------------------------------------------------------------------


def confirm_link(post) -> str:
    from blog.services import confirm_path

    return confirm_path(post)


def test_confirm_link_used_twice_says_already_confirmed_and_changes_nothing(
    client, make_post, staff_editor, django_capture_on_commit_callbacks, mailoutbox
):
    post = make_post("submitted")
    link = confirm_link(post)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(link)
    assert "Danke! Ihr Beitrag" in first.content.decode()
    post.refresh_from_db()
    confirmed_at, mails, logs = post.confirmed_at, len(mailoutbox), ModerationLog.objects.count()
    assert post.status == Post.Status.CONFIRMED and mails == 2

    with django_capture_on_commit_callbacks(execute=True):
        second = client.get(link)
    assert second.status_code == 200
    assert "Diese Adresse ist bereits bestätigt." in second.content.decode()
    post.refresh_from_db()
    assert post.status == Post.Status.CONFIRMED
    assert post.confirmed_at == confirmed_at
    assert len(mailoutbox) == mails
    assert ModerationLog.objects.count() == logs


def test_confirm_link_of_a_published_post_changes_nothing(
    client, make_post, django_capture_on_commit_callbacks, mailoutbox
):
    post = make_post("published")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(confirm_link(post))
    assert "bereits bestätigt" in response.content.decode()
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert mailoutbox == []


@pytest.mark.parametrize(("days", "accepted"), [(6, True), (7.01, False), (30, False)])
def test_confirm_link_expires_after_seven_days(
    client, make_post, time_machine, days, accepted, django_capture_on_commit_callbacks
):
    time_machine.move_to(timezone.now(), tick=False)
    post = make_post("submitted")
    link = confirm_link(post)
    time_machine.shift(timedelta(days=days))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(link)
    post.refresh_from_db()
    if accepted:
        assert response.status_code == 200
        assert post.status == Post.Status.CONFIRMED
    else:
        assert response.status_code == 400
        assert "Dieser Link ist ungültig oder abgelaufen." in response.content.decode()
        assert post.status == Post.Status.SUBMITTED
        assert post.confirmed_at is None


@pytest.mark.parametrize("kind", ["tampered", "other-purpose", "garbage"])
def test_forged_confirm_link_is_refused(client, make_post, kind):
    post = make_post("submitted")
    token = {
        "tampered": confirm_link(post).split("/")[-2][:-2] + "xx",
        "other-purpose": make_token("blog-revise", post.public_id),
        "garbage": "kein-gültiges-token",
    }[kind]
    response = client.get(f"/blog/bestaetigen/{token}/")
    assert response.status_code == 400
    assert "Link ungültig" in response.content.decode()
    post.refresh_from_db()
    assert post.status == Post.Status.SUBMITTED
