"""Stories with a shape: the optional sections of a post (Ausgangslage, Lösung, Ergebnis, Tipps
zum Nachmachen, Ansprechpartner) from the form to the page, the admin, the revision and the search.
The form's bad input (no story at all, a section too long) is in test_submit.py."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from blog.models import SECTIONS, Post
from smartregion.core.models import Municipality
from smartregion.core.signing import make_token
from tests.blog.helpers import STORY, form_data, publish_in_admin, textarea_value, with_files
from tests.factories import PostFactory
from tests.staff import login_staff

pytestmark = pytest.mark.django_db

SUBMIT = "/blog/einreichen/"
HEADINGS = ["Ausgangslage", "Lösung", "Ergebnis", "Tipps zum Nachmachen", "Ansprechpartner"]


def section_headings(html: str) -> list[str]:
    return re.findall(r'<h2 id="abschnitt-[a-z]+-title">(.*?)</h2>', html)


def section_text(html: str, field: str) -> str:
    match = re.search(
        r'<section class="story__section[^"]*" id="abschnitt-' + field + r'"[^>]*>(.*?)</section>',
        html,
        re.S,
    )
    assert match, f"no section {field}"
    return match.group(1)


@pytest.mark.usefixtures("fast_forms")
def test_a_story_told_in_sections_is_published_in_that_shape(
    client, staff_editor, django_capture_on_commit_callbacks
):
    data = with_files(form_data(body="", **STORY), gallery=0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SUBMIT, data)
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.body == "" and post.body_html == ""
    assert [getattr(post, name) for name in STORY] == list(STORY.values())
    assert "<strong>App</strong>" in post.solution_html

    post.status = Post.Status.CONFIRMED
    post.save()
    login_staff(client, staff_editor)
    publish_in_admin(client, post, django_capture_on_commit_callbacks)
    client.logout()

    html = client.get(post.get_absolute_url()).content.decode()
    assert section_headings(html) == HEADINGS
    # A reader can jump to each section from the overview at the top.
    contents = re.search(r'<nav class="story__contents"[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert "Auf einen Blick" in contents
    assert re.findall(r'<a href="#abschnitt-([a-z]+)">', contents) == list(STORY)
    assert "<strong>App</strong>" in section_text(html, "solution")
    assert "Fangen Sie mit einem einzigen Produkt an." in section_text(html, "tips")
    assert '<div class="prose"></div>' not in html  # no empty free text


def test_a_post_with_free_text_only_is_shown_as_before(client):
    post = PostFactory(body="Unser Weg **durch** die Krise.")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Unser Weg <strong>durch</strong> die Krise." in html
    assert section_headings(html) == []
    assert "story__contents" not in html


def test_a_single_section_needs_no_overview_and_free_text_comes_first(client):
    post = PostFactory(body="Erst die Vorgeschichte.", tips="Klein anfangen.")
    html = client.get(post.get_absolute_url()).content.decode()
    assert section_headings(html) == ["Tipps zum Nachmachen"]
    assert "story__contents" not in html
    assert html.index("Erst die Vorgeschichte.") < html.index("Klein anfangen.")


def test_a_section_is_sanitised_like_the_free_text(client):
    post = PostFactory(
        solution='<script>alert(1)</script>[Klick](javascript:alert(2)) <img src=x onerror="y">',
        contact="[Anna](mailto:anna@example.org)",
    )
    html = client.get(post.get_absolute_url()).content.decode()
    solution = section_text(html, "solution")
    assert "<script" not in solution and "javascript:" not in solution and "onerror" not in solution
    assert '<a href="mailto:anna@example.org" rel="nofollow ugc noopener">Anna</a>' in (
        section_text(html, "contact")
    )


def test_english_pages_name_the_sections_in_english_and_mark_the_text_german(client):
    post = PostFactory(situation="Alles stand still.", solution="Ein Lieferdienst.")
    html = client.get(f"/en{post.get_absolute_url()}").content.decode()
    assert section_headings(html) == ["Situation", "Solution"]
    assert re.search(r'<div class="prose" lang="de">\s*<p>Alles stand still.</p>', html)


def test_the_redaktion_edits_the_sections_in_the_admin(client, staff_editor):
    post = PostFactory(outcome="Zehn Stunden gespart.")
    login_staff(client, staff_editor)
    html = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "Abschnitte" in html
    for section in SECTIONS:
        assert f'name="{section.field}"' in html
    assert textarea_value(html, "outcome") == "Zehn Stunden gespart."


@pytest.mark.usefixtures("fast_forms")
def test_revising_a_rejected_post_starts_from_its_sections(client):
    post = PostFactory(status=Post.Status.REJECTED, body="", **STORY)
    token = make_token("blog-revise", post.public_id)
    html = client.get(f"/blog/ueberarbeiten/{token}/").content.decode()
    for name, text in STORY.items():
        assert textarea_value(html, name) == text, name


# The search ----------------------------------------------------------------------------------

FILLER = "Ein Betrieb aus der Region hat einen neuen Weg gefunden."


def _titles(client, query: str) -> list[str]:
    html = client.get("/suche/", {"q": query}).content.decode()
    titles = re.findall(r'<h3 class="hit__title"><a href="[^"]*">(.*?)</a></h3>', html, re.S)
    return [re.sub(r"<[^>]+>", "", title).strip() for title in titles]


def _two_posts(older: str, newer: str) -> None:
    """„Älter“ with the word in the section ``older`` and „Neuer“, four hours newer, with it in
    ``newer``; every other section filled with the same text."""
    now = timezone.now()
    texts = {section.field: FILLER for section in SECTIONS}
    for title, field, age in (("Älter", older, 5), ("Neuer", newer, 1)):
        PostFactory(
            title=title,
            body="",
            published_at=now - timedelta(hours=age),
            **texts | {field: f"{FILLER} Zisterne."},
        )


@pytest.mark.parametrize(
    ("stronger", "weaker"),
    [
        ("solution", "situation"),
        ("tips", "situation"),
        ("tips", "outcome"),
        ("solution", "contact"),
    ],
)
def test_the_search_weights_the_sections(client, stronger, weaker):
    """The same word in a section that counts more (Lösung and Tipps count as the teaser) ranks
    its post first, even when the other post is newer (recency only breaks ties)."""
    _two_posts(older=stronger, newer=weaker)
    assert _titles(client, "Zisterne") == ["Älter", "Neuer"]


@pytest.mark.parametrize(("older", "newer"), [("situation", "outcome"), ("outcome", "contact")])
def test_the_other_sections_count_as_the_text_and_recency_decides(client, older, newer):
    _two_posts(older=older, newer=newer)
    assert _titles(client, "Zisterne") == ["Neuer", "Älter"]


def test_a_changed_section_is_found_by_its_new_words_only(client):
    post = PostFactory(title="Regenwasser", tips="Eine Zisterne im Hof.")
    assert _titles(client, "Zisterne") == ["Regenwasser"]
    post.tips = "Eine Regentonne im Hof."
    post.save()
    assert _titles(client, "Zisterne") == []
    assert _titles(client, "Regentonne") == ["Regenwasser"]


def test_a_hit_in_a_section_shows_the_passage_around_it(client):
    PostFactory(
        title="Werkstatt",
        body="",
        situation="Die Werkstatt stand leer.",
        tips="Buchen Sie die Termine über einen Kalender im Netz.",
        municipality=Municipality.objects.get(slug="marl"),
    )
    html = client.get("/suche/", {"q": "Kalender"}).content.decode()
    assert re.search(r"über einen <mark>Kalender</mark> im Netz", html)
