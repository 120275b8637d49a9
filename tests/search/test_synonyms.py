"""Words people mean the same by: the Redaktion's groups of synonyms and compounds (admin, search
app), applied to every query by the database (smartregion/search/sql/synonyms.sql)."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from smartregion.search.models import Synonym
from tests.search.conftest import hit_titles, search
from tests.staff import login_staff

pytestmark = pytest.mark.django_db

ADD = "/admin/search/synonym/add/"


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("KI", "Künstliche Intelligenz im Handwerk"),
        ("Künstliche Intelligenz", "KI sortiert die Post"),
        ('"künstliche Intelligenz"', "KI sortiert die Post"),
        ("Onlineshop", "Der Online-Shop der Bäckerei"),
        ("Onlineshop", "Ein Online Shop für Wolle"),
        ("Online-Shop", "Unser Onlineshop wächst"),
        ("E-Government", "eGovernment im Rathaus"),
        ("eGovernment", "E-Government im Kreishaus"),
    ],
)
def test_the_seeded_groups_find_each_other(client, post, query, title):
    post(title)
    post("Nichts davon", teaser="Ein Betrieb erzählt.")
    assert hit_titles(search(client, q=query)) == [title]


def test_a_synonym_works_within_a_longer_query_and_keeps_its_other_words(client, post):
    post("Künstliche Intelligenz in Bottrop", city="bottrop")
    post("Künstliche Intelligenz in Marl", city="marl")
    post("Bottrop ohne Technik", city="bottrop")
    assert hit_titles(search(client, q="KI Bottrop")) == ["Künstliche Intelligenz in Bottrop"]


def test_an_excluded_synonym_stays_excluded(client, post):
    post("Künstliche Intelligenz im Büro")
    post("Ein Büro ohne Technik")
    assert hit_titles(search(client, q="Büro -KI")) == ["Ein Büro ohne Technik"]


def test_the_other_spelling_is_marked_in_the_hit(client, post):
    post("Werkstatt plant mit Künstlicher Intelligenz", teaser="Ein Betrieb erzählt.")
    html = search(client, q="KI")
    assert re.search(r"<mark>Künstlicher</mark> <mark>Intelligenz</mark>", html)


def test_the_blog_search_uses_them_too(client, post):
    post("Künstliche Intelligenz im Handwerk")
    html = client.get("/blog/", {"q": "KI"}).content.decode()
    assert "Künstliche Intelligenz im Handwerk" in html


def test_the_redaktion_adds_a_group_and_the_next_search_finds_it(client, post, staff_editor):
    post("Ein Lastenrad für die Innenstadt")
    assert hit_titles(search(client, q="Cargobike")) == []  # a result page is kept now

    login_staff(client, staff_editor)  # the Redaktion, no superuser
    response = client.post(ADD, {"terms": "Cargobike\r\n  Lastenrad \r\n\r\n"})
    assert response.status_code == 302
    assert Synonym.objects.get(terms="Cargobike\nLastenrad")
    client.logout()

    # Nothing to re-index: the rules apply to the query; the kept result page is not served.
    assert hit_titles(search(client, q="Cargobike")) == ["Ein Lastenrad für die Innenstadt"]

    Synonym.objects.filter(terms="Cargobike\nLastenrad").delete()
    assert hit_titles(search(client, q="Cargobike")) == []


def test_a_changed_group_changes_the_rules(client, post):
    post("Videosprechstunde beim Hausarzt")
    group = Synonym.objects.create(terms="Telemedizin\nFernbehandlung")
    assert hit_titles(search(client, q="Telemedizin")) == []
    group.terms = "Telemedizin\nVideosprechstunde"
    group.save()
    assert hit_titles(search(client, q="Telemedizin")) == ["Videosprechstunde beim Hausarzt"]


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ("KI", "mindestens zwei verschiedene Begriffe"),
        ("KI\nki", "mindestens zwei verschiedene Begriffe"),
        ("Roboter\nKI", "„KI“ steht schon in der Gruppe „KI = Künstliche Intelligenz“."),
        ("Roboter\nund die", "„und die“ besteht nur aus Wörtern, die die Suche übergeht"),
        ('Roboter\n"Automat"', "ohne Anführungszeichen"),
        ("Roboter\n-Automat", "Minuszeichen am Wortanfang"),
        ("Roboter\nAutomat OR Maschine", "„OR“"),
        ("Roboter\n" + "x" * 81, "höchstens 80 Zeichen je Begriff"),
        ("\n".join(f"Wort{n}" for n in range(13)), "höchstens 12 Begriffe"),
        ("", "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_a_group_that_cannot_work_is_refused_beside_the_field(client, staff_editor, terms, message):
    login_staff(client, staff_editor)
    count = Synonym.objects.count()
    response = client.post(ADD, {"terms": terms})
    assert response.status_code == 200
    html = response.content.decode()
    errors = re.search(r'<ul class="errorlist"[^>]*id="id_terms_error">(.*?)</ul>', html, re.S)
    assert errors and message in errors.group(1).replace("&quot;", '"'), html[:2000]
    assert Synonym.objects.count() == count
    assert terms.split("\n")[0] in html  # what was typed is kept


def test_query_syntax_in_a_term_is_only_words(client, post):
    """Characters that mean something in tsquery syntax are read as text, never as syntax."""
    post("Roboter im Lager")
    Synonym.objects.create(terms="Roboter\nAutomat & | ! ( ) : * '")
    assert hit_titles(search(client, q="Automat")) == ["Roboter im Lager"]


def test_rules_follow_every_write_including_truncate():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_synonym_rule")
        assert cursor.fetchone()[0] > 0  # the seeded groups
        cursor.execute("TRUNCATE search_synonym")
        cursor.execute("SELECT count(*) FROM search_synonym_rule")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT search_query('KI', NULL)::text")
        assert cursor.fetchone()[0] == "'ki'"
