"""Dates and times in the reader's language (Babel's fr_CH, it_CH, de_CH formats).

Meeting times are local wall-clock times: they are formatted as they are,
never shifted to another time zone.

Two corrections to Babel's patterns, as a Swiss reader writes dates:
French and Italian put no comma between the weekday and the day
("mardi 15 décembre 2026", "martedì 15 dicembre 2026"; German keeps
"Dienstag, 15. Dezember 2026"), and the first of a month is an ordinal
("1er juin", "1º giugno").
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from flask_babel import get_locale

STYLES = ("full", "long", "medium", "short")
NO_COMMA_AFTER_WEEKDAY = ("fr", "it")
FIRST_OF_MONTH = {"fr": "'1er'", "it": "'1º'"}
DAY_FIELD = re.compile(r"(?<![d'])d(?![d'])")


def date_pattern(locale: Locale, style: str, day: int) -> str:
    """Babel's date pattern for ``style``, written as a Swiss reader expects."""
    pattern = locale.date_formats[style].pattern
    if locale.language in NO_COMMA_AFTER_WEEKDAY:
        pattern = pattern.replace("EEEE, ", "EEEE ")
    if day == 1 and locale.language in FIRST_OF_MONTH and "MMM" in pattern:
        pattern = DAY_FIELD.sub(FIRST_OF_MONTH[locale.language], pattern, count=1)
    return pattern


def day_text(value: date | datetime, style: str = "full") -> str:
    """A date such as "mardi 15 septembre 2026" or "1er septembre 2026"."""
    if isinstance(value, datetime):
        value = value.date()
    locale = get_locale()
    if locale is None or style not in STYLES:
        return format_date(value, style, locale=locale)
    return format_date(value, date_pattern(locale, style, value.day), locale=locale)


def time_text(value: time | datetime) -> str:
    """A time such as "19:00"."""
    if isinstance(value, datetime):
        value = value.time()
    return format_time(value, "short", locale=get_locale())


def when_text(value: datetime, style: str = "full") -> str:
    """A meeting's day and time as written in a sentence or an email:
    "mardi 15 décembre 2026, 19:00" (the wall-clock time, not shifted)."""
    return f"{day_text(value, style)}, {time_text(value)}"


SWISS_TIME = ZoneInfo("Europe/Zurich")


def moment_text(value: datetime, style: str = "long") -> str:
    """An instant stored in UTC (a log-in, a change) as the Swiss wall-clock
    day and time: "1er décembre 2026, 19:05"."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return when_text(value.astimezone(SWISS_TIME), style)


def local_day_text(value: datetime, style: str = "long") -> str:
    """The Swiss day of an instant stored in UTC, when its time says nothing."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return day_text(value.astimezone(SWISS_TIME), style)
