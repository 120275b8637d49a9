"""Writes with side effects of the site layer: accessibility feedback."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from smartregion.core import mail, moderation
from smartregion.site.models import AccessibilityFeedback


def feedback_create(*, message: str, page_url: str = "", name: str = "", email: str = ""):
    """Store the feedback and tell the Redaktion by mail (the addresses moderation notices go
    to). The sender's address, if given, is the mail's Reply-To."""
    feedback = AccessibilityFeedback.objects.create(
        message=message.strip(),
        page_url=page_url.strip(),
        name=name.strip(),
        email=email.strip().lower(),
    )
    recipients = moderation.editor_emails()
    if recipients:
        mail.send_mail(
            "legal/email/feedback_received",
            to=recipients,
            reply_to=[feedback.email] if feedback.email else None,
            language=settings.LANGUAGE_CODE,  # mails to the Redaktion are German
            context={
                "feedback": feedback,
                "admin_path": reverse(
                    "admin:site_accessibilityfeedback_change", args=[feedback.pk]
                ),
            },
        )
    return feedback


def feedback_purge_answered(*, now=None) -> int:
    """Delete feedback answered more than RETENTION_ANSWERED_FEEDBACK_DAYS ago."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.RETENTION_ANSWERED_FEEDBACK_DAYS)
    deleted, _per_model = AccessibilityFeedback.objects.filter(
        status=AccessibilityFeedback.Status.ANSWERED, answered_at__lt=cutoff
    ).delete()
    return deleted
