"""Recurrence rules: the supported RFC 5545 RRULE subset and its expansion.

Pure functions on dates, no Flask and no database. An occurrence is a local
wall-clock datetime (naive) in the series' time zone: a meeting at 19:00
stays at 19:00 across the daylight-saving switches, and UTC appears only at
the edges (feeds).

Supported:
- DAILY, every N days;
- WEEKLY, every N weeks, on one or more weekdays (weeks start on Monday);
- MONTHLY, every N months, on a day of the month (a month without that day
  is skipped, as RFC 5545 says) or on "the 2nd Tuesday" / "the last Thursday"
  (BYDAY=2TU, BYDAY=-1TH; a month without a 5th Tuesday is skipped);
- ending never, on a date (UNTIL, inclusive) or after N occurrences (COUNT).

Bounds: at most MAX_OCCURRENCES occurrences and HORIZON_YEARS years from the
first one; a series "without end" stops at the horizon.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_OCCURRENCES = 1000
HORIZON_YEARS = 10
MAX_INTERVAL = 99

DAILY, WEEKLY, MONTHLY = "DAILY", "WEEKLY", "MONTHLY"
FREQUENCIES = (DAILY, WEEKLY, MONTHLY)
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
SETPOS = (1, 2, 3, 4, 5, -1)


class RecurrenceError(ValueError):
    """A rule outside the supported subset or its bounds; ``code`` says which."""

    def __init__(self, code: str, field: str | None = None):
        super().__init__(code)
        self.code = code
        self.field = field


@dataclass(frozen=True)
class Rule:
    freq: str
    interval: int = 1
    # WEEKLY: the weekdays; MONTHLY by weekday: exactly one weekday.
    byday: tuple[str, ...] = field(default_factory=tuple)
    # MONTHLY by weekday: which one in the month (1..5, -1 for the last).
    setpos: int | None = None
    # MONTHLY by day of the month (1..31).
    monthday: int | None = None
    count: int | None = None
    until: date | None = None  # inclusive, local date

    def with_until(self, until: date | None) -> Rule:
        return replace(self, until=until, count=None if until else self.count)

    @classmethod
    def stored(
        cls,
        freq: str,
        interval: int,
        byday: str,
        setpos: int | None,
        monthday: int | None,
        count: int | None,
        until: date | None,
    ) -> Rule:
        """The rule as a series' columns store it (``byday``: "MO,TH")."""
        days = tuple(d for d in byday.split(",") if d)
        return cls(freq, interval, days, setpos, monthday, count, until)


def horizon(start: date) -> date:
    """The last date a series starting on ``start`` may reach."""
    try:
        return start.replace(year=start.year + HORIZON_YEARS)
    except ValueError:  # 29 February
        return start.replace(year=start.year + HORIZON_YEARS, day=28)


