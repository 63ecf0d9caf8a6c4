"""Self-help centres and their staff: who is staff where, and the trail of
what staff did (read by the instance administrators).

Staff rights never reach inside a group: a centre's pages read group-level
facts and what a group chose to share; nothing here returns a member.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from facilitator.extensions import db
from facilitator.models import Centre, CentreStaff, Group, StaffAction, User


def staff_centre(user_id: int, centre_id: int) -> Centre | None:
    """The centre, if ``user_id`` is on its staff."""
    return db.session.scalar(
        select(Centre)
        .join(CentreStaff, CentreStaff.centre_id == Centre.id)
        .where(Centre.id == centre_id, CentreStaff.user_id == user_id)
    )


def centres_of(user_id: int) -> Sequence[Centre]:
    """The centres where ``user_id`` is staff, by name."""
    return db.session.scalars(
        select(Centre)
        .join(CentreStaff, CentreStaff.centre_id == Centre.id)
        .where(CentreStaff.user_id == user_id)
        .order_by(Centre.name)
    ).all()


def record(
    centre: Centre | None,
    actor: User | None,
    action: str,
    group: Group | None = None,
    **details: object,
) -> StaffAction:
    """Add a staff action to the session (committed with the change it
    records)."""
    if (centre is not None and centre.id is None) or (group is not None and group.id is None):
        db.session.flush()
    entry = StaffAction(
        centre_id=centre.id if centre else None,
        actor_id=actor.id if actor else None,
        group_id=group.id if group else None,
        action=action,
        details=details,
    )
    db.session.add(entry)
    return entry
