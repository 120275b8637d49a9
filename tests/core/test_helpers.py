import pytest

from smartregion.core.markup import render_markdown
from smartregion.core.text import german_slugify, unique_slug


def test_german_slugify_keeps_umlauts_and_sharp_s_readable():
    assert german_slugify("Straßenfest in Müllheim") == "strassenfest-in-muellheim"
    assert german_slugify("Ökologische Übergänge") == "oekologische-uebergaenge"


@pytest.mark.django_db
def test_unique_slug_appends_a_number():
    from smartregion.core.models import Topic

    assert unique_slug(Topic, "Bildung") == "bildung-2"
    assert unique_slug(Topic, "Ganz neu") == "ganz-neu"


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<style>body{display:none}</style>",
        '<iframe src="https://evil.example"></iframe>',
        '<img src=x onerror="alert(1)">',
        "[klick](javascript:alert(1))",
        '<a href="#" onclick="alert(1)">x</a>',
    ],
)
def test_markdown_cannot_inject_active_content(payload):
    html = str(render_markdown(payload)).lower()
    for needle in ("<script", "<style", "<iframe", "onerror", "onclick", "javascript:"):
        assert needle not in html


def test_markdown_links_get_nofollow_ugc_noopener():
    html = str(render_markdown("[WiN](https://example.org)"))
    assert 'rel="nofollow ugc noopener"' in html
    assert 'href="https://example.org"' in html


def test_markdown_headings_start_at_h2():
    assert "<h2>Titel</h2>" in str(render_markdown("# Titel"))
