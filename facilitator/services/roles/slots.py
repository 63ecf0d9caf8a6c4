"""The slots of a meeting's roles: taking and releasing them, assignments by
co-responsibles, and the slots a leaving member reopens.

The database enforces one holder per (meeting, role, slot) and one role per
member per meeting (unless the group allows several); a race for the last
slot ends in an IntegrityError that becomes a clear message here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from facilitator.domain.recurrence import to_aware, to_local
from facilitator.extensions import db
from facilitator.models import Group, Meeting, Membership, User
from facilitator.models.roles import RoleAssignment, RoleType
from facilitator.services import audit, lookup, schedule
from facilitator.services.errors import Conflict, NotFound
from facilitator.services.roles.absences import away_on
from facilitator.services.roles.definitions import role_types
from facilitator.services.roles.errors import (
    AlreadyHasRole,
    Away,
    MeetingClosed,
    SlotTaken,
    TooLate,
)
from facilitator.services.roles.willingness import opt_in, opted_in


@dataclass
class RoleSlots:
    role: RoleType
    holders: list[RoleAssignment | None]  # one entry per slot


def slots_of(group: Group, occurrence: schedule.Occurrence) -> list[RoleSlots]:
    """Each active role (and any retired one still held) with its slots."""
    return slots_for(group, [occurrence])[0]


def slots_for(group: Group, occurrences: Sequence[schedule.Occurrence]) -> list[list[RoleSlots]]:
    """``slots_of`` for each occurrence, in two statements for them all (the
    assignments of every meeting, then the roles)."""
    meeting_ids = [o.meeting.id for o in occurrences if o.meeting is not None]
    held: dict[int, dict[int, dict[int, RoleAssignment]]] = {}  # meeting, role, slot
    if meeting_ids:
        for assignment in db.session.scalars(
            select(RoleAssignment).where(RoleAssignment.meeting_id.in_(meeting_ids))
        ):
            by_role = held.setdefault(assignment.meeting_id, {})
            by_role.setdefault(assignment.role_type_id, {})[assignment.slot] = assignment
    role_list = db.session.scalars(role_types(group, include_retired=True)).all()
    return [
        _role_slots(role_list, held.get(o.meeting.id, {}) if o.meeting is not None else {})
        for o in occurrences
    ]


def _role_slots(
    role_list: Sequence[RoleType], by_role: dict[int, dict[int, RoleAssignment]]
) -> list[RoleSlots]:
    result = []
    for role in role_list:
        if not role.active and role.id not in by_role:
            continue
        slots = max(role.slots, max(by_role.get(role.id, {}).keys(), default=-1) + 1)
        result.append(RoleSlots(role, [by_role.get(role.id, {}).get(i) for i in range(slots)]))
    return result


def _check_open(occurrence: schedule.Occurrence, now: datetime) -> None:
    if occurrence.cancelled or occurrence.start_utc <= now:
        raise MeetingClosed()


def _insert(
    group: Group, meeting: Meeting, role: RoleType, slot: int, membership: Membership
) -> RoleAssignment:
    if not 0 <= slot < role.slots:
        raise NotFound()
    if meeting.cancelled:  # by the request that stored it a moment ago
        raise MeetingClosed()
    assignment = RoleAssignment(
        meeting_id=meeting.id,
        role_type_id=role.id,
        slot=slot,
        membership_id=membership.id,
        exclusive_holder=None if group.several_roles_per_meeting else membership.id,
    )
    try:
        # A savepoint: a conflict undoes this insert only, not the unit's
        # other changes (the fair fill's other picks).
        with db.session.begin_nested():
            db.session.add(assignment)
    except IntegrityError as exc:
        taken = db.session.scalar(
            select(RoleAssignment.id).where(
                RoleAssignment.meeting_id == meeting.id,
                RoleAssignment.role_type_id == role.id,
                RoleAssignment.slot == slot,
            )
        )
        raise (SlotTaken() if taken else AlreadyHasRole()) from exc
    return assignment


def mark_exclusive_holders(group: Group) -> None:
    """The group now allows one role per member and meeting: mark the holders.

    While several roles were allowed, assignments carried no marker, so the
    database would let a member take yet another role. Each holder's first role
    at a meeting is marked again; a member who already holds two keeps them
    (the second stays unmarked) but cannot take a third.
    """
    assignments = db.session.scalars(
        select(RoleAssignment)
        .join(Meeting, RoleAssignment.meeting_id == Meeting.id)
        .where(Meeting.group_id == group.id, RoleAssignment.membership_id.is_not(None))
        .order_by(RoleAssignment.meeting_id, RoleAssignment.id)
    ).all()
    marked: set[tuple[int, int | None]] = {
        (a.meeting_id, a.exclusive_holder) for a in assignments if a.exclusive_holder
    }
    for assignment in assignments:
        key = (assignment.meeting_id, assignment.membership_id)
        if assignment.exclusive_holder is None and key not in marked:
            assignment.exclusive_holder = assignment.membership_id
            marked.add(key)
    db.session.flush()


def take(
    group: Group,
    membership: Membership,
    occurrence: schedule.Occurrence,
    role: RoleType,
    slot: int,
    now: datetime,
) -> bool:
    """An available member takes an open slot ("I'll take it"). Taking a role
    is the clearest way to say one is willing: the willingness is recorded at
    the same time, so the fair fill counts the member next time. Returns
    whether it was newly recorded."""
    _check_open(occurrence, now)
    if not role.active:
        raise NotFound()
    if membership.id in away_on([membership.id], occurrence.start.date()):
        raise Away(_("You have said you are away on that date."))
    meeting = schedule.materialize(occurrence)
    _insert(group, meeting, role, slot, membership)
    # A second take of this role at another meeting, at the same moment, may
    # record the willingness first: then it is simply recorded already.
    newly_willing = role.id not in opted_in(membership) and opt_in(membership, role.id)
    group.version += 1
    return newly_willing


def assign(
    group: Group,
    actor: User,
    occurrence: schedule.Occurrence,
    role: RoleType,
    slot: int,
    membership: Membership,
    now: datetime,
) -> tuple[RoleAssignment, Membership | None]:
    """A co-responsible gives a slot to a member (anyone not away). Returns the
    new assignment and the member who held the slot until now, if another."""
    _check_open(occurrence, now)
    if membership.group_id != group.id:
        raise NotFound()
    if membership.id in away_on([membership.id], occurrence.start.date()):
        raise Away()
    meeting = schedule.materialize(occurrence)
    existing = db.session.scalar(
        select(RoleAssignment).where(
            RoleAssignment.meeting_id == meeting.id,
            RoleAssignment.role_type_id == role.id,
            RoleAssignment.slot == slot,
        )
    )
    previous = None
    if existing is not None:
        if existing.membership_id != membership.id:
            previous = existing.membership
        db.session.delete(existing)
        db.session.flush()
    assignment = _insert(group, meeting, role, slot, membership)
    group.version += 1
    audit.record(
        group,
        actor,
        "role_assigned",
        subject=membership.user,
        role=role.name,
        start=occurrence.start.isoformat(),
    )
    return assignment, previous


def assignment_in(group: Group, assignment_id: int) -> RoleAssignment:
    assignment = lookup.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.meeting.group_id != group.id:
        raise NotFound()
    return assignment


def release(
    group: Group, membership: Membership, assignment: RoleAssignment, now: datetime
) -> None:
    """A member gives back their own slot, until the group's cut-off."""
    if assignment.membership_id != membership.id:
        raise NotFound()
    start = to_aware(assignment.meeting.start, assignment.meeting.timezone)
    if start - timedelta(hours=group.role_release_hours) <= now:
        raise TooLate()
    db.session.delete(assignment)
    group.version += 1


