"""Browser tests for Leichte Sprache and Gebärdensprache: reachable from the header, readable
(one sentence a line, large text), and free of WCAG 2.1 A/AA violations (axe-core)."""

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from smartregion.core.models import SignLanguageVideo
from tests.factories import VTT, mp4_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def test_leichte_sprache_is_reached_from_the_header_and_passes_axe(
    live_server, site_page, axe_check
):
    site_page.goto(live_server.url + "/")
    site_page.get_by_role("navigation", name="Leichte Sprache und Gebärdensprache").get_by_role(
        "link", name="Leichte Sprache"
    ).click()
    expect(site_page.get_by_role("heading", level=1)).to_have_text("Leichte Sprache")
    expect(site_page.get_by_role("link", name="Den Newsletter bestellen")).to_be_visible()
    axe_check(site_page)
    assert site_page.console_errors == []


def test_a_page_in_leichte_sprache_shows_one_sentence_a_line_and_passes_axe(
    live_server, site_page, axe_check
):
    site_page.goto(live_server.url + "/leichte-sprache/")
    site_page.get_by_role("link", name="Den Newsletter bestellen").click()
    expect(site_page.get_by_role("heading", level=1)).to_have_text("Den Newsletter bestellen")
    paragraph = site_page.locator(".easy-read__text p").first
    # The click's navigation may show the heading before the stylesheet has loaded: wait for it.
    expect(paragraph).to_have_css("white-space", "pre-line")
    # Each sentence of the paragraph stands on a line of its own.
    lines = paragraph.inner_text().split("\n")
    assert lines[0] == "Newsletter: Das ist eine E-Mail mit Neuigkeiten."
    assert len(lines) >= 5
    font_size = paragraph.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    assert font_size >= 19  # larger than the site's body text (17 px)
    assert site_page.locator("article").get_attribute("lang") == "de"
    axe_check(site_page)
    assert site_page.console_errors == []


def test_gebaerdensprache_without_videos_says_so_and_passes_axe(live_server, site_page, axe_check):
    site_page.goto(live_server.url + "/")
    site_page.get_by_role("navigation", name="Leichte Sprache und Gebärdensprache").get_by_role(
        "link", name="Gebärdensprache"
    ).click()
    expect(site_page.get_by_role("heading", level=1)).to_have_text("Gebärdensprache")
    expect(site_page.get_by_role("status")).to_contain_text("noch keine Videos")
    expect(site_page.get_by_role("link", name="Informationen in Leichter Sprache")).to_be_visible()
    axe_check(site_page)
    assert site_page.console_errors == []


def test_gebaerdensprache_with_a_video_passes_axe_and_loads_nothing_before_play(
    live_server, site_page, axe_check
):
    video = SignLanguageVideo(
        title="Willkommen bei SMART REGION",
        description="In diesem Video erklären wir die Internet-Seite in Gebärdensprache.",
        is_published=True,
    )
    video.video.save("video.mp4", ContentFile(mp4_bytes()), save=False)
    video.captions.save("untertitel.vtt", ContentFile(VTT.encode()), save=False)
    video.save()

    site_page.goto(live_server.url + "/gebaerdensprache/")
    player = site_page.locator("video")
    expect(player).to_have_count(1)
    assert player.evaluate("v => v.controls") is True
    assert player.get_attribute("preload") == "none"
    assert player.evaluate("v => v.currentSrc || v.querySelector('source').src").startswith(
        live_server.url + "/media/gebaerdensprache/"
    )
    assert player.evaluate("v => v.textTracks[0].language") == "de"
    axe_check(site_page)
    # preload="none": the video file is not fetched until the visitor presses play.
    assert not [url for url in site_page.requests if url.endswith(".mp4")]
    assert site_page.console_errors == []


@pytest.mark.parametrize(
    "path",
    ["/en/leichte-sprache/", "/en/leichte-sprache/mitglied-werden/", "/en/gebaerdensprache/"],
)
def test_the_english_versions_pass_axe(live_server, site_page, axe_check, path):
    response = site_page.goto(live_server.url + path)
    assert response.status == 200
    assert site_page.locator("html").get_attribute("lang") == "en"
    axe_check(site_page)
    assert site_page.console_errors == []
