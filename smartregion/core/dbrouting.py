"""The read replica: anonymous visitors' page views read from it, everything else uses the primary.

Installed only when ``DATABASE_REPLICA_URL`` is set (``DATABASES["replica"]`` and
``DATABASE_ROUTERS`` in the settings). The rules:

- Reads go to the replica only inside a web request (``ReadReplicaMiddleware``) by an anonymous
  visitor with a safe method (GET, HEAD, OPTIONS), and only while that request has written
  nothing and no atomic block is open on the primary.
- Every write goes to the primary. After the first write of a request every further read of that
  request goes to the primary too, so a request sees what it wrote.
- Outside a request (task workers, management commands, migrations, the tests' direct ORM use)
  everything uses the primary. Migrations run on the primary only.
- Raw SQL through ``django.db.connection`` is not routed: it always runs on the primary.

The session and the user are loaded before the request's state is set (the middleware asks
whether the visitor is logged in first), so they always come from the primary (or Redis): a
visitor who has just logged in is known at once. Anonymous visitors may see pages up to the
replica's lag old (usually well under a second); the pages that follow an anonymous form (thanks
pages) show nothing of what the form wrote. No cookie pins anyone to the primary.

When the replica cannot be reached, this process reads from the primary instead: the middleware
makes sure of the replica's connection before it lets a request read there, and after a failure
it does not try again for ``DATABASE_REPLICA_RETRY_SECONDS`` (30), so a replica outage costs no
error page and no connect timeout per request. /healthz reports the replica without failing.

The request's state lives in a ContextVar: each thread (and each asyncio task) has its own, and
the middleware resets it when the request ends, also on an exception.
"""

from __future__ import annotations

import logging
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

logger = logging.getLogger(__name__)


@dataclass
class RequestState:
    """What the router knows about the request being served."""

    replica_allowed: bool
    wrote: bool = False


_request_state: ContextVar[RequestState | None] = ContextVar(
    "smartregion_db_request_state", default=None
)


def current_state() -> RequestState | None:
    """The state of the request being served in this context; None outside a request."""
    return _request_state.get()


def replica_in_use() -> bool:
    """Whether reads are routed to the replica (DATABASE_REPLICA_URL set): /healthz checks it then."""
    path = f"{PrimaryReplicaRouter.__module__}.{PrimaryReplicaRouter.__qualname__}"
    return REPLICA in connections.settings and path in settings.DATABASE_ROUTERS


class PrimaryReplicaRouter:
    """``DATABASE_ROUTERS`` entry: the rules of this module."""

    def db_for_read(self, model, **hints) -> str:
        state = _request_state.get()
        if state is None or not state.replica_allowed or state.wrote:
            return DEFAULT_DB_ALIAS
        # Inside a transaction on the primary (select_for_update, a service's atomic block) the
        # reads belong to that transaction.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        state = _request_state.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # The replica holds the primary's rows: an object read from either may refer to one
        # read from the other.
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


class _ReplicaHealth:
    """This process's view of the replica: after a failed connection, not tried again for
    ``DATABASE_REPLICA_RETRY_SECONDS``."""

    def __init__(self):
        self._lock = threading.Lock()
        self._down_until = 0.0

    def available(self) -> bool:
        """Whether this thread's replica connection is (or can now be) open."""
        if time.monotonic() < self._down_until:
            return False
        try:
            connections[REPLICA].ensure_connection()
        except DatabaseError as error:
            retry = settings.DATABASE_REPLICA_RETRY_SECONDS
            with self._lock:
                self._down_until = time.monotonic() + retry
            logger.warning(
                "read replica unreachable (%r); reading from the primary for %s s", error, retry
            )
            return False
        return True

    def reset(self) -> None:
        with self._lock:
            self._down_until = 0.0


replica_health = _ReplicaHealth()


class ReadReplicaMiddleware:
    """Right after AuthenticationMiddleware: marks the request as one whose reads may go to the
    replica (anonymous, safe method) for the router, and forgets it when the request ends.

    Not used at all without a configured replica.
    """

    def __init__(self, get_response):
        if not replica_in_use():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Loads the session and the user now, from the primary: the state is not set yet.
        replica_allowed = (
            request.method in SAFE_METHODS
            and not request.user.is_authenticated
            and replica_health.available()
        )
        token = _request_state.set(RequestState(replica_allowed=replica_allowed))
        try:
            return self.get_response(request)
        finally:
            _request_state.reset(token)
