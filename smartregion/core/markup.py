"""Markdown for user and staff content, rendered and then sanitised with nh3.

Nothing that comes out can carry script, style, iframes, event handlers or javascript: links;
every link gets rel="nofollow ugc noopener".
"""

import html

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    html = markdown.markdown(text or "", extensions=["sane_lists", "tables"], output_format="html")
    # Headings in user content start at h2: the page title is the only h1.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )
    return mark_safe(cleaned)


def markdown_to_text(text: str) -> str:
    """Plain text of a Markdown body (for calendars, feeds and mails): the words without markup
    and without HTML entities („Kaffee & Kuchen“, not „Kaffee &amp; Kuchen“). Escape it where
    it goes into HTML, as any other text."""
    stripped = nh3.clean(markdown.markdown(text or ""), tags=set())  # entity-escaped text
    return html.unescape(stripped).strip()


class RendersMarkdown:
    """Model mixin: keep ``<field>_html`` rendered from each Markdown field on every save.

    ``markdown_fields`` maps a source field to the field holding its sanitised HTML.
    """

    markdown_fields: dict[str, str] = {}

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        for source, target in self.markdown_fields.items():
            setattr(self, target, render_markdown(getattr(self, source)))
            if update_fields is not None and source in update_fields:
                update_fields = {*update_fields, target}
        if update_fields is not None:
            kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)
