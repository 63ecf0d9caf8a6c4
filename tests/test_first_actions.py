"""The first actions on a meeting nobody has touched yet, at the same moment.

A meeting of a series is virtual until something is stored about it (a role
taken, an intention, a headcount, a cancellation): the first action creates
its row. Several first actions at once all race to create that row; each must
succeed or get a clear message, never a 500, and the meeting has one row.

The parallel tests send real concurrent requests (one thread and one test
client each, released together by a barrier) and need PostgreSQL: SQLite
writes one at a time, so the race does not happen there. The insert-or-get
itself is tested on both databases with a row stored by another connection.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from facilitator.extensions import db, limiter
from facilitator.models import AttendanceRecord, AuditEvent, Intention, Meeting, RoleAssignment
from facilitator.models.groups import MemberRole
from facilitator.models.roles import RoleOptIn
from facilitator.services import attendance, clock, roles, schedule
from facilitator.services.roles.errors import MeetingClosed
from tests.conftest import (
    DIGEST,
    TEST_DATABASE_URL,
    at_once,
    logged_in,
    statuses,
    t,
    text_of,
)

NOW = datetime(2026, 9, 10, 8, 0, tzinfo=UTC)  # a Thursday
FUTURE = date(2026, 9, 15)  # a Tuesday to come: roles and intentions
PAST = date(2026, 9, 8)  # the Tuesday before: headcounts (and a cancellation)
PEOPLE = 20

needs_postgresql = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="parallel writes need PostgreSQL (SQLite writes one at a time)"
)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def crowd(app, make_user, make_group, add_member, weekly_series, monkeypatch):
    """A group with a weekly series (Tuesdays from 1 September), attendance on,
    and twenty members, the first five of them co-responsible."""
    # Twenty log-ins from one address in a few seconds are what the limiter
    # is for; here they are the test's set-up.
    monkeypatch.setattr(limiter, "enabled", False)
    owner = make_user("Camille")
    group = make_group(owner, name="Proches aidants")
    group.attendance_enabled = True
    series = weekly_series(group)
    members = [
        add_member(group, make_user(f"Member {n}"), coresponsible=n < 5) for n in range(PEOPLE)
    ]
    db.session.commit()
    return {"owner": owner, "group": group, "series": series, "members": members}


def _key(crowd, day: date) -> str:
    return f"s{crowd['series'].id}-{day:%Y%m%d}1900"


def _url(crowd, day: date, rest: str) -> str:
    return f"/groups/{crowd['group'].id}/meetings/{_key(crowd, day)}/{rest}"


def _client(app, membership):
    return logged_in(app, membership.user)


def _meetings() -> int:
    return db.session.scalar(select(func.count()).select_from(Meeting))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@needs_postgresql
def test_twenty_members_taking_different_roles_of_a_fresh_meeting_all_get_theirs(app, crowd):
    role_list = db.session.scalars(roles.role_types(crowd["group"])).all()[:4]
    for role in role_list:
        role.slots = 5
    db.session.commit()
    requests = [
        (
            _client(app, membership),
            _url(crowd, FUTURE, f"roles/{role_list[n % 4].id}/{n // 4}/take"),
            {},
        )
        for n, membership in enumerate(crowd["members"])
    ]
    answered = statuses(at_once(requests))
    assert answered == [302] * PEOPLE
    assert _meetings() == 1
    assert _count(RoleAssignment) == PEOPLE
    assert _count(RoleOptIn) == PEOPLE  # each one recorded as willing, once
    held = db.session.scalars(select(RoleAssignment.membership_id)).all()
    assert sorted(held) == sorted(m.id for m in crowd["members"])


@needs_postgresql
def test_twenty_members_taking_the_same_role_of_a_fresh_meeting_one_gets_it(app, crowd):
    role = db.session.scalars(roles.role_types(crowd["group"])).first()
    url = _url(crowd, FUTURE, f"roles/{role.id}/0/take")
    requests = [(_client(app, membership), url, {}) for membership in crowd["members"]]
    responses = at_once(requests)
    assert sorted(statuses(responses)) == [302] + [409] * (PEOPLE - 1)
    taken = t(app, "fr", "Someone has just taken this role. Choose another one.")
    for response in responses:
        if response.status_code == 409:
            assert taken in text_of(response)
    assert _meetings() == 1
    winner = db.session.scalar(select(RoleAssignment.membership_id))
    assert _count(RoleAssignment) == 1 and winner in {m.id for m in crowd["members"]}


@needs_postgresql
def test_twenty_members_saying_they_come_to_a_fresh_meeting_are_all_counted(app, crowd):
    url = _url(crowd, FUTURE, "intention")
    requests = [
        (_client(app, membership), url, {"answer": "yes"}) for membership in crowd["members"]
    ]
    assert statuses(at_once(requests)) == [302] * PEOPLE
    assert _meetings() == 1
    counted = attendance.intentions(
        crowd["owner"], schedule.find(crowd["group"], _key(crowd, FUTURE))
    )
    assert (counted.coming, counted.not_coming) == (PEOPLE, 0)


@needs_postgresql
def test_one_member_tapping_i_come_several_times_at_once_is_counted_once(app, crowd):
    membership = crowd["members"][7]
    url = _url(crowd, FUTURE, "intention")
    requests = [(_client(app, membership), url, {"answer": "yes"}) for _ in range(5)]
    assert statuses(at_once(requests)) == [302] * 5
    assert _count(Intention) == 1
    assert (
        attendance.intentions(
            membership.user, schedule.find(crowd["group"], _key(crowd, FUTURE))
        ).mine
        is True
    )


@needs_postgresql
def test_headcounts_and_cancellations_of_a_fresh_meetingat_once(app, crowd):
    """Five co-responsibles record the headcount while five others cancel the
    meeting: one cancellation goes through, the other ones hear it is done,
    each headcount is saved or refused because the meeting is cancelled."""
    coresponsibles = crowd["members"][:5]
    counters = crowd["members"][5:10]
    for membership in counters:
        membership.role = MemberRole.CORESPONSIBLE
    db.session.commit()
    cancel = _url(crowd, PAST, "cancel")
    requests = []
    for membership in coresponsibles:
        client = _client(app, membership)
        digest = DIGEST.search(client.post(cancel, data={}).get_data(as_text=True)).group(1)
        requests.append((client, cancel, {"confirm": "1", "digest": digest}))
    for n, membership in enumerate(counters):
        requests.append(
            (
                _client(app, membership),
                _url(crowd, PAST, "attendance"),
                {"participants": str(10 + n)},
            )
        )
    responses = at_once(requests)
    cancels, counts = statuses(responses[:5]), statuses(responses[5:])
    assert sorted(cancels) == [302] + [409] * 4
    assert set(counts) <= {302, 409}
    refused = t(app, "fr", "This meeting was cancelled: there is nothing to count.")
    for response in responses[5:]:
        if response.status_code == 409:
            assert refused in text_of(response)
    assert _meetings() == 1
    assert schedule.find(crowd["group"], _key(crowd, PAST)).cancelled
    events = db.session.scalars(select(AuditEvent.action)).all()
    assert events.count("meeting_cancelled") == 1
    saved = counts.count(302)
    assert _count(AttendanceRecord) == (1 if saved else 0)
    assert events.count("attendance_recorded") == (1 if saved else 0)
    assert events.count("attendance_corrected") == max(saved - 1, 0)


# --- the insert-or-get itself (both databases) ------------------------------------


def _stored_meanwhile(crowd, day: date, **values) -> int:
    """Store the meeting of ``day`` from another connection, as a concurrent
    request that committed a moment ago; its id."""
    with db.engine.begin() as connection:
        return connection.execute(
            Meeting.__table__.insert()
            .values(
                group_id=crowd["group"].id,
                series_id=crowd["series"].id,
                original_start=datetime(day.year, day.month, day.day, 19),
                start=datetime(day.year, day.month, day.day, 19),
                timezone="Europe/Zurich",
                uid=f"meanwhile-{day}@facilitator",
                **values,
            )
            .returning(Meeting.id)
        ).scalar_one()


def test_storing_a_meeting_someone_stored_a_moment_ago_gets_their_row(crowd):
    occurrence = schedule.find(crowd["group"], _key(crowd, FUTURE))
    assert occurrence.meeting is None
    stored = _stored_meanwhile(crowd, FUTURE)
    meeting = schedule.materialize(occurrence)
    assert meeting.id == stored and occurrence.meeting is meeting
    db.session.commit()
    assert _meetings() == 1


def test_taking_a_role_of_a_meeting_cancelled_a_moment_ago_is_refused(crowd):
    role = db.session.scalars(roles.role_types(crowd["group"])).first()
    occurrence = schedule.find(crowd["group"], _key(crowd, FUTURE))
    _stored_meanwhile(crowd, FUTURE, cancelled=True, cancel_reason="")
    with pytest.raises(MeetingClosed):
        roles.take(crowd["group"], crowd["members"][0], occurrence, role, 0, NOW)


def test_saying_i_come_to_a_meeting_cancelled_a_moment_ago_is_refused(crowd):
    occurrence = schedule.find(crowd["group"], _key(crowd, FUTURE))
    _stored_meanwhile(crowd, FUTURE, cancelled=True, cancel_reason="")
    with pytest.raises(attendance.AnswersClosed):
        attendance.set_intention(crowd["group"], crowd["owner"], occurrence, True, NOW)


def test_counting_a_meeting_cancelled_a_moment_ago_is_refused(crowd):
    occurrence = schedule.find(crowd["group"], _key(crowd, PAST))
    _stored_meanwhile(crowd, PAST, cancelled=True, cancel_reason="")
    with pytest.raises(attendance.Cancelled):
        attendance.record(crowd["group"], crowd["members"][0], occurrence, 12, None, NOW)


def test_saving_my_roles_twice_at_once_records_each_role_once(crowd, monkeypatch):
    """The roles form sent twice at the same moment: the other request stored
    the willingness between this one's look and its insert."""
    from facilitator.services.roles import willingness

    membership = crowd["members"][3]
    role = db.session.scalars(roles.role_types(crowd["group"])).first()
    real = willingness.opted_in

    def stale(member):
        seen = real(member)
        with db.engine.begin() as connection:
            connection.execute(
                RoleOptIn.__table__.insert().values(membership_id=member.id, role_type_id=role.id)
            )
        return seen

    monkeypatch.setattr(willingness, "opted_in", stale)
    roles.set_opt_ins(membership, {role.id})
    db.session.commit()
    monkeypatch.setattr(willingness, "opted_in", real)
    assert roles.opted_in(membership) == {role.id}
    assert _count(RoleOptIn) == 1
