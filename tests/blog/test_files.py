"""The post's files and its transactions: renditions made while the post is rejected, files of
a rolled-back submission, public copies removed only when the rejection commits.

The race tests use real threads on separate connections (tests/concurrency.py)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from blog import services, tasks
from blog.models import Post
from smartregion.core import files, moderation
from smartregion.core.models import Topic
from tests.blog.helpers import verified
from tests.concurrency import start_concurrently, wait_for_lock_waiters

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("taxonomy")]


class Boom(Exception):
    pass


def public_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def private_files() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def rendition_paths(post) -> list[str]:
    post.refresh_from_db()
    paths = [entry["path"] for entry in post.cover_renditions]
    for image in post.images.all():
        paths += [entry["path"] for entry in image.renditions]
    return paths


@pytest.fixture
def published_unrendered(make_post):
    """A post just published whose render task has not run yet."""
    post = make_post("confirmed", gallery=2)
    post.published_at = timezone.now()
    moderation.transition(post, Post.Status.PUBLISHED, extra_fields=("published_at",))
    assert public_files() == []
    return Post.objects.get(pk=post.pk)


def test_a_post_rejected_while_its_renditions_are_made_keeps_no_public_file(
    published_unrendered,
):
    """The render task encodes and writes, then finds the post rejected meanwhile: it deletes
    what it wrote. (The rejection holds the row until it commits; the task waits for it.)"""
    post = published_unrendered
    with transaction.atomic():
        services.post_reject(post=post, actor=None, reason="Doch nicht.")
        running = start_concurrently(tasks.render_post_images.call, [post.pk])
        wait_for_lock_waiters(1)  # the task has written its files and waits for the row
    running.join()

    assert rendition_paths(post) == []
    assert public_files() == []


def test_rejecting_with_a_page_loaded_before_the_renditions_removes_them(published_unrendered):
    """The admin loaded the post before the task made the renditions: the rejection reads them
    from the locked row, not from the stale object."""
    stale = published_unrendered
    tasks.render_post_images.call(stale.pk)
    assert len(public_files()) == len(rendition_paths(Post.objects.get(pk=stale.pk))) > 0

    services.post_withdraw(post=stale, actor=None)

    assert rendition_paths(stale) == []
    assert public_files() == []


def test_a_rejection_that_rolls_back_leaves_the_public_copies(make_post):
    post = make_post("published")
    before = public_files()
    assert before

    with pytest.raises(Boom), transaction.atomic():
        services.post_reject(post=post, actor=None, reason="Doch nicht.")
        raise Boom

    assert public_files() == before
    assert len(rendition_paths(post)) == len(before)


def test_a_submission_that_fails_on_commit_leaves_no_file(make_post):
    """A topic deleted between the form check and the commit: the foreign key refuses the
    commit, and the originals written for the submission go again."""
    topic = Topic.objects.create(name="Gleich weg", slug="gleich-weg")
    Topic.objects.filter(pk=topic.pk).delete()
    with pytest.raises(Exception, match="foreign key"):
        make_post("submitted", gallery=2, topics=[topic])
    assert Post.objects.count() == 0
    assert private_files() == []


def test_a_revision_replacing_the_cover_keeps_the_old_file_until_the_commit(make_post):
    post = make_post("rejected")
    old = Path(post.cover_original.path)

    # files.atomic() around it, as any caller that may still fail after the service should use
    # (around a plain transaction.atomic() the new file would wait for the orphan sweep).
    with pytest.raises(Boom), files.atomic():
        services.post_revise(
            post=post, data={"topics": list(post.topics.all())}, cover=verified(), gallery=[]
        )
        raise Boom

    assert old.is_file()
    assert private_files() == sorted(
        [old, *(Path(image.original.path) for image in post.images.all())]
    )
    post.refresh_from_db()  # as the next request would load it
    services.post_revise(
        post=post, data={"topics": list(post.topics.all())}, cover=verified(), gallery=[]
    )
    assert not old.is_file()
    post.refresh_from_db()
    assert Path(post.cover_original.path).is_file()
