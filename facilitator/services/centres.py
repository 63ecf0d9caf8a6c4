"""Self-help centres and their staff: who is staff where, and the trail of
what staff did (read by the instance administrators).

Staff rights never reach inside a group: a centre's pages read group-level
facts and what a group chose to share; nothing here returns a member.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from facilitator.extensions import db
from facilitator.models import Centre, CentreStaff, Group, Referral, StaffAction, User
from facilitator.models._common import MAX_ID
from facilitator.models.centres import CENTRE_NAME_MAX
from facilitator.models.groups import CANTONS, LANGUAGES
from facilitator.models.users import EMAIL_MAX
from facilitator.services import audit, sql
from facilitator.services.errors import Conflict, DomainError, NotFound


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


# --- A group attached to a centre (chosen by its co-responsibles) --------------------------


def choices_for(group: Group) -> list[Centre]:
    """The centres a group can attach to: those serving its canton first,
    then the others, each part by name."""
    every = db.session.scalars(select(Centre).order_by(Centre.name)).all()
    return sorted(every, key=lambda c: group.canton not in (c.cantons or []))


def attach(group: Group, actor: User, centre_id: int) -> Centre:
    """Attach ``group`` to the centre ``centre_id``; the group's history and
    the staff-action trail say so (the trail without the co-responsible: it
    never names a member)."""
    centre = db.session.get(Centre, centre_id) if 0 < centre_id <= MAX_ID else None
    if centre is None:
        raise DomainError(_l("Choose one of the centres shown."), field="centre")
    if group.centre_id is not None:
        raise Conflict(
            _l("The group is already attached to a centre. Detach it first."), field="centre"
        )
    claimed = sql.rows_changed(
        update(Group)
        .where(Group.id == group.id, Group.centre_id.is_(None))
        .values(centre_id=centre.id)
    )
    if claimed != 1:  # attached meanwhile by another co-responsible
        raise Conflict(
            _l("The group is already attached to a centre. Detach it first."), field="centre"
        )
    db.session.refresh(group, ["centre_id"])
    audit.record(group, actor, "centre_attached", centre=centre.name)
    record(centre, None, "group_attached", group)
    return centre


def detach(group: Group, actor: User) -> Centre | None:
    """Detach ``group`` from its centre at once; the centre keeps nothing of
    it (the requests it passed on to the group no longer say to which), and
    the group's room bookings there are freed. Yearly figures are no longer
    shared: attaching again (to any centre) asks for that choice anew. None
    when it was not attached."""
    centre = group.centre
    if centre is None:
        return None
    from facilitator.services import rooms  # rooms builds on this module

    rooms.free_group(group)
    # A request the centre passed on to the group no longer points at it.
    db.session.execute(
        update(Referral)
        .where(Referral.centre_id == centre.id, Referral.forwarded_group_id == group.id)
        .values(forwarded_group_id=None)
        .execution_options(synchronize_session=False)
    )
    group.centre_id = None
    group.share_figures = False
    audit.record(group, actor, "centre_detached", centre=centre.name)
    record(centre, None, "group_detached", group)
    return centre


class NotAttached(Conflict):
    message = _l("The group is not attached to a self-help centre: there is no one to share with.")


def set_shared(group: Group, actor: User, choice: str, share: bool) -> bool:
    """Turn on or off what the group shares with its centre: ``choice`` is
    "figures" (``Group.share_figures``) or "signals" (``share_signals``).
    Returns whether it changed (two co-responsibles at once: one change, one
    line in the group's history, "<choice>_shared" or "<choice>_unshared")."""
    if share and group.centre_id is None:
        raise NotAttached()
    column = getattr(Group, f"share_{choice}")
    changed = sql.rows_changed(
        update(Group)
        .where(Group.id == group.id, column.is_not(share))
        .values({column: share})
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(group, [f"share_{choice}"])
    if changed:
        centre = db.session.get(Centre, group.centre_id) if group.centre_id else None
        audit.record(
            group,
            actor,
            f"{choice}_shared" if share else f"{choice}_unshared",
            centre=centre.name if centre else "",
        )
    return bool(changed)


def staff_did(group: Group, centre: Centre, actor: User, action: str, **details: object) -> None:
    """What a centre's staff did to a group: in the staff-action trail (with
    the staff account) and in the group's history (as the centre: its
    co-responsibles see the centre's name, not the staff member's)."""
    record(centre, actor, action, group).details = dict(details)
    audit.record(group, None, f"centre_{action}", centre=centre.name).details.update(details)


# --- The instance administrators' page ---------------------------------------------------


def actions_page(centre_id: int | None, number: int, per_page: int) -> Pagination:
    """Page ``number`` of the staff-action trail (of one centre), newest
    first; NotFound for a page after the last one."""
    query = (
        select(StaffAction)
        .options(
            joinedload(StaffAction.actor),
            joinedload(StaffAction.centre),
            joinedload(StaffAction.group),
        )
        .order_by(StaffAction.created_at.desc(), StaffAction.id.desc())
    )
    if centre_id is not None:
        query = query.where(StaffAction.centre_id == centre_id)
    page = db.paginate(
        query, page=number, per_page=per_page, max_per_page=per_page, error_out=False
    )
    if number > 1 and not page.items:
        raise NotFound()
    return page


def every_centre() -> Sequence[Centre]:
    return db.session.scalars(select(Centre).order_by(Centre.name)).all()
