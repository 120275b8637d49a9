"""„Die SMART REGION in Zahlen“ (/zahlen/): counts of public data only, drawn as SVG charts with a
table each, and downloadable as CSV and JSON under the stated open licence."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from members.models import Membership
from smartregion.core.models import Topic
from smartregion.site import charts
from smartregion.site.figures import datasets
from tests.factories import EventFactory, PostFactory, RegistrationFactory, SubscriberFactory
from tests.members.helpers import member

pytestmark = pytest.mark.django_db

PAGE = "/zahlen/"


def rows(dataset_id: str) -> dict:
    found = next(d for d in datasets() if d.id == dataset_id)
    return {row[0]: row[1:] if len(row) > 2 else row[1] for row in found.rows}


def at(year, month, day=15):
    return datetime(year, month, day, 12, tzinfo=ZoneInfo("Europe/Berlin"))


def test_members_are_counted_by_kind_and_city_while_they_are_in_the_directory():
    member("Zeche Digital GmbH", kind="company", city="marl")
    member("Hochschule am Kanal", kind="research", city="marl")
    member("Bürgerverein Nord", kind="association", city="bottrop")
    expired = member("Abgelaufen GmbH", kind="company", city="marl")
    Membership.objects.filter(organisation=expired).update(status=Membership.Status.EXPIRED)
    ended = member("Vorbei GmbH", kind="company", city="marl")
    Membership.objects.filter(organisation=ended).update(
        valid_from=timezone.localdate() - timedelta(days=400),
        valid_until=timezone.localdate() - timedelta(days=1),
    )

    by_kind = rows("mitglieder-nach-art")
    assert by_kind == {
        "Unternehmen": 1,
        "Hochschule/Forschung": 1,
        "Kommune/Verwaltung": 0,
        "Verein/Initiative": 1,
        "Projekt": 0,
    }
    by_city = rows("mitglieder-nach-kommune")
    assert by_city["Marl"] == 2 and by_city["Bottrop"] == 1 and by_city["Gelsenkirchen"] == 0
    assert list(by_city)[:2] == ["Gelsenkirchen", "Bottrop"]  # the admin's order, all of them
    assert "Region Emscher-Lippe" in by_city


def test_only_published_posts_count_per_themenfeld_and_per_quarter(time_machine):
    time_machine.move_to(at(2026, 12, 1))
    energy = Topic.objects.get(slug="smart-energy")
    economy = Topic.objects.get(slug="smart-economy")
    PostFactory(topics=[energy, economy], published_at=at(2026, 2, 1))
    PostFactory(topics=[energy], published_at=at(2026, 2, 20))
    PostFactory(topics=[energy], published_at=at(2025, 11, 3))
    PostFactory(topics=[energy], status="confirmed")
    PostFactory(topics=[energy], status="rejected")
    PostFactory(topics=[energy], published_at=at(2026, 12, 20))  # scheduled: not yet public

    by_topic = rows("beitraege-nach-themenfeld")
    assert by_topic["Smart Energy"] == 3 and by_topic["Smart Economy"] == 1
    assert by_topic["Bildung"] == 0
    # Every quarter from the first post to today, the empty ones too.
    assert rows("beitraege-nach-quartal") == {
        "2025-Q4": 1,
        "2026-Q1": 2,
        "2026-Q2": 0,
        "2026-Q3": 0,
        "2026-Q4": 0,
    }


def test_events_and_confirmed_registrations_per_year():
    held = EventFactory(starts_at=at(2025, 5, 1), ends_at=at(2025, 5, 1) + timedelta(hours=2))
    EventFactory(starts_at=at(2025, 9, 1), ends_at=at(2025, 9, 1) + timedelta(hours=2))
    coming = EventFactory(starts_at=at(2027, 3, 1), ends_at=at(2027, 3, 1) + timedelta(hours=2))
    cancelled = EventFactory(status="cancelled")
    EventFactory(status="draft")
    RegistrationFactory(event=held, status="confirmed", place=1)
    RegistrationFactory(event=held, status="confirmed", place=2)
    RegistrationFactory(event=held, status="pending")
    RegistrationFactory(event=held, status="cancelled")
    RegistrationFactory(event=coming, status="confirmed", place=1)
    RegistrationFactory(event=cancelled, status="confirmed", place=1)

    assert rows("veranstaltungen-nach-jahr") == {
        "2025": [2, 2],
        "2026": [0, 0],
        "2027": [1, 1],
    }


def test_subscribers_count_from_confirmation_until_unsubscription(time_machine):
    time_machine.move_to(at(2026, 4, 10))
    SubscriberFactory(signup_at=at(2026, 1, 5))
    SubscriberFactory(signup_at=at(2026, 1, 20))
    left = SubscriberFactory(signup_at=at(2026, 2, 2))
    left.status = "unsubscribed"
    left.unsubscribed_at = at(2026, 3, 20)
    left.save()
    SubscriberFactory(status="pending", signup_at=at(2026, 2, 2))

    assert rows("newsletter-abonnements") == {
        "2026-01": 2,
        "2026-02": 3,
        "2026-03": 2,
        "2026-04": 2,
    }


def test_an_empty_portal_has_a_page_and_says_so(client):
    html = client.get(PAGE).content.decode()
    assert "Hierzu gibt es noch keine Zahlen." in html  # no events, no subscribers


def test_the_page_draws_each_dataset_as_an_accessible_chart_with_its_table(client):
    member("Zeche Digital GmbH", kind="company", city="marl")
    PostFactory()
    EventFactory()
    SubscriberFactory()
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers  # a reading page
    html = response.content.decode()
    assert html.count('<svg class="chart"') == 6
    for dataset in datasets():
        svg = re.search(
            r'<svg class="chart"[^>]*aria-labelledby="chart-'
            + dataset.id
            + r"-title chart-"
            + dataset.id
            + r'-desc"[^>]*>.*?<title id="chart-[^"]+">([^<]+)</title>\s*<desc id="[^"]+">([^<]+)</desc>',
            html,
            re.S,
        )
        assert svg and svg.group(1) == dataset.title and svg.group(2), dataset.id
        table = re.search(
            r"<caption>" + re.escape(str(dataset.title)) + r"</caption>(.*?)</table>", html, re.S
        )
        assert table and table.group(1).count("<tr>") == len(dataset.rows) + 1
        assert f'href="/zahlen/{dataset.id}.csv"' in html
    assert re.search(
        r"<desc[^>]*>Balkendiagramm. Insgesamt 1; am meisten: Unternehmen mit 1.", html
    )
    assert '<a href="https://www.govdata.de/dl-de/by-2-0" rel="license">' in html
    assert "SMART REGION Emscher-Lippe (WiN Emscher-Lippe GmbH)" in html
    assert 'href="/zahlen/zahlen.json"' in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>")[0]


def test_the_page_needs_the_same_queries_however_much_there_is(
    client, django_assert_max_num_queries
):
    client.get(PAGE)  # taxonomy and versions warmed
    for n in range(3):
        member(f"Firma {n} GmbH", city="marl")
        PostFactory()
        EventFactory()
        SubscriberFactory()
    with django_assert_max_num_queries(12) as few:
        client.get(PAGE, HTTP_CACHE_CONTROL="no-cache")
    count = len(few.captured_queries)
    for n in range(10):
        member(f"Betrieb {n} GmbH", city="dorsten", kind="project")
        PostFactory()
        EventFactory()
        SubscriberFactory()
    with django_assert_max_num_queries(count):
        client.get(PAGE, HTTP_CACHE_CONTROL="no-cache")


def test_each_dataset_downloads_as_csv(client):
    member("Zeche Digital GmbH", kind="company", city="marl")
    response = client.get("/zahlen/mitglieder-nach-art.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="smartregion-mitglieder-nach-art.csv"'
    )
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0] == ["art", "mitglieder"]
    assert ["Unternehmen", "1"] in table and ["Projekt", "0"] in table
    assert client.get("/zahlen/gibt-es-nicht.csv").status_code == 404


def test_all_figures_download_as_json_with_source_date_and_licence(client, settings):
    settings.SITE_URL = "https://portal.example"
    PostFactory()
    data = json.loads(client.get("/zahlen/zahlen.json").content)
    assert data["source"] == "https://portal.example/zahlen/"
    assert data["licence"] == {
        "id": "dl-de/by-2-0",
        "name": "Datenlizenz Deutschland – Namensnennung – Version 2.0",
        "url": "https://www.govdata.de/dl-de/by-2-0",
        "attribution": "SMART REGION Emscher-Lippe (WiN Emscher-Lippe GmbH)",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", data["created_at"])
    assert [d["id"] for d in data["datasets"]] == [d.id for d in datasets()]
    by_topic = next(d for d in data["datasets"] if d["id"] == "beitraege-nach-themenfeld")
    assert by_topic["columns"] == [
        {"id": "themenfeld", "label": "Themenfeld"},
        {"id": "beitraege", "label": "Beiträge"},
    ]
    assert {"themenfeld": "Smart Economy", "beitraege": 1} in by_topic["rows"]


def test_english_page_and_downloads_speak_english(client):
    PostFactory()
    html = client.get("/en" + PAGE).content.decode()
    assert "<h1>The SMART REGION in figures</h1>" in html
    assert 'href="/en/zahlen/zahlen.json"' in html
    data = json.loads(client.get("/en/zahlen/zahlen.json").content)
    assert data["datasets"][0]["title"] == "Members by kind"


def test_the_sitemap_lists_the_figures_in_both_languages(client):
    from tests.sitemaps import whole_sitemap

    xml = whole_sitemap(client)
    assert "/zahlen/</loc>" in xml and "/en/zahlen/" in xml


def test_the_footer_links_to_the_figures(client):
    assert 'href="/zahlen/">Die SMART REGION in Zahlen</a>' in client.get("/").content.decode()


# The charts' geometry -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 1), (1, 1), (3, 5), (7, 10), (12, 20), (130, 200), (999, 1000)]
)
def test_the_value_axis_ends_at_a_round_number(value, ceiling):
    assert charts.nice_ceiling(value) == ceiling


def test_bars_are_as_long_as_their_values():
    chart = charts.bars([("a", 10), ("b", 5), ("c", 0)])
    a, b, c = chart.marks
    assert a.width == pytest.approx(2 * b.width) and c.width == 0
    assert a.width == pytest.approx(chart.plot_right - chart.plot_left)  # 10 is the top
    assert [tick.value for tick in chart.ticks] == [0, 2, 4, 6, 8, 10]
    assert a.y < b.y < c.y


def test_columns_stand_on_the_axis_and_two_counts_get_a_legend():
    chart = charts.columns(
        [("2025", [2, 40]), ("2026", [4, 80])], ["Veranstaltungen", "Anmeldungen"]
    )
    assert [item.label for item in chart.legend] == ["Veranstaltungen", "Anmeldungen"]
    for mark in chart.marks:
        assert mark.y + mark.height == pytest.approx(chart.plot_bottom)
    events_2025, registrations_2025, events_2026, registrations_2026 = chart.marks
    assert registrations_2026.height == pytest.approx(2 * registrations_2025.height)
    assert events_2025.x < registrations_2025.x < events_2026.x


def test_the_line_runs_through_every_period():
    chart = charts.line([("2026-01", 0), ("2026-02", 5), ("2026-03", 10)])
    assert chart.line.count(",") == 3
    first, middle, last = chart.marks
    assert first.y == pytest.approx(chart.plot_bottom) and last.y < middle.y < first.y
    assert first.x == chart.plot_left and last.x == pytest.approx(chart.plot_right)
