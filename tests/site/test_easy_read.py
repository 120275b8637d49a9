"""Leichte Sprache and Gebärdensprache: the pages, their links on every page, the seed texts."""

import re
from importlib import import_module

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from smartregion.core.markup import markdown_to_text
from smartregion.core.models import EasyReadPage, SignLanguageVideo
from smartregion.core.text import long_sentences, sentences
from tests.factories import VTT, mp4_bytes
from tests.sitemaps import whole_sitemap
from tests.staff import login_staff

pytestmark = pytest.mark.django_db

SEED = import_module("smartregion.core.migrations.0012_seed_easy_read_pages")


def easy_page(slug="testseite", *, position=0, published=True, **fields) -> EasyReadPage:
    fields.setdefault("title", f"Seite {slug}")
    fields.setdefault("summary", "Eine kurze Beschreibung.")
    fields.setdefault("body", "Das ist ein Satz.\nDas ist noch ein Satz.")
    return EasyReadPage.objects.create(
        slug=slug, position=position, is_published=published, **fields
    )


def video(title="Willkommen", *, published=True, captions=True, position=0) -> SignLanguageVideo:
    obj = SignLanguageVideo(
        title=title, description="Das Video erklärt die Seite.", position=position
    )
    obj.is_published = published
    obj.video.save("video.mp4", ContentFile(mp4_bytes()), save=False)
    if captions:
        obj.captions.save("untertitel.vtt", ContentFile(VTT.encode()), save=False)
    obj.save()
    return obj


# The seeded texts ------------------------------------------------------------------------------


def test_the_seed_covers_what_the_portal_is_how_to_take_part_and_navigate():
    slugs = list(
        EasyReadPage.objects.published().order_by("position").values_list("slug", flat=True)
    )
    assert slugs == [slug for slug, *_rest in SEED.PAGES]
    bodies = " ".join(EasyReadPage.objects.values_list("body", flat=True))
    for words in [
        "Netzwerk bedeutet",
        "Beitrag einreichen",
        "kein Konto",
        "Mitglied werden",
        "Siegel",
        "Jetzt anmelden",
        "Newsletter: Das ist eine E-Mail mit Neuigkeiten.",
        "Newsletter-Anmeldung",
        "Such-Feld",
        "Gebärdensprache",
        "Erklärung zur Barrierefreiheit",
        "schreiben Sie uns",
    ]:
        assert words in bodies, words


@pytest.mark.parametrize("slug,title,summary,body", SEED.PAGES, ids=[p[0] for p in SEED.PAGES])
def test_every_seeded_sentence_has_at_most_15_words(slug, title, summary, body):
    text = "\n".join([title, summary, markdown_to_text(body)])
    assert len(sentences(text)) > 5
    assert long_sentences(text) == []


@pytest.mark.parametrize("slug,title,summary,body", SEED.PAGES, ids=[p[0] for p in SEED.PAGES])
def test_seeded_texts_use_no_abbreviations_and_digits_for_numbers(slug, title, summary, body):
    text = "\n".join([title, summary, body])
    assert not re.search(r"\b(z\. ?B|bzw|usw|ca|d\. ?h|u\. ?a|etc|ggf|evtl|Nr)\.", text)
    assert not re.search(r"\b(zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|zwölf)\b", text)


def test_the_sentence_check_finds_a_long_sentence():
    long = "Das ist ein sehr langer Satz mit viel zu vielen Wörtern, die niemand in einem Zug gut lesen kann."
    assert long_sentences(f"Kurzer Satz.\n{long}") == [long]
    assert long_sentences("Eins. Zwei drei. Vier?") == []


# The pages ---------------------------------------------------------------------------------------


def test_overview_lists_published_pages_in_the_redaktions_order(client):
    EasyReadPage.objects.all().delete()
    easy_page("zweite", title="Die zweite Seite", position=2)
    easy_page("erste", title="Die erste Seite", position=1)
    easy_page("entwurf", title="Noch nicht fertig", published=False)
    response = client.get("/leichte-sprache/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Die erste Seite") < html.index("Die zweite Seite")
    assert "Noch nicht fertig" not in html
    assert 'href="/leichte-sprache/erste/"' in html
    assert '<div lang="de">' in html
    assert "in einfachem Deutsch" not in html  # the note for other languages' visitors
    assert response.cookies == {}


