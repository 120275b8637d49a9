"""Browser tests for the blog: list, detail with gallery and video, submission, report, my posts.

The live server does not serve MEDIA_URL (production leaves that to the web server), so the
``site_page`` fixture answers /media/ requests from MEDIA_ROOT and aborts every request to
another host: the tests need no network and notice any third-party request.
"""

import functools
import re

import pytest
from django.conf import settings
from django.core import mail
from PIL import Image, ImageDraw

from tests.browser.helpers import EXTERNAL
from tests.factories import PostFactory, UserFactory, image_bytes

pytestmark = pytest.mark.django_db(transaction=True)

YOUTUBE_URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@functools.cache
def _cover_renditions():
    """Real WebP and JPEG renditions of a generated picture, encoded once per session."""
    from smartregion.core.images import make_renditions

    image = Image.new("RGB", (960, 540), (11, 95, 133))
    ImageDraw.Draw(image).rectangle((240, 135, 720, 405), fill=(159, 224, 199))
    return make_renditions(image)


def _with_cover(post):
    from smartregion.core.images import store_renditions

    post.cover_renditions = store_renditions(
        _cover_renditions(), prefix=f"blog/{post.public_id.hex}/cover"
    )
    post.save(update_fields=["cover_renditions"])
    return post


def _verified(**kwargs):
    from smartregion.core.images import verify_image

    return verify_image(image_bytes(**kwargs))


def _post_with_gallery_and_video():
    """Stored like a real submission (private originals), then rendered as on publication."""
    from blog import services
    from blog.models import PostImage
    from smartregion.core.images import original_file

    post = PostFactory(
        title="Mit Video und Galerie", slug="mit-video-und-galerie", video_url=YOUTUBE_URL
    )
    post.cover_original.save("cover", original_file(_verified()), save=True)
    for position, color in enumerate([(120, 40, 40), (40, 120, 40)]):
        image = PostImage(post=post, position=position, alt_text=f"Galeriebild {position + 1}")
        image.original.save(
            "gallery",
            original_file(_verified(width=900, height=600, color=color)),
            save=False,
        )
        image.save()
    services.render_images(post)
    post.refresh_from_db()
    assert post.cover_renditions and all(i.renditions for i in post.images.all())
    return post


def _assert_images_loaded(page):
    broken = page.evaluate(
        "[...document.images].filter(i => i.loading !== 'lazy' || i.complete)"
        ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.currentSrc || i.src)"
    )
    assert broken == []


# List -------------------------------------------------------------------------------------------


def test_list_with_covers_and_pagination_passes_axe(live_server, site_page, axe_check):
    from smartregion.core.models import Topic

    energy = Topic.objects.get(slug="smart-energy")
    for index in range(14):
        post = PostFactory(topics=[energy] if index % 4 == 0 else None)
        _with_cover(post)

    page = site_page
    response = page.goto(live_server.url + "/blog/")
    assert response.status == 200
    assert page.locator(".card-grid > li").count() == 12
    assert page.locator(".card-grid picture source[type='image/webp']").count() == 12
    pagination = page.get_by_role("navigation", name="Seitennavigation")
    assert pagination.is_visible()
    assert pagination.get_by_role("link", name="Seite 2").is_visible()
    page.wait_for_load_state("networkidle")
    _assert_images_loaded(page)
    axe_check(page)
    assert page.console_errors == []

    page.get_by_role("link", name="Seite 2").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator(".card-grid > li").count() == 2
    axe_check(page)

    # Filter through the form.
    page.get_by_role("combobox", name="Themenfeld").select_option(label="Smart Energy")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url(re.compile(r"[?&]thema=smart-energy"))
    assert "page=" not in page.url
    assert page.locator(".card-grid > li").count() == 4
    assert page.get_by_role("status").first.inner_text() == "4 Beiträge"
    active = page.get_by_role("list", name="Aktive Filter")
    assert active.is_visible()
    remove = active.get_by_role("link", name="Smart Energy Filter entfernen")
    assert remove.is_visible()
    assert page.get_by_role("combobox", name="Themenfeld").input_value() == "smart-energy"
    assert page.get_by_role("navigation", name="Seitennavigation").count() == 0
    axe_check(page)

    remove.click()
    page.wait_for_url(lambda url: "thema=" not in url)
    assert page.get_by_role("list", name="Aktive Filter").count() == 0
    assert page.locator(".card-grid > li").count() == 12
    assert page.console_errors == []
    assert not [url for url in page.requests if EXTERNAL.match(url)]


