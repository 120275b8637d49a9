"""Moderation machinery shared by posts, member applications and proposed events.

- ``transition()`` changes an object's ``status`` and records who, when and why in ModerationLog.
- ``register_queue()`` lets an app show how many items wait for the Redaktion on the admin index.
- ``editor_emails()`` are the addresses to tell when something new waits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from smartregion.core.models import ModerationLog
from smartregion.core.permissions import EDITORS_GROUP


class InvalidTransition(Exception):
    pass


def transition(
    obj: models.Model,
    to_state: str,
    *,
    actor=None,
    note: str = "",
    allowed_from: set[str] | None = None,
    extra_fields: tuple[str, ...] = (),
) -> ModerationLog:
    """Move ``obj.status`` to ``to_state`` and log it. Locks the row so two staff cannot race."""
    with transaction.atomic():
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        from_state = locked.status
        if allowed_from is not None and from_state not in allowed_from:
            raise InvalidTransition(f"{from_state} -> {to_state}")
        obj.status = to_state
        obj.save(update_fields=["status", *extra_fields])
        return ModerationLog.objects.create(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            from_state=from_state,
            to_state=to_state,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            note=note,
            at=timezone.now(),
        )


def history(obj: models.Model):
    return ModerationLog.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")


@dataclass(frozen=True)
class Queue:
    label: str
    url: Callable[[], str]
    count: Callable[[], int]


QUEUES: list[Queue] = []


def register_queue(label: str, *, url: Callable[[], str], count: Callable[[], int]) -> None:
    QUEUES.append(Queue(label, url, count))


def waiting() -> list[dict]:
    return [{"label": q.label, "url": q.url(), "count": q.count()} for q in QUEUES]


def editor_emails() -> list[str]:
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    users = users.filter(models.Q(groups__name=EDITORS_GROUP) | models.Q(is_superuser=True))
    return sorted(set(users.values_list("email", flat=True)))
