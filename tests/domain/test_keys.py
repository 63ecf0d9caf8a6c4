"""Meeting keys: made, read back, and refused when malformed."""

from __future__ import annotations

from datetime import datetime

import pytest

from facilitator.domain import keys


def test_one_off_key_is_m_and_the_meeting_id():
    assert keys.one_off_key(7) == "m7"
    assert keys.key_from(7, None, None) == "m7"
    assert keys.parse("m7") == keys.OneOffKey(7)


def test_series_key_names_the_series_and_the_original_start_to_the_minute():
    start = datetime(2026, 9, 15, 19, 0)
    assert keys.series_key(12, start) == "s12-202609151900"
    assert keys.key_from(40, 12, start) == "s12-202609151900"  # not the meeting's id
    assert keys.parse("s12-202609151900") == keys.SeriesKey(12, start)


def test_a_series_occurrence_needs_its_original_start():
    with pytest.raises(ValueError, match="original start"):
        keys.key_from(40, 12, None)


@pytest.mark.parametrize(
    "text", ["", "7", "m", "mx", "m7.5", "s12", "s-202609151900", "s12-20260915", "s12-x", "x12"]
)
def test_what_is_not_a_key_is_refused(text):
    with pytest.raises(keys.BadKey):
        keys.parse(text)
