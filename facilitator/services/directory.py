"""The public directory of listed groups, and visitors' messages to them.

A visitor sees what a group chose to show (its name or a neutral title, theme,
canton, language, rhythm, town, whether newcomers are welcome) and never a
member's name or address; the group's co-responsible members receive the
message by email and in the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.models import ContactMessage, Group, MeetingSeries
from facilitator.services import groups, notifications
from facilitator.services.errors import NotFound
from facilitator.services.lookup import owned


@dataclass
class Listing:
    group: Group
    series: list[MeetingSeries]


def listed(
    theme: str | None,
    canton: str | None,
    language: str | None,
    today: date,
    centre_id: int | None = None,
) -> list[Listing]:
    query = select(Group).where(Group.listed.is_(True))
    if centre_id is not None:
        query = query.where(Group.centre_id == centre_id)
    if theme:
        query = query.where(Group.theme == theme)
    if canton:
        query = query.where(Group.canton == canton)
    if language:
        query = query.where(Group.language == language)
    groups = db.session.scalars(query.order_by(Group.canton, func.lower(Group.name))).all()
    series = db.session.scalars(
        select(MeetingSeries).where(
            MeetingSeries.group_id.in_([g.id for g in groups]),
            (MeetingSeries.until.is_(None)) | (MeetingSeries.until >= today),
        )
    ).all()
    by_group: dict[int, list[MeetingSeries]] = {}
    for s in series:
        by_group.setdefault(s.group_id, []).append(s)
    return [Listing(g, by_group.get(g.id, [])) for g in groups]


def listed_group(group_id: int) -> Group:
    group = db.session.get(Group, group_id)
    if group is None or not group.listed:
        raise NotFound()
    return group


def public_name(group: Group) -> str:
    return group.directory_title or group.name


def send_message(group: Group, sender_name: str, sender_contact: str, body: str, link: str) -> None:
    """Keep the message for the co-responsibles and email it to them (after
    the commit: a failed email leaves the message kept)."""
    db.session.add(
        ContactMessage(
            group_id=group.id, sender_name=sender_name, sender_contact=sender_contact, body=body
        )
    )
    for user in groups.member_users(group, coresponsible=True):
        subject = (
            (lambda: _("A message for your group from the directory"))
            if notifications.discreet_for(user, group)
            else (lambda: _("Message for %(group)s from the directory", group=group.name))
        )
        notifications.deliver(
            user,
            subject,
            "mail/contact_message.txt",
            group=group,
            sender_name=sender_name,
            sender_contact=sender_contact,
            body=body,
            link=link,
        )


def messages(group: Group) -> list[ContactMessage]:
    """The group's messages from visitors, newest first."""
    return list(
        db.session.scalars(
            select(ContactMessage)
            .where(ContactMessage.group_id == group.id)
            .order_by(ContactMessage.created_at.desc())
        )
    )


def delete_message(group: Group, message_id: int) -> None:
    """A co-responsible member deletes a visitor's message (once answered)."""
    db.session.delete(owned(ContactMessage, message_id, group_id=group.id))
