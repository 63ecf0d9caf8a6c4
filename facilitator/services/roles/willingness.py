"""Willingness: the roles a member is ready to take (their opt-ins)."""

from __future__ import annotations

from sqlalchemy import delete, select

from facilitator.extensions import db
from facilitator.models import Membership
from facilitator.models.roles import RoleOptIn, RoleType
from facilitator.services.sql import insert_or_get


def opted_in(membership: Membership) -> set[int]:
    return set(
        db.session.scalars(
            select(RoleOptIn.role_type_id).where(RoleOptIn.membership_id == membership.id)
        )
    )


def set_opt_ins(membership: Membership, role_type_ids: set[int]) -> None:
    valid = set(
        db.session.scalars(select(RoleType.id).where(RoleType.group_id == membership.group_id))
    )
    wanted = role_type_ids & valid
    current = opted_in(membership)
    db.session.execute(
        delete(RoleOptIn).where(
            RoleOptIn.membership_id == membership.id,
            RoleOptIn.role_type_id.in_(current - wanted),
        )
    )
    for role_id in wanted - current:
        opt_in(membership, role_id)


def opt_in(membership: Membership, role_type_id: int) -> bool:
    """Record that the member is willing to take a role; whether it is new.
    Another request of the member may record the same at the same moment (the
    form sent twice, the role taken at two meetings): then it is recorded once."""
    return insert_or_get(
        RoleOptIn(membership_id=membership.id, role_type_id=role_type_id),
        select(RoleOptIn).where(
            RoleOptIn.membership_id == membership.id, RoleOptIn.role_type_id == role_type_id
        ),
    )[1]
