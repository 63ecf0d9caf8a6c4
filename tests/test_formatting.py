"""Dates as a Swiss reader writes them, in French, Italian and German."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from babel import Locale
from babel.dates import format_date
from flask_babel import force_locale

from facilitator.formatting import date_pattern, day_text, moment_text, when_text

FIRST = date(2026, 12, 1)
FIFTEENTH = date(2026, 12, 15)


def written(language: str, style: str, day: date) -> str:
    locale = Locale.parse(f"{language}_CH")
    return format_date(day, date_pattern(locale, style, day.day), locale=locale)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "mardi 15 décembre 2026"),
        ("it", "martedì 15 dicembre 2026"),
        ("de", "Dienstag, 15. Dezember 2026"),
    ],
)
def test_french_and_italian_put_no_comma_after_the_weekday_german_keeps_it(language, expected):
    assert written(language, "full", FIFTEENTH) == expected


@pytest.mark.parametrize(
    ("language", "style", "expected"),
    [
        ("fr", "full", "mardi 1er décembre 2026"),
        ("fr", "long", "1er décembre 2026"),
        ("fr", "medium", "1er déc. 2026"),
        ("it", "full", "martedì 1º dicembre 2026"),
        ("it", "long", "1º dicembre 2026"),
        ("de", "full", "Dienstag, 1. Dezember 2026"),
        ("de", "medium", "01.12.2026"),
    ],
)
def test_the_first_of_a_month_is_an_ordinal(language, style, expected):
    assert written(language, style, FIRST) == expected


@pytest.mark.parametrize("day", [date(2026, 12, 10), date(2026, 12, 11), date(2026, 12, 21)])
def test_only_the_first_gets_an_ordinal(day):
    assert written("fr", "long", day).startswith(f"{day.day} décembre")


def test_numeric_dates_stay_numeric():
    assert written("fr", "short", FIRST) == "01.12.26"


def test_day_text_follows_the_readers_language(app):
    with app.test_request_context("/"):
        with force_locale("fr"):
            assert day_text(datetime(2026, 6, 1, 19, 0)) == "lundi 1er juin 2026"
            assert day_text(FIFTEENTH, "long") == "15 décembre 2026"
        with force_locale("it"):
            assert day_text(FIRST) == "martedì 1º dicembre 2026"
        with force_locale("de"):
            assert day_text(FIRST) == "Dienstag, 1. Dezember 2026"


def test_a_custom_pattern_is_used_as_it_is(app):
    with app.test_request_context("/"), force_locale("fr"):
        assert day_text(FIRST, "EEEE d MMMM") == "mardi 1 décembre"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "mardi 1er décembre 2026, 19:00"),
        ("it", "martedì 1º dicembre 2026, 19:00"),
        ("de", "Dienstag, 1. Dezember 2026, 19:00"),
    ],
)
def test_when_text_writes_a_meetings_day_and_wall_clock_time(app, language, expected):
    with app.test_request_context("/"), force_locale(language):
        assert when_text(datetime(2026, 12, 1, 19, 0)) == expected
        # An instant in UTC is written in Swiss time, through the same function.
        assert moment_text(datetime(2026, 12, 1, 18, 0), "full") == expected
