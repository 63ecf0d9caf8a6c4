"""The recurrence rules, checked directly and against dateutil's expander."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from dateutil import rrule as du
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.recurrence import (
    DAILY,
    MONTHLY,
    WEEKDAYS,
    WEEKLY,
    RecurrenceError,
    Rule,
    check,
    dates,
    first_date,
    horizon,
    last_date,
    to_rrule,
)

FAR = date(2040, 1, 1)


def all_dates(rule, start):
    start = first_date(rule, start)
    return dates(rule, start, start, FAR)


def test_fortnightly_tuesdays():
    rule = Rule(WEEKLY, interval=2, byday=("TU",), count=4)
    assert all_dates(rule, date(2026, 9, 1)) == [
        date(2026, 9, 1),
        date(2026, 9, 15),
        date(2026, 9, 29),
        date(2026, 10, 13),
    ]


def test_weekly_series_starts_on_its_first_matching_day():
    rule = Rule(WEEKLY, byday=("TU", "TH"), count=3)
    assert first_date(rule, date(2026, 9, 2)) == date(2026, 9, 3)  # a Wednesday
    assert all_dates(rule, date(2026, 9, 2)) == [
        date(2026, 9, 3),
        date(2026, 9, 8),
        date(2026, 9, 10),
    ]


def test_monthly_on_the_31st_skips_short_months():
    rule = Rule(MONTHLY, monthday=31, until=date(2026, 12, 31))
    assert all_dates(rule, date(2026, 1, 1)) == [
        date(2026, 1, 31),
        date(2026, 3, 31),
        date(2026, 5, 31),
        date(2026, 7, 31),
        date(2026, 8, 31),
        date(2026, 10, 31),
        date(2026, 12, 31),
    ]


def test_fifth_tuesday_only_in_months_that_have_one():
    rule = Rule(MONTHLY, byday=("TU",), setpos=5, until=date(2026, 12, 31))
    assert all_dates(rule, date(2026, 1, 1)) == [
        date(2026, 3, 31),
        date(2026, 6, 30),
        date(2026, 9, 29),
        date(2026, 12, 29),
    ]


def test_last_thursday_of_the_month():
    rule = Rule(MONTHLY, byday=("TH",), setpos=-1, count=3)
    assert all_dates(rule, date(2026, 10, 1)) == [
        date(2026, 10, 29),
        date(2026, 11, 26),
        date(2026, 12, 31),
    ]


def test_leap_day_yearly_rhythm_meets_only_in_leap_years():
    rule = Rule(MONTHLY, interval=12, monthday=29, count=2)
    assert all_dates(rule, date(2028, 2, 1)) == [date(2028, 2, 29), date(2032, 2, 29)]


def test_weekly_series_crosses_a_leap_day():
    rule = Rule(WEEKLY, byday=("TU",), count=3)
    assert all_dates(rule, date(2028, 2, 22)) == [
        date(2028, 2, 22),
        date(2028, 2, 29),
        date(2028, 3, 7),
    ]


def test_daily_retreat():
    rule = Rule(DAILY, count=3)
    assert all_dates(rule, date(2026, 10, 24)) == [
        date(2026, 10, 24),
        date(2026, 10, 25),
        date(2026, 10, 26),
    ]


def test_window_returns_only_dates_inside_it():
    rule = Rule(WEEKLY, byday=("MO",))
    start = date(2026, 1, 5)
    assert dates(rule, start, date(2026, 3, 1), date(2026, 3, 16)) == [
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
    ]


def test_never_ending_series_stops_at_the_horizon():
    rule = Rule(WEEKLY, byday=("WE",))
    start = date(2026, 1, 7)
    assert last_date(rule, start) <= horizon(start) == date(2036, 1, 7)


def test_until_is_inclusive():
    rule = Rule(WEEKLY, byday=("TU",), until=date(2026, 9, 15))
    assert all_dates(rule, date(2026, 9, 1))[-1] == date(2026, 9, 15)


@pytest.mark.parametrize(
    ("rule", "start", "code"),
    [
        (Rule("YEARLY"), date(2026, 1, 1), "frequency"),
        (Rule(WEEKLY, interval=0, byday=("MO",)), date(2026, 1, 1), "interval"),
        (Rule(WEEKLY, byday=()), date(2026, 1, 1), "weekday"),
        (Rule(WEEKLY, byday=("XX",)), date(2026, 1, 1), "weekday"),
        (Rule(MONTHLY), date(2026, 1, 1), "monthly"),
        (Rule(MONTHLY, monthday=32), date(2026, 1, 1), "monthday"),
        (Rule(MONTHLY, byday=("TU",), setpos=6), date(2026, 1, 1), "weekday"),
        (Rule(DAILY), date(2026, 1, 1), "too_many"),  # never-ending daily: 3,650
        (Rule(DAILY, count=1001), date(2026, 1, 1), "count"),
        (
            Rule(WEEKLY, byday=("MO",), until=date(2025, 1, 1)),
            date(2026, 1, 1),
            "until_before_start",
        ),
        (Rule(WEEKLY, byday=("MO",), until=date(2040, 1, 1)), date(2026, 1, 1), "too_long"),
        (Rule(MONTHLY, interval=99, monthday=1, count=5), date(2026, 1, 1), "too_long"),
        (
            Rule(MONTHLY, monthday=30, interval=12, until=date(2026, 3, 1)),
            date(2026, 2, 1),
            "empty",
        ),
    ],
)
def test_unsupported_or_unbounded_rules_are_refused(rule, start, code):
    with pytest.raises(RecurrenceError) as error:
        check(rule, start)
    assert error.value.code == code


def test_rrule_text_follows_rfc5545():
    assert to_rrule(Rule(WEEKLY, 2, ("TU",)), time(19), "Europe/Zurich") == (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    )
    assert to_rrule(
        Rule(MONTHLY, byday=("TH",), setpos=-1, count=10), time(19), "Europe/Zurich"
    ) == ("FREQ=MONTHLY;BYDAY=-1TH;COUNT=10")
    # UNTIL is given in UTC because DTSTART carries a TZID: 19:00 CEST = 17:00Z.
    assert (
        to_rrule(Rule(MONTHLY, monthday=15, until=date(2026, 6, 15)), time(19), "Europe/Zurich")
        == "FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=20260615T170000Z"
    )


# --- property: our expansion agrees with dateutil's RFC 5545 expander ---------

rules = st.one_of(
    st.builds(
        lambda interval, days, end: Rule(WEEKLY, interval, tuple(days), **end),
        st.integers(1, 4),
        st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=3, unique=True),
        st.one_of(
            st.builds(lambda n: {"count": n}, st.integers(1, 60)),
            st.builds(lambda d: {"until": d}, st.dates(date(2026, 1, 1), date(2028, 12, 31))),
        ),
    ),
    st.builds(
        lambda interval, day, count: Rule(MONTHLY, interval, monthday=day, count=count),
        st.integers(1, 3),
        st.integers(1, 31),
        st.integers(1, 30),
    ),
    st.builds(
        lambda interval, weekday, pos, count: Rule(
            MONTHLY, interval, byday=(weekday,), setpos=pos, count=count
        ),
        st.integers(1, 3),
        st.sampled_from(WEEKDAYS),
        st.sampled_from((1, 2, 3, 4, 5, -1)),
        st.integers(1, 30),
    ),
    st.builds(
        lambda interval, count: Rule(DAILY, interval, count=count),
        st.integers(1, 10),
        st.integers(1, 100),
    ),
)


def dateutil_dates(rule: Rule, start: date) -> list[date]:
    text = to_rrule(rule, time(0), "UTC").replace("T000000Z", "T000000")
    expanded = du.rrulestr(text, dtstart=datetime.combine(start, time(0)))
    return [d.date() for d in expanded]


@settings(max_examples=300, deadline=None)
@given(rule=rules, start=st.dates(date(2025, 1, 1), date(2027, 12, 31)))
def test_expansion_agrees_with_dateutil(rule, start):
    try:
        check(rule, start)
    except RecurrenceError:
        return
    first = first_date(rule, start)
    ours = dates(rule, first, first, FAR)
    assert ours == dateutil_dates(rule, first)


@settings(max_examples=100, deadline=None)
@given(
    rule=rules,
    start=st.dates(date(2025, 1, 1), date(2027, 12, 31)),
    offset=st.integers(0, 800),
    length=st.integers(0, 120),
)
def test_a_window_is_a_slice_of_the_whole_expansion(rule, start, offset, length):
    try:
        check(rule, start)
    except RecurrenceError:
        return
    first = first_date(rule, start)
    whole = dates(rule, first, first, FAR)
    low = date.fromordinal(first.toordinal() + offset)
    high = date.fromordinal(low.toordinal() + length)
    assert dates(rule, first, low, high) == [d for d in whole if low <= d <= high]
