"""Statistics for a centre's yearly report: what its attached groups did in
a period, centre-wide, by theme and by canton, with small numbers hidden
(domain.suppression), and the per-group figures of the groups that share.

What needs a group's consent (``Group.share_figures``, with attendance on):
everything about its meetings (held, cancelled) and its headcounts
(participants, newcomers). Without it, a group only counts as a group: it is
"active" in the period when one of its meetings took place (the staff's
group list shows the same status). Nothing here returns a person.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, func, or_, select

from facilitator.domain import recurrence as rec
from facilitator.domain import suppression
from facilitator.domain.suppression import TOTAL, Table
from facilitator.extensions import db
from facilitator.models import AttendanceRecord, Centre, Group, Meeting, MeetingSeries, User
from facilitator.services import centres, schedule
from facilitator.services.errors import Conflict

EARLIEST_YEAR = 2000
MAX_YEARS = 10


class AttendanceOff(Conflict):
    message = _l("Attendance is off: there are no figures to share.")


# --- sharing ------------------------------------------------------------------------


def may_share(group: Group) -> bool:
    return group.centre_id is not None and group.attendance_enabled


def shares(group: Group) -> bool:
    """Whether the group's figures reach its centre now."""
    return may_share(group) and group.share_figures


def set_sharing(group: Group, actor: User, share: bool) -> bool:
    """Turn sharing the yearly figures with the group's centre on or off.
    Returns whether it changed (two co-responsibles at once: one change, one
    line in the group's history)."""
    if share and not group.attendance_enabled and group.centre_id is not None:
        raise AttendanceOff()
    return centres.set_shared(group, actor, "figures", share)


# --- the figures --------------------------------------------------------------------


@dataclass
class GroupFigures:
    group_id: int
    name: str
    theme: str
    canton: str
    shares: bool
    held: int = 0
    cancelled: int = 0
    recorded: int = 0
    # How many meetings had each headcount: {participants: meetings}.
    participants: Counter[int] = field(default_factory=Counter)
    newcomers: int = 0

    @property
    def active(self) -> bool:
        return self.held > 0

    @property
    def reported(self) -> bool:
        """Part of the shared figures: it shares and had meetings in the period."""
        return self.shares and (self.held + self.cancelled) > 0

    @property
    def participants_total(self) -> int:
        return sum(value * times for value, times in self.participants.items())

    @property
    def median(self) -> float | None:
        return median(self.participants)

    @property
    def median_hidden(self) -> bool:
        return suppression.per_meeting(self.median)


@dataclass
class Cell:
    """One row of an aggregate table (or its total), with what must be hidden."""

    key: str | None
    groups: int = 0  # active groups (all attached groups)
    sharing: int = 0  # groups whose figures are in the row
    held: int = 0
    cancelled: int = 0
    recorded: int = 0
    participants: int = 0
    newcomers: int = 0
    median: float | None = None
    groups_hidden: bool = False
    shared_hidden: bool = False

    @property
    def median_hidden(self) -> bool:
        return self.shared_hidden or suppression.per_meeting(self.median)

    @property
    def unknown(self) -> bool:
        """Active groups and none sharing its figures: the meetings and
        people are not known (not zero)."""
        return self.groups > 0 and self.sharing == 0


@dataclass
class Report:
    centre: Centre
    first: date
    last: date
    attached: int
    total: Cell
    themes: list[Cell]
    cantons: list[Cell]
    groups: list[GroupFigures]  # those whose figures are in the report, by name
    everyone: list[GroupFigures] = field(repr=False)

    @property
    def not_sharing(self) -> int:
        """Active groups whose figures are not in the report."""
        return sum(1 for g in self.everyone if g.active and not g.reported)


