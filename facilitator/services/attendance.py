"""Attendance: anonymous headcounts, counted intentions, and the yearly figures.

Only numbers are stored (see models/attendance.py). Recording is for
co-responsible members and the meeting's role holders, from the meeting's
start on; intentions are for members before it.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from facilitator.extensions import db
from facilitator.models import AttendanceRecord, Group, Intention, Meeting, Membership, User
from facilitator.models.attendance import MAX_COUNT
from facilitator.models.roles import RoleAssignment
from facilitator.services import audit, schedule
from facilitator.services.errors import Conflict, DomainError, Forbidden, NotFound
from facilitator.services.sql import insert_or_get, rows_changed


class NotYet(Conflict):
    message = _l("A headcount can be recorded from the meeting's start on.")


class AnswersClosed(NotYet):
    message = _l("You can answer only for meetings to come.")


class Cancelled(Conflict):
    message = _l("This meeting was cancelled: there is nothing to count.")


class CountInvalid(DomainError):
    message = _l("The number of newcomers cannot be higher than the number of participants.")


class Disabled(NotFound):
    pass


def _enabled(group: Group) -> None:
    if not group.attendance_enabled:
        raise Disabled()


def may_record(group: Group, membership: Membership, occurrence: schedule.Occurrence) -> bool:
    """Co-responsibles and the meeting's role holders record the headcount."""
    if membership.is_coresponsible:
        return True
    if occurrence.meeting is None:
        return False
    held = db.session.scalar(
        select(func.count())
        .select_from(RoleAssignment)
        .where(
            RoleAssignment.meeting_id == occurrence.meeting.id,
            RoleAssignment.membership_id == membership.id,
        )
    )
    return bool(held)


def record_of(occurrence: schedule.Occurrence) -> AttendanceRecord | None:
    if occurrence.meeting is None:
        return None
    return db.session.scalar(
        select(AttendanceRecord).where(AttendanceRecord.meeting_id == occurrence.meeting.id)
    )


def record(
    group: Group,
    membership: Membership,
    occurrence: schedule.Occurrence,
    participants: int,
    newcomers: int | None,
    now: datetime,
) -> AttendanceRecord:
    """Record (or correct) a meeting's headcount."""
    _enabled(group)
    if not may_record(group, membership, occurrence):
        raise Forbidden()
    if occurrence.cancelled:
        raise Cancelled()
    if occurrence.start_utc > now:
        raise NotYet()
    if not 0 <= participants <= MAX_COUNT or (
        newcomers is not None and not 0 <= newcomers <= MAX_COUNT
    ):
        raise DomainError(field="participants")
    if newcomers is not None and newcomers > participants:
        raise CountInvalid(field="newcomers")
    meeting = schedule.materialize(occurrence)
    if meeting.cancelled:  # by the request that stored it a moment ago
        raise Cancelled()
    existing = record_of(occurrence)
    item, created = (
        (existing, False)
        if existing
        else insert_or_get(
            # a second co-responsible may be recording it right now
            AttendanceRecord(meeting_id=meeting.id, participants=participants),
            select(AttendanceRecord).where(AttendanceRecord.meeting_id == meeting.id),
        )
    )
    action = "attendance_recorded" if created else "attendance_corrected"
    item.participants, item.newcomers = participants, newcomers
    # Who changed the count, never who attended.
    audit.record(
        group,
        membership.user,
        action,
        start=occurrence.start.isoformat(),
        participants=participants,
        newcomers=newcomers,
    )
    db.session.flush()
    return item


def _responder(user: User, meeting: Meeting) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{user.id}:{meeting.id}".encode(), hashlib.sha256).hexdigest()


def set_intention(
    group: Group, user: User, occurrence: schedule.Occurrence, coming: bool | None, now: datetime
) -> None:
    """Say I plan to come (True), I can't come (False), or take my answer back (None)."""
    _enabled(group)
    if occurrence.cancelled or occurrence.start_utc <= now:
        raise AnswersClosed()
    meeting = schedule.materialize(occurrence)
    if meeting.cancelled:  # by the request that stored it a moment ago
        raise AnswersClosed()
    responder = _responder(user, meeting)
    mine = (Intention.meeting_id == meeting.id, Intention.responder == responder)
    db.session.execute(delete(Intention).where(*mine))
    if coming is not None:
        # The same answer sent twice at once (a double tap): one row, the last word.
        answer, _created = insert_or_get(
            Intention(meeting_id=meeting.id, responder=responder, coming=coming),
            select(Intention).where(*mine),
        )
        answer.coming = coming


@dataclass
class Intentions:
    coming: int = 0
    not_coming: int = 0
    mine: bool | None = None


def may_answer(group: Group, occurrence: schedule.Occurrence, now: datetime) -> bool:
    """Whether members may say now if they plan to come to this meeting."""
    return group.attendance_enabled and not occurrence.cancelled and occurrence.start_utc > now


