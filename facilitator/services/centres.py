"""Self-help centres and their staff: who is staff where, and the trail of
what staff did (read by the instance administrators).

Staff rights never reach inside a group: a centre's pages read group-level
facts and what a group chose to share; nothing here returns a member.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.models import Centre, CentreStaff, Group, StaffAction, User
from facilitator.models._common import MAX_ID
from facilitator.models.centres import CENTRE_NAME_MAX
from facilitator.models.groups import CANTONS, LANGUAGES
from facilitator.models.users import EMAIL_MAX


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


# --- The instance administrator's commands (`flask admin`) ---------------------------------


class AdminError(Exception):
    """A command-line request that cannot be carried out (its message says why,
    in English: the operator's console)."""


def find_account(email: str) -> User:
    user = db.session.scalar(User.select_by_email(email.strip().lower()))
    if user is None:
        raise AdminError(f"No account with the email address {email!r}.")
    return user


def find_centre(reference: str) -> Centre:
    """A centre by its number or its exact name."""
    centre = None
    if reference.strip().isdigit() and int(reference) <= MAX_ID:
        centre = db.session.get(Centre, int(reference))
    if centre is None:
        centre = db.session.scalar(select(Centre).where(Centre.name == reference.strip()))
    if centre is None:
        raise AdminError(f"No centre {reference!r} (give its number or its exact name).")
    return centre


def create_centre(
    name: str, cantons: Sequence[str], languages: Sequence[str], contact: str, actor: User | None
) -> Centre:
    name = name.strip()
    if not name or len(name) > CENTRE_NAME_MAX:
        raise AdminError(f"A centre's name has 1 to {CENTRE_NAME_MAX} characters.")
    cantons = [c.strip().upper() for c in cantons]
    unknown = [c for c in cantons if c not in CANTONS]
    if unknown:
        raise AdminError(f"Unknown canton(s): {', '.join(unknown)}.")
    languages = [code.strip().lower() for code in languages]
    unknown = [code for code in languages if code not in LANGUAGES]
    if unknown:
        raise AdminError(f"Unknown language(s): {', '.join(unknown)} (fr, it or de).")
    contact = contact.strip().lower()
    if contact and ("@" not in contact or len(contact) > EMAIL_MAX):
        raise AdminError(f"Not an email address: {contact!r}.")
    if db.session.scalar(select(Centre.id).where(Centre.name == name)) is not None:
        raise AdminError(f"A centre named {name!r} already exists.")
    centre = Centre(
        name=name,
        cantons=list(dict.fromkeys(cantons)),
        languages=list(dict.fromkeys(languages)),
        contact_email=contact,
    )
    db.session.add(centre)
    record(centre, actor, "centre_created", name=name, cantons=centre.cantons)
    return centre


def all_centres() -> list[tuple[Centre, int, int]]:
    """Every centre with its number of staff and of attached groups."""
    staff = (
        select(func.count())
        .select_from(CentreStaff)
        .where(CentreStaff.centre_id == Centre.id)
        .scalar_subquery()
    )
    groups = select(func.count()).select_from(Group).where(Group.centre_id == Centre.id)
    rows = db.session.execute(
        select(Centre, staff, groups.scalar_subquery()).order_by(Centre.name)
    ).all()
    return [(centre, staff_count, group_count) for centre, staff_count, group_count in rows]


def add_staff(centre: Centre, user: User, actor: User | None) -> bool:
    """Give ``user`` staff rights at ``centre``; False when they had them."""
    if staff_centre(user.id, centre.id) is not None:
        return False
    db.session.add(CentreStaff(centre_id=centre.id, user_id=user.id))
    record(centre, actor, "staff_added", staff=user.id)
    return True


def remove_staff(centre: Centre, user: User, actor: User | None) -> bool:
    """Take staff rights at ``centre`` from ``user``; False when they had none."""
    link = db.session.scalar(CentreStaff.select_for(user.id, centre.id))
    if link is None:
        return False
    db.session.delete(link)
    record(centre, actor, "staff_removed", staff=user.id)
    return True


def staff_list(centre: Centre | None) -> list[tuple[Centre, User]]:
    """The staff of one centre (or of all), by centre and email."""
    query = (
        select(Centre, User)
        .join(CentreStaff, CentreStaff.centre_id == Centre.id)
        .join(User, User.id == CentreStaff.user_id)
        .order_by(Centre.name, User.email)
    )
    if centre is not None:
        query = query.where(Centre.id == centre.id)
    return [(c, u) for c, u in db.session.execute(query).all()]


def set_admin(user: User, admin: bool, actor: User | None) -> bool:
    """Make ``user`` an instance administrator or not; False when nothing changed."""
    if user.is_admin == admin:
        return False
    user.is_admin = admin
    record(None, actor, "admin_granted" if admin else "admin_revoked", account=user.id)
    return True
