"""The URL key of a meeting: how it is made and read back.

A one-off meeting is "m" and its id ("m7"). An occurrence of a series is "s",
the series' id and its original local start, to the minute
("s12-202609151900"): the key stays the same when the occurrence is moved,
and it exists before anything about the occurrence is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

KEY_FORMAT = "%Y%m%d%H%M"


class BadKey(ValueError):
    """A text that is not a meeting key."""


@dataclass(frozen=True)
class OneOffKey:
    meeting_id: int


@dataclass(frozen=True)
class SeriesKey:
    series_id: int
    original_start: datetime  # local wall time, naive


def one_off_key(meeting_id: int) -> str:
    """The key of a one-off meeting ("m7")."""
    return f"m{meeting_id}"


def series_key(series_id: int, original_start: datetime) -> str:
    """The key of a series occurrence ("s12-202609151900")."""
    return f"s{series_id}-{original_start.strftime(KEY_FORMAT)}"


def key_from(meeting_id: int, series_id: int | None, original_start: datetime | None) -> str:
    """The key of a stored meeting from its columns: an occurrence of a series
    (``series_id`` and ``original_start`` set) or a one-off."""
    if series_id is None:
        return one_off_key(meeting_id)
    if original_start is None:
        raise ValueError("a series occurrence has an original start")
    return series_key(series_id, original_start)


def parse(key: str) -> OneOffKey | SeriesKey:
    """What ``key`` names; BadKey when it is not a key."""
    try:
        if key.startswith("m"):
            return OneOffKey(int(key[1:]))
        if key.startswith("s"):
            series_id, stamp = key[1:].split("-", 1)
            return SeriesKey(int(series_id), datetime.strptime(stamp, KEY_FORMAT))
    except ValueError as exc:
        raise BadKey(key) from exc
    raise BadKey(key)
