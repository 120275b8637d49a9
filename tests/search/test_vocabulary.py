from io import StringIO

import pytest
from django.core.management import call_command

from blog.models import Post
from smartregion.search import tasks, vocabulary
from smartregion.search.models import Word

pytestmark = pytest.mark.django_db


def test_the_vocabulary_holds_the_public_words_with_their_spelling(post, member):
    post("Straßenfest mit Ladeinfrastruktur", body="Die Straßenfest-Planung lief digital.")
    post("Geheimes Quantenfeld", status="submitted")
    member("Kanalblick Robotik GmbH", description="Wir bauen Roboter.")
    vocabulary.refresh()
    words = dict(Word.objects.values_list("key", "word"))
    assert words["strassenfest"] == "straßenfest"
    assert {"ladeinfrastruktur", "kanalblick", "roboter"} <= words.keys()
    assert "quantenfeld" not in words
    assert "mit" not in words  # shorter than four letters


def test_correction_folds_umlauts_and_eszett(post):
    post("Straßenfest in Gladbeck")
    vocabulary.refresh()
    assert vocabulary.fold("Straßenfest") == vocabulary.fold("STRASSENFEST") == "strassenfest"
    assert vocabulary.correction("Strassenfest") is None  # the same word, nothing to correct
    assert vocabulary.correction("Strasenfest") == "Straßenfest"


def test_correction_leaves_phrases_and_exclusions_readable(post):
    post("Ladeinfrastruktur in Bottrop")
    vocabulary.refresh()
    assert vocabulary.correction('"Ladeinfrastrucktur Bottrop" -Marl') == (
        '"Ladeinfrastruktur Bottrop" -Marl'
    )


def test_the_task_rebuilds_only_when_the_index_changed(post, housekeeping):
    post("Ladeinfrastruktur in Bottrop")
    assert tasks.refresh_vocabulary.call() > 0
    assert tasks.refresh_vocabulary.call() is None
    Post.objects.update(title="Sturzmelder in Bottrop")
    assert tasks.refresh_vocabulary.call() > 0
    assert Word.objects.filter(key="sturzmelder").exists()
    Post.objects.update(title="Drohnenflug in Bottrop")
    housekeeping()  # a periodic task
    assert Word.objects.filter(key="drohnenflug").exists()


def test_generate_posts_is_deterministic_and_continues(db):
    from bench.support.corpus import generate, main

    cities = ["Marl", "Kreis Recklinghausen"]
    assert generate(7, 42, cities) == generate(7, 42, cities)
    assert generate(7, 42, cities) != generate(7, 43, cities)
    out = StringIO()
    main(["30", "--seed", "7"], stdout=out)
    main(["20", "--seed", "7"], stdout=out)
    assert "20 of 20 posts written" in out.getvalue()
    posts = Post.objects.published()
    assert posts.count() == 50
    assert posts.filter(slug__endswith="-49").exists()
    newest = posts.order_by("-published_at").first()
    assert newest.slug.endswith("-0") and newest.topics.exists()
    assert "<h2>" in newest.body_html and "## " in newest.body


def test_search_reindex_rebuilds_rows_that_went_missing(post, member):
    from smartregion.search.models import Document

    post("Ladeinfrastruktur in Bottrop")
    member("Kanalblick Robotik GmbH")
    Document.objects.all().delete()
    out = StringIO()
    call_command("search_reindex", stdout=out)
    assert "2 documents indexed" in out.getvalue()
    assert Word.objects.filter(key="ladeinfrastruktur").exists()


def test_trim_generated_keeps_the_newest(db):
    from bench.support.corpus import generate_posts, trim_generated
    from smartregion.search.models import Document

    generate_posts(12, seed=2)
    assert trim_generated(5) == 7
    assert sorted(
        int(slug.rsplit("-", 1)[1]) for slug in Post.objects.values_list("slug", flat=True)
    ) == [0, 1, 2, 3, 4]
    assert Document.objects.count() == 5
