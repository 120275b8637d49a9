"""The index is kept by the database: triggers add, change and remove rows of search_document."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from blog.models import Post
from members.models import Membership
from smartregion.core.models import Topic
from smartregion.search.models import Document

pytestmark = pytest.mark.django_db


def indexed(kind: str) -> set[int]:
    return set(Document.objects.filter(kind=kind).values_list("object_id", flat=True))


def lexemes(text: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(to_tsvector('german_unaccent', %s))", [text])
        return cursor.fetchone()[0]


def test_german_configuration_stems_and_folds_umlauts():
    assert lexemes("Unternehmen Unternehmens") == ["unternehm"]
    assert lexemes("Straße Strasse") == ["strass"]
    assert lexemes("Ärzte Arzte") == ["arzt"]


def test_german_stop_words_are_dropped_with_or_without_umlauts():
    assert lexemes("für die Region über alles") == ["region"]


@pytest.mark.parametrize("status", ["submitted", "confirmed", "rejected", "withdrawn"])
def test_only_published_posts_are_indexed(post, status):
    hidden = post("Nicht öffentlich", status=status)
    shown = post("Öffentlich")
    assert indexed("post") == {shown.pk}
    hidden.status = "published"
    hidden.published_at = timezone.now()
    hidden.save()
    assert indexed("post") == {shown.pk, hidden.pk}


def test_withdrawing_or_deleting_a_post_removes_it(post):
    first, second = post("Erster"), post("Zweiter")
    Post.objects.filter(pk=first.pk).update(status="withdrawn")
    assert indexed("post") == {second.pk}
    second.delete()
    assert indexed("post") == set()


def test_editing_a_post_updates_its_vector_and_facets(post):
    item = post("Alter Titel", topics=["bildung"])
    item.title = "Telemedizin im Quartier"
    item.municipality_id = 2
    item.save()
    item.topics.set(Topic.objects.filter(slug__in=["bildung", "egovernment"]))
    document = Document.objects.get(kind="post", object_id=item.pk)
    assert "telemedizin" in str(document.vector)
    assert document.municipality_id == 2
    assert sorted(document.topic_ids) == sorted(
        Topic.objects.filter(slug__in=["bildung", "egovernment"]).values_list("pk", flat=True)
    )


def test_bulk_created_posts_are_indexed_in_one_go(post):
    from bench.support.corpus import generate_posts

    assert generate_posts(25, seed=3) == 25
    assert Document.objects.filter(kind="post").count() == 25
    assert not Document.objects.filter(kind="post", topic_ids=[]).exists()


def test_post_vector_weights_title_teaser_body_organisation(post):
    item = post(
        "Titelwort", teaser="Teaserwort", body="Textwort", organisation_name="Firmenwort GmbH"
    )
    vector = str(Document.objects.get(object_id=item.pk).vector)
    assert "'titelwort':1A" in vector
    assert "'teaserwort':2B" in vector
    assert "'textwort':3C" in vector
    assert "'firmenwort':4 " in vector + " "  # D, the lowest weight, is written without letter


def test_members_are_indexed_while_their_membership_is_active(member):
    active, revoked, expired = member("Aktiv GmbH"), member("Widerrufen AG"), member("Alt KG")
    Membership.objects.filter(organisation=revoked).update(status="revoked")
    Membership.objects.filter(organisation=expired).update(status="expired")
    assert indexed("member") == {active.pk}
    Membership.objects.filter(organisation=revoked).update(status="active")
    assert indexed("member") == {active.pk, revoked.pk}


def test_a_membership_past_its_end_stays_indexed_but_is_not_visible(member):
    organisation = member("Abgelaufen GmbH")
    Membership.objects.filter(organisation=organisation).update(
        valid_from=timezone.localdate() - timedelta(days=400),
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    assert indexed("member") == {organisation.pk}
    assert not Document.objects.visible().filter(object_id=organisation.pk).exists()


def test_a_post_published_in_the_future_is_not_visible_yet(post):
    item = post("Bald", published_at=timezone.now() + timedelta(hours=2))
    assert indexed("post") == {item.pk}
    assert not Document.objects.visible().exists()


def query_text(sql: str, *params) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({sql})::text", params)
        return cursor.fetchone()[0]


def test_search_query_reads_web_search_syntax_and_adds_prefixes():
    text = query_text(
        "search_query(%s, NULL)", '"digitale Verwaltung" -Papier OR Akte Digitalisierung'
    )
    assert text == "'digital':* <-> 'verwalt':* & !'papi' | 'akt' & 'digitalisi':*"


def test_search_query_ors_the_spelling_variant():
    assert query_text("search_query(%s, %s)", "Muenster", "Münster") == "'muen' | 'munst'"


def test_search_query_keeps_quotes_inside_lexemes_intact():
    assert query_text("search_query(%s, NULL)", "O'Reillyverlag") == "'o' <-> 'reillyverlag':*"


def test_relax_turns_phrases_into_and_but_leaves_negations_alone():
    relax = "search_relax(search_query(%s, NULL))"
    assert query_text(relax, '"digitale Verwaltung" Akte') == "'digital':* & 'verwalt':* & 'akt'"
    assert query_text(relax, 'Akte -"digitale Verwaltung"') == (
        "'akt' & !( 'digital':* <-> 'verwalt':* )"
    )


def test_hyphenated_words_are_searched_as_the_compound():
    assert query_text("search_query(%s, NULL)", "E-Rechnung") == "'e-rechn':*"
    assert query_text("search_query(%s, NULL)", '"E-Rechnung in Bottrop"') == (
        "'e-rechn':* <-> 'e' <-> 'rechnung':* <2> 'bottrop':*"
    )


def test_hyphenated_words_find_the_same_posts(client, post):
    from tests.search.conftest import hit_titles, search

    post("Die E-Rechnung kommt")
    post("Rechnung per E-Mail")
    assert hit_titles(search(client, q="E-Rechnung")) == ["Die E-Rechnung kommt"]