def intentions(user: User, occurrence: schedule.Occurrence) -> Intentions:
    result = Intentions()
    if occurrence.meeting is None:
        return result
    mine = _responder(user, occurrence.meeting)
    for responder, coming in db.session.execute(
        select(Intention.responder, Intention.coming).where(
            Intention.meeting_id == occurrence.meeting.id
        )
    ):
        if coming:
            result.coming += 1
        else:
            result.not_coming += 1
        if responder == mine:
            result.mine = coming
    return result


def disable(group: Group, actor: User, delete_figures: bool) -> int:
    """Turn attendance off; keep or delete the figures. Returns how many went."""
    deleted = 0
    if delete_figures:
        meeting_ids = select(Meeting.id).where(Meeting.group_id == group.id)
        deleted = rows_changed(
            delete(AttendanceRecord).where(AttendanceRecord.meeting_id.in_(meeting_ids))
        )
        db.session.execute(delete(Intention).where(Intention.meeting_id.in_(meeting_ids)))
    group.attendance_enabled = False
    audit.record(group, actor, "attendance_disabled", deleted=deleted)
    return deleted


def enable(group: Group, actor: User) -> None:
    group.attendance_enabled = True
    audit.record(group, actor, "attendance_enabled")


# --- the yearly figures ------------------------------------------------------------


@dataclass
class Row:
    start: datetime
    status: str  # "held", "cancelled", "planned" (still to come)
    participants: int | None = None
    newcomers: int | None = None


@dataclass
class Stats:
    first: date
    last: date
    rows: list[Row] = field(default_factory=list)
    planned: int = 0
    held: int = 0
    cancelled: int = 0
    recorded: int = 0
    not_recorded: int = 0
    participants_total: int = 0
    mean: float | None = None
    median: float | None = None
    minimum: int | None = None
    maximum: int | None = None
    newcomers_total: int = 0


def stats(group: Group, first: date, last: date, now: datetime) -> Stats:
    """The figures for [first, last]: meetings planned, held, cancelled, and the
    headcounts of those held (unrecorded ones are not zero: they are counted apart)."""
    result = Stats(first, last)
    occurrences = schedule.occurrences([group.id], first, last)
    meeting_ids = [o.meeting.id for o in occurrences if o.meeting is not None]
    records = {
        r.meeting_id: r
        for r in db.session.scalars(
            select(AttendanceRecord).where(AttendanceRecord.meeting_id.in_(meeting_ids))
        )
    }
    counts = []
    for o in occurrences:
        result.planned += 1
        if o.cancelled:
            result.cancelled += 1
            result.rows.append(Row(o.start, "cancelled"))
            continue
        if o.start_utc > now:
            result.rows.append(Row(o.start, "planned"))
            continue
        result.held += 1
        rec = records.get(o.meeting.id) if o.meeting is not None else None
        if rec is None:
            result.not_recorded += 1
            result.rows.append(Row(o.start, "held"))
            continue
        result.recorded += 1
        counts.append(rec.participants)
        result.newcomers_total += rec.newcomers or 0
        result.rows.append(Row(o.start, "held", rec.participants, rec.newcomers))
    if counts:
        result.participants_total = sum(counts)
        result.mean = round(statistics.mean(counts), 1)
        result.median = statistics.median(counts)
        result.minimum, result.maximum = min(counts), max(counts)
    return result


def to_csv(result: Stats, labels: dict[str, str]) -> str:
    """One row per meeting: date, status, participants, newcomers."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([labels["date"], labels["status"], labels["participants"], labels["newcomers"]])
    for row in result.rows:
        writer.writerow(
            [
                row.start.strftime("%Y-%m-%d %H:%M"),
                labels[row.status],
                "" if row.participants is None else row.participants,
                "" if row.newcomers is None else row.newcomers,
            ]
        )
    return out.getvalue()


def chart(result: Stats, width: int = 640, height: int = 220) -> dict:
    """Geometry of a bar chart of participants per held meeting (for an SVG):
    each bar carries its value above it, and the first bar of each month the
    month's name below the axis."""
    held = [r for r in result.rows if r.status == "held"]
    top = max([r.participants or 0 for r in held] + [1])
    margin, base = 30, height - 30
    slot = (width - margin - 10) / max(len(held), 1)
    bars = []
    for index, row in enumerate(held):
        value = row.participants
        h = 0 if value is None else (base - 24) * value / top
        x = margin + index * slot + slot * 0.15
        bars.append(
            {
                "x": round(x, 1),
                "width": round(slot * 0.7, 1),
                "center": round(x + slot * 0.35, 1),
                "y": round(base - h, 1),
                "height": round(h, 1),
                "row": row,
                "new_month": index == 0
                or (row.start.year, row.start.month)
                != (held[index - 1].start.year, held[index - 1].start.month),
            }
        )
    return {
        "width": width,
        "height": height,
        "base": base,
        "margin": margin,
        "top": top,
        # values stay readable in narrow bars (a weekly group's year: 52 bars)
        "label_size": round(min(12, max(slot * 0.75, 7)), 1),
        "bars": bars,
    }
