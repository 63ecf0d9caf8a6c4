"""One unit of work per request: services never commit, the request commits
once (``services.unit``), and the emails written during it leave after that
commit, or not at all when its changes are rolled back."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

import facilitator
from facilitator.extensions import db
from facilitator.models import Meeting, RoleAssignment
from facilitator.services import mail, notifications, roles, schedule, unit

from .conftest import MAIL_LINK, MAIL_NOW, confirmed, text_of

NOW, LINK = MAIL_NOW, MAIL_LINK


@pytest.fixture
def scene(mail_scene):
    """The shared mail scene, with Ben and Ana at hand (nobody holds a role)."""
    s = mail_scene
    return {
        **s,
        "ben": s["people"]["Ben"],
        "ben_m": s["members"]["Ben"],
        "ana_m": s["members"]["Ana"],
    }


@pytest.fixture
def log(app):
    """What happened, in order: "commit" for each commit of a request's
    session (not of the test's own, nor a savepoint's release)."""
    happened: list[str] = []
    own = db.session()

    def committed(session):
        if session is not own and not session.in_nested_transaction():
            happened.append("commit")

    event.listen(Session, "after_commit", committed)
    yield happened
    event.remove(Session, "after_commit", committed)


def _give_ben_a_role(s) -> None:
    occurrence = schedule.find(s["group"], s["key"])
    roles.assign(s["group"], s["owner"], occurrence, s["roles"][0], 0, s["ben_m"], NOW)
    unit.commit()


def test_nothing_but_the_unit_of_work_commits_or_rolls_back():
    package = Path(facilitator.__file__).parent
    ends = re.compile(r"\bsession\.(commit|rollback)\(")
    found = [
        f"{path.relative_to(package)}:{number}"
        for path in package.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ends.search(line)
    ]
    assert {place.split(":")[0] for place in found} == {"services/unit.py"}, found


def test_services_never_commit(scene, monkeypatch):
    """Cancelling, pausing, assigning, the fair fill, a swap, an absence: a
    commit anywhere inside them fails."""
    s = scene

    def refused():
        raise AssertionError("a service committed")

    monkeypatch.setattr(db.session, "commit", refused)
    group, owner = s["group"], s["owner"]
    occurrence = schedule.find(group, s["key"])
    mine, _previous = roles.assign(group, owner, occurrence, s["roles"][0], 0, s["ben_m"], NOW)
    swap = roles.propose_swap(group, s["ben_m"], mine, s["ana_m"], None, NOW)
    roles.accept_swap(group, s["ana_m"], swap, NOW)
    roles.add_unavailability(s["ben_m"], date(2026, 10, 1), date(2026, 10, 7), "")
    proposal = roles.autofill_proposal(group, 3, NOW)
    picks = [(c.slot.meeting, c.slot.role, c.slot.index, c.member) for c in proposal.choices]
    roles.apply_autofill(group, owner, [p for p in picks if p[3] is not None], NOW)
    assert schedule.cancel(group, owner, schedule.find(group, s["key"]), "Neige")
    series = occurrence.series
    assert schedule.pause(group, owner, series, date(2026, 12, 20), date(2027, 1, 5), "Fêtes")
    monkeypatch.undo()
    unit.commit()
    assert db.session.scalar(select(Meeting.cancelled).where(Meeting.id == mine.meeting_id))


def test_a_change_is_one_commit_and_a_page_none(client, login, scene, log):
    s = scene
    login(s["ben"])
    log.clear()
    page = client.get(f"/groups/{s['group'].id}/meetings/{s['key']}")
    assert page.status_code == 200
    client.get(f"/groups/{s['group'].id}")
    assert log == []
    taken = client.post(
        f"/groups/{s['group'].id}/meetings/{s['key']}/roles/{s['roles'][0].id}/0/take"
    )
    assert taken.status_code == 302
    assert log == ["commit"]


def test_the_fair_fill_commits_once(app, client, login, scene, log, monkeypatch):
    s = scene
    roles.set_opt_ins(s["ben_m"], {r.id for r in s["roles"]})
    roles.set_opt_ins(s["ana_m"], {r.id for r in s["roles"]})
    unit.commit()
    proposal = roles.autofill_proposal(s["group"], 3, NOW)
    form = {
        f"pick|{c.slot.meeting}|{c.slot.role}|{c.slot.index}": str(c.member)
        for c in proposal.choices
        if c.member is not None
    }
    assert len(form) > 2
    login(s["owner"])
    monkeypatch.setitem(app.config, "OUTBOX_DRAIN", "worker")  # count the change's commits only
    log.clear()
    response = client.post(f"/groups/{s['group'].id}/roles/fill", data=form)
    assert response.status_code == 302
    assert log == ["commit"]
    assert len(db.session.scalars(select(RoleAssignment)).all()) == len(form)


def test_a_taken_slot_skips_one_pick_of_the_fair_fill_and_keeps_the_others(scene):
    s = scene
    group, owner, role = s["group"], s["owner"], s["roles"][0]
    later = s["key"].replace("20260915", "20260922")
    _give_ben_a_role(s)  # the slot of the 15th is taken
    picks = [
        (later, role.id, 0, s["ana_m"].id),
        (s["key"], role.id, 0, s["ana_m"].id),  # taken meanwhile: skipped
        (s["key"], s["roles"][1].id, 0, s["ana_m"].id),
    ]
    given, skipped = roles.apply_autofill(group, owner, picks, NOW)
    unit.commit()
    assert (len(given), skipped) == (2, 1)
    held = db.session.execute(
        select(RoleAssignment.role_type_id, RoleAssignment.membership_id).order_by(
            RoleAssignment.id
        )
    ).all()
    assert held == [
        (role.id, s["ben_m"].id),
        (role.id, s["ana_m"].id),
        (s["roles"][1].id, s["ana_m"].id),
    ]


def test_mail_leaves_after_the_commit(client, login, scene, outbox, log, monkeypatch):
    s = scene
    _give_ben_a_role(s)
    real_send = mail.send

    def send(message):
        log.append(f"mail to {message['To']}")
        real_send(message)

    monkeypatch.setattr(mail, "send", send)
    login(s["owner"])
    log.clear()
    response = confirmed(
        client, f"/groups/{s['group'].id}/meetings/{s['key']}/cancel", {"reason": "Neige"}
    )
    assert response.status_code == 302
    # The change and its email commit together; the email leaves afterwards.
    assert log[:2] == ["commit", f"mail to {s['ben'].email}"]
    assert "1 personne va être avertie par e-mail." in text_of(client.get(response.location))


def test_nothing_is_sent_about_a_change_that_was_not_saved(client, login, scene, outbox):
    s = scene
    _give_ben_a_role(s)
    login(s["owner"])

    def broken():
        raise RuntimeError("the database went away")

    shown = client.post(f"/groups/{s['group'].id}/meetings/{s['key']}/cancel", data={})
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', shown.get_data(as_text=True))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(db.session, "commit", broken)
        with pytest.raises(RuntimeError):
            client.post(
                f"/groups/{s['group'].id}/meetings/{s['key']}/cancel",
                data={"confirm": "1", "digest": digest.group(1)},
            )
    assert outbox == []
    db.session.expire_all()
    assert not schedule.find(s["group"], s["key"]).cancelled
    # Nothing queued is left over for a later unit either.
    assert client.get(f"/groups/{s['group'].id}").status_code == 200
    assert unit.commit().queued == 0
    assert outbox == []


def test_a_rollback_drops_the_queued_mail(scene, outbox):
    s = scene
    _give_ben_a_role(s)
    occurrence = schedule.find(s["group"], s["key"])
    schedule.cancel(s["group"], s["owner"], occurrence, "")
    notifications.notify_meeting(s["group"], occurrence, "cancelled", LINK, NOW, s["owner"])
    assert len(mail.queued()) == 1
    assert outbox == []  # nothing leaves before the commit
    unit.rollback()
    assert mail.queued() == []
    report = unit.commit()
    assert (report.queued, outbox) == (0, [])
    assert not schedule.find(s["group"], s["key"]).cancelled


def test_the_report_counts_messages_and_people(scene, outbox):
    s = scene
    _give_ben_a_role(s)
    occurrence = schedule.find(s["group"], s["key"])
    notifications.notify_meeting(s["group"], occurrence, "cancelled", LINK, NOW, s["owner"])
    notifications.notify_meeting(s["group"], occurrence, "changed", LINK, NOW, s["owner"])
    report = unit.commit()
    assert (report.queued, report.people) == (2, {s["ben"].id})
    assert len(outbox) == 2


def test_unsaved_changes_are_noticed_until_the_unit_ends(scene):
    s = scene
    assert not unit.has_unsaved_changes()
    roles.add_unavailability(s["ben_m"], date(2026, 10, 1), date(2026, 10, 7), "")
    assert unit.has_unsaved_changes()
    unit.commit()
    assert not unit.has_unsaved_changes()
    roles.add_unavailability(s["ben_m"], date(2026, 11, 1), date(2026, 11, 7), "")
    unit.rollback()
    assert not unit.has_unsaved_changes()


def test_any_end_of_the_transaction_but_the_commit_drops_the_mail(scene, outbox):
    """The request's session is closed at its end (or rolled back by an error
    handler): mail queued in it never leaves."""
    s = scene
    _give_ben_a_role(s)
    occurrence = schedule.find(s["group"], s["key"])
    notifications.notify_meeting(s["group"], occurrence, "cancelled", LINK, NOW, s["owner"])
    db.session.rollback()
    assert mail.queued() == []
    notifications.notify_meeting(s["group"], occurrence, "cancelled", LINK, NOW, s["owner"])
    db.session.close()
    assert mail.queued() == []
    assert unit.commit().queued == 0
    assert outbox == []