def median(histogram: Counter[int]) -> float | None:
    """The median of the values counted in ``histogram`` ({value: times})."""
    size = histogram.total()
    if not size:
        return None
    wanted = ((size - 1) // 2, size // 2)  # the middle position(s), from 0
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        times = histogram[value]
        found += [value for position in wanted if seen <= position < seen + times]
        seen += times
    return (found[0] + found[1]) / 2


def default_year(today: date) -> int:
    """The last complete year."""
    return today.year - 1


def _figures(centre: Centre, first: date, last: date, now: datetime) -> list[GroupFigures]:
    """Each attached group's meetings in [first, last] (held: started by
    ``now``; cancelled), and the headcounts of those that share.

    The same meetings as ``schedule.occurrences`` (the tests compare them with
    each group's own figures), counted without an object per meeting: the
    series' dates are expanded; the stored meetings (overrides, one-offs,
    headcounts) are counted by the database. A stored meeting of a series
    stands for the occurrence at its original start and counts where it
    starts now (moved in or out of the period).
    """
    rows = db.session.execute(
        select(
            Group.id,
            Group.name,
            Group.theme,
            Group.canton,
            Group.attendance_enabled,
            Group.share_figures,
        ).where(Group.centre_id == centre.id)
    ).all()
    result = {
        r.id: GroupFigures(
            r.id, r.name, r.theme, r.canton, shares=bool(r.attendance_enabled and r.share_figures)
        )
        for r in rows
    }
    if not result:
        return []
    ids = list(result)
    low = datetime.combine(first, time.min)
    high = datetime.combine(last + timedelta(days=1), time.min)
    series_list = db.session.execute(
        schedule.series_of(ids, first, last).with_only_columns(
            MeetingSeries.group_id,
            MeetingSeries.timezone,
            MeetingSeries.start_date,
            MeetingSeries.start_time,
            MeetingSeries.freq,
            MeetingSeries.interval,
            MeetingSeries.byday,
            MeetingSeries.setpos,
            MeetingSeries.monthday,
            MeetingSeries.count,
            MeetingSeries.until,
        )
    ).all()
    stored_zones = db.session.scalars(
        select(Meeting.timezone).where(Meeting.group_id.in_(ids)).distinct()
    ).all()
    # "Started" compares local wall times with the local time now, per zone.
    zones = {
        zone: now.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        for zone in {row[1] for row in series_list} | set(stored_zones)
    }
    for group_id, zone, start_date, at, freq, interval, byday, *rest in series_list:
        setpos, monthday, count, until = rest
        rule = rec.Rule.stored(freq, interval, byday, setpos, monthday, count, until)
        local_now = zones[zone]
        days = rec.dates(rule, start_date, first, last)
        if days and datetime.combine(days[-1], at) > local_now:
            days = [d for d in days if datetime.combine(d, at) <= local_now]
        result[group_id].held += len(days)

    def started(column: Any) -> ColumnElement[bool]:
        return or_(*(and_(Meeting.timezone == z, column <= t) for z, t in zones.items()))

    # The stored meetings stand for their series' occurrences...
    for group_id, replaced in db.session.execute(
        select(Meeting.group_id, func.count())
        .where(
            Meeting.group_id.in_(ids),
            Meeting.series_id.is_not(None),
            Meeting.original_start >= low,
            Meeting.original_start < high,
            started(Meeting.original_start),
        )
        .group_by(Meeting.group_id)
    ):
        result[group_id].held -= replaced
    # ...and count where they start now.
    for group_id, cancelled, count in db.session.execute(
        select(Meeting.group_id, Meeting.cancelled, func.count())
        .where(
            Meeting.group_id.in_(ids),
            Meeting.start >= low,
            Meeting.start < high,
            or_(Meeting.cancelled, started(Meeting.start)),
        )
        .group_by(Meeting.group_id, Meeting.cancelled)
    ):
        if cancelled:
            result[group_id].cancelled += count
        else:
            result[group_id].held += count
    sharing = [g.group_id for g in result.values() if g.shares]
    if sharing:
        # One row per group and headcount (a few thousand rows, not one per meeting).
        for group_id, participants, meetings, newcomers in db.session.execute(
            select(
                Meeting.group_id,
                AttendanceRecord.participants,
                func.count(),
                func.coalesce(func.sum(AttendanceRecord.newcomers), 0),
            )
            .join(Meeting, Meeting.id == AttendanceRecord.meeting_id)
            .where(
                Meeting.group_id.in_(sharing),
                Meeting.start >= low,
                Meeting.start < high,
                Meeting.cancelled.is_(False),
                started(Meeting.start),
            )
            .group_by(Meeting.group_id, AttendanceRecord.participants)
        ):
            figures = result[group_id]
            figures.recorded += meetings
            figures.participants[participants] += meetings
            figures.newcomers += int(newcomers or 0)
    return sorted(result.values(), key=lambda g: (g.name.casefold(), g.group_id))


def _cell(key: str | None, groups: list[GroupFigures]) -> Cell:
    cell = Cell(key)
    counts: Counter[int] = Counter()
    for g in groups:
        if g.active:
            cell.groups += 1
        if g.reported:
            cell.sharing += 1
            cell.held += g.held
            cell.cancelled += g.cancelled
            cell.recorded += g.recorded
            cell.newcomers += g.newcomers
            counts.update(g.participants)
    cell.participants = sum(value * times for value, times in counts.items())
    cell.median = median(counts)
    return cell


def report(centre: Centre, first: date, last: date, now: datetime) -> Report:
    """The centre's figures for [first, last], small numbers hidden."""
    everyone = _figures(centre, first, last, now)
    counted = [g for g in everyone if g.active or g.reported]
    by: dict[str, defaultdict[str, list[GroupFigures]]] = {
        "theme": defaultdict(list),
        "canton": defaultdict(list),
    }
    for g in counted:
        by["theme"][g.theme].append(g)
        by["canton"][g.canton].append(g)
    total = _cell(None, counted)
    tables = {
        name: sorted((_cell(key, items) for key, items in rows.items()), key=lambda c: c.key or "")
        for name, rows in by.items()
    }
    for attribute, member in (("groups_hidden", "active"), ("shared_hidden", "reported")):
        hidden = suppression.hidden_cells(
            frozenset(g.group_id for g in counted if getattr(g, member)),
            [
                Table(
                    name,
                    {
                        key: frozenset(g.group_id for g in items if getattr(g, member))
                        for key, items in rows.items()
                    },
                )
                for name, rows in by.items()
            ],
        )
        setattr(total, attribute, TOTAL in hidden)
        for name, cells in tables.items():
            for cell in cells:
                setattr(cell, attribute, (name, cell.key) in hidden)
    return Report(
        centre=centre,
        first=first,
        last=last,
        attached=len(everyone),
        total=total,
        themes=tables["theme"],
        cantons=tables["canton"],
        groups=[g for g in everyone if g.reported],
        everyone=everyone,
    )


def record_download(centre: Centre, actor: User, kind: str, first: date, last: date) -> None:
    """A download is a staff action (the instance administrators see it)."""
    centres.record(
        centre, actor, f"statistics_{kind}", first=first.isoformat(), last=last.isoformat()
    )


def to_csv(
    result: Report,
    labels: dict[str, str],
    theme_name: Callable[[str | None], str],
    canton_name: Callable[[str | None], str],
) -> str:
    """The aggregate tables (never the per-group figures): by theme, by canton,
    each with its total; hidden cells say "fewer than 3", and the figures of
    a row where no group shares them "not known"."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            labels["table"],
            labels["row"],
            labels["groups"],
            labels["sharing"],
            labels["held"],
            labels["cancelled"],
            labels["participants"],
            labels["median"],
            labels["newcomers"],
        ]
    )
    few, unknown = labels["few"], labels["unknown"]

    def line(table: str, name: str, cell: Cell) -> list[object]:
        shared: list[object] = [cell.held, cell.cancelled, cell.participants]
        median = "" if cell.median is None else f"{cell.median:g}"
        newcomers: object = cell.newcomers
        if cell.unknown:
            shared, newcomers = [unknown] * 3, unknown
        return [
            table,
            name,
            few if cell.groups_hidden else cell.groups,
            *([few] * 4 if cell.shared_hidden else [cell.sharing, *shared]),
            few if cell.median_hidden else median,
            few if cell.shared_hidden else newcomers,
        ]

    for table, cells, name_of in (
        (labels["by_theme"], result.themes, theme_name),
        (labels["by_canton"], result.cantons, canton_name),
    ):
        for cell in cells:
            writer.writerow(line(table, name_of(cell.key), cell))
        writer.writerow(line(table, labels["total"], result.total))
    return out.getvalue()
