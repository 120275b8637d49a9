"""Demo members from ``data/members.toml``: the founding members, invented companies and, while
DEBUG is on, a member's account and one pending application.

Real names only for the founding members, with descriptions that say no more than is known;
the companies are invented (names, places and texts) and their websites use ``.example``.
Each organisation's logo comes from ``artwork.logo()``, its colour and shape from the
organisation's position in the file. Idempotent: organisations that exist already are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from members import services
from members.models import Application, Membership, Organisation, OrganisationKind
from smartregion.core.images import verify_image
from smartregion.core.models import Municipality, Topic
from smartregion.site.demo import artwork
from smartregion.site.demo.accounts import DEMO_PASSWORD, demo_user
from smartregion.site.demo.datafiles import build, toml


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: str
    municipality: str
    description: str
    founding: bool = False  # a founding member ("geborenes Mitglied"), never expires
    member_since: date | None = None  # the others: since then, valid for the current period
    topics: tuple[str, ...] = ()
    website: str = ""
    ambassador_statement: str = ""  # makes it an ambassador

    def __post_init__(self) -> None:
        OrganisationKind(self.kind)
        if self.founding == (self.member_since is not None):
            raise ValueError("either founding = true or a member_since date")


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class Manager(DemoAccount):
    organisation: str  # the name of the organisation it manages


@dataclass(frozen=True)
class DemoApplication:
    applicant: DemoAccount
    logo: int  # the logo's colour and shape, as for an organisation at that position
    organisation_name: str
    kind: str
    municipality: str
    address: str
    website: str
    description: str
    contact_person: str
    topics: list[str]
    criterion_region: bool
    criterion_digital: bool
    criterion_sharing: bool
    criterion_terms: bool
    wants_ambassador: bool


@dataclass(frozen=True)
class MembersData:
    organisations: list[DemoOrganisation]
    manager: Manager
    application: DemoApplication


def load() -> MembersData:
    data = toml("members.toml")
    organisations = [
        build(DemoOrganisation, values, f"members.toml, organisation {number}")
        for number, values in enumerate(data["organisation"], start=1)
    ]
    values = data["application"]
    applicant = build(DemoAccount, values["applicant"], "members.toml, application.applicant")
    return MembersData(
        organisations=organisations,
        manager=build(Manager, data["manager"], "members.toml, manager"),
        application=build(
            DemoApplication, {**values, "applicant": applicant}, "members.toml, application"
        ),
    )


def seed(stdout) -> None:
    data = load()
    created = 0
    for index, demo in enumerate(data.organisations):
        if _create(demo, logo_index=index):
            created += 1
    stdout.write(
        f"  members: {created} organisations added ({Organisation.objects.count()} in total)"
    )

    if not settings.DEBUG:
        stdout.write("  member accounts: skipped (DEBUG is off, no demo passwords in production)")
        return
    manager = _account(data.manager)
    Organisation.objects.get(name=data.manager.organisation).managers.add(manager)
    application = data.application
    applicant = _account(application.applicant)
    if not Application.objects.filter(applicant=applicant).exists():
        fields = {
            name: getattr(application, name)
            for name in DemoApplication.__dataclass_fields__
            if name not in {"applicant", "logo"}
        }
        fields["municipality"] = Municipality.objects.get(slug=application.municipality)
        fields["topics"] = list(Topic.objects.filter(slug__in=application.topics))
        logo = artwork.logo(application.organisation_name, application.logo)
        with transaction.atomic():
            services.application_create(user=applicant, data=fields, logo=verify_image(logo))
    stdout.write(
        f"  member accounts: {data.manager.email} (manages {data.manager.organisation}) and "
        f"{applicant.email} (one pending application), password {DEMO_PASSWORD!r}"
    )


def _account(account: DemoAccount):
    return demo_user(account.email, first_name=account.first_name, last_name=account.last_name)


def _create(demo: DemoOrganisation, *, logo_index: int) -> Organisation | None:
    """The new organisation with its logo and membership; None when it exists already."""
    if Organisation.objects.filter(name__iexact=demo.name).exists():
        return None
    organisation = Organisation.objects.create(
        name=demo.name,
        slug=services.organisation_slug(demo.name),
        kind=demo.kind,
        municipality=Municipality.objects.get(slug=demo.municipality),
        description=demo.description,
        website=demo.website,
        is_founding=demo.founding,
        is_ambassador=bool(demo.ambassador_statement),
        ambassador_statement=demo.ambassador_statement,
    )
    organisation.topics.set(Topic.objects.filter(slug__in=demo.topics))
    services.organisation_set_logo(
        organisation=organisation, verified=verify_image(artwork.logo(demo.name, logo_index))
    )
    if demo.founding:
        services.membership_create(organisation=organisation, founding=True)
    else:
        membership = services.membership_create(organisation=organisation)
        Membership.objects.filter(pk=membership.pk).update(
            member_since=demo.member_since, valid_from=date(timezone.localdate().year, 1, 1)
        )
    return organisation
