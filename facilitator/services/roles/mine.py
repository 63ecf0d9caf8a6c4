"""My roles: a user's coming roles across groups, and the marks on meeting lists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from facilitator.domain.recurrence import to_aware, to_local
from facilitator.extensions import db
from facilitator.models import Group, Meeting, Membership, User
from facilitator.models.roles import RoleAssignment, RoleType
from facilitator.services import schedule


@dataclass
class MyRole:
    group: Group
    occurrence_key: str
    start: datetime
    role: str


def my_roles(user: User, now: datetime) -> list[MyRole]:
    """The user's coming roles across all groups, soonest first."""
    rows = db.session.execute(
        select(RoleAssignment, Meeting, RoleType, Group)
        .join(Meeting, Meeting.id == RoleAssignment.meeting_id)
        .join(RoleType, RoleType.id == RoleAssignment.role_type_id)
        .join(Group, Group.id == Meeting.group_id)
        .join(Membership, Membership.id == RoleAssignment.membership_id)
        .where(
            Membership.user_id == user.id,
            Meeting.cancelled.is_(False),
            Meeting.start >= (now - timedelta(days=1)).replace(tzinfo=None),
        )
        .order_by(Meeting.start)
    ).all()
    found = [
        MyRole(group, schedule.key_of(meeting), meeting.start, role.name)
        for _a, meeting, role, group in rows
        if to_aware(meeting.start, meeting.timezone) > now
    ]
    return found


def _marks(held: Iterable[tuple[int, str, str]]) -> dict[tuple[int, str], list[str]]:
    """(group id, meeting key, role name) triples, as role names by meeting."""
    marks: dict[tuple[int, str], list[str]] = {}
    for group_id, key, name in held:
        marks.setdefault((group_id, key), []).append(name)
    return marks


def by_meeting(mine: list[MyRole]) -> dict[tuple[int, str], list[str]]:
    """My roles keyed by (group id, meeting key), to mark them in meeting lists."""
    return _marks((item.group.id, item.occurrence_key, item.role) for item in mine)


def my_marks(user: User, group: Group, now: datetime) -> dict[tuple[int, str], list[str]]:
    """``by_meeting`` for one group's list of meetings, from one light query
    (plain columns, no objects to build)."""
    rows = db.session.execute(
        select(Meeting.id, Meeting.series_id, Meeting.original_start, RoleType.name)
        .join(RoleAssignment, RoleAssignment.meeting_id == Meeting.id)
        .join(RoleType, RoleType.id == RoleAssignment.role_type_id)
        .join(Membership, Membership.id == RoleAssignment.membership_id)
        .where(
            Membership.user_id == user.id,
            Meeting.group_id == group.id,
            Meeting.start >= to_local(now, group.timezone) - timedelta(days=1),
        )
        .order_by(Meeting.start, RoleType.position)
    )
    return _marks(
        (group.id, schedule.key_from(meeting_id, series_id, original_start), name)
        for meeting_id, series_id, original_start, name in rows
    )


def first_times(user_id: int, role_type_ids: Iterable[int], before: datetime) -> set[int]:
    """The roles among ``role_type_ids`` that the user has never held at a
    meeting (not cancelled) starting before ``before`` (the group's local wall
    time): for them, this is the first time. One query; none without roles."""
    wanted = set(role_type_ids)
    if not wanted:
        return set()
    held = db.session.scalars(
        select(RoleAssignment.role_type_id)
        .distinct()
        .join(Meeting, Meeting.id == RoleAssignment.meeting_id)
        .join(Membership, Membership.id == RoleAssignment.membership_id)
        .where(
            Membership.user_id == user_id,
            RoleAssignment.role_type_id.in_(wanted),
            Meeting.start < before.replace(tzinfo=None),
            Meeting.cancelled.is_(False),
        )
    )
    return wanted - set(held)
