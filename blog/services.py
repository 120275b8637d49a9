"""Writes with side effects for the blog: submission, confirmation, moderation, purging."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from blog import tasks
from blog.models import SECTIONS, Post, PostImage, Report
from smartregion.core import files, images, mail, moderation
from smartregion.core.i18n import current_language
from smartregion.core.signing import make_token
from smartregion.core.text import unique_slug

REVISE_MAX_AGE = timedelta(days=60)

S = Post.Status


def _set_fields(post: Post, data: dict) -> None:
    for field in (
        "title",
        "teaser",
        "body",
        *(section.field for section in SECTIONS),
        "organisation_name",
        "municipality",
        "website",
        "video_url",
        "author_name",
        "author_email",
        "cover_alt",
    ):
        if field in data:
            setattr(post, field, data[field])
    post.author_email = post.author_email.strip().lower()


def _replace_images(post: Post, *, cover, gallery) -> None:
    if cover is not None:
        images.store_original(post.cover_original, cover)
    if gallery:
        for old in post.images.all():
            files.delete_on_commit(old.original.storage, old.original.name)
            images.delete_renditions(old.renditions)
        post.images.all().delete()
        for position, (verified, alt) in enumerate(gallery):
            image = PostImage(post=post, position=position, alt_text=alt)
            images.store_original(image.original, verified)
            image.save()


def post_submit(*, data: dict, cover, gallery, user=None) -> Post:
    """Create a submission. Unknown submitters confirm their address first; a logged-in user
    whose verified address is the author address goes straight into the moderation queue."""
    post = Post(status=S.SUBMITTED, consent_at=timezone.now(), language=current_language())
    _set_fields(post, data)
    post.slug = unique_slug(Post, post.title, max_length=160)
    if getattr(user, "is_authenticated", False):
        post.submitted_by = user
        # A manager submitting for their own member organisation links the post to its profile.
        post.organisation = user.organisations.filter(
            name__iexact=post.organisation_name.strip()
        ).first()
    with files.atomic():  # a rollback takes the files back
        images.store_original(post.cover_original, cover)
        post.save()
        post.topics.set(data["topics"])
        _replace_images(post, cover=None, gallery=gallery)
        moderation.transition(post, S.SUBMITTED, actor=user, note="Einreichung")
        if _has_verified_address(user, post.author_email):
            post_confirm(post=post)
        else:
            _mail_author(post, "blog/email/confirm", paths={"confirm_path": confirm_path})
    return post


def _mail_author(post: Post, template: str, *, paths=None, **context) -> None:
    """A mail to the submitter in the language they submitted in, also when staff act later in
    the (German) admin. Its links lead to pages in that language: ``paths`` maps context names
    to functions of the post giving a path, reversed in it (as is the post's own URL).

    None once they deleted their account (a post kept for its member organisation has no author
    address any more)."""
    if not post.author_email:
        return
    with translation.override(post.language):
        context |= {name: path(post) for name, path in (paths or {}).items()}
        mail.send_mail(
            template,
            to=post.author_email,
            context={"post": post, **context},
            language=post.language,
        )


def _has_verified_address(user, email: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def confirm_max_age() -> timedelta:
    """How long a submission whose address is not confirmed is kept, and its link valid
    (settings.RETENTION_UNCONFIRMED_POSTS_DAYS, shown on the privacy statement)."""
    return timedelta(days=settings.RETENTION_UNCONFIRMED_POSTS_DAYS)


def confirm_path(post: Post) -> str:
    return reverse("blog:confirm", kwargs={"token": make_token("blog-confirm", post.public_id)})


def revise_path(post: Post) -> str:
    return reverse("blog:revise", kwargs={"token": make_token("blog-revise", post.public_id)})


def post_confirm(*, post: Post) -> bool:
    """The submitter confirmed the address: the post enters the queue. False if already done.

    The row is locked and its state read again: of two clicks at the same moment (a mail
    scanner and the person) one confirms and mails, the other finds it done."""
    with transaction.atomic():
        status = Post.objects.select_for_update().values_list("status", flat=True).get(pk=post.pk)
        if status != S.SUBMITTED:
            post.status = status
            return False
        post.confirmed_at = timezone.now()
        moderation.transition(
            post,
            S.CONFIRMED,
            allowed_from={S.SUBMITTED},
            note="E-Mail-Adresse bestätigt",
            extra_fields=("confirmed_at",),
        )
        _mail_author(post, "blog/email/received")
        _notify_editors(post)
    return True


def _notify_editors(post: Post, *, report: Report | None = None) -> None:
    recipients = moderation.editor_emails()
    if recipients:
        mail.send_mail(
            "blog/email/editors_waiting",
            to=recipients,
            language=settings.LANGUAGE_CODE,  # the Redaktion reads German
            context={
                "post": post,
                "report": report,
                "admin_path": reverse("admin:blog_post_change", args=[post.pk]),
            },
        )


def post_publish(*, post: Post, actor) -> None:
    if post.published_at is None:
        post.published_at = timezone.now()
    post.rejection_reason = ""
    moderation.transition(
        post,
        S.PUBLISHED,
        actor=actor,
        allowed_from={S.SUBMITTED, S.CONFIRMED, S.WITHDRAWN, S.REJECTED},
        extra_fields=("published_at", "rejection_reason"),
    )
    transaction.on_commit(partial(tasks.render_post_images.enqueue, post.pk))
    _mail_author(post, "blog/email/published")


def post_reject(*, post: Post, actor, reason: str) -> None:
    post.rejection_reason = reason
    with transaction.atomic():
        moderation.transition(
            post,
            S.REJECTED,
            actor=actor,
            note=reason,
            allowed_from={S.SUBMITTED, S.CONFIRMED, S.PUBLISHED},
            extra_fields=("rejection_reason",),
        )
        remove_public_images(post)
        _mail_author(post, "blog/email/rejected", paths={"revise_path": revise_path}, reason=reason)


def post_withdraw(*, post: Post, actor, note: str = "") -> None:
    with transaction.atomic():
        moderation.transition(post, S.WITHDRAWN, actor=actor, note=note, allowed_from={S.PUBLISHED})
        remove_public_images(post)


def post_revise(*, post: Post, data: dict, cover, gallery) -> bool:
    """A rejected post, revised through the personal link: back into the queue. False if it is
    no longer rejected (the same revision sent twice at once: the first one counts)."""
    with files.atomic():  # new files go again on a rollback, replaced ones only on commit
        status = Post.objects.select_for_update().values_list("status", flat=True).get(pk=post.pk)
        if status != S.REJECTED:
            return False
        post.status = status  # save() below writes every field: never a stale state
        _set_fields(post, data)
        _replace_images(post, cover=cover, gallery=gallery)
        post.save()
        post.topics.set(data["topics"])
        moderation.transition(post, S.CONFIRMED, allowed_from={S.REJECTED}, note="Überarbeitet")
        _mail_author(post, "blog/email/received")
        _notify_editors(post)
    return True


def report_create(*, post: Post, reason: str, email: str = "") -> Report:
    report = Report.objects.create(post=post, reason=reason, email=email)
    _notify_editors(post, report=report)
    return report


# Images -----------------------------------------------------------------------------------------


def _public_prefix(post: Post) -> str:
    return f"blog/{post.public_id.hex}"


def render_images(post: Post) -> None:
    """Make the public renditions of a published post's images, once.

    The slow part (decoding, encoding, writing) runs without a lock. Then, with the post locked,
    the renditions are kept only if the post is still published and nothing rendered the same
    image meanwhile; otherwise the files just written are deleted again. Rejecting and
    withdrawing lock the post too (``remove_public_images()``), so no public file of a post
    that is no longer published survives either order."""
    prefix = _public_prefix(post)
    cover = None
    if not post.cover_renditions and post.cover_original:
        cover = images.render_original(post.cover_original, prefix=f"{prefix}/cover")
    gallery = {
        image.pk: (
            image.original.name,
            images.render_original(image.original, prefix=f"{prefix}/{image.pk}"),
        )
        for image in post.images.all()
        if not image.renditions
    }
    unused: list = []
    with transaction.atomic():
        locked = Post.objects.select_for_update().filter(pk=post.pk).first()
        published = locked is not None and locked.status == S.PUBLISHED
        if cover is not None:
            if (
                published
                and not locked.cover_renditions
                and locked.cover_original.name == post.cover_original.name
            ):
                post.cover_renditions = cover
                Post.objects.filter(pk=post.pk).update(cover_renditions=cover)
            else:
                unused += cover
        current = {
            image.pk: image for image in PostImage.objects.filter(post_id=post.pk, pk__in=gallery)
        }
        for pk, (original, renditions) in gallery.items():
            image = current.get(pk)
            if published and image and not image.renditions and image.original.name == original:
                PostImage.objects.filter(pk=pk).update(renditions=renditions)
            else:
                unused += renditions
        if published:
            _touch(post)
    files.delete_now(default_storage, [entry["path"] for entry in unused])


def _touch(post: Post) -> None:
    """Renditions changed: a new updated_at gives the cached page a new key."""
    post.updated_at = timezone.now()
    Post.objects.filter(pk=post.pk).update(updated_at=post.updated_at)


def remove_public_images(post: Post) -> None:
    """Take the public copies offline (reject, withdraw): only the private originals stay.

    Reads the renditions from the locked row, not from ``post`` (which may have been loaded
    before the renditions were made); the files go when the transaction commits."""
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        images.delete_renditions(locked.cover_renditions)
        Post.objects.filter(pk=post.pk).update(cover_renditions=[])
        post.cover_renditions = []
        for image in PostImage.objects.filter(post_id=post.pk).exclude(renditions=[]):
            images.delete_renditions(image.renditions)
            image.renditions = []
            image.save(update_fields=["renditions"])
        _touch(post)


def stored_originals():
    """The private files the blog's rows name (for ``files.sweep_orphans()``)."""
    yield from Post.objects.exclude(cover_original="").values_list("cover_original", flat=True)
    yield from PostImage.objects.values_list("original", flat=True)


def stored_renditions():
    """The public files the blog's rows name (for ``files.sweep_orphans()``)."""
    for renditions in Post.objects.exclude(cover_renditions=[]).values_list(
        "cover_renditions", flat=True
    ):
        yield from (entry["path"] for entry in renditions)
    for renditions in PostImage.objects.exclude(renditions=[]).values_list("renditions", flat=True):
        yield from (entry["path"] for entry in renditions)


def post_delete_files(post: Post) -> None:
    """All files of a post, once the transaction deleting it commits."""
    remove_public_images(post)
    if post.cover_original:
        files.delete_on_commit(post.cover_original.storage, post.cover_original.name)
    for image in post.images.all():
        files.delete_on_commit(image.original.storage, image.original.name)


def purge_unconfirmed() -> int:
    """Delete submissions whose address was never confirmed within ``confirm_max_age()``, with
    their files."""
    cutoff = timezone.now() - confirm_max_age()
    count = 0
    for post in Post.objects.filter(status=S.SUBMITTED, created_at__lt=cutoff):
        with transaction.atomic():
            post_delete_files(post)
            post.delete()
        count += 1
    return count
