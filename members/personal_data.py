"""The members' part of people's own data (smartregion/core/personal_data.py): the account,
the organisations a person manages, their membership applications with their messages, and the
invitations sent to their addresses."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import Application, Invitation, Organisation
from smartregion.core import files, mail
from smartregion.core.dates import iso8601
from smartregion.core.personal_data import Person, Provider, file_name


def export(person: Person) -> dict:
    user = person.user
    if user is None:
        return {}
    applications = (
        Application.objects.filter(applicant=user)
        .select_related("municipality", "organisation")
        .prefetch_related("topics", "messages")
        .order_by("created_at", "pk")
    )
    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": iso8601(user.date_joined),
            "last_login": iso8601(user.last_login),
            "is_active": user.is_active,
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
            ],
            # Which kinds of second factor are set up; never their secrets.
            "two_factor": sorted(
                Authenticator.objects.filter(user=user).values_list("type", flat=True)
            ),
        },
        "organisations_managed": [
            {"name": organisation.name, "slug": organisation.slug}
            for organisation in Organisation.objects.filter(managers=user).order_by(Lower("name"))
        ],
        "applications": [_application(application) for application in applications],
        "invitations_received": [
            {
                "organisation": invitation.organisation.name,
                "email": invitation.email,
                "created_at": iso8601(invitation.created_at),
                "accepted_at": iso8601(invitation.accepted_at),
            }
            for invitation in _invitations(person).select_related("organisation")
        ],
    }


def _application(application: Application) -> dict:
    return {
        "organisation_name": application.organisation_name,
        "status": application.status,
        "status_label": str(application.get_status_display()),
        "kind": application.kind,
        "municipality": application.municipality.name,
        "address": application.address,
        "website": application.website,
        "description": application.description,
        "topics": [topic.name for topic in application.topics.all()],
        "contact_person": application.contact_person,
        "logo": file_name(application.logo_original.name),
        "wants_ambassador": application.wants_ambassador,
        "ambassador_motivation": application.ambassador_motivation,
        "decision_reason": application.decision_reason,
        "created_at": iso8601(application.created_at),
        "decided_at": iso8601(application.decided_at),
        # Staff members' names are not the applicant's data: a message is theirs or the
        # Redaktion's.
        "messages": [
            {
                "from": "redaktion" if message.from_staff else "applicant",
                "text": message.text,
                "created_at": iso8601(message.created_at),
            }
            for message in application.messages.all()
        ],
    }


def _invitations(person: Person):
    return Invitation.objects.alias(email_lower=Lower("email")).filter(
        email_lower__in=person.emails
    )


def erase(person: Person) -> list[str]:
    user = person.user
    notes = []
    _invitations(person).delete()
    if user is None:
        return notes
    mentions = set()  # what mails to the Redaktion quote of the person's texts
    for application in Application.objects.filter(applicant=user):
        mentions.add(application.contact_person)
        if application.organisation_id is None:  # never approved: the name is the person's text
            mentions.add(application.organisation_name)
        if application.logo_original:
            storage = application.logo_original.storage
            files.delete_on_commit(storage, application.logo_original.name)
        application.delete()  # its messages and topic links go with it
    mail.forget_mail_mentioning(mentions)
    managed = list(Organisation.objects.filter(managers=user))
    name = user.get_full_name().strip().lower()
    for organisation in managed:
        # The contact person named on the profile is the person's name, not the organisation's.
        if name and organisation.contact_person.strip().lower() == name:
            organisation.contact_person = ""
            organisation.save(update_fields=["contact_person", "updated_at"])
    if managed:
        notes.append(
            _(
                "Die Profile der Organisationen, die Sie verwaltet haben, bleiben bestehen: Sie "
                "gehören der Organisation, nicht Ihnen. Ihr Name und Ihre E-Mail-Adresse stehen "
                "nicht mehr unter „Wer das Profil verwaltet“."
            )
        )
    return notes


PROVIDER = Provider(
    key="account",
    label=gettext_lazy("Konto, Organisationen und Mitgliedsanträge"),
    export=export,
    erase=erase,
    template="members/personal_data/_account.html",
    order=10,
)
