"""Dates and times in the reader's language (Babel's fr_CH, it_CH formats).

Meeting times are local wall-clock times: they are formatted as they are,
never shifted to another time zone.
"""

from __future__ import annotations

from datetime import date, datetime, time

from babel.dates import format_date, format_time
from flask_babel import get_locale


def day_text(value: date | datetime, style: str = "full") -> str:
    """A date such as "mardi, 15 septembre 2026"."""
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, style, locale=get_locale())


def time_text(value: time | datetime) -> str:
    """A time such as "19:00"."""
    if isinstance(value, datetime):
        value = value.time()
    return format_time(value, "short", locale=get_locale())
