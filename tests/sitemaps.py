"""Reading the whole sitemap as a search engine does: the index, then every page it lists."""

import re
from urllib.parse import urlsplit

SITEMAP_INDEX = "/sitemap.xml"


def sitemap_pages(client) -> list[str]:
    """The paths (with ?p=) of the sitemap pages the index lists, each answered 200 as XML."""
    response = client.get(SITEMAP_INDEX)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    index = response.content.decode()
    assert "<sitemapindex" in index
    pages = []
    for location in re.findall(r"<loc>([^<]+)</loc>", index):
        parts = urlsplit(location)
        pages.append(f"{parts.path}?{parts.query}" if parts.query else parts.path)
    assert pages, "the sitemap index lists no page"
    return pages


def whole_sitemap(client) -> str:
    """Every sitemap page the index lists, one after the other."""
    bodies = []
    for page in sitemap_pages(client):
        response = client.get(page)
        assert response.status_code == 200, page
        bodies.append(response.content.decode())
    return "\n".join(bodies)
