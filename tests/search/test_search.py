"""/suche/: German stemming, weights, typos, web-search syntax, facets, excerpts, visibility."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from members.models import Membership
from smartregion.search import vocabulary
from tests.search.conftest import hit_titles, search

pytestmark = pytest.mark.django_db


# --- German -----------------------------------------------------------------------------------


def test_digitalisierung_finds_digitalisierte(client, post):
    post("Wie wir unsere Werkstatt digitalisierten", body="Alles ist digitalisiert worden.")
    post("Ein Beitrag über Gartenbau")
    assert hit_titles(search(client, q="Digitalisierung")) == [
        "Wie wir unsere Werkstatt digitalisierten"
    ]


def test_unternehmen_finds_unternehmens(client, post):
    post("Die Geschichte des Unternehmens")
    assert hit_titles(search(client, q="Unternehmen")) == ["Die Geschichte des Unternehmens"]


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("Strasse", "Ein Fest auf der Straße"),
        ("straße", "Ein Fest auf der Straße"),
        ("Muenster", "Neues aus Münster"),
        ("Münster", "Neues aus Münster"),
        ("Aerzte", "Ärzte ohne Wartezimmer"),
        ("arzte", "Ärzte ohne Wartezimmer"),
        ("Buergerportal", "Das Bürgerportal geht online"),
    ],
)
def test_spelling_variants_of_umlauts_and_eszett(client, post, query, title):
    post(title)
    post("Etwas ganz anderes")
    assert hit_titles(search(client, q=query)) == [title]


def test_excerpts_highlight_the_matches_in_the_body(client, post):
    post("Ein Bericht", body="Lange war nichts digital. Dann haben wir alles digitalisiert.")
    html = search(client, q="Digitalisierung")
    assert "<mark>digitalisiert</mark>" in html
    assert "<mark>" not in hit_titles(html)[0]


def test_title_matches_are_marked_in_the_title(client, post):
    post("Telemedizin für alle")
    assert '<a href="/blog/beitrag-1/"><mark>Telemedizin</mark> für alle</a>' in search(
        client, q="telemedizin"
    )


# --- ranking ----------------------------------------------------------------------------------


def test_title_before_teaser_before_the_rest_however_old(client, post):
    """Relevance is where the words are: the title, then title and teaser, then anywhere (body
    and organisation alike); recency decides within each."""
    plain = {"teaser": "Ein kurzer Text.", "body": "Ein langer Text.", "organisation_name": "X"}
    now = timezone.now()
    post("Zauberwort im Titel", published_at=now - timedelta(days=900), **plain)
    post(
        "Im Teaser",
        published_at=now - timedelta(days=400),
        **{**plain, "teaser": "Mit Zauberwort."},
    )
    post(
        "Im Namen",
        published_at=now - timedelta(days=2),
        **{**plain, "organisation_name": "Zauberwort GmbH"},
    )
    post("Im Text", published_at=now - timedelta(days=3), **{**plain, "body": "Mit Zauberwort."})
    post(
        "Im Text, älter", published_at=now - timedelta(days=30), **{**plain, "body": "Zauberwort."}
    )
    assert hit_titles(search(client, q="Zauberwort")) == [
        "Zauberwort im Titel",
        "Im Teaser",
        "Im Namen",
        "Im Text",
        "Im Text, älter",
    ]


def test_recency_breaks_ties(client, post):
    now = timezone.now()
    post("Drohnen älter", published_at=now - timedelta(days=30))
    post("Drohnen neuer", published_at=now - timedelta(days=1))
    assert hit_titles(search(client, q="Drohnen")) == ["Drohnen neuer", "Drohnen älter"]


# --- web-search syntax ------------------------------------------------------------------------


def test_quoted_phrase_needs_the_words_in_order(client, post):
    post("Die digitale Verwaltung kommt")
    post("Verwaltung wird digitale Aufgabe")
    assert hit_titles(search(client, q='"digitale Verwaltung"')) == [
        "Die digitale Verwaltung kommt"
    ]
    assert len(hit_titles(search(client, q="digitale Verwaltung"))) == 2


def test_minus_excludes_a_word(client, post):
    post("Onlineshop mit Amazon")
    post("Eigener Onlineshop")
    assert hit_titles(search(client, q="Onlineshop -Amazon")) == ["Eigener Onlineshop"]


def test_or_finds_either_word(client, post):
    post("Telemedizin in der Praxis")
    post("Drohnen über dem Feld")
    post("Etwas anderes")
    assert sorted(hit_titles(search(client, q="Telemedizin OR Drohnen"))) == [
        "Drohnen über dem Feld",
        "Telemedizin in der Praxis",
    ]


def test_excluded_phrase(client, post):
    post("Papierlose digitale Verwaltung")
    post("Verwaltung ohne Papier")
    assert hit_titles(search(client, q='Verwaltung -"digitale Verwaltung"')) == [
        "Verwaltung ohne Papier"
    ]


# --- typos ------------------------------------------------------------------------------------


def test_a_typo_shows_the_corrected_results_right_away(client, post):
    post("Digitalisierung im Handwerk")
    vocabulary.refresh()
    html = search(client, q="Digitalisirung")
    assert "Keine Treffer für „Digitalisirung“" in html
    assert "Ergebnisse für „Digitalisierung“" in html
    assert hit_titles(html) == ["Digitalisierung im Handwerk"]


def test_few_results_offer_meinten_sie(client, post):
    post("Verwaltung digital")
    post("Verwalltung mit Tippfehler")
    for n in range(3):
        post(f"Verwaltung Nummer {n}")
    vocabulary.refresh()
    html = search(client, q="Verwalltung")
    assert len(hit_titles(html)) == 1
    assert 'Meinten Sie <a href="?q=Verwaltung">„Verwaltung“</a>?' in html


def test_suggestions_keep_the_case_and_the_other_words(client, post):
    post("Ladeinfrastruktur in Bottrop")
    vocabulary.refresh()
    assert vocabulary.correction("Ladeinfrastrucktur Bottrop") == "Ladeinfrastruktur Bottrop"
    assert vocabulary.correction("ladeinfrastrucktur") == "ladeinfrastruktur"
    assert vocabulary.correction("Bottrop") is None


# --- facets, filters, pagination --------------------------------------------------------------


def test_facets_count_kinds_topics_and_municipalities(client, post, member):
    post("Robotik im Betrieb", topics=["kuenstliche-intelligenz"], city="bottrop")
    post("Robotik in der Schule", topics=["bildung"], city="bottrop")
    member("Robotik Werkstatt GmbH", city="marl", topics=("kuenstliche-intelligenz",))
    html = search(client, q="Robotik")
    assert re.search(r"Beiträge <span class=\"facet__count\">\(2\)", html)
    assert re.search(r"Mitglieder <span class=\"facet__count\">\(1\)", html)
    assert re.search(r"Künstliche Intelligenz <span class=\"facet__count\">\(2\)", html)
    assert re.search(r"Bottrop <span class=\"facet__count\">\(2\)", html)
    assert "Veranstaltungen <span" not in html  # no count, no entry


def test_filters_combine_in_shareable_urls(client, post, member):
    post("Robotik im Betrieb", topics=["kuenstliche-intelligenz"], city="bottrop")
    post("Robotik in der Schule", topics=["bildung"], city="bottrop")
    post("Robotik in Marl", topics=["bildung"], city="marl")
    member("Robotik Werkstatt GmbH", city="bottrop", topics=("bildung",))
    html = search(client, q="Robotik", art="beitrag", thema="bildung", ort="bottrop")
    assert hit_titles(html) == ["Robotik in der Schule"]
    assert "Aktive Filter:" in html
    # Each active filter can be removed on its own.
    assert '<a href="?q=Robotik&amp;thema=bildung&amp;ort=bottrop">' in html
    assert hit_titles(search(client, q="Robotik", art="mitglied")) == ["Robotik Werkstatt GmbH"]


def test_facet_links_add_or_remove_one_filter(client, post):
    post("Robotik im Betrieb", topics=["kuenstliche-intelligenz"], city="bottrop")
    html = search(client, q="Robotik", ort="bottrop")
    assert 'href="?q=Robotik&amp;ort=bottrop&amp;thema=kuenstliche-intelligenz"' in html
    assert 'href="?q=Robotik" class="facet__link" aria-current="true"' in html


def test_unknown_filter_values_are_ignored(client, post):
    post("Robotik im Betrieb")
    html = search(client, q="Robotik", art="raumschiff", thema="<x>", ort="'")
    assert hit_titles(html) == ["Robotik im Betrieb"]


def test_results_are_paginated(client, post):
    for n in range(15):
        post(f"Sensorik Teil {n}")
    first = search(client, q="Sensorik")
    assert len(hit_titles(first)) == 12
    assert "15 Treffer" in first
    assert len(hit_titles(search(client, q="Sensorik", page=2))) == 3
    assert len(hit_titles(search(client, q="Sensorik", page=99))) == 3  # the last page


def test_more_than_500_matches_are_capped_and_say_so(client, db):
    from bench.support.corpus import generate_posts

    generate_posts(560, seed=5)
    html = search(client, q="Krise OR Region OR Unternehmen OR Digitalisierung")
    assert "Mehr als 500 Treffer" in html
    assert re.search(r"Beiträge <span class=\"facet__count\">\(500\+", html)


def test_the_empty_state_suggests_examples_and_topics(client, post):
    post("Etwas")
    html = search(client, q="Quantenkryptografie")
    assert "Keine Treffer für „Quantenkryptografie“" in html
    assert 'href="/suche/?q=Digitalisierung"' in html
    assert 'href="/blog/?thema=bildung"' in html


def test_the_page_without_query_shows_the_form_and_examples(client):
    html = search(client)
    assert '<input type="search" id="search-q" name="q" value=""' in html
    assert "Bitte geben Sie einen Suchbegriff ein." not in html
    assert "Beispiele" in html


def test_search_sets_no_cookie(client, post):
    post("Robotik")
    response = client.get("/suche/", {"q": "Robotik"})
    assert not response.cookies


def test_search_needs_a_constant_number_of_queries(
    client, post, member, django_assert_num_queries, warm_taxonomy
):
    for n in range(3):
        post(f"Robotik {n}")
        member(f"Robotik Firma {n}", description="Robotik")
    # the content versions, candidates with ranks, the page's posts, the page's members
    with django_assert_num_queries(4):
        search(client, q="Robotik")
    for n in range(3, 20):
        post(f"Robotik {n}")
    with django_assert_num_queries(4):
        search(client, q="Robotik", thema="smart-economy")


# --- only public content ----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["submitted", "confirmed", "rejected", "withdrawn"])
def test_unpublished_posts_are_never_found(client, post, status):
    post("Geheimprojekt Quantenfeld", status=status, topics=["bildung"], city="marl")
    post("Öffentlich", topics=["smart-economy"])
    vocabulary.refresh()
    html = search(client, q="Quantenfeld")
    assert hit_titles(html) == []
    assert "Marl" not in html and "Bildung <span" not in html
    assert vocabulary.correction("Quantenfelt") is None
    assert "Quantenfeld" not in search(client, q="Quantenfelt")


def test_posts_published_in_the_future_are_not_found_yet(client, post):
    post("Morgen Quantenfeld", published_at=timezone.now() + timedelta(days=1))
    assert hit_titles(search(client, q="Quantenfeld")) == []


@pytest.mark.parametrize("state", ["revoked", "expired", "past_end"])
def test_members_without_a_valid_membership_are_never_found(client, member, state):
    organisation = member("Quantenfeld Labor GmbH", city="marl")
    update = (
        {"status": state}
        if state != "past_end"
        else {
            "valid_from": timezone.localdate() - timedelta(days=400),
            "valid_until": timezone.localdate() - timedelta(days=1),
        }
    )
    Membership.objects.filter(organisation=organisation).update(**update)
    vocabulary.refresh()
    html = search(client, q="Quantenfeld")
    assert hit_titles(html) == []
    assert "Marl" not in html
    assert vocabulary.correction("Quantenfelt") is None


def test_founding_members_never_expire(client, member):
    member("Quantenfeld Stadtwerke", founding=True)
    assert hit_titles(search(client, q="Quantenfeld")) == ["Quantenfeld Stadtwerke"]


# --- bad input --------------------------------------------------------------------------------

BAD_INPUT = [
    "",
    "   ",
    "\t\n",
    "a" * 10_000,
    "Digitalisierung " * 2_000,
    *list("&|!:*()'\"\\"),
    "& | ! : * ( ) ' \" \\",
    "a & b | !c:* (d) 'e' \"f\" \\g",
    "'Digitalisierung':*A & !!(",
    '"""',
    '"unclosed phrase',
    "-",
    "--Digitalisierung",
    "OR",
    "OR OR -",
    "\x00",
    "Digital\x00isierung",
    "\x01\x02\x1b[31m",
    "😀🚀",
    "👩‍💻 Digitalisierung",
    "مرحبا بالعالم",
    "שלום עולם",
    "Robert'); DROP TABLE blog_post;--",
    "1 OR 1=1",
    "%00%27",
    "\ue000\ue001",
]


