"""Fairness: how often each member held each role, and their next role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from facilitator.domain.recurrence import to_local
from facilitator.extensions import db
from facilitator.models import Group, Meeting, Membership
from facilitator.models.roles import RoleAssignment, RoleType


@dataclass
class FairnessRow:
    membership: Membership
    counts: dict[int, int]  # role type id -> times held in the last 12 months
    next_day: date | None
    next_role: str | None


def members_by_seniority(group: Group) -> list[Membership]:
    """The group's memberships with their users, longest-standing first: the
    order of the fairness view and of the fair fill's ties."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(Membership.user)
            .options(contains_eager(Membership.user))
            .where(Membership.group_id == group.id)
            .order_by(Membership.joined_at, Membership.id)
        )
    )


def fairness(group: Group, now: datetime) -> list[FairnessRow]:
    """Per member: how often each role was held in the last twelve months, and
    the member's next role."""
    local_now = to_local(now, group.timezone)
    since = local_now - timedelta(days=365)
    members = members_by_seniority(group)
    rows = {m.id: FairnessRow(m, {}, None, None) for m in members}
    held = db.session.execute(
        select(
            RoleAssignment.membership_id,
            RoleAssignment.role_type_id,
            Meeting.start,
            Meeting.cancelled,
            RoleType.name,
        )
        .join(Meeting, Meeting.id == RoleAssignment.meeting_id)
        .join(RoleType, RoleType.id == RoleAssignment.role_type_id)
        .where(Meeting.group_id == group.id, Meeting.start >= since)
        .order_by(Meeting.start)
    ).all()
    for membership_id, role_id, start, cancelled, name in held:
        row = rows.get(membership_id) if membership_id is not None else None
        if row is None:
            continue
        if start < local_now:
            if not cancelled:
                row.counts[role_id] = row.counts.get(role_id, 0) + 1
        elif row.next_day is None and not cancelled:
            row.next_day, row.next_role = start.date(), name
    return list(rows.values())
