"""What content apps tell the search (smartregion/core/searchable.py) and how the search uses it."""

import copy

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from smartregion.core import searchable
from smartregion.core.models import Page
from smartregion.search import vocabulary
from smartregion.search.models import Document, Word
from tests.search.conftest import hit_titles, search


def _kind(**fields) -> searchable.Kind:
    values = {
        "name": "page",
        "slug": "seite",
        "label": "Seite",
        "plural": "Seiten",
        "order": 40,
        "public": Page.objects.all,
        "title": "title",
        "excerpt": ("intro", "body"),
        "excerpt_html": (),
        "template": "test_page_hit.html",
        "sync_function": "test_sync_pages",
        "words_function": "test_page_words",
    }
    return searchable.Kind(**values | fields)


def test_blog_events_and_members_register_their_kinds_in_order():
    kinds = searchable.kinds()
    assert [(k.name, k.slug, str(k.plural)) for k in kinds] == [
        ("post", "beitrag", "Beiträge"),
        ("event", "veranstaltung", "Veranstaltungen"),
        ("member", "mitglied", "Mitglieder"),
    ]
    assert searchable.get("event").template == "events/_search_hit.html"
    with pytest.raises(LookupError):
        searchable.get("page")


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "Seite"},
        {"name": "pages_of_the_site"},
        {"sync_function": "drop table x; --"},
        {"words_function": "public.words"},
        {"excerpt": (), "excerpt_html": ()},
    ],
)
def test_a_kind_takes_only_plain_identifiers_and_needs_an_excerpt(fields):
    with pytest.raises(ValueError):
        _kind(**fields)


def test_registering_a_name_again_replaces_the_kind(monkeypatch):
    monkeypatch.setattr(searchable, "_KINDS", dict(searchable._KINDS))
    searchable.register(_kind(order=5))
    searchable.register(_kind(order=50))
    assert [k.name for k in searchable.kinds()] == ["post", "event", "member", "page"]
    assert searchable.get("page").order == 50


def test_within_needs_a_search_to_provide_it(monkeypatch):
    monkeypatch.setattr(searchable, "_within", None)
    with pytest.raises(ImproperlyConfigured):
        searchable.within("post", "Sensorik")


@pytest.mark.django_db
def test_within_is_none_when_there_is_nothing_to_search_for():
    assert searchable.within("post", " \x00 ") is None
    assert searchable.within("post", None) is None


@pytest.fixture
def pages_searchable(monkeypatch, settings, tmp_path):
    """Staff pages as a searchable kind, as a content app would make them: index rows, a words
    function, a hit template and the registration (all undone after the test)."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates
    (tmp_path / "test_page_hit.html").write_text(
        '<p class="hit__kind">Seite</p>\n'
        '<h3 class="hit__title"><a href="{{ obj.get_absolute_url }}">{{ obj.title_html }}</a></h3>'
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION test_page_words(ids bigint[], long_texts boolean) RETURNS SETOF text
            LANGUAGE sql STABLE AS $$
                SELECT concat_ws(' ', title, intro, CASE WHEN long_texts THEN body END)
                  FROM smartregion_page WHERE id = ANY(ids)
            $$;
            INSERT INTO search_document (kind, object_id, date, topic_ids, vector)
            SELECT 'page', id, updated_at, '{}',
                   setweight(to_tsvector('german_unaccent', title), 'A')
                   || setweight(to_tsvector('german_unaccent', intro || ' ' || body), 'C')
              FROM smartregion_page;
            """
        )
    monkeypatch.setattr(searchable, "_KINDS", dict(searchable._KINDS))
    searchable.register(_kind())


@pytest.mark.django_db
def test_a_registered_kind_is_searched_faceted_and_in_the_vocabulary(client, pages_searchable):
    html = search(client, q="Über uns")
    assert hit_titles(html) == ["Über uns"]
    assert '<p class="hit__kind">Seite</p>' in html
    assert "<mark>Über</mark>" in html
    assert 'Seiten <span class="facet__count">(1)' in html
    assert hit_titles(search(client, q="Über uns", art="seite")) == ["Über uns"]
    assert hit_titles(search(client, q="Über uns", art="beitrag")) == []
    vocabulary.refresh()
    assert Word.objects.filter(key="leitkommune").exists()
    assert Document.objects.filter(kind="page").count() == Page.objects.count()