# Detail -----------------------------------------------------------------------------------------


def test_detail_with_gallery_and_video_loads_nothing_external_before_consent(
    live_server, site_page, axe_check
):
    post = _post_with_gallery_and_video()
    page = site_page

    response = page.goto(live_server.url + post.get_absolute_url())
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == post.title
    assert page.locator(".gallery img").count() == 2
    _assert_images_loaded(page)
    axe_check(page)
    assert page.console_errors == []
    assert page.locator("iframe").count() == 0
    external = [url for url in page.requests if not url.startswith(live_server.url)]
    assert external == [], "requests to other hosts before the reader asked for the video"

    # The CSP allows the frame: Chromium asks for it, and the test's route aborts it (a
    # frame blocked by the CSP fails with net::ERR_BLOCKED_BY_CSP instead).
    with page.expect_event(
        "requestfailed", lambda request: "youtube-nocookie.com" in request.url
    ) as failed:
        page.get_by_role("button", name="Video laden").click()
    assert failed.value.failure == "net::ERR_FAILED"
    frame = page.locator(".video-consent iframe")
    assert frame.get_attribute("src").startswith(
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    )
    assert frame.get_attribute("title") == f"Video zum Beitrag „{post.title}“"
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"
    csp_errors = [
        m for m in page.console_errors if "Content Security Policy" in m or "Refused to" in m
    ]
    assert csp_errors == []
    others = [m for m in page.console_errors if "net::ERR_FAILED" not in m]
    assert others == []
    axe_check(page)


def test_a_story_in_sections_and_its_similar_examples_pass_axe_and_the_overview_leads_to_each_section(
    live_server, site_page, axe_check
):
    post = _with_cover(
        PostFactory(
            body="",
            situation="Die Läden waren zu.\n\n" + "Lange Zeit kam niemand. " * 40,
            solution="Eine **App** zum Vorbestellen.\n\n" + "Gebaut mit dem Stadtteilbüro. " * 40,
            outcome="- ein Drittel der Brötchen über die App\n- weniger Reste am Abend",
            tips="Mit einem einzigen Produkt anfangen.",
            contact="Anna Beispiel, Inhaberin",
        )
    )
    alike = _with_cover(PostFactory(title="Brötchen per App in Gladbeck"))
    page = site_page
    page.goto(live_server.url + post.get_absolute_url())
    similar = page.get_by_role("region", name="Ähnliche Beispiele")
    assert similar.get_by_role("link", name=alike.title).is_visible()
    overview = page.get_by_role("navigation", name="Auf einen Blick")
    assert overview.get_by_role("link").all_inner_texts() == [
        "Ausgangslage",
        "Lösung",
        "Ergebnis",
        "Tipps zum Nachmachen",
        "Ansprechpartner",
    ]
    tips = page.get_by_role("region", name="Tipps zum Nachmachen")
    assert not tips.evaluate("e => e.getBoundingClientRect().top < window.innerHeight")
    overview.get_by_role("link", name="Tipps zum Nachmachen").click()
    page.wait_for_url(re.compile(r"#abschnitt-tips$"))
    assert tips.evaluate("e => e.getBoundingClientRect().top < window.innerHeight")
    assert tips.get_by_role("heading", level=2).inner_text() == "Tipps zum Nachmachen"
    axe_check(page)
    assert page.console_errors == []


