import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from smartregion.core.models import Municipality, Page, Topic
from smartregion.site.sitemaps import InEachLanguage
from tests.dates import assert_machine_time
from tests.factories import PostFactory
from tests.sitemaps import sitemap_pages, whole_sitemap
from tests.staff import login_staff

pytestmark = pytest.mark.django_db


def test_home_page_is_german_with_navigation_and_footer(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de">' in html
    assert "SMART REGION" in html and "Emscher-Lippe" in html
    assert 'href="#main"' in html  # skip link
    for label in ("Start", "Über uns", "Impressum", "Datenschutz", "Barrierefreiheit"):
        assert label in html
    # Empty states until the content apps have content.
    assert "Noch keine Beiträge veröffentlicht." in html


@pytest.mark.parametrize(
    "path", ["/", "/ueber-uns/", "/impressum/", "/datenschutz/", "/barrierefreiheit/"]
)
def test_reading_pages_set_no_cookie(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_templates_need_no_inline_style_or_script(client):
    html = client.get("/").content.decode()
    assert "style=" not in html
    assert "<script>" not in html


@pytest.mark.parametrize(
    ("slug", "title"),
    [
        ("ueber-uns", "Über uns"),
        ("impressum", "Impressum"),
        ("datenschutz", "Datenschutzerklärung"),
        ("barrierefreiheit", "Erklärung zur Barrierefreiheit"),
    ],
)
def test_seeded_and_legal_pages_are_served(client, slug, title):
    response = client.get(f"/{slug}/")
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in response.content.decode()


def test_staff_edits_to_a_page_show_up(client):
    page = Page.objects.get(slug="ueber-uns")
    page.body = "## Anschrift\n\nMusterstraße 1, 45699 Herten"
    page.save()
    html = client.get("/ueber-uns/").content.decode()
    assert "<h2>Anschrift</h2>" in html
    assert "Musterstraße 1" in html


def test_unknown_page_gives_german_404(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_500_page_is_standalone_german(client, settings):
    from smartregion.site.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Technischer Fehler" in html and 'lang="de"' in html


def test_taxonomy_is_seeded_by_migration():
    names = set(Municipality.objects.values_list("name", flat=True))
    for city in (
        "Gelsenkirchen",
        "Bottrop",
        "Castrop-Rauxel",
        "Datteln",
        "Dorsten",
        "Gladbeck",
        "Haltern am See",
        "Herten",
        "Marl",
        "Oer-Erkenschwick",
        "Recklinghausen",
        "Waltrop",
    ):
        assert city in names
    assert Topic.objects.filter(
        slug="kuenstliche-intelligenz", name="Künstliche Intelligenz"
    ).exists()
    assert Topic.objects.count() >= 10


def test_robots_txt_points_to_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_sitemap_lists_home_and_pages(client):
    body = whole_sitemap(client)
    assert "<loc>http://testserver/</loc>" in body
    assert "<loc>http://testserver/impressum/</loc>" in body


def test_redaktion_group_exists_with_content_permissions():
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="Redaktion")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_page", "change_topic", "change_municipality"} <= codenames


def test_editor_without_superuser_can_edit_pages_in_admin(client, staff_editor):
    assert not staff_editor.is_superuser
    login_staff(client, staff_editor)
    page = Page.objects.get(slug="ueber-uns")
    url = reverse("admin:smartregion_page_change", args=[page.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "slug": "ueber-uns",
            "title": "Über uns",
            "intro": "Angaben nach § 5 DDG",
            "body": "## Anbieterin\n\nWiN Emscher-Lippe GmbH, **neue Anschrift** in Herten.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:smartregion_page_changelist")
    page.refresh_from_db()
    assert page.intro == "Angaben nach § 5 DDG"
    assert "**neue Anschrift** in Herten" in page.body
    html = client.get("/ueber-uns/").content.decode()
    assert '<p class="lead">Angaben nach § 5 DDG</p>' in html
    assert "<strong>neue Anschrift</strong> in Herten" in html


def test_admin_is_german_and_branded(client, admin_user):
    login_staff(client, admin_user)
    html = client.get(reverse("admin:index")).content.decode()
    assert "SMART REGION Emscher-Lippe · Redaktion" in html
    assert 'lang="de"' in html


def test_admin_login_goes_through_allauth_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# The sitemap index and its pages ---------------------------------------------------------------


def _locations(client, path) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    return re.findall(r"<url>\s*<loc>([^<]+)</loc>", response.content.decode())


def test_the_sitemap_index_pages_each_section_and_every_url_is_on_one_page(client, monkeypatch):
    monkeypatch.setattr(InEachLanguage, "limit", 3)  # an odd limit splits a post's two languages
    posts = PostFactory.create_batch(4)
    pages = sitemap_pages(client)
    blog_pages = [page for page in pages if page.startswith("/sitemap-blog.xml")]
    # 4 posts in 2 languages are 8 URLs: 3 pages of at most 3.
    assert blog_pages == ["/sitemap-blog.xml", "/sitemap-blog.xml?p=2", "/sitemap-blog.xml?p=3"]
    assert "/sitemap-static.xml" in pages and "/sitemap-legal.xml" in pages
    locations = [loc for page in blog_pages for loc in _locations(client, page)]
    assert [len(_locations(client, page)) for page in blog_pages] == [3, 3, 2]
    expected = {f"http://testserver{post.get_absolute_url()}" for post in posts}
    expected |= {f"http://testserver/en{post.get_absolute_url()}" for post in posts}
    assert sorted(locations) == sorted(expected)
    assert client.get("/sitemap-blog.xml?p=4").status_code == 404
    assert client.get("/sitemap-blog.xml?p=x").status_code == 404
    assert client.get("/sitemap-nichts.xml").status_code == 404


def test_the_sitemap_index_gives_each_section_its_latest_change(client):
    older = PostFactory()
    newer = PostFactory()
    Post.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(days=3))
    latest = Post.objects.get(pk=newer.pk).updated_at
    index = client.get("/sitemap.xml").content.decode()
    entry = re.search(r"<loc>http://testserver/sitemap-blog.xml</loc>\s*<lastmod>([^<]+)<", index)
    assert entry
    assert_machine_time(entry.group(1), latest)


def test_a_sitemap_page_reads_its_own_items_whatever_the_section_holds(client, monkeypatch):
    monkeypatch.setattr(InEachLanguage, "limit", 10)  # 5 posts in two languages a page

    def queries_for_first_page() -> int:
        caches["fragments"].clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/sitemap-blog.xml").status_code == 200
        return len(queries)

    PostFactory.create_batch(2)
    few = queries_for_first_page()
    PostFactory.create_batch(30)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/sitemap-blog.xml").status_code == 200
    assert len(queries) == few
    rows = [q["sql"] for q in queries if 'FROM "blog_post"' in q["sql"] and "LIMIT" in q["sql"]]
    assert rows and all(sql.endswith("LIMIT 5") for sql in rows)


@pytest.mark.parametrize(
    ("prefix", "language", "title"),
    [("", "de", "Formular nicht angenommen"), ("/en", "en", "Form not accepted")],
)
def test_a_form_sent_without_its_csrf_cookie_gets_the_sites_own_page(prefix, language, title):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        prefix + "/barrierefreiheit/rueckmeldung/", {"message": "Kontrast zu schwach"}
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert f'<html lang="{language}">' in html
    assert f"<h1>{title}</h1>" in html
    # The site's own page (templates/403_csrf.html), rendered with its request: the navigation
    assert re.search(r'<nav class="site-nav"[^>]*>\s*<ul>\s*<li><a href="(/en)?/"', html)
    assert "CSRF" not in html
