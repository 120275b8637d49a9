"""The blog's part of people's own data (smartregion/core/personal_data.py): the posts a person
submitted (logged in, or without an account from one of their addresses) and the reports they
sent from one of their addresses."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blog import services
from blog.models import SECTIONS, Post, Report
from smartregion.core import mail
from smartregion.core.dates import iso8601
from smartregion.core.personal_data import Person, Provider, file_name


def _posts(person: Person):
    mine = Q(author_email_lower__in=person.emails)
    if person.user is not None:
        mine |= Q(submitted_by=person.user)
    return Post.objects.alias(author_email_lower=Lower("author_email")).filter(mine)


def _reports(person: Person):
    return Report.objects.alias(email_lower=Lower("email")).filter(email_lower__in=person.emails)


def export(person: Person) -> dict:
    posts = (
        _posts(person)
        .select_related("municipality")
        .prefetch_related("topics", "images")
        .order_by("created_at", "pk")
    )
    return {
        "posts": [_post(post) for post in posts],
        "reports": [
            {
                "post": report.post.title,
                "reason": report.reason,
                "email": report.email,
                "created_at": iso8601(report.created_at),
                "resolved_at": iso8601(report.resolved_at),
            }
            for report in _reports(person).select_related("post").order_by("created_at", "pk")
        ],
    }


def _post(post: Post) -> dict:
    return {
        "title": post.title,
        "status": post.status,
        "status_label": str(post.get_status_display()),
        "url": post.get_absolute_url() if post.is_public else None,
        "teaser": post.teaser,
        "body": post.body,
        "sections": [
            {"section": section.field, "label": str(section.label), "text": text}
            for section in SECTIONS
            if (text := getattr(post, section.field))
        ],
        "organisation_name": post.organisation_name,
        "municipality": post.municipality.name,
        "topics": [topic.name for topic in post.topics.all()],
        "website": post.website,
        "video_url": post.video_url,
        "cover_image": file_name(post.cover_original.name),
        "cover_alt": post.cover_alt,
        "gallery": [
            {"image": file_name(image.original.name), "alt_text": image.alt_text}
            for image in post.images.all()
        ],
        "author_name": post.author_name,
        "author_email": post.author_email,
        "consent_at": iso8601(post.consent_at),
        "created_at": iso8601(post.created_at),
        "confirmed_at": iso8601(post.confirmed_at),
        "published_at": iso8601(post.published_at),
        "rejection_reason": post.rejection_reason,
    }


def keeps(post: Post) -> bool:
    """A published post linked to a member's profile is the organisation's content: it stays,
    without the person's name and address. Everything else the person submitted goes."""
    return post.is_public and post.organisation_id is not None


def erase(person: Person) -> list[str]:
    kept = 0
    mentions = set()  # what mails to the Redaktion quote of the person's texts
    for post in _posts(person).prefetch_related("images"):
        mentions.add(post.author_name)
        if keeps(post):
            Post.objects.filter(pk=post.pk).update(
                author_name="", author_email="", submitted_by=None
            )
            kept += 1
        else:
            mentions.add(post.title)
            services.post_delete_files(post)
            post.delete()  # its images, reports and topic links go with it
    for report in _reports(person):
        mentions.add(report.reason.strip().splitlines()[0] if report.reason.strip() else "")
        report.delete()
    mail.forget_mail_mentioning(mentions)
    if not kept:
        return []
    return [
        _(
            "Veröffentlichte Beiträge, die mit dem Profil einer Mitgliedsorganisation verbunden "
            "sind, bleiben online: Sie gehören zum Auftritt der Organisation. Ihr Name und Ihre "
            "E-Mail-Adresse sind aus diesen Beiträgen gelöscht."
        )
    ]


PROVIDER = Provider(
    key="blog",
    label=gettext_lazy("Blogbeiträge und Meldungen"),
    export=export,
    erase=erase,
    template="blog/personal_data/_blog.html",
    order=20,
)
