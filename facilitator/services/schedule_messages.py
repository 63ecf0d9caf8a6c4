"""Translated messages for the schedule's error codes."""

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

MESSAGES = {
    "frequency": _l("Choose how often the group meets."),
    "interval": _l("Choose a rhythm between 1 and 99."),
    "weekday": _l("Choose at least one weekday."),
    "monthly": _l("Choose either a day of the month or a weekday of the month."),
    "monthday": _l("Choose a day of the month between 1 and 31."),
    "end": _l("Choose either an end date or a number of meetings, not both."),
    "count": _l("A series can have between 1 and 1000 meetings."),
    "until_before_start": _l("The end date is before the start date."),
    "too_long": _l("A series can run for at most 10 years. Choose an earlier end."),
    "too_many": _l(
        "This series would have more than 1000 meetings. Choose an end date or a number of meetings."
    ),
    "empty": _l(
        "With these settings the series has no meeting at all. Check the dates and the rhythm."
    ),
    "pause_end_before_start": _l("The end of the break is before its start."),
    "pause_empty": _l("The series has no meeting in this period."),
    "off_rhythm": _l("The first meeting must be on a day of the chosen rhythm."),
    "split_before_start": _l("A change can only start on or after the series' first meeting."),
}


def message_for(code: str) -> LazyString:
    return MESSAGES.get(code, MESSAGES["frequency"])
