"""Emails that close the loops of roles: a role given to someone (by the fair
fill or a co-responsible), a role taken off its holder, a hand-over or swap
request to the member it is offered to, and the answer to the member who asked.

Each in the recipient's language, starting with the greeting and then naming
the group; where the group or the member chose discreet titles
(``notifications.discreet_for``) the group's name stays out of the subject and
of the first lines, which a phone shows on its lock screen. Never to the person
who acted. Links come from the caller (no Flask request here). The emails are
queued and leave after the commit (``services.unit``), which counts them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from facilitator.formatting import when_text
from facilitator.models import Group, RoleAssignment, User
from facilitator.services import schedule
from facilitator.services.notifications import deliver, discreet_for
from facilitator.services.roles import SwapNote


def notify_given(
    group: Group, given: list[RoleAssignment], actor: User, link_for: Callable[[str], str]
) -> None:
    """Tell each new holder which roles they were given (one email each,
    listing them), except ``actor``, who gave them."""
    by_holder: dict[int, tuple[User, list[RoleAssignment]]] = {}
    for assignment in given:
        holder = assignment.membership
        if holder is not None and holder.user_id != actor.id:
            by_holder.setdefault(holder.user_id, (holder.user, []))[1].append(assignment)
    for user, assignments in by_holder.values():
        assignments.sort(key=lambda a: a.meeting.start)
        items = [
            (a.meeting.start, a.role_type.name, link_for(schedule.key_of(a.meeting)))
            for a in assignments
        ]
        count = len(items)
        subject = (
            (
                lambda n=count: ngettext(
                    "You have been given a role", "You have been given %(num)d roles", n
                )
            )
            if discreet_for(user, group)
            else (
                lambda n=count: ngettext(
                    "You have been given a role in %(group)s",
                    "You have been given %(num)d roles in %(group)s",
                    n,
                    group=group.name,
                )
            )
        )
        deliver(
            user,
            subject,
            "mail/role_given.txt",
            group=group,
            actor=actor.display_name,
            items=items,
        )


def notify_removed(
    group: Group, holder: User, role: str, start: datetime, actor: User, link: str
) -> None:
    """Tell ``holder`` that a co-responsible took their role off them (not
    when they did it themselves)."""
    if holder.id == actor.id:
        return
    subject = (
        (lambda: _("Your role on %(date)s is open again", date=when_text(start)))
        if discreet_for(holder, group)
        else (
            lambda: _(
                "%(group)s: your role on %(date)s is open again",
                group=group.name,
                date=when_text(start),
            )
        )
    )
    deliver(
        holder,
        subject,
        "mail/role_removed.txt",
        group=group,
        role=role,
        start=start,
        actor=actor.display_name,
        link=link,
    )


def notify_swap_request(group: Group, note: SwapNote, link: str) -> None:
    """Ask the member a role is offered to, with a link to accept or decline."""
    name = note.asker.display_name
    if note.other_role is None:
        subject = (
            (lambda: _("%(name)s asks whether you can take over a role", name=name))
            if discreet_for(note.asked, group)
            else (
                lambda: _(
                    "%(name)s asks whether you can take over a role in %(group)s",
                    name=name,
                    group=group.name,
                )
            )
        )
    else:
        subject = (
            (lambda: _("%(name)s proposes a swap of roles", name=name))
            if discreet_for(note.asked, group)
            else (
                lambda: _(
                    "%(name)s proposes a swap of roles in %(group)s", name=name, group=group.name
                )
            )
        )
    deliver(note.asked, subject, "mail/swap_request.txt", group=group, note=note, link=link)


def notify_swap_answer(group: Group, note: SwapNote, accepted: bool, link: str) -> None:
    """Tell the member who asked what the other one answered."""
    name = note.asked.display_name
    discreet = discreet_for(note.asker, group)
    if accepted:
        subject = (
            (lambda: _("%(name)s has accepted your request", name=name))
            if discreet
            else (
                lambda: _(
                    "%(name)s has accepted your request in %(group)s", name=name, group=group.name
                )
            )
        )
    else:
        subject = (
            (lambda: _("%(name)s has declined your request", name=name))
            if discreet
            else (
                lambda: _(
                    "%(name)s has declined your request in %(group)s", name=name, group=group.name
                )
            )
        )
    deliver(
        note.asker,
        subject,
        "mail/swap_answer.txt",
        group=group,
        note=note,
        accepted=accepted,
        link=link,
    )
