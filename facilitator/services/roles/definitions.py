"""The roles a group defines: the usual ones for a new group, adding,
changing, retiring and ordering them.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale, lazy_pgettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from facilitator.extensions import db
from facilitator.models import Group, User
from facilitator.models.roles import RoleType
from facilitator.services import audit
from facilitator.services.lookup import owned

# name (context "role": "Welcome" is also a page title), description, slots;
# created in the group's language.
DEFAULT_ROLES = (
    (
        lazy_pgettext("role", "Facilitation"),
        _l("Opens the meeting, gives the floor, keeps the exchange respectful."),
        1,
    ),
    (
        lazy_pgettext("role", "Timekeeping"),
        _l("Watches the time so that everyone can speak and the meeting ends on time."),
        1,
    ),
    (
        lazy_pgettext("role", "Welcome"),
        _l("Welcomes newcomers, explains how the group works and its confidentiality."),
        1,
    ),
    (
        lazy_pgettext("role", "Notes"),
        _l("Notes decisions and practical points, never what people shared."),
        1,
    ),
    (
        lazy_pgettext("role", "Room and keys"),
        _l("Fetches the keys, opens and tidies the room, closes up."),
        1,
    ),
)


def create_defaults(group: Group) -> None:
    """Give a new group the usual roles, named in the group's language."""
    with force_locale(group.language):
        for position, (name, description, slots) in enumerate(DEFAULT_ROLES):
            db.session.add(
                RoleType(
                    group_id=group.id,
                    name=str(name),
                    description=str(description),
                    slots=slots,
                    position=position,
                )
            )


def role_types(group: Group, include_retired: bool = False) -> Select[RoleType]:
    query = select(RoleType).where(RoleType.group_id == group.id)
    if not include_retired:
        query = query.where(RoleType.active.is_(True))
    return query.order_by(RoleType.active.desc(), RoleType.position, RoleType.id)


def roles_of(group: Group, include_retired: bool = False) -> list[RoleType]:
    """The group's role types in their order (the active ones first)."""
    return list(db.session.scalars(role_types(group, include_retired)))


def role_type_in(group: Group, role_type_id: int) -> RoleType:
    return owned(RoleType, role_type_id, group_id=group.id)


@dataclass
class RoleData:
    name: str
    description: str
    slots: int


def add_role_type(group: Group, actor: User, data: RoleData) -> RoleType:
    last = db.session.scalar(
        select(RoleType.position)
        .where(RoleType.group_id == group.id)
        .order_by(RoleType.position.desc())
        .limit(1)
    )
    role = RoleType(
        group_id=group.id,
        name=data.name,
        description=data.description,
        slots=data.slots,
        position=(last or 0) + 1,
    )
    db.session.add(role)
    group.version += 1
    audit.record(group, actor, "role_type_added", name=data.name)
    db.session.flush()
    return role


def update_role_type(group: Group, actor: User, role: RoleType, data: RoleData) -> None:
    role.name, role.description, role.slots = data.name, data.description, data.slots
    group.version += 1
    audit.record(group, actor, "role_type_changed", name=data.name)


def set_active(group: Group, actor: User, role: RoleType, active: bool) -> None:
    """Retire a role (its history stays) or bring it back."""
    role.active = active
    group.version += 1
    audit.record(
        group, actor, "role_type_retired" if not active else "role_type_restored", name=role.name
    )


def move(group: Group, role: RoleType, step: int) -> None:
    """Move a role one place up (-1) or down (+1) in the group's order."""
    ordered = list(db.session.scalars(role_types(group)))
    index = ordered.index(role)
    other = index + step
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered):
            item.position = position