def check(rule: Rule, start: date) -> None:
    """Raise RecurrenceError unless ``rule`` is supported and bounded."""
    if rule.freq not in FREQUENCIES:
        raise RecurrenceError("frequency", "frequency")
    if not 1 <= rule.interval <= MAX_INTERVAL:
        raise RecurrenceError("interval", "interval")
    if any(day not in WEEKDAYS for day in rule.byday) or len(set(rule.byday)) != len(rule.byday):
        raise RecurrenceError("weekday", "weekdays")
    if rule.freq == WEEKLY and not rule.byday:
        raise RecurrenceError("weekday", "weekdays")
    if rule.freq == MONTHLY:
        by_weekday = rule.setpos is not None
        if by_weekday == (rule.monthday is not None):
            raise RecurrenceError("monthly", "frequency")
        if by_weekday and (rule.setpos not in SETPOS or len(rule.byday) != 1):
            raise RecurrenceError("weekday", "weekday")
        if rule.monthday is not None and not 1 <= rule.monthday <= 31:
            raise RecurrenceError("monthday", "monthday")
    elif rule.setpos is not None or rule.monthday is not None:
        raise RecurrenceError("frequency", "frequency")
    if rule.freq == DAILY and rule.byday:
        raise RecurrenceError("frequency", "frequency")
    if rule.count is not None and rule.until is not None:
        raise RecurrenceError("end", "ends")
    if rule.count is not None and not 1 <= rule.count <= MAX_OCCURRENCES:
        raise RecurrenceError("count", "count")
    if rule.until is not None:
        if rule.until < start:
            raise RecurrenceError("until_before_start", "until")
        if rule.until > horizon(start):
            raise RecurrenceError("too_long", "until")
    first = next(_candidates(rule, start), None)
    if first is None or first > horizon(start):
        raise RecurrenceError("empty", "start_date")
    if rule.count is not None:
        produced = sum(1 for _ in zip(range(rule.count), _candidates(rule, first), strict=False))
        if produced < rule.count:
            raise RecurrenceError("too_long", "count")
    else:
        limit = min(rule.until or horizon(start), horizon(first))
        for produced, day in enumerate(_candidates(rule, first), start=1):
            if day > limit:
                break
            if produced > MAX_OCCURRENCES:
                raise RecurrenceError("too_many", "ends")
    if rule.until is not None and first > rule.until:
        raise RecurrenceError("empty", "until")


def first_date(rule: Rule, start: date) -> date:
    """The first occurrence on or after ``start`` (a series starts there)."""
    first = next(_candidates(rule, start), None)
    if first is None:
        raise RecurrenceError("empty", "start_date")
    return first


def fits(rule: Rule, day: date) -> bool:
    """Whether a series of ``rule`` can start on ``day``: the day is one the
    rule produces (the right weekday, the 2nd Tuesday, the 15th…)."""
    return next(_candidates(rule, day), None) == day


def nearest_fits(rule: Rule, day: date, lookback_days: int = 400) -> tuple[date | None, date]:
    """The closest dates before and after ``day`` on which a series of
    ``rule`` could start (examples to offer when ``day`` does not fit)."""
    every = replace(rule, interval=1, count=None, until=None)  # any period may come first
    after = first_date(every, day + timedelta(days=1))
    before = None
    for back in range(1, lookback_days + 1):
        candidate = day - timedelta(days=back)
        if fits(rule, candidate):
            before = candidate
            break
    return before, after


def phase_first(old_rule: Rule, old_start: date, new_rule: Rule, day: date) -> date:
    """The first date on or after ``day`` of ``new_rule``, for a series
    (``old_rule`` from ``old_start``) changed from ``day`` on.

    When the change keeps the rhythm's unit and interval (every 2 weeks
    stays every 2 weeks, on whatever weekday), the count of weeks, months or
    days does not restart at ``day``: it goes on from the old series' first
    meeting. A fortnightly Wednesday series (13 January 2027, 27 January…)
    changed from Thursday 21 January goes on on the 27th, not on 3 February.
    A new interval starts a new count: the first date on or after ``day``.
    """
    same_count = (old_rule.freq, old_rule.interval) == (new_rule.freq, new_rule.interval)
    if same_count and old_start < day:
        for candidate in _candidates(new_rule, old_start, skip_to=day):
            if candidate >= day:
                return candidate
    return first_date(new_rule, day)


def dates(rule: Rule, start: date, window_start: date, window_end: date) -> list[date]:
    """The occurrence dates within [window_start, window_end], in order.

    ``start`` must be the first occurrence (see ``first_date``).
    """
    end = min(window_end, rule.until or window_end, horizon(start))
    if window_start > end:
        return []
    found = []
    if rule.count is None:
        iterator = _candidates(rule, start, skip_to=window_start)
        for day in iterator:
            if day > end:
                break
            if day >= window_start:
                found.append(day)
        return found
    for index, day in enumerate(_candidates(rule, start)):
        if index >= rule.count or day > end:
            break
        if day >= window_start:
            found.append(day)
    return found


