"""Discreet groups on a lock screen: a phone shows an email's subject and its
first lines before it is unlocked. Where the group is discreet for the reader
(the group's discreet titles, or the member's own), neither shows the group's
name; further down, next to the link, it may."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.models import RoleAssignment
from facilitator.services import directory, notifications, role_mail, roles, schedule, unit
from facilitator.services.roles import SwapNote

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday morning; a meeting tonight
GROUP = "Cercle Espoir Morges"
LINK = "https://facilitator.test/groups/1"
# One of each email sent about a group (see every_email).
EMAILS = 21


def lock_screen(message) -> str:
    """What a phone shows of ``message`` before it is unlocked: the subject
    and the first three lines of text."""
    lines = [line for line in message.get_content().splitlines() if line.strip()]
    return "\n".join([message["Subject"], *lines[:3]])


@pytest.fixture
def scene(app, make_user, make_group, add_member, weekly_series):
    def build(lang: str, *, discreet_group: bool = False, discreet_member: bool = False):
        owner = make_user("Camille", locale=lang)
        group = make_group(owner, name=GROUP)
        group.feed_title_mode = "discreet" if discreet_group else "full"
        ana = make_user("Ana", locale=lang)
        ben = make_user("Ben", locale=lang)
        for user in (owner, ana, ben):
            user.feed_discreet = discreet_member
        ana_m = add_member(group, ana, coresponsible=True)
        ben_m = add_member(group, ben)
        weekly_series(group, start=date(2026, 12, 1))
        db.session.commit()
        return group, owner, ana, ana_m, ben, ben_m

    return build


def every_email(group, owner, ana, ana_m, ben, ben_m) -> None:
    """Send every email there is about a group, to Ana or Ben (or both)."""
    found = schedule.occurrences([group.id], date(2026, 12, 1), date(2026, 12, 31))
    tonight, later = found[0], found[2]  # 1 and 15 December
    role = db.session.scalars(roles.role_types(group)).first()
    roles.assign(group, owner, tonight, role, 0, ben_m, NOW)
    roles.assign(group, owner, later, role, 0, ana_m, NOW)
    given = db.session.scalars(select(RoleAssignment).order_by(RoleAssignment.id)).all()
    role_mail.notify_given(group, given, owner, lambda key: LINK)  # Ana, Ben
    role_mail.notify_removed(group, ana, role.name, later.start, owner, LINK)
    handover = SwapNote(asker=ana, asked=ben, role=role.name, start=later.start, key="k")
    swap = SwapNote(
        asker=ana,
        asked=ben,
        role=role.name,
        start=later.start,
        key="k",
        other_role=role.name,
        other_start=tonight.start,
    )
    for note in (handover, swap):
        role_mail.notify_swap_request(group, note, LINK)
        for accepted in (True, False):
            role_mail.notify_swap_answer(group, note, accepted, LINK)
    # Tonight is at the last minute: Ben with his role, Ana without one.
    notifications.notify_meeting(
        group, schedule.find(group, tonight.key), "cancelled", LINK, NOW, owner
    )
    notifications.notify_meeting(
        group, schedule.find(group, tonight.key), "changed", LINK, NOW, owner
    )
    notifications.notify_meeting(
        group, schedule.find(group, later.key), "changed", LINK, NOW, owner
    )
    notifications.notify_arrival(group, ben, LINK)  # Camille, Ana
    notifications.notify_departure(group, "Dora", [(later.start, role.name)], LINK)  # Camille, Ana
    directory.send_message(group, "Léa", "lea@example.org", "Bonjour", LINK)  # Camille, Ana
    notifications.send_reminders(NOW, lambda group, key: LINK)  # Ben, tonight
    unit.commit()  # the emails leave after the commit


@pytest.mark.parametrize("lang", ["fr", "it", "de"])
def test_a_discreet_group_stays_off_the_lock_screen(scene, outbox, lang):
    every_email(*scene(lang, discreet_group=True))
    assert len(outbox) == EMAILS
    for message in outbox:
        assert GROUP not in lock_screen(message), message.get_content()
        # Further down, beside the link, the reader still learns which group.
        assert GROUP in message.get_content()


def test_a_member_who_chose_discreet_titles_gets_discreet_emails(scene, outbox):
    every_email(*scene("fr", discreet_member=True))
    assert len(outbox) == EMAILS
    assert not [m for m in outbox if GROUP in lock_screen(m)]


@pytest.mark.parametrize(
    ("lang", "first_line"),
    [
        ("fr", "Dans votre groupe, la rencontre du mardi 1er décembre 2026 à 19:00 est annulée."),
        (
            "it",
            "Nel tuo gruppo, l'incontro previsto martedì 1º dicembre 2026 alle 19:00 è annullato.",
        ),
        ("de", "In Ihrer Gruppe ist das Treffen am Dienstag, 1. Dezember 2026 um 19:00 abgesagt."),
    ],
)
def test_a_discreet_email_starts_with_the_greeting_and_your_group(scene, outbox, lang, first_line):
    group, owner, ana, *_rest = scene(lang, discreet_group=True)
    tonight = schedule.occurrences([group.id], date(2026, 12, 1), date(2026, 12, 1))[0]
    notifications.notify_meeting(group, tonight, "cancelled", LINK, NOW, owner)
    unit.commit()
    mine = next(m for m in outbox if m["To"] == ana.email)
    lines = [line for line in mine.get_content().splitlines() if line.strip()]
    assert lines[0] == {"fr": "Bonjour Ana,", "it": "Buongiorno Ana,", "de": "Guten Tag Ana"}[lang]
    assert lines[1] == first_line
    label = {"fr": "Groupe\xa0: ", "it": "Gruppo: ", "de": "Gruppe: "}[lang]
    assert f"{label}{GROUP}" in lines


@pytest.mark.parametrize("lang", ["fr", "it", "de"])
def test_a_normal_group_is_named_at_the_top_as_before(scene, outbox, lang):
    every_email(*scene(lang))
    assert len(outbox) == EMAILS
    for message in outbox:
        assert GROUP in lock_screen(message), message.get_content()
        # Named once, in the sentence; no extra "Group:" line.
        assert message.get_content().count(GROUP) == 1
