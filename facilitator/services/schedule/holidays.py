"""Public holidays: the name of the holiday on a meeting's date in the group's canton."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays as holiday_calendars

from facilitator.services.schedule.reading import Occurrence

HOLIDAY_LANGUAGES = {"fr": "fr", "it": "it", "de": "de", "en": "en_US"}


@lru_cache(maxsize=256)
def _holiday_calendar(canton: str, year: int, language: str) -> holiday_calendars.HolidayBase:
    return holiday_calendars.country_holidays(
        "CH", subdiv=canton, years=year, language=HOLIDAY_LANGUAGES.get(language, "fr")
    )


def holiday_on(canton: str, day: date, language: str) -> str | None:
    """The name of the public holiday on ``day`` in ``canton``, if any."""
    try:
        return _holiday_calendar(canton, day.year, language).get(day)
    except (NotImplementedError, KeyError):
        return None


def mark_holidays(items: list[Occurrence], cantons: dict[int, str], language: str) -> None:
    for item in items:
        item.holiday = holiday_on(cantons[item.group_id], item.start.date(), language)
