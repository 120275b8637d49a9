"""Public pages: the directory, profiles, ambassadors, the home page section and the sitemap."""

import json
import re
from datetime import date
from html import unescape

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members import services
from members.models import Organisation
from smartregion.core.models import Municipality
from tests.members.helpers import member, verified_user
from tests.sitemaps import whole_sitemap

pytestmark = pytest.mark.django_db


def _names(html: str) -> list[str]:
    return [
        unescape(n)
        for n in re.findall(
            r'<h3 class="card__title"><a href="/mitglieder/[^"]+/">([^<]+)</a>', html
        )
    ]


@pytest.fixture
def members_set(staff_editor):
    member("Zechenblick Software GmbH", city="gelsenkirchen", topics=["smart-economy"], logo=True)
    member(
        "Förderturm Energiedaten GmbH",
        city="bottrop",
        topics=["smart-energy"],
        ambassador=True,
        statement="Energie sparen!",
    )
    member("Stadt Marl", city="marl", kind="public", founding=True, topics=["egovernment"])
    member("Werkbank 4.0 e. V.", city="gladbeck", kind="association", topics=["bildung"])
    revoked = member("Widerrufen GmbH", city="gelsenkirchen")
    services.membership_revoke(membership=revoked.membership, actor=staff_editor, reason="x")
    expired = member("Abgelaufen GmbH", city="gelsenkirchen")
    expired.membership.valid_from = date(2020, 1, 1)
    expired.membership.valid_until = date(2021, 12, 31)
    expired.membership.save()
    Organisation.objects.create(
        name="Ohne Mitgliedschaft GmbH",
        slug="ohne",
        kind="company",
        municipality=Municipality.objects.get(slug="marl"),
    )


def test_directory_lists_active_members_only_and_sets_no_cookie(client, members_set):
    response = client.get("/mitglieder/")
    assert response.status_code == 200
    html = response.content.decode()
    assert _names(html) == [
        "Förderturm Energiedaten GmbH",
        "Stadt Marl",
        "Werkbank 4.0 e. V.",
        "Zechenblick Software GmbH",
    ]
    assert "4 Mitglieder" in html
    assert "Gründungsmitglied" in html and "Botschafter/in" in html
    assert "<picture>" in html  # the logo card
    assert not response.cookies and "csrfmiddlewaretoken" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("art=kommune-verwaltung", ["Stadt Marl"]),
        ("art=verein-initiative", ["Werkbank 4.0 e. V."]),
        ("ort=bottrop", ["Förderturm Energiedaten GmbH"]),
        ("thema=bildung", ["Werkbank 4.0 e. V."]),
        ("q=zechen", ["Zechenblick Software GmbH"]),
        ("q=ENERGIE", ["Förderturm Energiedaten GmbH"]),
        ("q=gmbh&ort=gelsenkirchen", ["Zechenblick Software GmbH"]),
        ("art=unternehmen&thema=smart-energy", ["Förderturm Energiedaten GmbH"]),
        ("q=nichts-passt", []),
    ],
)
def test_directory_filters_and_search(client, members_set, query, expected):
    html = client.get(f"/mitglieder/?{query}").content.decode()
    assert _names(html) == expected
    if not expected:
        assert "Keine Mitglieder gefunden" in html


@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "q=a%00b",
        "q=%25%25%25",
        "q=_",
        "q=" + "x" * 5000,
        "q='%3B DROP TABLE members_organisation;--",
        "art=%00",
        "art=company",
        "ort=%00",
        "thema=%00",
        "page=%00",
        "page=-1",
        "page=99999",
        "q=%F0%9F%98%80",
        "q=<script>alert(1)</script>",
    ],
)
def test_hostile_input_never_causes_a_500(client, members_set, query):
    response = client.get(f"/mitglieder/?{query}")
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_unknown_filter_values_are_ignored(client, members_set):
    html = client.get("/mitglieder/?art=company&ort=atlantis&thema=zauberei").content.decode()
    assert len(_names(html)) == 4


def test_directory_paginates_24_per_page(client):
    for index in range(26):
        member(f"Firma {index:02d} GmbH")
    first = client.get("/mitglieder/").content.decode()
    assert len(_names(first)) == 24 and "26 Mitglieder" in first
    assert 'rel="next"' in first
    second = client.get("/mitglieder/?page=2").content.decode()
    assert _names(second) == ["Firma 24 GmbH", "Firma 25 GmbH"]


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "url",
    ["/mitglieder/", "/mitglieder/?thema=smart-economy&q=gmbh", "/mitglieder/botschafter/", "/"],
)
def test_query_count_is_constant_whatever_the_number_of_members(
    client, url, django_assert_num_queries, warm_taxonomy
):
    for index in range(3):
        member(f"Klein {index} GmbH", logo=index == 0, ambassador=True, statement="Hallo")
    few = _count_queries(client, url)
    for index in range(27):
        member(f"Gross {index} GmbH", logo=index < 3, ambassador=True, statement="Hallo")
    with django_assert_num_queries(few):
        client.get(url)


