"""A centre's groups for its staff: group-level facts only, for hundreds of
groups at once.

What a row holds: the name the group shows (its directory's neutral title
when it set one, else its name), theme, canton, language, status, next
meeting, the number of members (a count), whether newcomers are welcome, and
whether it is listed in the directory. Never a member, a note or a presence.

Status, decided in this order (``now`` in the group's time zone):

- ``founding``: the group is being founded (``Group.founding``);
- ``dormant``: the group exists for more than 8 weeks and no meeting was held
  (started and not cancelled) in the last 8 weeks;
- ``paused``: no meeting (not cancelled) starts in the coming 8 weeks (its
  series are paused, ended or absent);
- ``active``: otherwise.

Four SQL statements for the whole list, whatever the number of groups: the
groups with their member counts, their series that reach the 16-week window
around today, the stored occurrences of those series (by the (series,
original start) index; an occurrence moved into the window by more than 4
weeks is not seen), and the one-off meetings of the window; the series are
expanded in memory over the window only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, or_, select

from facilitator.domain import recurrence as rec
from facilitator.extensions import db
from facilitator.models import Centre, Group, Meeting, MeetingSeries, Membership
from facilitator.models.groups import CANTONS, LANGUAGES, THEMES

STATUSES = ("founding", "active", "paused", "dormant")
WINDOW = timedelta(weeks=8)
MOVE_SLACK = timedelta(weeks=4)
SEARCH_MAX = 100


@dataclass(frozen=True)
class Filters:
    status: str = ""
    canton: str = ""
    theme: str = ""
    language: str = ""
    search: str = ""

    @classmethod
    def parse(cls, args: Callable[[str], str | None]) -> Filters:
        """From request arguments; a value outside the known ones is ignored."""

        def pick(name: str, allowed: tuple[str, ...]) -> str:
            value = (args(name) or "").strip()
            return value if value in allowed else ""

        return cls(
            status=pick("status", STATUSES),
            canton=pick("canton", CANTONS),
            theme=pick("theme", THEMES),
            language=pick("language", LANGUAGES),
            search=(args("q") or "").strip()[:SEARCH_MAX],
        )

    def as_args(self) -> dict[str, str]:
        values = {
            "status": self.status,
            "canton": self.canton,
            "theme": self.theme,
            "language": self.language,
            "q": self.search,
        }
        return {key: value for key, value in values.items() if value}


@dataclass
class GroupRow:
    group_id: int
    name: str
    theme: str
    canton: str
    language: str
    status: str
    next_meeting: datetime | None  # local wall time of the group
    members: int
    newcomers_welcome: bool
    listed: bool


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def shown_name() -> ColumnElement[str]:
    """The name staff see: the directory's neutral title when set."""
    return func.coalesce(func.nullif(Group.directory_title, ""), Group.name)


def centre_groups(centre: Centre, filters: Filters, now: datetime) -> list[GroupRow]:
    """The centre's groups (filtered), by shown name; ``now`` is aware."""
    name = shown_name()
    members = (
        select(func.count())
        .select_from(Membership)
        .where(Membership.group_id == Group.id)
        .scalar_subquery()
    )
    query = select(
        Group.id,
        name,
        Group.theme,
        Group.canton,
        Group.language,
        Group.timezone,
        Group.founding,
        Group.created_at,
        Group.accepting_newcomers,
        Group.listed,
        members,
    ).where(Group.centre_id == centre.id)
    if filters.canton:
        query = query.where(Group.canton == filters.canton)
    if filters.theme:
        query = query.where(Group.theme == filters.theme)
    if filters.language:
        query = query.where(Group.language == filters.language)
    if filters.search:
        query = query.where(func.lower(name).like(_like(filters.search), escape="\\"))
    groups = db.session.execute(query.order_by(func.lower(name), Group.id)).all()
    if not groups:
        return []
    ids = select(Group.id).where(Group.centre_id == centre.id)
    today = now.date()
    first, last = today - WINDOW - timedelta(days=1), today + WINDOW + timedelta(days=1)
    meetings = _meetings(ids, first, last)
    rows = []
    local_now: dict[str, datetime] = {}
    for g in groups:
        here = local_now.get(g.timezone)
        if here is None:
            here = local_now[g.timezone] = now.astimezone(ZoneInfo(g.timezone)).replace(tzinfo=None)
        starts = meetings.get(g.id, [])
        held = any(here - WINDOW <= start < here for start in starts)
        coming = [start for start in starts if here <= start < here + WINDOW]
        if g.founding:
            status = "founding"
        elif not held and g.created_at < now - WINDOW:
            status = "dormant"
        elif not coming:
            status = "paused"
        else:
            status = "active"
        if filters.status and status != filters.status:
            continue
        rows.append(
            GroupRow(
                group_id=g.id,
                name=g[1],
                theme=g.theme,
                canton=g.canton,
                language=g.language,
                status=status,
                next_meeting=min(coming) if coming else None,
                members=g[-1],
                newcomers_welcome=g.accepting_newcomers,
                listed=g.listed,
            )
        )
    return rows


