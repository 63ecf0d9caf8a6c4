"""Writing to and reading from the audit trail."""

from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from facilitator.extensions import db
from facilitator.models import AuditEvent, Group, User
from facilitator.services.errors import NotFound


def record(
    group: Group, actor: User | None, action: str, subject: User | None = None, **details: object
) -> AuditEvent:
    """Add an audit event to the session (committed with the change it records)."""
    if group.id is None:
        db.session.flush()
    event = AuditEvent(
        group_id=group.id,
        actor_id=actor.id if actor else None,
        subject_id=subject.id if subject else None,
        action=action,
        details=details,
    )
    db.session.add(event)
    return event


def select_events(group_id: int) -> Select[AuditEvent]:
    """The group's audit events, newest first, with the people they name."""
    return (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.subject))
        .where(AuditEvent.group_id == group_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )


def events_page(group_id: int, number: int, per_page: int) -> Pagination:
    """Page ``number`` of the group's audit trail, newest first; NotFound for
    a page after the last one (the first page exists, even empty)."""
    page = db.paginate(
        select_events(group_id),
        page=number,
        per_page=per_page,
        max_per_page=per_page,
        error_out=False,
    )
    if number > 1 and not page.items:
        raise NotFound()
    return page
