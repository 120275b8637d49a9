"""Writes with side effects for members: applications, memberships, invitations, logos."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from members.models import Application, ApplicationMessage, Invitation, Membership, Organisation
from smartregion.core import files, images, mail, moderation
from smartregion.core.signing import make_token
from smartregion.core.text import unique_slug

A = Application.Status
M = Membership.Status
INVITE_MAX_AGE = timedelta(days=14)
LOGO_WIDTHS = (160, 320, 640)
# Logos are kept losslessly (PNG), at most this many pixels per side.
LOGO_MAX_SIDE = 1200
# Fixed paths under /mitglieder/ that an organisation's slug must not take.
RESERVED_SLUGS = {"bewerben", "botschafter"}


def organisation_slug(name: str, *, exclude_pk=None) -> str:
    """A unique slug for an organisation that never shadows a fixed page under /mitglieder/."""
    slug = unique_slug(Organisation, name, max_length=200, exclude_pk=exclude_pk)
    if slug in RESERVED_SLUGS:
        slug = unique_slug(
            Organisation, f"{name} Organisation", max_length=200, exclude_pk=exclude_pk
        )
    return slug


def membership_end_for(start: date) -> date:
    """Valid until the end of the year after ``start`` (settings.MEMBERSHIP_VALIDITY_YEARS)."""
    return date(start.year + settings.MEMBERSHIP_VALIDITY_YEARS, 12, 31)


# Logos ------------------------------------------------------------------------------------------


def _store_logo(field_file, verified) -> None:
    images.store_original(field_file, verified, max_side=LOGO_MAX_SIDE, lossless=True)


def organisation_set_logo(*, organisation: Organisation, verified=None) -> None:
    """Store the verified logo privately and publish its renditions (re-processed every time)."""
    # New files first; the old original and renditions go when the transaction commits.
    with files.atomic():
        if verified is not None:
            _store_logo(organisation.logo_original, verified)
        images.delete_renditions(organisation.logo_renditions)
        organisation.logo_renditions = []
        if organisation.logo_original:
            # A fresh folder per upload: new URLs, so no cache anywhere keeps showing the old logo.
            organisation.logo_renditions = images.render_original(
                organisation.logo_original,
                prefix=f"logos/{organisation.slug}-{uuid.uuid4().hex[:12]}",
                widths=LOGO_WIDTHS,
            )
        organisation.save(update_fields=["logo_original", "logo_renditions", "updated_at"])


def stored_logos():
    """The private logo files the rows name (for ``files.sweep_orphans()``)."""
    for model in (Organisation, Application):
        yield from model.objects.exclude(logo_original="").values_list("logo_original", flat=True)


def stored_logo_renditions():
    """The public logo files the rows name (for ``files.sweep_orphans()``)."""
    for renditions in Organisation.objects.exclude(logo_renditions=[]).values_list(
        "logo_renditions", flat=True
    ):
        yield from (entry["path"] for entry in renditions)


# Applications -----------------------------------------------------------------------------------


def open_application_for(*, user, organisation_name: str = "") -> Application | None:
    """An open application by this user or for this organisation, if there is one."""
    query = Q(applicant=user)
    if organisation_name:
        query |= Q(organisation_name__iexact=organisation_name.strip())
    return Application.objects.filter(query, status__in=Application.OPEN_STATES).first()


def application_create(*, user, data: dict, logo=None) -> tuple[Application, bool]:
    """Create an application; an open one by the same user or for the same organisation is
    returned instead (created=False)."""
    existing = open_application_for(user=user, organisation_name=data["organisation_name"])
    if existing:
        return existing, False
    fields = {
        name: data[name]
        for name in (
            "organisation_name",
            "kind",
            "municipality",
            "address",
            "website",
            "description",
            "contact_person",
            "criterion_region",
            "criterion_digital",
            "criterion_sharing",
            "criterion_terms",
            "wants_ambassador",
            "ambassador_motivation",
        )
        if name in data
    }
    fields["organisation_name"] = fields["organisation_name"].strip()
    try:
        with files.atomic():  # a rollback takes the logo file back
            application = Application(applicant=user, **fields)
            if logo is not None:
                _store_logo(application.logo_original, logo)
            application.save()
            application.topics.set(data.get("topics", []))
            moderation.transition(application, A.SUBMITTED, actor=user, note="Antrag eingereicht")
    except IntegrityError:  # a parallel request won the race: show that one
        existing = open_application_for(user=user, organisation_name=data["organisation_name"])
        if existing:
            return existing, False
        raise
    mail.send_mail(
        "members/email/application_received", to=user.email, context={"application": application}
    )
    recipients = moderation.editor_emails()
    if recipients:
        mail.send_mail(
            "members/email/application_waiting",
            to=recipients,
            context={
                "application": application,
                "admin_path": reverse("admin:members_application_change", args=[application.pk]),
            },
        )
    return application, True


def application_start_review(*, application: Application, actor) -> None:
    moderation.transition(
        application, A.IN_REVIEW, actor=actor, allowed_from={A.SUBMITTED, A.QUESTION}
    )


def application_ask(*, application: Application, actor, question: str) -> None:
    with transaction.atomic():  # no orphan question when the transition is refused
        moderation.transition(
            application,
            A.QUESTION,
            actor=actor,
            note=question,
            allowed_from={A.SUBMITTED, A.IN_REVIEW, A.QUESTION},
        )
        ApplicationMessage.objects.create(
            application=application, author=actor, from_staff=True, text=question
        )
    mail.send_mail(
        "members/email/application_question",
        to=application.applicant.email,
        context={
            "application": application,
            "question": question,
            "path": reverse("members:application", args=[application.pk]),
        },
    )


def application_answer(*, application: Application, user, text: str) -> None:
    with transaction.atomic():  # no orphan answer when the application is no longer waiting for one
        moderation.transition(
            application,
            A.IN_REVIEW,
            actor=user,
            note="Antwort auf Rückfrage",
            allowed_from={A.QUESTION},
        )
        ApplicationMessage.objects.create(
            application=application, author=user, from_staff=False, text=text
        )
    recipients = moderation.editor_emails()
    if recipients:
        mail.send_mail(
            "members/email/application_waiting",
            to=recipients,
            context={
                "application": application,
                "answered": True,
                "admin_path": reverse("admin:members_application_change", args=[application.pk]),
            },
        )


def next_member_number(year: int) -> str:
    prefix = f"SR-{year}-"
    last = (
        Membership.objects.select_for_update()
        .filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def membership_create(
    *, organisation: Organisation, founding: bool = False, actor=None
) -> Membership:
    """A new active membership with the next member number; founding members never expire."""
    today = timezone.localdate()
    with transaction.atomic():
        # One member number at a time: serialise on a transaction-level advisory lock.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [4711])
        membership = Membership.objects.create(
            organisation=organisation,
            number=next_member_number(today.year),
            member_since=today,
            valid_from=today,
            valid_until=None if founding else membership_end_for(today),
        )
        if founding:
            moderation.transition(
                membership, M.ACTIVE, actor=actor, note="Gründungsmitgliedschaft angelegt"
            )
    return membership


def organisation_make_founding(*, organisation: Organisation, actor) -> Membership | None:
    """Staff mark an organisation as founding member: an unlimited, active membership.

    Creates the membership if there is none and turns a limited one into an unlimited one.
    A revoked membership stays revoked (revocation is a decision of its own); returns None then.
    """
    if not organisation.is_founding:
        organisation.is_founding = True
        organisation.save(update_fields=["is_founding", "updated_at"])
    membership = Membership.objects.filter(organisation=organisation).first()
    if membership is None:
        return membership_create(organisation=organisation, founding=True, actor=actor)
    if membership.status == M.REVOKED:
        return None
    if membership.valid_until is not None or membership.status != M.ACTIVE:
        membership.valid_until = None
        membership.seal_version += 1
        moderation.transition(
            membership,
            M.ACTIVE,
            actor=actor,
            note="Als Gründungsmitglied unbefristet",
            extra_fields=("valid_until", "seal_version"),
        )
    return membership


def _copy_logo(application: Application, organisation: Organisation) -> None:
    images.copy_original(application.logo_original, organisation.logo_original)
    organisation_set_logo(organisation=organisation)


def application_approve(*, application: Application, actor) -> Organisation:
    """Accept: create (or reuse) the organisation, give it a valid membership, make the applicant
    its manager and tell them."""
    today = timezone.localdate()
    with files.atomic():  # the copied logo and its renditions go again on a rollback
        organisation = Organisation.objects.filter(
            name__iexact=application.organisation_name
        ).first()
        if organisation is None:
            organisation = Organisation(
                name=application.organisation_name,
                slug=organisation_slug(application.organisation_name),
                kind=application.kind,
                municipality=application.municipality,
                address=application.address,
                website=application.website,
                description=application.description,
                contact_person=application.contact_person,
                ambassador_statement=application.ambassador_motivation
                if application.wants_ambassador
                else "",
            )
            organisation.save()
            organisation.topics.set(application.topics.all())
            if application.logo_original:
                _copy_logo(application, organisation)
        organisation.managers.add(application.applicant)
        membership = Membership.objects.filter(organisation=organisation).first()
        note = f"Antrag {application.pk} angenommen"
        if membership is None:
            membership = membership_create(
                organisation=organisation, founding=organisation.is_founding
            )
            extra_fields = ()
        elif not membership.is_valid:
            # An expired or revoked membership starts a new period; its old seals stop working.
            membership.valid_from = today
            membership.valid_until = None if organisation.is_founding else membership_end_for(today)
            membership.revoked_reason = ""
            membership.reminder_sent_for = None
            membership.seal_version += 1
            extra_fields = (
                "valid_from",
                "valid_until",
                "revoked_reason",
                "reminder_sent_for",
                "seal_version",
            )
        else:
            extra_fields = ()
        application.organisation = organisation
        application.decided_at = timezone.now()
        moderation.transition(
            application,
            A.APPROVED,
            actor=actor,
            allowed_from={A.SUBMITTED, A.IN_REVIEW, A.QUESTION},
            extra_fields=("organisation", "decided_at"),
        )
        moderation.transition(
            membership, M.ACTIVE, actor=actor, note=note, extra_fields=extra_fields
        )
    mail.send_mail(
        "members/email/application_approved",
        to=application.applicant.email,
        context={
            "application": application,
            "organisation": organisation,
            "membership": membership,
        },
    )
    return organisation


def application_reject(*, application: Application, actor, reason: str) -> None:
    application.decision_reason = reason
    application.decided_at = timezone.now()
    moderation.transition(
        application,
        A.REJECTED,
        actor=actor,
        note=reason,
        allowed_from={A.SUBMITTED, A.IN_REVIEW, A.QUESTION},
        extra_fields=("decision_reason", "decided_at"),
    )
    mail.send_mail(
        "members/email/application_rejected",
        to=application.applicant.email,
        context={"application": application, "reason": reason},
    )


# Membership lifecycle ---------------------------------------------------------------------------


def _manager_emails(organisation: Organisation) -> list[str]:
    return list(organisation.managers.filter(is_active=True).values_list("email", flat=True))


def membership_revoke(*, membership: Membership, actor, reason: str) -> None:
    membership.revoked_reason = reason
    membership.seal_version += 1
    moderation.transition(
        membership,
        M.REVOKED,
        actor=actor,
        note=reason,
        extra_fields=("revoked_reason", "seal_version"),
    )
    recipients = _manager_emails(membership.organisation)
    if recipients:
        mail.send_mail(
            "members/email/membership_revoked",
            to=recipients,
            context={"membership": membership, "reason": reason},
        )


def can_renew(membership: Membership) -> bool:
    if membership.status == M.REVOKED or membership.valid_until is None:
        return False
    window = timedelta(days=settings.MEMBERSHIP_RENEWAL_WINDOW_DAYS)
    return membership.valid_until - timezone.localdate() <= window


def membership_renew(*, membership: Membership, user) -> None:
    if not can_renew(membership):
        raise moderation.InvalidTransition("renewal not possible now")
    today = timezone.localdate()
    if membership.valid_until >= today:  # still valid: one more period on top
        membership.valid_until = membership_end_for(membership.valid_until)
    else:  # lapsed: a new period from today
        membership.valid_from = today
        membership.valid_until = membership_end_for(today)
    membership.seal_version += 1
    membership.reminder_sent_for = None
    moderation.transition(
        membership,
        M.ACTIVE,
        actor=user,
        note="Verlängert",
        extra_fields=("valid_until", "valid_from", "seal_version", "reminder_sent_for"),
    )


def memberships_expire() -> int:
    """Mark active memberships past their end date expired (the seal's version bumped, the
    change logged), each once: each row is locked and checked again, and a row another run
    holds is skipped (that run expires it). Returns how many this run expired."""
    count = 0
    today = timezone.localdate()
    due = Membership.objects.filter(status=M.ACTIVE, valid_until__lt=today)
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            membership = due.filter(pk=pk).select_for_update(skip_locked=True).first()
            if membership is None:
                continue  # expired meanwhile, or another run holds it
            membership.seal_version += 1
            moderation.transition(
                membership, M.EXPIRED, note="Gültigkeit abgelaufen", extra_fields=("seal_version",)
            )
            count += 1
    return count


def memberships_send_reminders() -> int:
    """Mail the managers once, 30 days (or less) before a membership ends. Each membership is
    claimed with a conditional UPDATE before its mail is queued, so of two runs at the same time
    only the one whose UPDATE changed the row sends. Returns how many this run reminded."""
    today = timezone.localdate()
    horizon = today + timedelta(days=settings.MEMBERSHIP_REMINDER_DAYS)
    due = Membership.objects.filter(
        status=M.ACTIVE, valid_until__gte=today, valid_until__lte=horizon
    ).exclude(reminder_sent_for=F("valid_until"))
    count = 0
    for membership in due.select_related("organisation"):
        with transaction.atomic():
            claimed = (
                Membership.objects.filter(
                    pk=membership.pk, status=M.ACTIVE, valid_until=membership.valid_until
                )
                .exclude(reminder_sent_for=membership.valid_until)
                .update(reminder_sent_for=membership.valid_until)
            )
            if not claimed:
                continue  # another run reminded it, or it changed meanwhile
            recipients = _manager_emails(membership.organisation)
            if recipients:
                mail.send_mail(
                    "members/email/membership_reminder",
                    to=recipients,
                    context={"membership": membership, "path": reverse("members:area")},
                )
            count += 1
    return count


# Invitations ------------------------------------------------------------------------------------


def invitation_create(*, organisation: Organisation, email: str, invited_by) -> Invitation:
    invitation = Invitation.objects.create(
        organisation=organisation, email=email.strip().lower(), invited_by=invited_by
    )
    token = make_token("member-invite", invitation.pk)
    mail.send_mail(
        "members/email/invitation",
        to=invitation.email,
        context={
            "invitation": invitation,
            "path": reverse("members:accept_invitation", args=[token]),
        },
    )
    return invitation


def invitation_accept(*, invitation: Invitation, user) -> bool:
    """Add the user as manager if the invitation is for one of their verified addresses."""
    from allauth.account.models import EmailAddress

    if not EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists():
        return False
    with transaction.atomic():
        # Locked and read again: of two clicks at the same moment only one accepts.
        accepted_at = (
            Invitation.objects.select_for_update()
            .values_list("accepted_at", flat=True)
            .get(pk=invitation.pk)
        )
        if accepted_at is not None:
            invitation.accepted_at = accepted_at
            return False
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        invitation.organisation.managers.add(user)
    return True


def organisations_managed_by(user):
    return (
        Organisation.objects.filter(managers=user)
        .select_related("membership", "municipality")
        .order_by(Lower("name"))
    )


# Seal files -------------------------------------------------------------------------------------

SEAL_FORMATS = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}
VARIANT_NAMES = {"light": "hell", "dark": "dunkel"}


def seal_data(membership: Membership):
    """What the seal of ``membership`` shows (see members.seal)."""
    from members import seal

    organisation = membership.organisation
    founding = membership.valid_until is None
    return seal.SealData(
        organisation_name=organisation.name,
        year=None if founding else membership.valid_until.year,
        verify_url=settings.SITE_URL + membership.get_verify_url(),
        founding=founding or organisation.is_founding,
    )


def _seal_bytes(membership: Membership, data, *, fmt: str, variant: str, size: int | None) -> bytes:
    from members import seal

    if fmt == "svg":
        return seal.seal_svg(data, variant=variant)
    if fmt == "png":
        return seal.seal_png(data, size=size, variant=variant)
    return seal.certificate_pdf(
        data,
        member_number=membership.number,
        valid_from=membership.valid_from,
        valid_until=membership.valid_until,
    )


def seal_filename(
    membership: Membership, *, fmt: str, variant: str = "light", size: int | None = None
) -> str:
    """A German download name, e.g. ``Siegel-SMART-REGION-zechenblick-software-gmbh-hell-512.png``."""
    slug = membership.organisation.slug
    if fmt == "pdf":
        return f"Urkunde-SMART-REGION-{slug}.pdf"
    suffix = f"-{size}" if size else ""
    return f"Siegel-SMART-REGION-{slug}-{VARIANT_NAMES[variant]}{suffix}.{fmt}"


def seal_file(
    membership: Membership, *, fmt: str, variant: str = "light", size: int | None = None
) -> bytes:
    """The seal file, generated once per seal version and content, then read from private storage.

    The cache name holds the seal code, the seal version (bumped on every change of the
    membership) and a digest of everything the file shows, so a renamed organisation or a new
    validity regenerates it too. Files of older versions are deleted when a new one is made.
    """
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    private_storage = storages["private"]
    if fmt not in SEAL_FORMATS:
        raise ValueError(f"unknown seal format {fmt!r}")
    data = seal_data(membership)
    facts = repr(
        (data, membership.number, membership.valid_from, membership.valid_until, fmt, variant, size)
    )
    digest = hashlib.sha256(facts.encode()).hexdigest()[:16]
    folder = f"seals/{membership.seal_code}"
    prefix = f"v{membership.seal_version}-{digest}"
    name = f"{folder}/{prefix}-{variant}-{size or 0}.{fmt}"
    if private_storage.exists(name):
        with private_storage.open(name, "rb") as handle:
            return handle.read()
    content = _seal_bytes(membership, data, fmt=fmt, variant=variant, size=size)
    stored = private_storage.save(name, ContentFile(content))
    if stored != name:  # a parallel request stored it first
        private_storage.delete(stored)
    _, files = private_storage.listdir(folder)
    for old in files:
        if not old.startswith(f"v{membership.seal_version}-"):
            private_storage.delete(f"{folder}/{old}")
    return content


def seal_embed_snippet(membership: Membership, *, variant: str = "light") -> str:
    from members import seal

    image_url = settings.SITE_URL + reverse(
        "members:seal_image",
        kwargs={"code": membership.seal_code, "variant": VARIANT_NAMES[variant]},
    )
    return seal.embed_snippet(seal_data(membership), image_url=image_url)


# People's own data ------------------------------------------------------------------------------


def account_delete(*, user) -> list[str]:
    """Delete the account (DSGVO Art. 17) in one transaction: every app erases or anonymises
    its rows about the person (smartregion/core/personal_data.py: sessions, mails and logs
    included), then the user row goes with its addresses and authenticators (CASCADE; the
    remaining links to it are SET_NULL). A confirmation goes to the primary address. Returns
    the notes on what was kept and why."""
    from smartregion.core import personal_data

    person = personal_data.Person.of(user)
    address = user.email
    with transaction.atomic():
        notes = personal_data.erase(person)
        user.delete()
        # Queued after the erasure of the mails mentioning the person, so it is not erased.
        mail.send_mail("members/email/account_deleted", to=address, context={"notes": notes})
    return notes
