"""The meeting page's read model, composed from service calls in one place."""

from __future__ import annotations

from datetime import UTC, date, datetime

from facilitator.extensions import db
from facilitator.models import Membership
from facilitator.services import roles, schedule
from facilitator.services.meeting_page import meeting_page

BEFORE = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)  # the morning of the first meeting
AFTER = datetime(2026, 9, 2, 8, 0, tzinfo=UTC)


def _page(make_user, make_group, weekly_series, *, attendance: bool, now: datetime):
    owner = make_user("Camille")
    group = make_group(owner, name="Deuil Lausanne", canton="VD")
    group.attendance_enabled = attendance
    db.session.commit()
    series = weekly_series(group)
    membership = db.session.scalar(Membership.select_for(owner.id, group.id))
    occurrence = schedule.find(group, f"s{series.id}-202609011900")
    role = roles.roles_of(group)[0]
    roles.assign(group, owner, occurrence, role, 0, membership, BEFORE)
    occurrence = schedule.find(group, occurrence.key)
    return meeting_page(group, membership, owner, occurrence, now, "fr"), role, membership


def test_the_roles_part_says_where_the_reader_stands(make_user, make_group, weekly_series):
    page, role, membership = _page(
        make_user, make_group, weekly_series, attendance=False, now=BEFORE
    )
    assert page.roles.my_roles_here == [role.name]
    assert page.roles.i_hold_a_role and page.roles.anyone_holds_a_role
    assert not page.roles.i_am_away
    assert page.roles.roles_open
    assert [m.id for m in page.roles.members_for_roles] == [membership.id]
    assert page.roles.role_slots[0].holders[0].membership_id == membership.id


def test_without_attendance_the_page_says_nothing_of_it(make_user, make_group, weekly_series):
    page, _role, _membership = _page(
        make_user, make_group, weekly_series, attendance=False, now=BEFORE
    )
    assert page.attendance is None
    context = page.context()
    assert context["attendance_on"] is False
    assert "headcount" not in context and "intentions" not in context


def test_after_the_meeting_the_headcount_may_be_recorded(make_user, make_group, weekly_series):
    page, _role, _membership = _page(
        make_user, make_group, weekly_series, attendance=True, now=AFTER
    )
    assert not page.roles.roles_open
    assert page.attendance.may_record and not page.attendance.may_answer
    assert page.attendance.headcount is None
    assert page.context()["attendance_on"] is True
    assert page.context()["may_record"] is True


def test_the_holiday_is_named_in_the_language_asked(make_user, make_group, weekly_series):
    owner = make_user("Camille")
    group = make_group(owner, canton="VD")
    series = weekly_series(group, start=date(2026, 12, 25), weekday="FR")
    membership = db.session.scalar(Membership.select_for(owner.id, group.id))
    christmas = schedule.find(group, f"s{series.id}-202612251900")
    page = meeting_page(group, membership, owner, christmas, BEFORE, "it")
    assert page.occurrence is christmas
    assert page.occurrence.holiday == schedule.holiday_on("VD", date(2026, 12, 25), "it")
    assert page.occurrence.holiday