class HolderChanged(Conflict):
    message = _l(
        "Someone else holds this role now (a swap was accepted meanwhile). Check "
        "again before you open it."
    )


def unassign(group: Group, actor: User, assignment: RoleAssignment, holder_id: int | None) -> None:
    """Open a role again, if it is still held by ``holder_id`` (the holder the
    co-responsible saw on the confirmation page; None for a former member)."""
    if assignment.membership_id != holder_id:
        raise HolderChanged()
    holder = assignment.membership.user if assignment.membership else None
    audit.record(
        group,
        actor,
        "role_unassigned",
        subject=holder,
        role=assignment.role_type.name,
        start=assignment.meeting.start.isoformat(),
    )
    db.session.delete(assignment)
    group.version += 1


def drop_future_assignments(membership: Membership, now: datetime) -> list[tuple[datetime, str]]:
    """A member leaves: their slots from now on reopen (the past stays).
    Returns what reopened: (meeting start, role name), soonest first."""
    local_now = to_local(now, membership.group.timezone)
    future = db.session.scalars(
        select(RoleAssignment)
        .join(Meeting)
        .where(RoleAssignment.membership_id == membership.id, Meeting.start >= local_now)
        .order_by(Meeting.start)
    ).all()
    reopened = [(a.meeting.start, a.role_type.name) for a in future]
    for assignment in future:
        db.session.delete(assignment)
    return reopened
