"""A charter's text as HTML: paragraphs, "- " lists and **bold**, nothing else.

The text is Markdown read by markdown-it-py with its "zero" preset: raw HTML
is escaped (never passed through), links, images, headings and code are
plain text; only paragraphs, line breaks, lists and emphasis are turned on.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

_MARKDOWN = MarkdownIt("zero", {"html": False, "breaks": True}).enable(
    ["emphasis", "list", "newline"]
)


def charter_html(text: str) -> Markup:
    """The charter's text rendered safely (every character typed is escaped)."""
    return Markup(_MARKDOWN.render(text or ""))  # noqa: S704 - markdown-it escapes the text


def init_app(state) -> None:
    state.app.add_template_filter(charter_html, "charter_html")
