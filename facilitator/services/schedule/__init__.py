"""The schedule: expanding series into occurrences, and changing them.

Every public name is importable from here (``schedule.find(...)``):

- ``reading``: the occurrences of groups in a window, the coming and past
  meetings, an occurrence by its URL key;
- ``changing``: creating series and one-offs, cancelling, restoring, moving
  and annotating a meeting, pausing, ending and splitting a series, and the
  plans shown to confirm such changes;
- ``holidays``: the public holiday on a meeting's date.
"""

from facilitator.domain.keys import KEY_FORMAT, key_from, series_key
from facilitator.services.schedule.changing import (
    DroppedChange,
    MeetingData,
    OffRhythm,
    Plan,
    ScheduleError,
    SeriesData,
    SplitPlan,
    SplitResult,
    cancel,
    change,
    check_series,
    create_one_off,
    create_series,
    delete_one_off,
    end_series,
    materialize,
    pause,
    plan_cancel,
    plan_delete,
    plan_digest,
    plan_end,
    plan_pause,
    plan_split,
    preview,
    restore,
    split,
    suggest_starts,
)
from facilitator.services.schedule.holidays import HOLIDAY_LANGUAGES, holiday_on, mark_holidays
from facilitator.services.schedule.reading import (
    SHORT_WINDOW_DAYS,
    UPCOMING_DAYS,
    Occurrence,
    archive_start,
    current_series,
    find,
    key_of,
    occurrences,
    past,
    series_in,
    series_of,
    upcoming,
)

__all__ = [
    "HOLIDAY_LANGUAGES",
    "KEY_FORMAT",
    "SHORT_WINDOW_DAYS",
    "UPCOMING_DAYS",
    "DroppedChange",
    "MeetingData",
    "Occurrence",
    "OffRhythm",
    "Plan",
    "ScheduleError",
    "SeriesData",
    "SplitPlan",
    "SplitResult",
    "archive_start",
    "cancel",
    "change",
    "check_series",
    "create_one_off",
    "create_series",
    "current_series",
    "delete_one_off",
    "end_series",
    "find",
    "holiday_on",
    "key_from",
    "key_of",
    "mark_holidays",
    "materialize",
    "occurrences",
    "past",
    "pause",
    "plan_cancel",
    "plan_delete",
    "plan_digest",
    "plan_end",
    "plan_pause",
    "plan_split",
    "preview",
    "restore",
    "series_in",
    "series_key",
    "series_of",
    "split",
    "suggest_starts",
    "upcoming",
]
