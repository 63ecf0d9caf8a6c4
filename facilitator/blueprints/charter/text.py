"""A charter's text as HTML: paragraphs, "- " lists and **bold**, nothing else
(domain.charter_text says how it is read)."""

from __future__ import annotations

from markupsafe import Markup

from facilitator.domain.charter_text import MARKDOWN


def charter_html(text: str) -> Markup:
    """The charter's text rendered safely (every character typed is escaped)."""
    return Markup(MARKDOWN.render(text or ""))  # noqa: S704 - markdown-it escapes the text


def init_app(state) -> None:
    state.app.add_template_filter(charter_html, "charter_html")
