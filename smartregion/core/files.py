"""Stored files and database transactions: no file outlives its transaction, none goes missing.

A file is not part of a transaction: a row rolled back leaves the file it was written for, and a
file deleted before the commit is gone even if the transaction then rolls back and its row still
names it. So the rules are:

1. **Write new files first** (``save()``). Inside ``atomic()`` the names are remembered, and
   when the block rolls back (it ends with an exception, the commit included) they are deleted.
2. **Delete old files on commit** (``delete_on_commit()``): a rolled-back transaction keeps
   them, as its rows still name them. Outside a transaction the file goes at once.
3. **Sweep what slips through** (``sweep_orphans()``, a periodic job): a process killed between
   the write and the commit, or a plain ``transaction.atomic()`` around ``atomic()`` that rolls
   back later, leaves files no row names. Apps say where their files live and which names are in
   use (``register()``); files in those folders that no row names and that are older than
   ``ORPHAN_GRACE`` (so an upload still in its transaction is never touched) are deleted.

Everything goes through the storage API (``save``, ``delete``, ``listdir``,
``get_modified_time``), so the filesystem and S3 behave alike.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

ORPHAN_GRACE = timedelta(days=1)

# The files written inside the innermost ``atomic()`` block, or None outside any.
_written: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("files_written", default=None)


@contextmanager
def atomic(using: str | None = None) -> Iterator[None]:
    """``transaction.atomic()`` that also takes back the files written inside through ``save()``
    (``images.store_original()``, ``store_renditions()``, ``copy_original()``) when it rolls back.

    Nested blocks hand their files to the enclosing one, whose rollback deletes them too."""
    written: list[tuple[Storage, str]] = []
    enclosing = _written.get()
    token = _written.set(written)
    try:
        with transaction.atomic(using=using):
            yield
    except BaseException:
        for storage, name in written:
            _delete(storage, name)
        raise
    finally:
        _written.reset(token)
    if enclosing is not None:
        enclosing.extend(written)


def save(storage: Storage, name: str, content) -> str:
    """``storage.save()``, remembered by the enclosing ``atomic()`` (if any) for its rollback.
    Returns the name the storage used."""
    name = storage.save(name, content)
    remember(storage, name)
    return name


def remember(storage: Storage, name: str) -> None:
    """A file just written (e.g. by ``FieldFile.save()``): deleted if the enclosing
    ``atomic()`` rolls back."""
    written = _written.get()
    if written is not None:
        written.append((storage, name))


def delete_on_commit(storage: Storage, name: str) -> None:
    """Delete ``name`` once the current transaction commits; at once outside a transaction.
    A failed delete is logged, not raised (the commit has happened; the sweep retries)."""
    if not name:
        return
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(partial(_delete, storage, name))
    else:  # no transaction (and perhaps no database at hand): nothing to wait for
        _delete(storage, name)


def delete_now(storage: Storage, names: Iterable[str]) -> None:
    """Delete files no row names (e.g. renditions made for a post rejected meanwhile)."""
    for name in names:
        _delete(storage, name)


def _delete(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # the sweep removes what is left
        logger.exception("could not delete %s", name)


# The orphan sweep --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Owner:
    """Where one app keeps files: ``folder`` on ``storage`` (a callable, so a test's change of
    STORAGES is followed) and the names its rows hold (``names()``)."""

    storage: Callable[[], Storage]
    folder: str
    names: Callable[[], Iterable[str]]


OWNERS: list[Owner] = []


def register(*, storage: Callable[[], Storage], folder: str, names: Callable[[], Iterable[str]]):
    """Let ``sweep_orphans()`` look after ``folder`` (an app calls this from ``ready()``)."""
    OWNERS.append(Owner(storage, folder.strip("/"), names))


def walk(storage: Storage, folder: str) -> Iterator[str]:
    """Every file name under ``folder``, subfolders included (a missing folder has none)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # the filesystem; S3 lists a missing prefix as empty
        return
    for filename in files:
        yield f"{folder}/{filename}"
    for sub in folders:
        yield from walk(storage, f"{folder}/{sub}")


def sweep_orphans(*, now=None) -> int:
    """Delete files in the registered folders that no row names and that are older than
    ``ORPHAN_GRACE``. Returns how many. Owners sharing a folder share its names."""
    cutoff = (now or timezone.now()) - ORPHAN_GRACE
    folders: dict[tuple[int, str], tuple[Storage, set[str]]] = {}
    for owner in OWNERS:
        storage = owner.storage()
        _storage, in_use = folders.setdefault((id(storage), owner.folder), (storage, set()))
        in_use.update(owner.names())
    removed = 0
    for (_id, folder), (storage, in_use) in folders.items():
        for name in walk(storage, folder):
            if name in in_use or storage.get_modified_time(name) >= cutoff:
                continue
            _delete(storage, name)
            logger.info("deleted the orphaned file %s", name)
            removed += 1
    return removed
