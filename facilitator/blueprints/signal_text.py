"""Health signals in words (domain/health.py): short for the centre's staff
(their group list and its CSV), calm and with what to do for the group
itself (its settings page). Each signal has a symbol for the eye, and its
words always say it (never a colour alone)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import format_percent, ngettext
from flask_babel import gettext as _

from facilitator.domain.health import Signals

SYMBOLS = {"quiet": "◷", "open_roles": "○", "one_holder": "◑", "no_login": "⊘"}


@dataclass(frozen=True)
class Line:
    code: str
    symbol: str
    text: str


def percent_text(share: int) -> str:
    """A whole share in the reader's language: "62 %", "62%"."""
    return format_percent(share / 100)


def _weeks() -> int:
    return int(current_app.config["HEALTH_QUIET_WEEKS"])


def staff_lines(signals: Signals) -> list[Line]:
    """The signals of one group, in a few words each."""
    texts = {
        "quiet": lambda: ngettext(
            "no meeting for %(num)d week", "no meeting for %(num)d weeks", _weeks()
        ),
        "open_roles": lambda: ngettext(
            "%(num)d open role slot (next meetings)",
            "%(num)d open role slots (next meetings)",
            signals.open_roles,
        ),
        "one_holder": lambda: _(
            "one person held %(share)s of the roles", share=percent_text(signals.one_holder or 0)
        ),
        "no_login": lambda: _("no co-responsible logged in for 3 months"),
    }
    return [Line(code, SYMBOLS[code], texts[code]()) for code in signals.codes]


def staff_text(signals: Signals | None) -> str:
    """One cell of the CSV: the signals, "none" or "not shared"."""
    if signals is None:
        return _("not shared")
    return "; ".join(line.text for line in staff_lines(signals)) or _("none")


def group_lines(signals: Signals) -> list[Line]:
    """The signals as the group reads them about itself."""
    texts = {
        "quiet": lambda: ngettext(
            "The group has not met for %(num)d week or more.",
            "The group has not met for %(num)d weeks or more.",
            _weeks(),
        ),
        "open_roles": lambda: ngettext(
            "%(num)d role slot is still open in the next meetings.",
            "%(num)d role slots are still open in the next meetings.",
            signals.open_roles,
        ),
        "one_holder": lambda: _(
            "Over the last 12 months, one person held %(share)s of the roles.",
            share=percent_text(signals.one_holder or 0),
        ),
        "no_login": lambda: _("No co-responsible member has logged in for 3 months."),
    }
    return [Line(code, SYMBOLS[code], texts[code]()) for code in signals.codes]
