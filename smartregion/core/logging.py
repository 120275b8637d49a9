"""Log lines with a request id: one id per request, from the proxy or made here.

``RequestIdMiddleware`` (first in ``MIDDLEWARE``) takes the id from the ``X-Request-ID`` header
that nginx sets to its ``$request_id``, if it looks like one (8 to 64 of ``A-Z a-z 0-9 . _ -``),
and otherwise makes a new one (uuid4 hex). The id is kept in a ``ContextVar`` for the rest of
the request, stored as ``request.request_id`` and returned in the ``X-Request-ID`` response
header, so a visitor's error report, the nginx log and the application log meet.

``RequestIdFilter`` puts the id on every log record as ``request_id`` ("-" outside requests, in
the task worker and the timer's jobs). ``logging_config()`` is settings.LOGGING;
``gunicorn_logconfig()`` is the same for gunicorn.conf.py's ``logconfig_dict``, so gunicorn's
own lines look the same. All are importable by dotted path
(``smartregion.core.logging.RequestIdFilter``, ``smartregion.core.logging.FORMAT``).

The id stays set until the response is closed (Django's ``request_finished``), not only while the
middleware runs: Django logs 4xx/5xx responses (``django.request``) after the middleware chain
has returned, and those lines should carry the id as well.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished

HEADER = "X-Request-ID"
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
NO_REQUEST = "-"
# What a proxy-made id may look like: nginx's $request_id is 32 hex digits. Anything else
# (too long, spaces, newlines, quotes) could forge or garble log lines, so it is replaced.
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

_request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)


def get_request_id() -> str:
    """The current request's id, or "-" outside a request."""
    return _request_id.get()


def _id_from(header_value: str | None) -> str:
    if header_value and SAFE_ID.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id``; attach it to handlers (filters on handlers see every record).

    gunicorn's access lines are written after Django has finished the request; for them the id
    is the ``X-Request-ID`` the response carried (gunicorn passes the response headers as
    ``{name}o`` atoms).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request_id = _request_id.get()
            if request_id == NO_REQUEST and isinstance(record.args, dict):
                request_id = record.args.get("{x-request-id}o") or NO_REQUEST
            record.request_id = request_id
        return True


class RequestIdMiddleware:
    """Gives each request an id (see the module docstring). Put it first in ``MIDDLEWARE``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = _id_from(request.headers.get(HEADER))
        _request_id.set(request.request_id)
        response = self.get_response(request)
        response.headers.setdefault(HEADER, request.request_id)
        return response


def _forget_request_id(**kwargs) -> None:
    _request_id.set(NO_REQUEST)


request_finished.connect(_forget_request_id, dispatch_uid="smartregion.core.logging")


def logging_config(level: str = "INFO") -> dict:
    """settings.LOGGING: one line per record, with time, level, logger and request id, to
    stderr (journald or the container runtime collects it).

    Django's own default handlers (console only with DEBUG on, mail to ADMINS) are replaced:
    everything propagates to the root handler, so each record is written exactly once.
    The gunicorn loggers are left to gunicorn (see ``gunicorn_logconfig``).
    """
    propagate = {"handlers": [], "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"portal": {"format": FORMAT}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "portal",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": {**propagate, "level": level},
            "django.request": {**propagate, "level": level},
            "django.server": {**propagate, "level": level},
            # SQL statements only when asked for explicitly, not with LOG_LEVEL=DEBUG.
            "django.db.backends": {**propagate, "level": "INFO"},
        },
    }


def gunicorn_logconfig(level: str = "INFO") -> dict:
    """For gunicorn.conf.py's ``logconfig_dict``: the same format for gunicorn's own lines
    (master and workers), the access log to stdout and everything else to stderr."""
    config = logging_config(level)
    config["handlers"]["stdout"] = {**config["handlers"]["console"], "stream": "ext://sys.stdout"}
    config["loggers"]["gunicorn.error"] = {"handlers": [], "propagate": True, "level": level}
    config["loggers"]["gunicorn.access"] = {
        "handlers": ["stdout"],
        "propagate": False,
        "level": "INFO",
    }
    return config