def last_date(rule: Rule, start: date) -> date:
    """The date of the last occurrence (the horizon bounds "never")."""
    return dates(rule, start, start, horizon(start))[-1]


def occurs_on(rule: Rule, start: date, day: date) -> bool:
    return day in dates(rule, start, day, day)


def _candidates(rule: Rule, start: date, skip_to: date | None = None) -> Iterator[date]:
    """All dates the rule produces from ``start`` on, without COUNT/UNTIL.

    ``skip_to`` lets the generator jump close to a later window cheaply; the
    dates it yields are the same as without it, minus those before skip_to's
    period.
    """
    stop = horizon(start)
    if rule.freq == DAILY:
        offset = 0
        if skip_to and skip_to > start:
            offset = (skip_to - start).days // rule.interval
        day = start + timedelta(days=offset * rule.interval)
        while day <= stop:
            yield day
            day += timedelta(days=rule.interval)
    elif rule.freq == WEEKLY:
        weekdays = sorted(WEEKDAYS.index(d) for d in rule.byday)
        week = start - timedelta(days=start.weekday())
        if skip_to and skip_to > start:
            weeks = (skip_to - week).days // 7 // rule.interval
            week += timedelta(weeks=weeks * rule.interval)
        while week <= stop:
            for weekday in weekdays:
                day = week + timedelta(days=weekday)
                if start <= day <= stop:
                    yield day
            week += timedelta(weeks=rule.interval)
    else:
        year, month = start.year, start.month
        while date(year, month, 1) <= stop:
            monthly = _monthly_day(rule, year, month)
            if monthly is not None and start <= monthly <= stop:
                yield monthly
            month += rule.interval
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1


def _monthly_day(rule: Rule, year: int, month: int) -> date | None:
    days_in_month = calendar.monthrange(year, month)[1]
    if rule.monthday is not None:
        return date(year, month, rule.monthday) if rule.monthday <= days_in_month else None
    weekday = WEEKDAYS.index(rule.byday[0])
    matching = [
        date(year, month, d)
        for d in range(1, days_in_month + 1)
        if date(year, month, d).weekday() == weekday
    ]
    if rule.setpos is None:
        raise RecurrenceError("monthly", "frequency")  # ``check`` refuses such a rule
    if rule.setpos == -1:
        return matching[-1]
    return matching[rule.setpos - 1] if rule.setpos <= len(matching) else None


# --- RFC 5545 ---------------------------------------------------------------


def to_rrule(rule: Rule, start_time: time, timezone: str) -> str:
    """The rule as an RFC 5545 RRULE value (UNTIL in UTC, as DTSTART has a TZID)."""
    parts = [f"FREQ={rule.freq}"]
    if rule.interval != 1:
        parts.append(f"INTERVAL={rule.interval}")
    if rule.freq == WEEKLY:
        ordered = sorted(rule.byday, key=WEEKDAYS.index)
        parts.append("BYDAY=" + ",".join(ordered))
    elif rule.freq == MONTHLY and rule.setpos is not None:
        parts.append(f"BYDAY={rule.setpos}{rule.byday[0]}")
    elif rule.freq == MONTHLY:
        parts.append(f"BYMONTHDAY={rule.monthday}")
    if rule.count is not None:
        parts.append(f"COUNT={rule.count}")
    elif rule.until is not None:
        parts.append(
            "UNTIL=" + until_utc(rule.until, start_time, timezone).strftime("%Y%m%dT%H%M%SZ")
        )
    return ";".join(parts)


def until_utc(until: date, start_time: time, timezone: str) -> datetime:
    """The UTC instant of the last allowed occurrence's start."""
    local = datetime.combine(until, start_time, tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC)


def to_aware(moment: datetime, timezone: str) -> datetime:
    """A local wall-clock datetime made aware in ``timezone``."""
    return moment.replace(tzinfo=ZoneInfo(timezone))


def to_local(moment: datetime, timezone: str) -> datetime:
    """An aware instant as wall-clock time in ``timezone`` (naive, as stored)."""
    return moment.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)
