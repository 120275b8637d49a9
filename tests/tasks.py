"""The real task queue and a real SMTP server, for tests of deferred work (mail retries).

``db_tasks`` switches the tests' immediate backend to django-tasks-db's ``DatabaseBackend``
(what production runs) and ``run_worker()`` runs its ``db_worker`` loop in this process until no
task is ready (``--batch``). Use them in ``django_db(transaction=True)`` tests: the worker
commits and checks its connection like the real one, which a test's wrapping transaction
would not allow.

``SMTPServer`` is aiosmtpd on 127.0.0.1, on a port chosen up front so that it can be down (the
port closed) first and up later. Its ``answers`` list scripts replies: each message takes the
next entry (a full SMTP reply such as "451 4.3.0 Bitte später" for DATA, or "550 …" for the
recipient); when the list is empty, messages are accepted. ``refuse(address, *answers)`` scripts
the replies to RCPT TO for one address, any code (a 4xx at RCPT too): each RCPT of the address
takes the next one, and once they are used up the address is accepted. ``envelopes`` holds the
envelope (MAIL FROM, RCPT TO) of each accepted message, ``messages`` the parsed messages,
``raw`` their bytes and ``connections`` the number of the SMTP connection (1, 2, …) each came
over.
"""

from __future__ import annotations

import itertools
import socket
import threading
import time
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from django.utils import timezone


def db_tasks_setting() -> dict:
    """settings.TASKS as deployed (django-tasks-db's database backend, the same queues)."""
    from django.conf import settings

    return {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }


def run_worker(*, max_tasks: int | None = None) -> int:
    """Run the real worker over all queues until nothing is ready (or ``max_tasks`` ran).
    Returns how many tasks it ran."""
    from smartregion.core.tasks import batch_worker

    worker = batch_worker("pytest-worker", max_tasks=max_tasks)
    before = _finished_count()
    worker.run()
    return _finished_count() - before


def _finished_count() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.finished().count()


def waiting():
    """Task results that wait for their time (``run_after``) or to be picked up."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="READY")


def run_until_idle(*, timeout: float = 30) -> None:
    """Run the worker; while deferred tasks wait, sleep until the first is due and run again."""
    from django_tasks_db.models import get_date_max

    deadline = time.monotonic() + timeout
    while True:
        run_worker()
        due = waiting().exclude(run_after=get_date_max()).order_by("run_after").first()
        if due is None and not waiting().exists():
            return
        assert time.monotonic() < deadline, "tasks still waiting"
        if due is not None:
            time.sleep(max(0.0, (due.run_after - timezone.now()).total_seconds()) + 0.02)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Handler:
    def __init__(self, answers: list[str]):
        self.answers = answers
        self.rcpt_answers: dict[str, list[str]] = {}  # per address (lower case), for RCPT TO
        self.lock = threading.Lock()
        self.messages: list = []  # parsed email.message.EmailMessage, in arrival order
        self.envelopes: list[tuple[str, list[str]]] = []  # (MAIL FROM, RCPT TOs), same order
        self.raw: list[bytes] = []  # the bytes as received, same order
        self.connections: list[int] = []  # the number of the connection, same order
        self._numbers = itertools.count(1)

    def _next(self) -> str | None:
        with self.lock:
            return self.answers.pop(0) if self.answers else None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            scripted = self.rcpt_answers.get(address.lower())
            if scripted:
                return scripted.pop(0)
            answer = self.answers[0] if self.answers else None
        if answer and answer.startswith("5"):
            self._next()
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        answer = self._next()
        if answer:
            return answer
        with self.lock:
            if not hasattr(session, "number"):  # aiosmtpd has a session per connection
                session.number = next(self._numbers)
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.raw.append(envelope.original_content)
            self.connections.append(session.number)
        return "250 Message accepted"


class SMTPServer:
    def __init__(self, answers: list[str] | None = None):
        self.port = free_port()
        self.handler = Handler(list(answers or []))
        self.controller: Controller | None = None

    @property
    def messages(self) -> list:
        with self.handler.lock:
            return list(self.handler.messages)

    @property
    def envelopes(self) -> list[tuple[str, list[str]]]:
        with self.handler.lock:
            return list(self.handler.envelopes)

    @property
    def raw(self) -> list[bytes]:
        with self.handler.lock:
            return list(self.handler.raw)

    @property
    def connections(self) -> list[int]:
        with self.handler.lock:
            return list(self.handler.connections)

    def refuse(self, address: str, *answers: str) -> None:
        """Answer the next RCPT TO of ``address`` with ``answers`` in turn (e.g. "450 4.2.0
        Greylisted", "550 5.1.1 Unbekannt"), then accept it."""
        with self.handler.lock:
            self.handler.rcpt_answers.setdefault(address.lower(), []).extend(answers)

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def mailers(self) -> dict:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
            }
        }
