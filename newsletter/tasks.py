"""Background tasks of the newsletter: thin wrappers around the services."""

from django.tasks import task

from smartregion.core.tasks import PRIORITY_BULK


@task(queue_name="bulk", priority=PRIORITY_BULK)
def send_campaign(campaign_id: int, failures: int = 0) -> int:
    """Send one batch of a campaign and enqueue the next (services.campaign_send); safe to run
    again. Returns the mails sent so far."""
    from newsletter.services import campaign_send

    campaign = campaign_send(campaign_id=campaign_id, failures=failures)
    return campaign.sent_count if campaign else 0


@task
def purge_pending() -> int:
    """Periodic: delete signups that were never confirmed within 30 days."""
    from newsletter.services import pending_purge

    return pending_purge()


@task
def resume_stalled_campaigns() -> int:
    """Periodic: start the send again for campaigns whose worker stopped midway."""
    from newsletter.services import campaigns_resume_stalled

    return campaigns_resume_stalled()


@task
def process_bounces() -> dict:
    """Periodic: read the bounce mailbox (settings.BOUNCE_MAILDIR) if there is one on this
    host's workers (services.bounces_process)."""
    from django.conf import settings

    from newsletter.services import bounces_process

    if not settings.BOUNCE_MAILDIR:
        return {}
    return bounces_process(maildir=settings.BOUNCE_MAILDIR)
