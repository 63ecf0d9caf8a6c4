"""Unavailability: the dates a member is away, and their roles on those dates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from facilitator.domain.recurrence import to_aware, to_local
from facilitator.extensions import db
from facilitator.models import Meeting, Membership
from facilitator.models.roles import RoleAssignment, Unavailability
from facilitator.services.lookup import owned


def away_on(membership_ids: Iterable[int], day: date) -> set[int]:
    """The memberships among ``membership_ids`` that are away on ``day``."""
    return set(
        db.session.scalars(
            select(Unavailability.membership_id).where(
                Unavailability.membership_id.in_(list(membership_ids)),
                Unavailability.first <= day,
                Unavailability.last >= day,
            )
        )
    )


def add_unavailability(
    membership: Membership, first: date, last: date, note: str
) -> Unavailability:
    item = Unavailability(membership_id=membership.id, first=first, last=last, note=note)
    db.session.add(item)
    db.session.flush()
    return item


def unavailabilities(membership: Membership, today: date) -> list[Unavailability]:
    """The member's absences that are not over by ``today``, soonest first."""
    return list(
        db.session.scalars(
            select(Unavailability)
            .where(Unavailability.membership_id == membership.id, Unavailability.last >= today)
            .order_by(Unavailability.first)
        )
    )


def remove_unavailability(membership: Membership, item_id: int) -> None:
    db.session.delete(owned(Unavailability, item_id, membership_id=membership.id))


@dataclass
class RoleWhileAway:
    """A coming role of a member on a date they said they are away."""

    assignment: RoleAssignment
    releasable: bool  # before the group's cut-off: "give it back" still works


def roles_while_away(membership: Membership, now: datetime) -> list[RoleWhileAway]:
    """The member's coming roles (meetings not cancelled) that fall within one
    of their absences, soonest first: each to give back or hand over."""
    group = membership.group
    absences = unavailabilities(membership, to_local(now, group.timezone).date())
    if not absences:
        return []
    held = db.session.scalars(
        select(RoleAssignment)
        .join(Meeting)
        .where(
            RoleAssignment.membership_id == membership.id,
            Meeting.cancelled.is_(False),
            Meeting.start > to_local(now, group.timezone),
        )
        .order_by(Meeting.start)
    ).all()
    cut_off = timedelta(hours=group.role_release_hours)
    return [
        RoleWhileAway(a, to_aware(a.meeting.start, a.meeting.timezone) - cut_off > now)
        for a in held
        if any(u.first <= a.meeting.start.date() <= u.last for u in absences)
    ]
