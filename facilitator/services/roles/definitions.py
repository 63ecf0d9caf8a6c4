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

# name (context "role": "Welcome" is also a page title), description, slots,
# guide (domain.guide: headings end with a colon, items start with "- ");
# created in the group's language, then the group's own text.
DEFAULT_ROLES = (
    (
        lazy_pgettext("role", "Facilitation"),
        _l("Opens the meeting, gives the floor, keeps the exchange respectful."),
        1,
        _l(
            "Before the meeting:\n"
            "- Read the theme of the evening and the group's rules again.\n"
            "- Arrive ten minutes early and check that the room is ready.\n"
            "During the meeting:\n"
            "- Open with a round: everyone gives their first name and, if they wish, "
            "says how they are today.\n"
            "- Remind everyone that what is said here stays here.\n"
            "- Keep to the theme; gently bring the exchange back when it drifts.\n"
            "- Give everyone the word: nobody has to speak, and nobody speaks twice "
            "before everyone who wishes has had a turn.\n"
            "- Close with a round (what I take away tonight), then give the next dates.\n"
            "After the meeting:\n"
            "- Tell whoever facilitates next time what is worth knowing."
        ),
    ),
    (
        lazy_pgettext("role", "Timekeeping"),
        _l("Watches the time so that everyone can speak and the meeting ends on time."),
        1,
        _l(
            "Before the meeting:\n"
            "- Bring a watch, or a phone on silent.\n"
            "- Agree with the facilitator on the time for each part of the evening.\n"
            "During the meeting:\n"
            "- Signal discreetly when a part is nearly over.\n"
            "- Help share the time so that everyone can speak, without cutting anyone off.\n"
            "- Announce the break, and the closing round ten minutes before the end.\n"
            "After the meeting:\n"
            "- Tell the facilitator what worked with the timing and what could change."
        ),
    ),
    (
        lazy_pgettext("role", "Welcome"),
        _l("Welcomes newcomers, explains how the group works and its confidentiality."),
        1,
        _l(
            "Before the meeting:\n"
            "- Check whether someone new is expected, and arrive a little early.\n"
            "During the meeting:\n"
            "- Welcome a newcomer at the door, introduce yourself by your first name, "
            "show them where to sit.\n"
            "- Explain how an evening goes: the rounds, the break, and that nobody "
            "has to speak.\n"
            "- Explain the group's charter: confidentiality, speaking for oneself, "
            "listening without interrupting, no advice unless asked.\n"
            "After the meeting:\n"
            "- Ask the newcomer how it went for them and tell them the next date."
        ),
    ),
    (
        lazy_pgettext("role", "Notes"),
        _l("Notes decisions and practical points, never what people shared."),
        1,
        _l(
            "Before the meeting:\n"
            "- Bring something to write on; read the last notes again.\n"
            "During the meeting:\n"
            "- Write down decisions, practical points and the next dates.\n"
            "- Never write down what people shared, nor who said what about themselves.\n"
            "- Do not list who was there.\n"
            "After the meeting:\n"
            "- Share the notes with the group within the week; keep no other copy."
        ),
    ),
    (
        lazy_pgettext("role", "Room and keys"),
        _l("Fetches the keys, opens and tidies the room, closes up."),
        1,
        _l(
            "Before the meeting:\n"
            "- Fetch the keys and arrive early enough to open the room.\n"
            "- Air the room, put the chairs in a circle, prepare water or tea.\n"
            "During the meeting:\n"
            "- Keep the door closed so that nobody walks in by mistake.\n"
            "After the meeting:\n"
            "- Tidy up, switch off the lights, close the windows, lock the door.\n"
            "- Bring the keys back or hand them to the next person."
        ),
    ),
)


def create_defaults(group: Group) -> None:
    """Give a new group the usual roles, named in the group's language."""
    with force_locale(group.language):
        for position, (name, description, slots, guide) in enumerate(DEFAULT_ROLES):
            db.session.add(
                RoleType(
                    group_id=group.id,
                    name=str(name),
                    description=str(description),
                    slots=slots,
                    position=position,
                    guide=str(guide),
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
    guide: str = ""


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
        guide=data.guide,
        position=(last or 0) + 1,
    )
    db.session.add(role)
    group.version += 1
    audit.record(group, actor, "role_type_added", name=data.name)
    db.session.flush()
    return role


def update_role_type(group: Group, actor: User, role: RoleType, data: RoleData) -> None:
    role.name, role.description, role.slots = data.name, data.description, data.slots
    role.guide = data.guide
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
