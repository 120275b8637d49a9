"""Demo posts for the blog „Ideenreich durch die Krise“, from ``data/posts/*.md``.

All organisations, people and projects in them are invented. The pictures come from
``artwork`` and go through the same pipeline as a real submission: ``verify_image()``, the
private original store, and for published posts ``render_images()`` for the public renditions.

Idempotent: a post whose slug exists already is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from blog import services
from blog.models import Post, PostImage
from smartregion.core.images import original_file, verify_image
from smartregion.core.models import ModerationLog, Municipality, Topic
from smartregion.site.demo.artwork import Art
from smartregion.site.demo.datafiles import build, markdown

S = Post.Status
COVER_SIZE = (1600, 900)
GALLERY_SIZE = (1200, 800)
PUBLISHED_BY = "redaktion@example.org"  # the Redaktion's demo account (data/accounts.toml)


@dataclass(frozen=True)
class DemoPost:
    """A post file: the slug is the file name, ``body`` the text after the front matter."""

    slug: str
    body: str
    title: str
    teaser: str
    organisation: str
    author: str
    email: str
    municipality: str
    topics: list[str]
    website: str
    cover: Art
    gallery: list[Art]
    video: str = ""
    # The sections of the story (blog.models.SECTIONS), Markdown like the body.
    situation: str = ""
    solution: str = ""
    outcome: str = ""
    tips: str = ""
    contact: str = ""
    days_ago: int = 0  # published that many days ago; for the queue: submitted
    status: str = S.PUBLISHED

    def __post_init__(self) -> None:
        S(self.status)  # published, confirmed (waits for the Redaktion) or submitted


def posts() -> list[DemoPost]:
    result = []
    for path, meta, body in markdown("posts"):
        values = {**meta, "slug": path.stem, "body": body}
        values["cover"] = build(Art, meta.get("cover", {}), f"{path}, cover")
        values["gallery"] = [build(Art, art, f"{path}, gallery") for art in meta.get("gallery", [])]
        result.append(build(DemoPost, values, path))
    return result


def seed(stdout) -> None:
    demo_posts = posts()
    slugs = [demo.slug for demo in demo_posts]
    existing = set(Post.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    missing = [demo for demo in demo_posts if demo.slug not in existing]
    if missing:
        municipalities = {m.slug: m for m in Municipality.objects.all()}
        topics = {t.slug: t for t in Topic.objects.all()}
        editor = get_user_model().objects.filter(email=PUBLISHED_BY).first()
        now = timezone.now()
        for demo in missing:
            _create(demo, municipalities, topics, editor, now)

    counts = {
        status: Post.objects.filter(slug__in=slugs, status=status).count()
        for status in (S.PUBLISHED, S.CONFIRMED, S.SUBMITTED)
    }
    stdout.write(
        f"  blog: {counts[S.PUBLISHED]} published posts, {counts[S.CONFIRMED]} waiting, "
        f"{counts[S.SUBMITTED]} unconfirmed ({len(missing)} new)"
    )


def _private_file(art: Art, size: tuple[int, int]):
    """Drawn, verified like an upload, and prepared for the private store like a submission."""
    upload = SimpleUploadedFile("demo.jpg", art.jpeg(size), content_type="image/jpeg")
    return original_file(verify_image(upload))


def _log(post: Post, content_type, steps) -> None:
    ModerationLog.objects.bulk_create(
        ModerationLog(
            content_type=content_type,
            object_id=str(post.pk),
            from_state=from_state,
            to_state=to_state,
            actor=actor,
            note=note,
            at=at,
        )
        for from_state, to_state, at, actor, note in steps
    )


def _create(demo: DemoPost, municipalities, topics, editor, now) -> Post:
    if demo.status == S.PUBLISHED:
        # Mornings to early afternoons, a few days ago up to about a year and a half ago.
        day = timezone.localtime(now).replace(hour=7, minute=30, second=0, microsecond=0)
        published_at = day - timedelta(days=demo.days_ago) + timedelta(hours=demo.days_ago % 8)
        created_at = published_at - timedelta(days=2, hours=3)
    else:
        published_at = None
        created_at = now - timedelta(days=demo.days_ago, hours=5)
    confirmed_at = None if demo.status == S.SUBMITTED else created_at + timedelta(minutes=25)
    post = Post(
        slug=demo.slug,
        title=demo.title,
        teaser=demo.teaser,
        body=demo.body,
        situation=demo.situation,
        solution=demo.solution,
        outcome=demo.outcome,
        tips=demo.tips,
        contact=demo.contact,
        organisation_name=demo.organisation,
        municipality=municipalities[demo.municipality],
        website=demo.website,
        video_url=demo.video,
        cover_alt=demo.cover.alt,
        author_name=demo.author,
        author_email=demo.email,
        consent_at=created_at,
        status=demo.status,
        created_at=created_at,
        confirmed_at=confirmed_at,
        published_at=published_at,
    )
    cover = _private_file(demo.cover, COVER_SIZE)
    post.cover_original.save(cover.name, cover, save=False)
    post.save()
    post.topics.set([topics[slug] for slug in demo.topics])
    for position, art in enumerate(demo.gallery):
        image = PostImage(post=post, position=position, alt_text=art.alt)
        content = _private_file(art, GALLERY_SIZE)
        image.original.save(content.name, content, save=False)
        image.save()

    steps = [("", S.SUBMITTED, created_at, None, "Einreichung")]
    if confirmed_at:
        steps.append((S.SUBMITTED, S.CONFIRMED, confirmed_at, None, "E-Mail-Adresse bestätigt"))
    if published_at:
        steps.append((S.CONFIRMED, S.PUBLISHED, published_at, editor, ""))
    _log(post, ContentType.objects.get_for_model(Post), steps)

    if demo.status == S.PUBLISHED:
        services.render_images(post)
    return post
