"""Feedback next to what was pressed.

A message flashed with a *place* (``flash_at("slot-3-0", …)``) is shown by
the page where it has an element of that id (``{{ feedback("slot-3-0") }}``
in the template), and the redirect after the POST carries ``#slot-3-0``, so
that the browser, with or without JavaScript, lands on the message beside the
button that was pressed. A placed message that the page does not show (the
element is gone, say the last swap request was answered) falls back to the
top of the page, like any other message: nothing is ever lost.
"""

from __future__ import annotations

from flask import flash, g, get_flashed_messages, redirect
from flask_babel import ngettext

SEP = "@"


def flash_at(place: str, message: str, category: str = "success") -> None:
    """Flash ``message`` to be shown at the element ``place`` of the next page."""
    flash(message, f"{category}{SEP}{place}")


def flash_report(report, place: str | None = None) -> None:
    """Say how many people are being told by email (people, not emails);
    beside ``place`` when given. The emails leave from the outbox: the
    meeting's page says later how many arrived, wait or failed."""
    if not report.people:
        return
    told = ngettext(
        "%(num)d person is being told by email.",
        "%(num)d people are being told by email.",
        len(report.people),
    )
    if place:
        flash_at(place, told, "info")
    else:
        flash(told, "info")


def redirect_to(url: str, place: str):
    """Redirect to ``url``, landing on ``place``."""
    return redirect(f"{url}#{place}")


def _messages() -> list[tuple[str, str | None, str]]:
    return [
        (*category.partition(SEP)[::2], message)
        for category, message in get_flashed_messages(with_categories=True)
    ]


def messages_at(place: str) -> list[tuple[str, str]]:
    """The messages for ``place`` (marked as shown, so the top leaves them out)."""
    shown = g.setdefault("feedback_shown", set())
    shown.add(place)
    return [(category, message) for category, where, message in _messages() if where == place]


def other_messages() -> list[tuple[str, str]]:
    """The messages no element of the page has shown: for the top of the page."""
    shown = g.get("feedback_shown", set())
    return [
        (category, message)
        for category, where, message in _messages()
        if not where or where not in shown
    ]


def init_app(app) -> None:
    app.add_template_global(messages_at)
    app.add_template_global(other_messages)