def test_overview_query_count_does_not_grow_with_the_pages(client, django_assert_num_queries):
    with django_assert_num_queries(2):  # the content versions, the pages
        client.get("/leichte-sprache/")
    for n in range(10):
        easy_page(f"seite-{n}", position=n)
    with django_assert_num_queries(2):
        response = client.get("/leichte-sprache/")
    assert response.content.decode().count('href="/leichte-sprache/seite-') == 10


def test_a_page_shows_the_staff_edited_text_rendered_from_markdown(client):
    page = easy_page(
        "mitmachen",
        title="Mitmachen",
        body="## So geht es\n\nErster Satz.\nZweiter **Satz**.\n\n<script>alert(1)</script>",
    )
    response = client.get(page.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Mitmachen</h1>" in html
    assert "<h2>So geht es</h2>" in html
    assert "<p>Erster Satz.\nZweiter <strong>Satz</strong>.</p>" in html  # one sentence a line
    assert "<script>alert" not in html
    assert '<article lang="de">' in html


def test_an_unpublished_or_unknown_page_is_not_found(client):
    easy_page("entwurf", published=False)
    assert client.get("/leichte-sprache/entwurf/").status_code == 404
    assert client.get("/leichte-sprache/gibt-es-nicht/").status_code == 404


def test_a_page_links_the_other_pages_with_constant_queries(client, django_assert_num_queries):
    page = easy_page("hier")
    with django_assert_num_queries(3):  # the content versions, the page, the others
        html = client.get(page.get_absolute_url()).content.decode()
    assert 'href="/leichte-sprache/hier/" aria-current="page"' in html
    assert 'href="/leichte-sprache/newsletter-bestellen/"' in html
    assert 'href="/gebaerdensprache/"' in html


def test_sign_language_page_without_videos_says_so_and_points_to_help(client):
    response = client.get("/gebaerdensprache/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hier gibt es noch keine Videos in Gebärdensprache." in html
    assert "<video" not in html
    assert 'href="/leichte-sprache/"' in html
    assert 'href="/impressum/"' in html and 'href="/barrierefreiheit/"' in html


def test_sign_language_page_plays_the_videos_from_the_sites_own_media(client, settings):
    shown = video("Willkommen in Gebärdensprache")
    video("Noch in Arbeit", published=False)
    response = client.get("/gebaerdensprache/")
    html = response.content.decode()
    assert "Willkommen in Gebärdensprache" in html and "Noch in Arbeit" not in html
    assert "Hier gibt es noch keine Videos" not in html
    assert '<video controls preload="none"' in html
    assert f'<source src="/media/{shown.video.name}" type="video/mp4">' in html
    assert f'<track kind="captions" src="/media/{shown.captions.name}" srclang="de"' in html
    assert "Das Video erklärt die Seite." in html
    assert "youtube" not in html.lower() and "<iframe" not in html
    assert "media-src 'self'" in response.headers["Content-Security-Policy"]


def test_sign_language_query_count_does_not_grow_with_the_videos(client, django_assert_num_queries):
    video("Erstes Video")
    with django_assert_num_queries(2):  # the content versions, the videos
        client.get("/gebaerdensprache/")
    for n in range(5):
        video(f"Video {n}", position=n, captions=n % 2 == 0)
    with django_assert_num_queries(2):
        response = client.get("/gebaerdensprache/")
    assert response.content.decode().count("<video ") == 6


def test_a_webm_video_is_announced_as_webm(client):
    obj = SignLanguageVideo(title="WebM", description="Text.", is_published=True)
    from tests.factories import webm_bytes

    obj.video.save("video.webm", ContentFile(webm_bytes()), save=False)
    obj.save()
    assert 'type="video/webm"' in client.get("/gebaerdensprache/").content.decode()


# Links on every page ---------------------------------------------------------------------------

LINKS = [
    '<a href="/leichte-sprache/"',
    '<a href="/gebaerdensprache/"',
]


def assert_links(html: str) -> None:
    for link in LINKS:
        assert link in html
    assert ">Leichte Sprache</a>" in html and ">Gebärdensprache</a>" in html


def test_home_links_leichte_sprache_and_gebaerdensprache(client):
    assert_links(client.get("/").content.decode())


def test_a_blog_post_links_leichte_sprache_and_gebaerdensprache(client):
    from tests.factories import PostFactory

    post = PostFactory()
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert_links(response.content.decode())


def test_account_pages_link_leichte_sprache_and_gebaerdensprache(client, django_user_model):
    assert_links(client.get(reverse("account_login")).content.decode())
    user = django_user_model.objects.create_user(email="anna@example.org", password="pw-anna-1")
    client.force_login(user)
    response = client.get(reverse("account_email"))
    assert response.status_code == 200
    assert_links(response.content.decode())


def test_the_current_page_is_marked_in_the_header(client):
    html = client.get("/gebaerdensprache/").content.decode()
    assert '<a href="/gebaerdensprache/" aria-current="page">' in html


# Admin -------------------------------------------------------------------------------------------


def test_redaktion_saves_a_long_sentence_with_a_warning(client, staff_editor):
    login_staff(client, staff_editor)
    long = "Dieser Satz ist viel zu lang für Leichte Sprache, weil er sehr viele Wörter hat und nie endet."
    response = client.post(
        reverse("admin:smartregion_easyreadpage_add"),
        {
            "title": "Neue Seite",
            "slug": "neue-seite",
            "summary": "Kurz.",
            "body": f"Ein kurzer Satz.\n{long}",
            "position": "5",
            "is_published": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    page = EasyReadPage.objects.get(slug="neue-seite")  # saved: a warning, not an error
    messages = [str(m) for m in response.context["messages"]]
    assert any("mehr als 15 Wörter" in m and long in m for m in messages), messages
    assert client.get(page.get_absolute_url()).status_code == 200


def test_redaktion_saves_short_sentences_without_a_warning(client, staff_editor):
    login_staff(client, staff_editor)
    response = client.post(
        reverse("admin:smartregion_easyreadpage_add"),
        {
            "title": "Kurze Seite",
            "slug": "kurze-seite",
            "summary": "Kurz.",
            "body": "Ein kurzer Satz.\nNoch ein Satz.",
            "position": "5",
        },
        follow=True,
    )
    assert not EasyReadPage.objects.get(slug="kurze-seite").is_published
    assert not any("Wörter" in str(m) for m in response.context["messages"])


def test_redaktion_orders_the_pages_in_the_list(client, staff_editor):
    login_staff(client, staff_editor)
    response = client.get(reverse("admin:smartregion_easyreadpage_changelist"))
    assert response.status_code == 200
    assert 'name="form-0-position"' in response.content.decode()


# English (/en/): the Leichte Sprache pages stay German, marked lang="de" ---------------------


def test_english_overview_keeps_the_german_pages_marked_and_explains_them(client):
    response = client.get("/en/leichte-sprache/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "These pages are written in Leichte Sprache" in html
    assert '<div lang="de">' in html and "<h1>Leichte Sprache</h1>" in html
    assert "Hier finden Sie Informationen in Leichter Sprache." in html
    assert 'href="/en/leichte-sprache/newsletter-bestellen/"' in html
    assert response.cookies == {}


def test_english_easy_read_page_is_the_german_text(client):
    response = client.get("/en/leichte-sprache/newsletter-bestellen/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<article lang="de">' in html
    assert "Newsletter: Das ist eine E-Mail mit Neuigkeiten." in html
    assert "Weitere Seiten in Leichter Sprache" in html


def test_english_sign_language_page_speaks_english_around_the_german_videos(client):
    html = client.get("/en/gebaerdensprache/").content.decode()
    assert '<html lang="en">' in html
    assert "There are no videos in German Sign Language here yet." in html
    assert 'href="/en/leichte-sprache/"' in html
    video("Willkommen")
    html = client.get("/en/gebaerdensprache/").content.decode()
    assert "Here you find videos in German Sign Language" in html
    assert '<h2 id="video-' in html and 'lang="de">Willkommen</h2>' in html
    assert 'label="German"' in html


def test_english_pages_link_the_german_offers_by_their_german_names(client):
    html = client.get("/en/").content.decode()
    assert '<ul lang="de">' in html
    assert '<a href="/en/leichte-sprache/">Leichte Sprache</a>' in html
    assert '<a href="/en/gebaerdensprache/">Gebärdensprache</a>' in html
    assert 'aria-label="Easy-to-read German and German Sign Language"' in html


def test_the_sitemap_lists_the_published_easy_read_pages_and_the_sign_language_page(client):
    easy_page("entwurf", published=False)
    xml = whole_sitemap(client)
    assert "/leichte-sprache/newsletter-bestellen/</loc>" in xml
    assert "/gebaerdensprache/</loc>" in xml and "/leichte-sprache/</loc>" in xml
    assert "/leichte-sprache/entwurf/" not in xml
