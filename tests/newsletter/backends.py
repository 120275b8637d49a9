"""Mail backends for the sending tests: the test outbox, plus refusals and a dying worker."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class WorkerDied(Exception):
    """Stands for the worker process being killed in the middle of a send."""


class FlakyBackend(EmailBackend):
    """The locmem outbox; refuses the addresses in ``refuse`` (550) and ``greylist`` (450) and
    dies after ``die_after`` messages (counted over all connections). Configure through the
    class attributes."""

    refuse: set[str] = set()
    greylist: set[str] = set()
    die_after: int | None = None
    sent = 0
    connections = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        type(self).connections += 1

    def send_messages(self, messages):
        for message in messages:
            if self.die_after is not None and type(self).sent >= self.die_after:
                raise WorkerDied(f"killed after {type(self).sent} messages")
            refused = [to for to in message.to if to in self.refuse]
            if refused:
                raise smtplib.SMTPRecipientsRefused(dict.fromkeys(refused, (550, b"No such user")))
            greylisted = [to for to in message.to if to in self.greylist]
            if greylisted:
                raise smtplib.SMTPRecipientsRefused(dict.fromkeys(greylisted, (450, b"Greylisted")))
            super().send_messages([message])
            type(self).sent += 1
        return len(messages)

    @classmethod
    def reset(cls, *, refuse=(), greylist=(), die_after=None):
        cls.refuse, cls.greylist, cls.die_after = set(refuse), set(greylist), die_after
        cls.sent, cls.connections = 0, 0


class WatchingBackend(EmailBackend):
    """The locmem outbox; before each message it records how many deliveries of the campaign
    being sent another database connection sees as sent, i.e. how many are committed (use in
    ``transaction=True`` tests)."""

    committed: list[int] = []

    def send_messages(self, messages):
        from newsletter.models import Delivery
        from tests.concurrency import run_concurrently

        [count] = run_concurrently(
            lambda _: Delivery.objects.filter(status="sent", campaign__status="sending").count(),
            [None],
        )
        type(self).committed.append(count)
        return super().send_messages(messages)

    @classmethod
    def reset(cls):
        cls.committed = []