def test_directory_query_count_is_pinned(client, django_assert_num_queries, warm_taxonomy):
    for index in range(30):
        member(f"Firma {index} GmbH")
    # the content versions, COUNT, page of organisations
    with django_assert_num_queries(3):
        client.get("/mitglieder/")


# Profile -------------------------------------------------------------------------------------------


def test_profile_shows_everything_and_json_ld(client, staff_editor):
    organisation = member(
        "Förderturm Energiedaten GmbH",
        city="bottrop",
        topics=["smart-energy", "smart-building"],
        logo=True,
        ambassador=True,
        statement="Energie </script> sparen!",
    )
    response = client.get("/mitglieder/foerderturm-energiedaten-gmbh/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Förderturm Energiedaten GmbH</h1>" in html
    assert "<strong>Digitalisierung</strong>" in html  # description_html
    assert "Smart Energy" in html and "Smart Building" in html
    assert 'href="https://beispiel.example"' in html
    assert "Bottrop" in html
    assert organisation.membership.member_since.strftime("%Y-%m-%d") in html
    assert (
        "Botschafter/in für die Digitalisierung" in html
        and "Energie &lt;/script&gt; sparen!" in html
    )
    assert (
        f'href="/siegel/{organisation.membership.seal_code}/"' in html and "Siegel prüfen" in html
    )
    assert "Logo von Förderturm Energiedaten GmbH" in html
    assert not response.cookies
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert script
    data = json.loads(script.group(1))
    assert data["@type"] == "Organization" and data["name"] == "Förderturm Energiedaten GmbH"
    assert data["url"] == "https://beispiel.example"
    assert data["address"]["addressLocality"] == "Bottrop"
    assert data["logo"].startswith("http")
    assert data["knowsAbout"] == ["Smart Energy", "Smart Building"]


def test_json_ld_cannot_end_the_script_element(client):
    organisation = member("Böse </script><script>alert(1)</script> GmbH")
    html = client.get(organisation.get_absolute_url()).content.decode()
    script = re.search(
        r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S
    ).group(1)
    assert json.loads(script)["name"] == "Böse </script><script>alert(1)</script> GmbH"
    assert "<script>alert(1)" not in html


def test_founding_member_profile_says_so(client):
    organisation = member("Stadt Gladbeck", city="gladbeck", kind="public", founding=True)
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert "Gründungsmitglied" in html and "Kommune/Verwaltung" in html


def test_profile_without_active_membership_is_404(client, members_set):
    assert client.get("/mitglieder/widerrufen-gmbh/").status_code == 404
    assert client.get("/mitglieder/abgelaufen-gmbh/").status_code == 404
    assert client.get("/mitglieder/ohne/").status_code == 404
    assert client.get("/mitglieder/gibt-es-nicht/").status_code == 404


def test_profile_turns_404_the_day_after_expiry(client):
    organisation = member()
    end = organisation.membership.valid_until
    with time_machine.travel(end, tick=False):
        assert client.get(organisation.get_absolute_url()).status_code == 200
    with time_machine.travel(date(end.year + 1, 1, 1), tick=False):
        assert client.get(organisation.get_absolute_url()).status_code == 404


# Ambassadors, home page, sitemap -------------------------------------------------------------------


def test_ambassadors_page_lists_active_ambassadors_with_statements(client, members_set):
    member("Stille Botschaft GmbH", ambassador=True, statement="Wir sind dabei.")
    response = client.get("/mitglieder/botschafter/")
    html = response.content.decode()
    assert response.status_code == 200 and not response.cookies
    assert "Energie sparen!" in html and "Wir sind dabei." in html
    assert "Zechenblick" not in html and "Widerrufen" not in html


def test_home_page_shows_the_newest_members_as_logo_cards(client):
    with time_machine.travel(date(2025, 1, 1), tick=False):
        member("Alt GmbH")
    for index in range(6):
        member(f"Neu {index} GmbH", logo=index == 0)
    html = client.get("/").content.decode()
    section = html[html.index('id="home-members"') :]
    assert "Neu 0 GmbH" in section and "Neu 5 GmbH" in section
    assert "Alt GmbH" not in section
    assert 'class="card member-card"' in section


def test_sitemap_lists_active_member_profiles_only(client, members_set):
    xml = whole_sitemap(client)
    assert "/mitglieder/zechenblick-software-gmbh/" in xml
    assert "/mitglieder/botschafter/" in xml and "/mitglieder/</loc>" in xml
    assert "widerrufen-gmbh" not in xml and "/mitglieder/ohne/" not in xml


def test_navigation_shows_members_and_member_area(client):
    html = client.get("/").content.decode()
    assert 'href="/mitglieder/"' in html
    client.force_login(verified_user())
    assert 'href="/mein-bereich/"' in client.get("/").content.decode()
