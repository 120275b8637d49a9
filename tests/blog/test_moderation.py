"""Moderation: private files and preview, publish/reject/withdraw in the admin, revise links,
reports, the admin's waiting counts, and purging unconfirmed submissions."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template
from django.utils import timezone
from PIL import Image

from blog import services
from blog.models import Post, PostImage, Report
from blog.tasks import purge_unconfirmed_posts
from smartregion.core.models import ModerationLog
from smartregion.core.signing import make_token
from tests.blog.helpers import form_data, input_value, link_in, textarea_value
from tests.factories import PostFactory, UserFactory, uploaded_image
from tests.staff import login_staff

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/blog/post/"


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def logs_for(post):
    return ModerationLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Post), object_id=str(post.pk)
    )


def rendition_paths(post) -> list[Path]:
    entries = list(post.cover_renditions)
    for image in post.images.all():
        entries += image.renditions
    return [Path(settings.MEDIA_ROOT) / entry["path"] for entry in entries]


# Private files before publication --------------------------------------------------------------


@pytest.mark.parametrize("status", ["submitted", "confirmed", "rejected"])
def test_unpublished_originals_live_outside_media_root_without_public_copies(make_post, status):
    post = make_post(status, gallery=2)
    private_root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    originals = [Path(post.cover_original.path)] + [
        Path(image.original.path) for image in post.images.all()
    ]
    assert len(originals) == 3
    for path in originals:
        assert path.is_file()
        assert path.resolve().is_relative_to(private_root)
        assert not path.resolve().is_relative_to(media_root)
    assert post.cover_renditions == []
    assert all(image.renditions == [] for image in post.images.all())
    assert media_files() == []  # nothing public at all
    with pytest.raises(ValueError, match="no URL"):
        post.cover_original.url  # noqa: B018


def test_stored_originals_carry_no_metadata_and_are_not_the_upload(make_post):
    post = make_post("submitted")
    with post.cover_original.open("rb") as handle:
        data = handle.read()
    with Image.open(io.BytesIO(data)) as image:
        assert "exif" not in image.info
        assert image.size == (1200, 800)


def preview_urls(post):
    image = post.images.get()
    return [
        f"/blog/vorschau/{post.pk}/",
        f"/blog/vorschau/{post.pk}/titelbild/",
        f"/blog/vorschau/{post.pk}/bild/{image.pk}/",
    ]


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_preview_and_its_images_are_closed_to_the_public(client, make_post, who):
    post = make_post("confirmed")
    if who == "member":
        client.force_login(UserFactory())
    for url in preview_urls(post):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"].startswith("/konto/login/?next="), url
        assert not response.has_header("Content-Disposition")


def test_preview_is_open_to_the_redaktion(client, make_post, staff_editor):
    post = make_post("confirmed")
    login_staff(client, staff_editor)
    page_url, cover_url, image_url = preview_urls(post)

    response = client.get(page_url)
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    html = response.content.decode()
    assert post.title in html
    assert "Vorschau für die Redaktion. Status: E-Mail bestätigt." in html
    assert f'src="{cover_url}"' in html and f'src="{image_url}"' in html

    for url, size in ((cover_url, (1200, 800)), (image_url, (640, 480))):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        data = b"".join(response.streaming_content)
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == size
            # The declared type is the real one (browsers are told not to sniff).
            assert response["Content-Type"] == Image.MIME[image.format]


def test_preview_image_of_another_post_is_404(client, make_post, staff_editor):
    post, other = make_post("confirmed"), make_post("confirmed")
    login_staff(client, staff_editor)
    other_image = other.images.get()
    assert client.get(f"/blog/vorschau/{post.pk}/bild/{other_image.pk}/").status_code == 404


# Publishing ------------------------------------------------------------------------------------


def test_staff_editor_is_an_ordinary_redaktion_member(staff_editor):
    assert staff_editor.is_staff and not staff_editor.is_superuser
    assert staff_editor.groups.filter(name="Redaktion").exists()
    for perm in ("blog.view_post", "blog.change_post", "blog.view_report", "blog.change_report"):
        assert staff_editor.has_perm(perm)


def test_publish_action_as_staff_editor(
    client,
    make_post,
    staff_editor,
    site_url,
    django_capture_on_commit_callbacks,
    mailoutbox,
    time_machine,
):
    time_machine.move_to(timezone.now(), tick=False)
    post = make_post("confirmed", gallery=1)
    login_staff(client, staff_editor)
    assert client.get(CHANGELIST).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHANGELIST, {"action": "publish", "_selected_action": [post.pk]})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert post.published_at == timezone.now()
    log = logs_for(post).first()
    assert (log.from_state, log.to_state, log.actor) == ("confirmed", "published", staff_editor)

    # Public renditions in WebP and JPEG, several widths, never upscaled.
    cover = post.cover_renditions
    assert {(r["format"], r["width"]) for r in cover} == {
        (fmt, width) for fmt in ("webp", "jpeg") for width in (480, 960, 1200)
    }
    assert all(path.is_file() for path in rendition_paths(post))
    with Image.open(Path(settings.MEDIA_ROOT) / cover[0]["path"]) as image:
        assert image.format in ("WEBP", "JPEG")

    assert [m.to for m in mailoutbox] == [[post.author_email]]
    assert f"{site_url}/blog/{post.slug}/" in mailoutbox[0].body
    assert f'href="{site_url}/blog/{post.slug}/"' in mailoutbox[0].alternatives[0][0]


def test_non_staff_cannot_run_admin_actions(client, make_post):
    post = make_post("confirmed")
    client.force_login(UserFactory())
    response = client.post(CHANGELIST, {"action": "publish", "_selected_action": [post.pk]})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    post.refresh_from_db()
    assert post.status == Post.Status.CONFIRMED


# Rejecting and revising ------------------------------------------------------------------------

REASON = "Bitte beschreiben Sie genauer,\nwelche digitalen Werkzeuge Sie genutzt haben."


def reject_through_admin(client, posts, captured, reason=REASON):
    ids = [p.pk for p in posts]
    page = client.post(CHANGELIST, {"action": "reject", "_selected_action": ids})
    assert page.status_code == 200
    with captured(execute=True):
        return page, client.post(
            CHANGELIST,
            {"action": "reject", "apply": "1", "_selected_action": ids, "reason": reason},
        )


def test_reject_two_posts_with_one_reason(
    client,
    make_post,
    staff_editor,
    site_url,
    django_capture_on_commit_callbacks,
    mailoutbox,
    time_machine,
):
    time_machine.move_to(timezone.now(), tick=False)
    first, second = make_post("confirmed"), make_post("submitted")
    untouched = make_post("confirmed")
    login_staff(client, staff_editor)

    page, response = reject_through_admin(
        client, [first, second], django_capture_on_commit_callbacks
    )
    html = page.content.decode()
    assert first.title in html and second.title in html and untouched.title not in html
    assert 'name="reason"' in html
    assert "Begründung für die Einreichenden" in html
    assert response.status_code == 302

    for post in (first, second):
        post.refresh_from_db()
        assert post.status == Post.Status.REJECTED
        assert post.rejection_reason == REASON
        log = logs_for(post).first()
        assert log.to_state == "rejected"
        assert log.actor == staff_editor
        assert log.note == REASON
        assert log.at == timezone.now()
    untouched.refresh_from_db()
    assert untouched.status == Post.Status.CONFIRMED

    assert sorted(m.to[0] for m in mailoutbox) == sorted([first.author_email, second.author_email])
    for message in mailoutbox:
        assert REASON in message.body
        link_in(message.body, site_url, r"/blog/ueberarbeiten/[^/\s]+/")
        assert "welche digitalen Werkzeuge" in message.alternatives[0][0]


def test_reject_without_reason_asks_again(
    client, make_post, staff_editor, django_capture_on_commit_callbacks, mailoutbox
):
    post = make_post("confirmed")
    login_staff(client, staff_editor)
    _, response = reject_through_admin(
        client, [post], django_capture_on_commit_callbacks, reason=""
    )
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    post.refresh_from_db()
    assert post.status == Post.Status.CONFIRMED
    assert mailoutbox == []


@pytest.fixture
def rejected_with_link(
    client, make_post, staff_editor, site_url, django_capture_on_commit_callbacks, mailoutbox
):
    post = make_post("confirmed")
    login_staff(client, staff_editor)
    reject_through_admin(client, [post], django_capture_on_commit_callbacks)
    client.logout()
    path = link_in(mailoutbox[0].body, site_url, r"/blog/ueberarbeiten/[^/\s]+/")
    mailoutbox.clear()
    post.refresh_from_db()
    return post, path


@pytest.mark.usefixtures("fast_forms")
def test_revise_link_opens_the_prefilled_form_and_resubmitting_confirms(
    client, rejected_with_link, staff_editor, django_capture_on_commit_callbacks, mailoutbox
):
    post, path = rejected_with_link
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Beitrag überarbeiten" in html
    assert "welche digitalen Werkzeuge Sie genutzt haben." in html  # the reason is shown
    assert input_value(html, "title") == post.title
    assert textarea_value(html, "teaser") == post.teaser
    assert textarea_value(html, "body") == post.body
    assert input_value(html, "author_email") == post.author_email
    assert input_value(html, "started")

    cover_before = post.cover_original.name
    data = form_data(
        title="Überarbeitet: Mit Werkzeugen durch die Krise",
        author_email=post.author_email,
        started=input_value(html, "started"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, data)  # no new cover: the old one stays
    assert response.status_code == 302
    assert response["Location"] == "/blog/einreichen/danke/"
    post.refresh_from_db()
    assert post.status == Post.Status.CONFIRMED
    assert post.title == "Überarbeitet: Mit Werkzeugen durch die Krise"
    assert post.cover_original.name == cover_before
    assert Path(post.cover_original.path).is_file()
    assert post.images.count() == 1
    log = logs_for(post).first()
    assert (log.from_state, log.to_state) == ("rejected", "confirmed")
    assert sorted(m.to[0] for m in mailoutbox) == sorted([post.author_email, staff_editor.email])

    # The link has done its job.
    response = client.get(path)
    assert response.status_code == 409
    assert "Beitrag nicht mehr änderbar" in response.content.decode()


@pytest.mark.usefixtures("fast_forms")
def test_revise_with_a_new_cover_replaces_the_private_original(
    client, rejected_with_link, django_capture_on_commit_callbacks
):
    post, path = rejected_with_link
    old_path = Path(post.cover_original.path)
    data = form_data(author_email=post.author_email)
    data["cover"] = uploaded_image("neu.jpg", width=1000, height=1000)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(path, data).status_code == 302
    post.refresh_from_db()
    assert not old_path.exists()
    with post.cover_original.open("rb") as handle, Image.open(handle) as image:
        assert image.size == (1000, 1000)


@pytest.mark.usefixtures("fast_forms")
def test_revise_form_with_bad_input_keeps_the_post_rejected(client, rejected_with_link):
    post, path = rejected_with_link
    response = client.post(path, form_data(title="", author_email=post.author_email))
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    post.refresh_from_db()
    assert post.status == Post.Status.REJECTED


@pytest.mark.parametrize("kind", ["tampered", "confirm-token", "garbage"])
def test_tampered_revise_link_is_refused(client, rejected_with_link, kind):
    post, path = rejected_with_link
    token = path.split("/")[-2]
    bad = {
        "tampered": token[:-3] + ("abc" if not token.endswith("abc") else "xyz"),
        "confirm-token": make_token("blog-confirm", post.public_id),
        "garbage": "nicht-signiert",
    }[kind]
    for method in (client.get, client.post):
        response = method(f"/blog/ueberarbeiten/{bad}/")
        assert response.status_code == 400
        assert "Dieser Link ist ungültig oder abgelaufen." in response.content.decode()
    post.refresh_from_db()
    assert post.status == Post.Status.REJECTED


@pytest.mark.parametrize(("days", "status"), [(59, 200), (61, 400)])
def test_revise_link_expires_after_60_days(client, make_post, time_machine, days, status):
    time_machine.move_to(timezone.now(), tick=False)
    post = make_post("rejected")
    path = services.revise_path(post)
    time_machine.shift(timedelta(days=days))
    response = client.get(path)
    assert response.status_code == status
    if status == 400:
        assert "Dieser Link ist ungültig oder abgelaufen." in response.content.decode()


# Withdrawing -----------------------------------------------------------------------------------


def test_withdrawing_a_published_post_takes_it_and_its_images_offline(
    client, make_post, staff_editor, django_capture_on_commit_callbacks
):
    post = make_post("published", gallery=2)
    other = make_post("published")
    public_files = rendition_paths(post)
    assert len(public_files) == 2 * 3 + 2 * 2 * 2  # cover: 3 widths; gallery (640 px): 2 each
    assert all(path.is_file() for path in public_files)
    assert post.title in client.get("/blog/").content.decode()

    login_staff(client, staff_editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHANGELIST, {"action": "withdraw", "_selected_action": [post.pk]})
    assert response.status_code == 302
    client.logout()

    post.refresh_from_db()
    assert post.status == Post.Status.WITHDRAWN
    assert logs_for(post).first().actor == staff_editor
    assert not any(path.exists() for path in public_files)
    assert post.cover_renditions == []
    assert all(image.renditions == [] for image in post.images.all())
    assert Path(post.cover_original.path).is_file()  # the private original stays for the record
    assert all(path.is_file() for path in rendition_paths(other))

    listing = client.get("/blog/").content.decode()
    assert post.title not in listing and other.title in listing
    assert client.get(f"/blog/{post.slug}/").status_code == 404
    assert f"/blog/{post.slug}/" not in client.get("/blog/feed/").content.decode()


def test_withdraw_action_leaves_unpublished_posts_alone(
    client, make_post, staff_editor, django_capture_on_commit_callbacks
):
    post = make_post("confirmed")
    login_staff(client, staff_editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "withdraw", "_selected_action": [post.pk]})
    post.refresh_from_db()
    assert post.status == Post.Status.CONFIRMED


def test_rejecting_a_published_post_removes_its_public_images(
    client, make_post, staff_editor, django_capture_on_commit_callbacks
):
    post = make_post("published")
    public_files = rendition_paths(post)
    login_staff(client, staff_editor)
    reject_through_admin(client, [post], django_capture_on_commit_callbacks)
    post.refresh_from_db()
    assert post.status == Post.Status.REJECTED
    assert public_files and not any(path.exists() for path in public_files)
    assert client.get(f"/blog/{post.slug}/").status_code == 404


# Reports and the admin's waiting counts --------------------------------------------------------


def test_report_a_post(
    client, make_post, staff_editor, site_url, django_capture_on_commit_callbacks, mailoutbox
):
    post = make_post("published")
    detail = f"/blog/{post.slug}/"
    assert f'href="/blog/{post.slug}/melden/"' in client.get(detail).content.decode()
    assert "Beitrag melden" in client.get(f"{detail}melden/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{detail}melden/",
            {"reason": "Das Bild stammt von einer fremden Website.", "email": "leser@example.org"},
        )
    assert response.status_code == 302
    assert response["Location"] == detail
    report = Report.objects.get()
    assert report.post == post
    assert report.reason == "Das Bild stammt von einer fremden Website."
    assert report.email == "leser@example.org"
    assert report.resolved_at is None

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [staff_editor.email]
    assert "Meldung" in mailoutbox[0].subject
    assert "Das Bild stammt von einer fremden Website." in mailoutbox[0].body
    assert f"{site_url}/admin/blog/post/{post.pk}/change/" in mailoutbox[0].body
    assert "Danke für Ihren Hinweis." in client.get(detail).content.decode()


def test_report_needs_a_reason(client, make_post, django_capture_on_commit_callbacks, mailoutbox):
    post = make_post("published")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/blog/{post.slug}/melden/", {"reason": "", "email": ""})
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert Report.objects.count() == 0 and mailoutbox == []


def test_unpublished_posts_cannot_be_reported(client, make_post):
    post = make_post("confirmed")
    response = client.post(f"/blog/{post.slug}/melden/", {"reason": "Spam"})
    assert response.status_code == 404
    assert Report.objects.count() == 0


def test_reports_are_rate_limited_per_ip(client, make_post, django_capture_on_commit_callbacks):
    from blog.views import REPORT_LIMIT_PER_IP

    post = make_post("published")
    url = f"/blog/{post.slug}/melden/"
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(REPORT_LIMIT_PER_IP[0]):
            assert client.post(url, {"reason": "Spam"}).status_code == 302
        response = client.post(url, {"reason": "Noch mehr"})
    assert response.status_code == 200
    assert "Zu viele Meldungen in kurzer Zeit." in response.content.decode()
    assert Report.objects.count() == REPORT_LIMIT_PER_IP[0]


def queue_counts(html: str) -> dict[str, int]:
    block = re.search(r'<div class="module moderation-queues">(.*?)</div>', html, re.S)
    assert block, "no moderation queues on the page"
    assert "Wartet auf die Redaktion" in block.group(1)
    return {
        label: int(count)
        for label, count in re.findall(
            r'<a href="[^"]+">([^<]+)</a>: <span class="moderation-count">(\d+)</span>',
            block.group(1),
        )
    }


def test_admin_index_shows_what_waits_for_the_redaktion(client, make_post, staff_editor):
    waiting = [make_post("confirmed"), make_post("confirmed")]
    make_post("submitted")  # not yet confirmed: not the Redaktion's turn
    published = make_post("published")
    Report.objects.create(post=published, reason="Offen")
    Report.objects.create(post=published, reason="Erledigt", resolved_at=timezone.now())

    login_staff(client, staff_editor)
    response = client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    counts = queue_counts(html)  # other apps add their own queues
    assert counts["Blogbeiträge mit bestätigter E-Mail"] == 2
    assert counts["Offene Meldungen zu Beiträgen"] == 1
    assert 'href="/admin/blog/post/?status__exact=confirmed"' in html
    assert 'href="/admin/blog/report/?resolved_at__isempty=1"' in html

    # The queue links lead to exactly those items.
    confirmed_list = client.get("/admin/blog/post/?status__exact=confirmed").content.decode()
    assert all(post.title in confirmed_list for post in waiting)
    assert published.title not in confirmed_list


def test_moderation_queues_template_tag(make_post):
    make_post("confirmed")
    html = Template("{% load moderation %}{% moderation_queues %}").render(Context())
    assert queue_counts(html)["Blogbeiträge mit bestätigter E-Mail"] == 1


def test_staff_editor_resolves_reports_in_the_admin(client, make_post, staff_editor):
    post = make_post("published")
    report = Report.objects.create(post=post, reason="Falsche Kommune")
    login_staff(client, staff_editor)
    response = client.post(
        "/admin/blog/report/", {"action": "resolve", "_selected_action": [report.pk]}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.resolved_at is not None and report.resolved_by == staff_editor
    assert (
        queue_counts(client.get("/admin/").content.decode())["Offene Meldungen zu Beiträgen"] == 0
    )


def test_staff_editor_sees_the_history_on_the_change_page(client, make_post, staff_editor):
    post = make_post("rejected")
    login_staff(client, staff_editor)
    response = client.get(f"/admin/blog/post/{post.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "E-Mail bestätigt → Abgelehnt" in html
    assert "Bitte ergänzen." in html
    assert f'href="/blog/vorschau/{post.pk}/"' in html


# Purging unconfirmed submissions ---------------------------------------------------------------


def test_unconfirmed_submissions_are_purged_after_seven_days_with_their_files(
    make_post, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(timezone.now(), tick=False)
    stale = make_post("submitted", gallery=2)
    old_confirmed = make_post("confirmed")
    stale_files = [Path(stale.cover_original.path)] + [
        Path(image.original.path) for image in stale.images.all()
    ]
    kept_file = Path(old_confirmed.cover_original.path)
    time_machine.shift(timedelta(days=6))
    recent = make_post("submitted")
    time_machine.shift(timedelta(days=1, minutes=1))

    with django_capture_on_commit_callbacks(execute=True):  # the files go on commit
        result = purge_unconfirmed_posts.enqueue()
    assert result.return_value == 1

    assert set(Post.objects.values_list("pk", flat=True)) == {old_confirmed.pk, recent.pk}
    assert not PostImage.objects.filter(post_id=stale.pk).exists()
    assert all(path.is_file() is False for path in stale_files)
    assert kept_file.is_file()
    assert Path(recent.cover_original.path).is_file()


def test_housekeeping_purges_unconfirmed_submissions(make_post, time_machine, housekeeping):
    time_machine.move_to(timezone.now(), tick=False)
    stale = make_post("submitted")
    time_machine.shift(timedelta(days=6))
    recent = make_post("submitted")
    time_machine.shift(timedelta(days=1, minutes=1))
    housekeeping()
    assert not Post.objects.filter(pk=stale.pk).exists()
    assert Post.objects.filter(pk=recent.pk).exists()


def test_purge_keeps_everything_younger_than_seven_days(make_post, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    post = make_post("submitted")
    time_machine.shift(timedelta(days=6, hours=23))
    assert purge_unconfirmed_posts.enqueue().return_value == 0
    assert Post.objects.filter(pk=post.pk).exists()


def test_factory_posts_without_files_can_be_purged(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    PostFactory(status="submitted", created_at=timezone.now() - timedelta(days=8))
    assert purge_unconfirmed_posts.enqueue().return_value == 1
    assert Post.objects.count() == 0
