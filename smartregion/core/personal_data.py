"""People's own data (DSGVO Art. 15, 17 and 20): one registry every app adds its part to.

The account area lies in ``members``, below blog, events and newsletter, which it must not
import. So each app that keeps personal data registers a ``Provider`` from its
``AppConfig.ready()``:

- ``export(person)`` returns the app's section of the download: JSON-serialisable (strings,
  numbers, booleans, None, lists, dicts; dates as ISO 8601 strings), never data of other people,
  never secrets (password hashes, TOTP seeds, recovery codes, tokens);
- ``erase(person)`` deletes or anonymises the app's rows about the person, inside the caller's
  transaction, and returns notes (German, for the person) on what it kept and why;
- ``template`` renders the section on the HTML page, with the export as ``data``, so the page
  and the JSON file always show the same.

A ``Person`` is the account and its verified e-mail addresses (lower case): rows written
without logging in (a post, a registration, a newsletter signup) belong to the person when
their address is one of those. Unverified addresses match nothing: anyone can add one.

``sections(person)`` and ``erase(person)`` call every provider in ``order``; ``export()`` makes
the download of the sections. The account deletion
(``members.services.account_delete``) erases first and deletes the user row afterwards, while
the addresses are still there to match by.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from smartregion.core.dates import iso8601

FORMAT = "smartregion-personal-data/1"  # the "format" key of the download


@dataclass(frozen=True)
class Person:
    """Whose data: an account (None for a newsletter subscriber without one) and the verified
    e-mail addresses, lower case."""

    user: object | None
    emails: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, user) -> Person:
        from allauth.account.models import EmailAddress

        addresses = EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
        return cls(user=user, emails=frozenset(address.lower() for address in addresses))


@dataclass(frozen=True)
class Provider:
    key: str  # the section's key in the JSON download: "blog"
    label: str  # the section's heading on the page: „Blogbeiträge und Meldungen“
    export: Callable[[Person], dict]
    erase: Callable[[Person], list[str]]
    template: str  # renders ``data`` (the export) on the page
    order: int = 100


_PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    """Add (or, under the same key, replace) a provider."""
    _PROVIDERS[provider.key] = provider
    return provider


def providers() -> list[Provider]:
    return sorted(_PROVIDERS.values(), key=lambda provider: (provider.order, provider.key))


@dataclass(frozen=True)
class Section:
    provider: Provider
    data: dict


def sections(person: Person) -> list[Section]:
    """Every provider's export for the person, in order (for the HTML page)."""
    return [Section(provider, provider.export(person)) for provider in providers()]


def export(sections_: list[Section]) -> dict:
    """The download of ``sections()``: ``format``, ``created_at`` and one key per provider."""
    data: dict = {"format": FORMAT, "created_at": iso8601(timezone.now())}
    for section in sections_:
        data[section.provider.key] = section.data
    return data


def erase(person: Person) -> list[str]:
    """Erase the person's data in every provider (inside the caller's transaction); the notes
    of all of them on what was kept."""
    notes: list[str] = []
    for provider in providers():
        notes.extend(provider.erase(person))
    return notes


def file_name(name: str) -> str:
    """A stored file's own name, without the folders (the download names files, it does not
    reveal the storage layout)."""
    return name.rsplit("/", 1)[-1] if name else ""


# The kernel's own part: records of the person's actions, sessions, mails ---------------------

ERASED = "[gelöscht]"  # what stands in a log where a person's address or name stood


def _records_export(person: Person) -> dict:
    from smartregion.core.models import ModerationLog

    if person.user is None:
        return {}
    entries = ModerationLog.objects.filter(actor=person.user).select_related("content_type")
    return {
        # What the person did that the moderation log recorded (a submission, an answer).
        "moderation_log": [
            {
                "at": iso8601(entry.at),
                "kind": str(entry.content_type.model_class()._meta.verbose_name)
                if entry.content_type.model_class()
                else entry.content_type.model,
                "from_state": entry.from_state,
                "to_state": entry.to_state,
                "note": entry.note,
            }
            for entry in entries.order_by("at", "pk")
        ]
    }


def _records_erase(person: Person) -> list[str]:
    from django.utils.translation import gettext as _

    from smartregion.core import mail

    terms = set(person.emails)
    if person.user is not None:
        terms.add(person.user.get_full_name())
        delete_sessions(person.user)
    scrub_logs(terms)
    mail.forget_mail_mentioning(terms)
    if person.user is None:
        return []
    # ModerationLog.actor is SET_NULL: the entries stay, by no one.
    return [
        _(
            "Das Moderationsprotokoll behält seine Einträge (wann was eingereicht, "
            "veröffentlicht oder abgelehnt wurde) als Nachweis der Entscheidungen der Redaktion, "
            "aber ohne Verbindung zu Ihnen: Ihr Konto, Ihr Name und Ihre E-Mail-Adressen stehen "
            "nicht mehr darin."
        )
    ]


def scrub_logs(terms) -> int:
    """Replace ``terms`` (addresses, a name) wherever staff-facing logs quote them: the notes of
    the moderation log and the admin's history (object names and change messages). Returns how
    many rows changed."""
    import re

    from django.contrib.admin.models import LogEntry
    from django.db.models import F, Func, Q, TextField, Value

    from smartregion.core.models import ModerationLog

    terms = sorted({term.strip() for term in terms if len(term.strip()) >= 3}, key=len)[::-1]
    if not terms:
        return 0
    # PostgreSQL's regular expressions take Python's escaping of the special characters.
    pattern = "|".join(re.escape(term) for term in terms)

    def scrubbed(field: str) -> Func:
        return Func(
            F(field),
            Value(pattern),
            Value(ERASED),
            Value("gi"),
            function="regexp_replace",
            output_field=TextField(),
        )

    changed = 0
    for model, fields in ((ModerationLog, ["note"]), (LogEntry, ["object_repr", "change_message"])):
        mentions = Q()
        for name in fields:
            for term in terms:
                mentions |= Q(**{f"{name}__icontains": term})
        changed += model.objects.filter(mentions).update(
            **{name: scrubbed(name) for name in fields}
        )
    return changed


def delete_sessions(user) -> int:
    """Delete every session logged in as ``user`` (the database rows and their cached copies).
    Sessions are stored encoded, so each is read; the table holds only unexpired sessions of
    the last weeks (``clear_expired_sessions``)."""
    from django.conf import settings
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.utils.module_loading import import_string

    store_class = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    deleted = 0
    for key, data in Session.objects.values_list("session_key", "session_data").iterator():
        if store_class().decode(data).get(SESSION_KEY) == str(user.pk):
            store_class(session_key=key).delete()
            deleted += 1
    return deleted


RECORDS = Provider(
    key="records",
    label=_lazy("Protokolle"),
    export=_records_export,
    erase=_records_erase,
    template="smartregion/personal_data/_records.html",
    order=90,
)


def download(data: dict, *, filename: str):
    """The JSON download of ``export()``: an attachment, UTF-8, indented, never cached."""
    from django.http import JsonResponse
    from django.utils.http import content_disposition_header

    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    return private(response)


def private(response):
    """A page or file of someone's own data: never indexed, never kept by a shared cache."""
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "private, no-store"
    return response