# Submission -------------------------------------------------------------------------------------


@pytest.fixture
def no_min_fill_time(monkeypatch):
    from smartregion.core.spam import SpamProtectedForm

    monkeypatch.setattr(SpamProtectedForm, "min_fill_seconds", 0)


def test_empty_submission_form_passes_axe(live_server, site_page, axe_check):
    page = site_page
    response = page.goto(live_server.url + "/blog/einreichen/")
    assert response.status == 200
    axe_check(page)
    assert page.console_errors == []


def test_submission_error_state_passes_axe(live_server, site_page, axe_check, no_min_fill_time):
    page = site_page
    page.goto(live_server.url + "/blog/einreichen/")
    page.get_by_role("textbox", name="Titel", exact=True).fill("Unser Weg ins Netz")
    page.get_by_label("Ihr Name").fill("Erika Mustermann")
    page.get_by_label("Ihre E-Mail-Adresse").fill("keine-adresse")
    page.get_by_role("button", name="Beitrag einreichen").click()
    page.wait_for_load_state()

    assert "/blog/einreichen/" in page.url
    assert page.title().startswith("Beitrag einreichen – Fehler")
    summary = page.get_by_role("alert")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "form-errors"
    assert summary.get_by_role("heading", name="Bitte prüfen Sie Ihre Angaben").is_visible()
    # Every link in the summary leads to a field on the page.
    links = summary.get_by_role("link")
    assert links.count() >= 5
    for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert page.locator(href).count() == 1, f"summary link {href} leads nowhere"

    # Neither a section nor the free text: the message stands beside the Lösung.
    for field_id in ("id_teaser", "id_solution", "id_cover", "id_author_email"):
        field = page.locator(f"#{field_id}")
        assert field.get_attribute("aria-invalid") == "true", field_id
        error = page.locator(f"#{field_id}_error")
        assert error.is_visible(), field_id
        assert f"{field_id}_error" in (field.get_attribute("aria-describedby") or "")
    assert page.locator("#id_title").get_attribute("aria-invalid") is None
    assert page.locator("#id_topics_error").is_visible()
    # What was typed is kept.
    assert page.locator("#id_title").input_value() == "Unser Weg ins Netz"
    assert page.locator("#id_author_name").input_value() == "Erika Mustermann"
    assert page.locator("#id_author_email").input_value() == "keine-adresse"

    axe_check(page)
    assert page.console_errors == []


