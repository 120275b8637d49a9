import mailbox

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsletter import services


class Command(BaseCommand):
    help = (
        "Read the newsletter's bounce mailbox (a Maildir) and mark addresses that bounced "
        "permanently as bouncing, so later campaigns skip them. Bounces are deleted from the "
        "mailbox, other mails moved to its folder 'ignored'. Default: settings.BOUNCE_MAILDIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("--maildir", help="path of the Maildir (with cur/, new/, tmp/)")

    def handle(self, *args, maildir=None, **options):
        maildir = maildir or settings.BOUNCE_MAILDIR
        if not maildir:
            raise CommandError("No bounce mailbox: pass --maildir or set BOUNCE_MAILDIR.")
        try:
            counts = services.bounces_process(maildir=maildir)
        except mailbox.NoSuchMailboxError as error:
            raise CommandError(f"No Maildir at {maildir}") from error
        self.stdout.write(
            "{bounced} bounced, {known} known already, {temporary} temporary, "
            "{ignored} ignored".format(**counts)
        )