@pytest.mark.parametrize("query", BAD_INPUT)
def test_bad_input_never_breaks_the_search_page(client, post, query):
    post("Digitalisierung im Handwerk")
    html = search(client, q=query)
    assert "<h1>Suche</h1>" in html


@pytest.mark.parametrize("query", BAD_INPUT)
def test_bad_input_never_breaks_the_blog_search(client, post, query):
    post("Digitalisierung im Handwerk")
    assert client.get("/blog/", {"q": query}).status_code == 200


@pytest.mark.parametrize("raw", ["%ED%A0%80", "%FF%FE%00", "%C0%AF", "%", "%%25"])
def test_invalid_utf8_and_encodings_in_the_address(client, post, raw):
    post("Digitalisierung im Handwerk")
    assert client.get(f"/suche/?q={raw}").status_code == 200
    assert client.get(f"/blog/?q={raw}").status_code == 200


def test_an_overlong_query_is_cut_and_says_so(client, post):
    post("Digitalisierung im Handwerk")
    html = search(client, q="Digitalisierung " + "x" * 10_000)
    assert "Gesucht wurde nach den ersten 200 Zeichen" in html
    assert hit_titles(html) == ["Digitalisierung im Handwerk"]


def test_only_stop_words_or_signs_get_a_german_explanation(client, post):
    post("Digitalisierung im Handwerk")
    for query in ["und die", "&&& ***", "(!) 'und' \\"]:
        html = search(client, q=query)
        assert "Ihre Suche enthält keine Wörter, nach denen wir suchen können" in html
    # PostgreSQL's parser takes an emoji for a word: nothing found, the usual empty state.
    assert "Keine Treffer für „😀“" in search(client, q="😀")


def test_whitespace_only_asks_for_a_search_term(client):
    assert "Bitte geben Sie einen Suchbegriff ein." in search(client, q="   ")


def test_content_is_escaped_in_titles_and_excerpts(client, post):
    post(
        '<script>alert("x")</script> Quantenfeld',
        teaser="<img src=x onerror=alert(1)> Quantenfeld",
        body="Ein Text mit \ue000Quantenfeld\ue001 und &lt;b&gt; <b onclick=x>fett</b>.",
    )
    html = search(client, q="Quantenfeld")
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "onclick" not in html
    assert "&lt;script&gt;" in html
    assert html.count("<mark>") == html.count("</mark>") >= 3


def test_the_query_is_escaped_everywhere_it_is_shown(client):
    html = search(client, q='"><script>alert(1)</script>')
    assert "<script>alert(1)" not in html
