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


def _value(signals: Signals, code: str) -> int:
    """The number a signal's words show (0 for none)."""
    return {"open_roles": signals.open_roles, "one_holder": signals.one_holder or 0}.get(code, 0)


def _staff_words(code: str, value: int) -> str:
    if code == "quiet":
        return ngettext("no meeting for %(num)d week", "no meeting for %(num)d weeks", _weeks())
    if code == "open_roles":
        return ngettext(
            "%(num)d open role slot (next meetings)",
            "%(num)d open role slots (next meetings)",
            value,
        )
    if code == "one_holder":
        return _("one person held %(share)s of the roles", share=percent_text(value))
    return _("no co-responsible logged in for 3 months")


class StaffWords:
    """The signals of a whole list in a few words each: each text is
    translated once per list (600 rows share a handful of them)."""

    def __init__(self) -> None:
        self._lines: dict[tuple[str, int], Line] = {}
        self.none = _("none")
        self.not_shared = _("not shared")

    def lines(self, signals: Signals) -> list[Line]:
        found = []
        for code in signals.codes:
            key = (code, _value(signals, code))
            line = self._lines.get(key)
            if line is None:
                line = self._lines[key] = Line(code, SYMBOLS[code], _staff_words(*key))
            found.append(line)
        return found

    def text(self, signals: Signals | None) -> str:
        """One cell of the CSV: the signals, "none" or "not shared"."""
        if signals is None:
            return self.not_shared
        return "; ".join(line.text for line in self.lines(signals)) or self.none


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
