"""A meeting's outline, read and laid out with clock times."""

from datetime import datetime

import pytest

from facilitator.domain.outline import (
    MAX_PARTS,
    OutlineProblem,
    Part,
    parse,
    timetable,
)

START, END = datetime(2026, 9, 15, 19), datetime(2026, 9, 15, 21)


def test_minutes_lead_a_line_and_a_line_without_them_is_flexible():
    assert parse("15 Opening round\n\nThe theme\n10 min Break\n20' Closing") == [
        Part(15, "Opening round"),
        Part(None, "The theme"),
        Part(10, "Break"),
        Part(20, "Closing"),
    ]


def test_the_flexible_parts_share_what_the_others_leave():
    slots = timetable(parse("15 Opening\nTheme\n10 Break\n20 Closing"), START, END)
    times = [(s.start.strftime("%H:%M"), s.end.strftime("%H:%M"), s.title) for s in slots]
    assert times == [
        ("19:00", "19:15", "Opening"),
        ("19:15", "20:30", "Theme"),
        ("20:30", "20:40", "Break"),
        ("20:40", "21:00", "Closing"),
    ]
    two = timetable(parse("A\nB\n1 C"), START, END)
    assert [s.end.strftime("%H:%M") for s in two] == ["20:00", "20:59", "21:00"]


def test_an_outline_longer_than_the_meeting_runs_on_and_flexible_parts_get_nothing():
    slots = timetable(parse("100 A\nB\n40 C"), START, END)
    assert slots[1].start == slots[1].end
    assert slots[-1].end == datetime(2026, 9, 15, 21, 20)


@pytest.mark.parametrize(
    ("text", "kind", "line"),
    [
        ("15 A\n0 B", "minutes", 2),
        ("999 A", "minutes", 1),
        ("5 " + "x" * 81, "title_too_long", 1),
        ("\n".join(f"{i} P" for i in range(1, MAX_PARTS + 2)), "too_many_parts", MAX_PARTS + 1),
    ],
)
def test_a_bad_outline_says_what_and_where(text, kind, line):
    with pytest.raises(OutlineProblem) as problem:
        parse(text)
    assert (problem.value.kind, problem.value.line) == (kind, line)
