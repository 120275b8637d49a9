"""The blog in English: /en/blog/, English titles where the Redaktion wrote them, and the mails of
a submission made on the English pages in English, also those staff send later from the admin."""

import re

import pytest

from blog.models import Post
from smartregion.core.models import Topic
from tests.blog.helpers import form_data, link_in, publish_in_admin, with_files
from tests.english import queries_rendering
from tests.factories import PostFactory
from tests.staff import login_staff

pytestmark = pytest.mark.django_db


def test_english_list_shows_english_titles_and_marks_german_ones(client):
    PostFactory(title="Die Bäckerei-App", title_en="The bakery app", teaser_en="Order ahead.")
    german_only = PostFactory(title="Digitale Sprechstunde", teaser="Ärzte per Video.")
    topic = Topic.objects.get(slug="smart-economy")
    topic.name_en = "Smart economy (en)"
    topic.save()

    english = client.get("/en/blog/").text
    assert "<h1>Resourceful through the crisis</h1>" in english
    assert ">Submit a post</a>" in english
    assert '<a href="/en/blog/digitale-idee-' in english  # cards link to English pages
    assert ">The bakery app</a>" in english
    assert "<p>Order ahead.</p>" in english
    assert f'><span lang="de">{german_only.title}</span></a>' in english
    assert '<p><span lang="de">Ärzte per Video.</span></p>' in english
    assert '<li class="tag">Smart economy (en)</li>' in english
    assert "2 posts" in english

    german = client.get("/blog/").text
    assert "<h1>Ideenreich durch die Krise</h1>" in german
    assert ">Die Bäckerei-App</a>" in german and "The bakery app" not in german
    assert f">{german_only.title}</a>" in german
    assert 'lang="de"><' not in german.replace('<html lang="de">', "")


def test_english_list_queries_do_not_grow_with_the_posts(client):
    PostFactory(title_en="One")
    few = queries_rendering(client, "/en/blog/")
    PostFactory.create_batch(4, title_en="More", teaser_en="More posts.")
    PostFactory.create_batch(3)
    assert queries_rendering(client, "/en/blog/") == few


def test_english_detail_keeps_the_german_body_marked_german(client):
    post = PostFactory(title_en="The bakery app", teaser_en="Order ahead by app.")
    english = client.get(f"/en/blog/{post.slug}/").text
    assert "<title>The bakery app · " in english
    assert '<meta property="og:title" content="The bakery app">' in english
    assert '<meta property="og:locale" content="en_GB">' in english
    assert "<h1>The bakery app</h1>" in english
    assert '<p class="lead">Order ahead by app.</p>' in english
    assert '<div class="prose" lang="de">' in english
    assert '"headline": "The bakery app"' in english
    assert "About this post" in english

    german = client.get(f"/blog/{post.slug}/").text
    assert f"<h1>{post.title}</h1>" in german
    assert '<div class="prose">' in german
    assert "Über diesen Beitrag" in german


def test_submission_on_the_english_pages_is_mailed_in_english_the_redaktion_in_german(
    client,
    fast_forms,
    site_url,
    staff_editor,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/blog/einreichen/", with_files(form_data()))
    assert response.status_code == 302
    assert response["Location"] == "/en/blog/einreichen/danke/"
    post = Post.objects.get()
    assert post.language == "en"

    confirm = mailoutbox.pop()
    assert confirm.subject == f"Please confirm your submission: {post.title}"
    assert "Thank you for your post" in confirm.body
    assert "Bitte" not in confirm.body
    assert '<html lang="en">' in confirm.alternatives[0][0]
    path = link_in(confirm.body, site_url, r"/en/blog/bestaetigen/[^/\s]+/")

    with django_capture_on_commit_callbacks(execute=True):
        assert "Email address confirmed" in client.get(path).text
    receipt = next(m for m in mailoutbox if m.to == [post.author_email])
    assert receipt.subject == f"We have received your post: {post.title}"
    editors = next(m for m in mailoutbox if staff_editor.email in m.to)
    assert editors.subject == f"Neuer Beitrag wartet auf Prüfung: {post.title}"
    assert '<html lang="de">' in editors.alternatives[0][0]
    mailoutbox.clear()

    # The Redaktion publishes later, in the German admin: the mail still follows the submitter.
    Post.objects.filter(pk=post.pk).update(title_en="The bakery app")
    login_staff(client, staff_editor)
    assert publish_in_admin(client, post, django_capture_on_commit_callbacks).status_code == 302
    published = mailoutbox.pop()
    assert published.subject == "Your post is online: The bakery app"
    assert "The editorial team has published your post “The bakery app”" in published.body
    assert f"{site_url}/en/blog/{post.slug}/" in published.body
    assert "Your SMART REGION Emscher-Lippe editorial team" in published.body


def test_rejection_by_staff_reaches_an_english_submitter_in_english(
    client, make_post, staff_editor, site_url, django_capture_on_commit_callbacks, mailoutbox
):
    english = make_post("confirmed")
    german = make_post("confirmed")
    Post.objects.filter(pk=english.pk).update(language="en")
    login_staff(client, staff_editor)
    ids = [english.pk, german.pk]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/blog/post/",
            {"action": "reject", "apply": "1", "_selected_action": ids, "reason": "Zu kurz."},
        )
    by_address = {message.to[0]: message for message in mailoutbox}
    to_english = by_address[english.author_email]
    assert to_english.subject == f"Your post “{english.title}” needs revising"
    assert "Unfortunately, the editorial team cannot publish" in to_english.body
    revise = link_in(to_english.body, site_url, r"/en/blog/ueberarbeiten/[^/\s]+/")
    assert "Revise post" in client.get(revise).text
    # The reason the Redaktion wrote is German: marked so in the HTML part.
    assert '<blockquote lang="de"' in to_english.alternatives[0][0]

    to_german = by_address[german.author_email]
    assert to_german.subject == f"Ihr Beitrag „{german.title}“ braucht eine Überarbeitung"
    link_in(to_german.body, site_url, r"/blog/ueberarbeiten/[^/\s]+/")
    assert "/en/" not in to_german.body


def test_english_feed_has_english_titles(client):
    PostFactory(title="Die Bäckerei-App", title_en="The bakery app", teaser_en="Order ahead.")
    PostFactory(title="Digitale Sprechstunde")
    english = client.get("/en/blog/feed/").text
    assert "<title>Resourceful through the crisis – SMART REGION Emscher-Lippe</title>" in english
    assert "<language>en</language>" in english
    assert "<title>The bakery app</title>" in english
    assert "<description>Order ahead.</description>" in english
    assert "<title>Digitale Sprechstunde</title>" in english  # no English title: the German one
    assert re.search(r"<link>https?://[^<]+/en/blog/digitale-idee-\d+/</link>", english)

    german = client.get("/blog/feed/").text
    assert "<title>Ideenreich durch die Krise – SMART REGION Emscher-Lippe</title>" in german
    assert "<language>de</language>" in german
    assert "<title>Die Bäckerei-App</title>" in german
    assert "The bakery app" not in german
    atom = client.get("/en/blog/feed/atom/").text
    assert 'xml:lang="en"' in atom and "The bakery app" in atom
