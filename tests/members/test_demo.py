import io

import pytest
from django.core.files.storage import default_storage

from members.models import Application, Membership, Organisation, User
from smartregion.site.demo import accounts, members

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    for seeder in (accounts, members):
        seeder.seed(out)
    return out.getvalue()


def test_demo_members_founding_and_invented_with_logos_once(client, settings):
    settings.DEBUG = True  # the member's account and the applicant exist only then
    output = _seed()
    assert "members: 33 organisations added" in output

    founding = Organisation.objects.filter(is_founding=True)
    assert founding.count() == 23  # 13 cities and the Kreis, 2 universities, 8 projects
    assert founding.filter(name="Kreis Recklinghausen", kind="public").exists()
    assert not founding.filter(website__gt="").exists()
    companies = Organisation.objects.filter(is_founding=False)
    assert companies.count() == 10
    assert all(o.website.endswith(".example") and o.topics.exists() for o in companies)
    assert companies.filter(is_ambassador=True).exclude(ambassador_statement="").count() == 4
    assert Membership.objects.count() == 33
    for organisation in Organisation.objects.all():
        assert organisation.logo_renditions
        assert all(default_storage.exists(r["path"]) for r in organisation.logo_renditions)

    manager = User.objects.get(email="mitglied@example.org")
    assert manager.check_password(accounts.DEMO_PASSWORD)
    assert list(manager.organisations.values_list("name", flat=True)) == [
        "Zechenblick Software GmbH"
    ]
    application = Application.objects.get()
    assert application.applicant.email == "bewerbung@example.org"
    assert application.organisation_name == "Emscherbogen Analytics GmbH"
    assert application.topics.count() == 2 and application.logo_original
    assert client.get("/mitglieder/").status_code == 200

    counts = (Organisation.objects.count(), Membership.objects.count(), User.objects.count())
    output = _seed()
    assert "members: 0 organisations added" in output
    assert (Organisation.objects.count(), Membership.objects.count(), User.objects.count()) == (
        counts
    )
    assert Application.objects.count() == 1
