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

Health signals (services/health_signals.py) for the groups that share them;
``signals`` is None for the others ("not shared"), and nothing is computed
for them.

Seven SQL statements for the whole list, whatever the number of groups: the
groups with their member counts, their meetings around today
(services/group_meetings.py: three statements, series expanded in memory
over the window only), and the signals' three.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select

from facilitator.domain.health import Signals
from facilitator.extensions import db
from facilitator.models import Centre, Group, Membership
from facilitator.models.groups import CANTONS, LANGUAGES, THEMES
from facilitator.services import group_meetings, health_signals
from facilitator.services.group_meetings import WINDOW

STATUSES = ("founding", "active", "paused", "dormant")
SEARCH_MAX = 100


@dataclass(frozen=True)
class Filters:
    status: str = ""
    canton: str = ""
    theme: str = ""
    language: str = ""
    search: str = ""
    signals: bool = False  # only the groups showing a signal

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
            signals=(args("signals") or "").strip() == "1",
        )

    def as_args(self) -> dict[str, str]:
        values = {
            "status": self.status,
            "canton": self.canton,
            "theme": self.theme,
            "language": self.language,
            "q": self.search,
            "signals": "1" if self.signals else "",
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
    signals: Signals | None  # None: the group does not share them


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
        Group.share_signals,
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
    # Meetings and signals of the groups the filters keep, not of them all.
    ids = query.with_only_columns(Group.id)
    limits = health_signals.thresholds()
    today = now.date()
    back = max(WINDOW, health_signals.lookback(limits))
    first, last = today - back - timedelta(days=1), today + WINDOW + timedelta(days=1)
    # The ids of the coming meetings only (their open roles): the day before
    # today is early enough in any of the groups' time zones.
    since = datetime.combine(today - timedelta(days=1), time.min)
    meetings = group_meetings.starts_between(ids, first, last, ids_from=since)
    signals = health_signals.compute(ids.where(Group.share_signals), meetings, now, limits)
    rows = []
    local_now: dict[str, datetime] = {}
    for g in groups:
        here = local_now.get(g.timezone)
        if here is None:
            here = local_now[g.timezone] = now.astimezone(ZoneInfo(g.timezone)).replace(tzinfo=None)
        starts = meetings.get(g.id, [])
        held = any(here - WINDOW <= start < here for start, _mid in starts)
        coming = [start for start, _mid in starts if here <= start < here + WINDOW]
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
        shown = signals.get(g.id) if g.share_signals else None
        if filters.signals and not shown:
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
                signals=shown,
            )
        )
    return rows


def to_csv(
    rows: list[GroupRow],
    labels: dict[str, str],
    values: dict[str, str],
    signals_text: Callable[[Signals | None], str],
) -> str:
    """One row per group, with the page's columns; ``values`` translates
    statuses, themes, yes and no, ``signals_text`` a row's signals."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns = ("name", "theme", "canton", "language", "status", "next_meeting", "members",
               "newcomers", "listed", "signals")  # fmt: skip
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
                signals_text(row.signals),
            ]
        )
    return out.getvalue()


def _cell(text: str) -> str:
    """A text cell that a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