def _meetings(group_ids: Select, first: date, last: date) -> dict[int, list[datetime]]:
    """The local start of every meeting not cancelled between ``first`` and
    ``last`` (local dates), by group: series expanded and merged with the
    stored meetings. Three statements, plain rows (no objects)."""
    low = datetime.combine(first, time.min)
    high = datetime.combine(last + timedelta(days=1), time.min)
    series = db.session.execute(
        select(
            MeetingSeries.id,
            MeetingSeries.group_id,
            MeetingSeries.start_date,
            MeetingSeries.start_time,
            MeetingSeries.freq,
            MeetingSeries.interval,
            MeetingSeries.byday,
            MeetingSeries.setpos,
            MeetingSeries.monthday,
            MeetingSeries.count.label("times"),
            MeetingSeries.until,
        ).where(
            MeetingSeries.group_id.in_(group_ids),
            MeetingSeries.start_date <= last,
            or_(MeetingSeries.until.is_(None), MeetingSeries.until >= first),
        )
    ).all()
    # The stored occurrences of these series, found by the (series, original
    # start) index; a meeting moved into the window comes from at most
    # MOVE_SLACK away.
    series_ids = select(MeetingSeries.id).where(MeetingSeries.group_id.in_(group_ids))
    columns = (Meeting.group_id, Meeting.series_id, Meeting.original_start, Meeting.start,
               Meeting.cancelled)  # fmt: skip
    stored = db.session.execute(
        select(*columns).where(
            Meeting.series_id.in_(series_ids),
            Meeting.original_start >= low - MOVE_SLACK,
            Meeting.original_start < high + MOVE_SLACK,
        )
    ).all()
    one_offs = db.session.execute(
        select(*columns).where(
            Meeting.series_id.is_(None),
            Meeting.group_id.in_(group_ids),
            Meeting.start >= low,
            Meeting.start < high,
        )
    ).all()
    # Plain tuples from here on: 600 groups make some ten thousand occurrences.
    overrides = {(sid, original): (start, cancelled)
                 for _gid, sid, original, start, cancelled in stored if sid is not None}  # fmt: skip
    found: dict[int, list[datetime]] = {}
    seen = set()
    for s in series:
        (sid, gid, start_date, start_time, freq, interval, byday, setpos, monthday, times,
         until) = s  # fmt: skip
        rule = rec.Rule(
            freq=freq,
            interval=interval,
            byday=tuple(d for d in byday.split(",") if d),
            setpos=setpos,
            monthday=monthday,
            count=times,
            until=until,
        )
        starts = found.setdefault(gid, [])
        for day in rec.dates(rule, start_date, first, last):
            original = datetime.combine(day, start_time)
            seen.add((sid, original))
            override = overrides.get((sid, original))
            if override is None:
                starts.append(original)
            elif not override[1]:
                starts.append(override[0])
    for m in [*stored, *one_offs]:
        if m.cancelled or not low <= m.start < high:
            continue
        if m.series_id is None or (m.series_id, m.original_start) not in seen:
            found.setdefault(m.group_id, []).append(m.start)
    return found


def to_csv(rows: list[GroupRow], labels: dict[str, str], values: dict[str, str]) -> str:
    """One row per group, with the page's columns; ``values`` translates
    statuses, themes, yes and no."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns = ("name", "theme", "canton", "language", "status", "next_meeting", "members",
               "newcomers", "listed")  # fmt: skip
    writer.writerow([labels[c] for c in columns])
    for row in rows:
        writer.writerow(
            [
                _cell(row.name),
                values[row.theme],
                row.canton,
                row.language,
                values[row.status],
                row.next_meeting.strftime("%Y-%m-%d %H:%M") if row.next_meeting else "",
                row.members,
                values["yes" if row.newcomers_welcome else "no"],
                values["yes" if row.listed else "no"],
            ]
        )
    return out.getvalue()


def _cell(text: str) -> str:
    """A text cell that a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