def test_full_submission_and_confirmation(
    live_server, site_page, axe_check, no_min_fill_time, tmp_path
):
    from blog.models import Post

    cover = tmp_path / "titelbild.jpg"
    cover.write_bytes(image_bytes(width=1200, height=800))
    gallery = tmp_path / "galerie.jpg"
    gallery.write_bytes(image_bytes(width=900, height=600, color=(200, 120, 30)))

    page = site_page
    page.goto(live_server.url + "/blog/einreichen/")
    page.get_by_role("textbox", name="Titel", exact=True).fill("Werkstatt mit Tablet")
    page.get_by_label("Kurzbeschreibung").fill("Wie eine Tischlerei ihre Aufträge digital plant.")
    page.get_by_role("textbox", name="Ausgangslage").fill("Papier überall.")
    page.get_by_role("textbox", name="Lösung").fill("Ein Tablet an jeder Werkbank.")
    page.get_by_role("textbox", name="Tipps zum Nachmachen").fill("Mit einer Werkbank anfangen.")
    page.get_by_label("Video (optional)").fill(YOUTUBE_URL)
    page.get_by_role("textbox", name="Organisation", exact=True).fill("Tischlerei Beispiel")
    page.get_by_label("Kommune").select_option(label="Bottrop")
    page.get_by_label("Website (optional)").fill("https://tischlerei.example.org")
    page.get_by_role("checkbox", name="Smart Economy").check()
    page.get_by_label(re.compile(r"^Titelbild\W*$")).set_input_files(cover)
    page.get_by_label("Alternativtext des Titelbilds").fill("Ein Tischler mit Tablet")
    page.get_by_label("Galeriebild 1", exact=True).set_input_files(gallery)
    page.get_by_label("Alternativtext zu Galeriebild 1").fill("Die Werkstatt von innen")
    page.get_by_label("Ihr Name").fill("Max Beispiel")
    page.get_by_label("Ihre E-Mail-Adresse").fill("max@example.org")
    page.get_by_label("Ich habe die Rechte").check()
    page.get_by_role("button", name="Beitrag einreichen").click()

    page.wait_for_url(re.compile(r"/blog/einreichen/danke/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Danke für Ihren Beitrag"
    assert "Bitte bestätigen" in page.get_by_role("status").inner_text()
    axe_check(page)

    post = Post.objects.get(title="Werkstatt mit Tablet")
    assert post.status == Post.Status.SUBMITTED
    assert post.images.count() == 1
    assert [t.slug for t in post.topics.all()] == ["smart-economy"]
    assert (post.situation, post.solution, post.tips, post.body) == (
        "Papier überall.",
        "Ein Tablet an jeder Werkbank.",
        "Mit einer Werkbank anfangen.",
        "",
    )
    confirm_mails = [m for m in mail.outbox if m.to == ["max@example.org"]]
    assert len(confirm_mails) == 1
    match = re.search(r"/blog/bestaetigen/[^/\s]+/", confirm_mails[0].body)
    assert match, confirm_mails[0].body

    page.goto(live_server.url + match.group(0))
    assert page.get_by_role("heading", level=1).inner_text() == "E-Mail-Adresse bestätigt"
    axe_check(page)
    post.refresh_from_db()
    assert post.status == Post.Status.CONFIRMED
    assert page.console_errors == []
    assert not [url for url in page.requests if EXTERNAL.match(url)]


# Report and my posts ----------------------------------------------------------------------------


def test_report_page_passes_axe(live_server, site_page, axe_check):
    post = _with_cover(PostFactory())
    page = site_page
    response = page.goto(live_server.url + f"/blog/{post.slug}/melden/")
    assert response.status == 200
    axe_check(page)

    # The error state too: the reason is required.
    page.get_by_role("button", name="Meldung absenden").click()
    page.wait_for_load_state()
    reason = page.get_by_label("Was ist an diesem Beitrag nicht in Ordnung?")
    assert reason.get_attribute("aria-invalid") == "true"
    axe_check(page)

    reason.fill("Das Bild zeigt eine andere Firma.")
    page.get_by_role("button", name="Meldung absenden").click()
    page.wait_for_url(live_server.url + post.get_absolute_url())
    assert "Danke für Ihren Hinweis" in page.get_by_role("status").first.inner_text()
    axe_check(page)
    assert page.console_errors == []


def test_my_posts_page_passes_axe(live_server, site_page, axe_check):
    from django.test import Client

    from blog.models import Post

    user = UserFactory(email="autorin@example.org")
    _with_cover(PostFactory(title="Schon online", submitted_by=user))
    PostFactory(
        title="Noch in Prüfung", status=Post.Status.CONFIRMED, published_at=None, submitted_by=user
    )
    PostFactory(
        title="Abgelehnt",
        status=Post.Status.REJECTED,
        published_at=None,
        rejection_reason="Bitte ein eigenes Foto verwenden.",
        submitted_by=user,
    )
    client = Client()
    client.force_login(user)
    page = site_page
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )

    response = page.goto(live_server.url + "/blog/meine-beitraege/")
    assert response.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == "Meine Beiträge"
    table = page.get_by_role("table")
    assert table.get_by_role("row").count() == 4
    assert table.get_by_role("link", name="Schon online").is_visible()
    assert "Bitte ein eigenes Foto verwenden." in table.inner_text()
    axe_check(page)
    assert page.console_errors == []
