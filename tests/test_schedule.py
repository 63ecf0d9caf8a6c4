"""The schedule service: series, exceptions, splits, DST and bounds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import event, func, select

from facilitator.domain.recurrence import MONTHLY, WEEKLY, Rule
from facilitator.extensions import db
from facilitator.models import AuditEvent, Meeting, MeetingSeries
from facilitator.services import schedule, unit
from facilitator.services.errors import NotFound

FORTNIGHTLY_TUESDAY = Rule(WEEKLY, interval=2, byday=("TU",))


def series_data(start=date(2026, 3, 17), rule=FORTNIGHTLY_TUESDAY, at=time(19), **kw):
    return schedule.SeriesData(
        start_date=start,
        start_time=at,
        duration_minutes=kw.pop("minutes", 120),
        rule=rule,
        location=kw.pop("location", "Salle B"),
        **kw,
    )


@pytest.fixture
def group(make_group):
    return make_group()


@pytest.fixture
def actor(group):
    return group.memberships[0].user


def test_local_time_is_kept_across_both_dst_switches(group, actor):
    schedule.create_series(group, actor, series_data(start=date(2026, 3, 17)))
    found = schedule.occurrences([group.id], date(2026, 3, 1), date(2026, 11, 30))
    assert all(o.start.time() == time(19) for o in found)
    by_day = {o.start.date(): o for o in found}
    # 17 March: winter time (UTC+1); 31 March: summer time (UTC+2).
    assert by_day[date(2026, 3, 17)].start_utc == datetime(2026, 3, 17, 18, tzinfo=UTC)
    assert by_day[date(2026, 3, 31)].start_utc == datetime(2026, 3, 31, 17, tzinfo=UTC)
    # 13 October: summer time; 27 October, two days after the switch: winter time.
    assert by_day[date(2026, 10, 13)].start_utc == datetime(2026, 10, 13, 17, tzinfo=UTC)
    assert by_day[date(2026, 10, 27)].start_utc == datetime(2026, 10, 27, 18, tzinfo=UTC)


def test_series_starts_on_its_first_real_occurrence(group, actor):
    series = schedule.create_series(group, actor, series_data(start=date(2026, 3, 16)))  # Monday
    assert series.start_date == date(2026, 3, 17)


def test_every_change_bumps_the_group_version_and_is_audited(group, actor):
    before = group.version
    series = schedule.create_series(group, actor, series_data())
    occurrence = schedule.occurrences([group.id], date(2026, 3, 17), date(2026, 3, 17))[0]
    schedule.cancel(group, actor, occurrence, "Salle fermée")
    assert group.version == before + 2
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["series_created", "meeting_cancelled"]
    assert series.sequence == 1  # its EXDATEs changed


def test_cancel_and_restore_leave_no_stored_meeting_behind(group, actor):
    schedule.create_series(group, actor, series_data())
    occurrence = schedule.occurrences([group.id], date(2026, 3, 31), date(2026, 3, 31))[0]
    schedule.cancel(group, actor, occurrence, "Pâques")
    again = schedule.occurrences([group.id], date(2026, 3, 31), date(2026, 3, 31))[0]
    assert again.cancelled
    assert again.cancel_reason == "Pâques"
    schedule.restore(group, actor, again)
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0
    assert not schedule.occurrences([group.id], date(2026, 3, 31), date(2026, 3, 31))[0].cancelled


def test_moved_occurrence_appears_at_its_new_time_and_place(group, actor):
    schedule.create_series(group, actor, series_data())
    occurrence = schedule.occurrences([group.id], date(2026, 4, 14), date(2026, 4, 14))[0]
    schedule.change(
        group,
        actor,
        occurrence,
        schedule.MeetingData(
            start=datetime(2026, 4, 16, 18, 30), duration_minutes=120, location="Salle C"
        ),
    )
    assert schedule.occurrences([group.id], date(2026, 4, 14), date(2026, 4, 14)) == []
    moved = schedule.occurrences([group.id], date(2026, 4, 16), date(2026, 4, 16))[0]
    assert moved.moved
    assert moved.start == datetime(2026, 4, 16, 18, 30)
    assert moved.location == "Salle C"
    assert moved.original_start == datetime(2026, 4, 14, 19)


def test_occurrence_moved_into_a_window_from_outside_is_listed(group, actor):
    schedule.create_series(group, actor, series_data())
    occurrence = schedule.occurrences([group.id], date(2026, 4, 14), date(2026, 4, 14))[0]
    schedule.change(
        group,
        actor,
        occurrence,
        schedule.MeetingData(
            start=datetime(2026, 5, 2, 10), duration_minutes=120, location="Salle B"
        ),
    )
    found = schedule.occurrences([group.id], date(2026, 5, 1), date(2026, 5, 3))
    assert [o.start for o in found] == [datetime(2026, 5, 2, 10)]


def test_moving_back_to_the_original_time_removes_the_override(group, actor):
    schedule.create_series(group, actor, series_data())
    occurrence = schedule.occurrences([group.id], date(2026, 4, 14), date(2026, 4, 14))[0]
    data = schedule.MeetingData(
        start=datetime(2026, 4, 15, 19), duration_minutes=120, location="Salle B"
    )
    schedule.change(group, actor, occurrence, data)
    moved = schedule.find(group, occurrence.key)
    data.start = datetime(2026, 4, 14, 19)
    schedule.change(group, actor, moved, data)
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_pause_cancels_the_summer_break_in_one_step(group, actor):
    schedule.create_series(group, actor, series_data())
    keys = schedule.pause(
        group,
        actor,
        db.session.scalar(select(MeetingSeries)),
        date(2026, 7, 1),
        date(2026, 8, 31),
        "Pause estivale",
    )
    summer = schedule.occurrences([group.id], date(2026, 7, 1), date(2026, 8, 31))
    assert keys == [o.key for o in summer]
    assert len(keys) == 4
    assert all(o.cancelled and o.cancel_reason == "Pause estivale" for o in summer)
    assert not schedule.occurrences([group.id], date(2026, 9, 1), date(2026, 9, 30))[0].cancelled


def test_split_from_a_date_keeps_history_and_carries_matching_overrides(group, actor):
    old = schedule.create_series(group, actor, series_data())
    old_uid = old.uid
    past = schedule.occurrences([group.id], date(2026, 3, 17), date(2026, 3, 17))[0]
    schedule.cancel(group, actor, past, "Malade")
    sept = schedule.occurrences([group.id], date(2026, 9, 1), date(2026, 9, 30))
    schedule.cancel(group, actor, sept[0], "Salle prise")  # 1 Sept, stays a Tuesday
    schedule.cancel(group, actor, sept[1], "Jeûne")  # 15 Sept, not in the new rhythm
    sequence_before = old.sequence
    result = schedule.split(
        group,
        actor,
        old,
        series_data(
            start=date(2026, 9, 1), rule=Rule(WEEKLY, interval=4, byday=("TU",)), at=time(18, 30)
        ),
    )
    unit.commit()
    assert result.series.uid != old_uid
    assert result.carried == 1
    assert [(m.original_start, m.cancelled) for m in result.dropped] == [
        (datetime(2026, 9, 15, 19), True)
    ]
    db.session.refresh(old)
    assert old.until == date(2026, 8, 18)
    assert old.sequence == sequence_before + 1  # its rule changed
    march = schedule.occurrences([group.id], date(2026, 3, 17), date(2026, 3, 17))[0]
    assert march.cancelled and march.start.time() == time(19)
    autumn = schedule.occurrences([group.id], date(2026, 9, 1), date(2026, 10, 31))
    assert [(o.start, o.cancelled) for o in autumn] == [
        (datetime(2026, 9, 1, 18, 30), True),
        (datetime(2026, 9, 29, 18, 30), False),
        (datetime(2026, 10, 27, 18, 30), False),
    ]


def test_split_at_the_first_meeting_replaces_the_series(group, actor):
    old = schedule.create_series(group, actor, series_data())
    old_id = old.id
    schedule.split(group, actor, old, series_data(at=time(18)))
    unit.commit()
    assert db.session.get(MeetingSeries, old_id) is None
    assert [s.start_time for s in db.session.scalars(select(MeetingSeries))] == [time(18)]


def test_ending_a_series_keeps_the_past_and_removes_the_future(group, actor):
    series = schedule.create_series(group, actor, series_data())
    march = schedule.occurrences([group.id], date(2026, 3, 17), date(2026, 3, 17))[0]
    schedule.cancel(group, actor, march, "Neige")
    june = schedule.occurrences([group.id], date(2026, 6, 1), date(2026, 6, 30))[0]
    schedule.cancel(group, actor, june, "Vacances")
    assert schedule.end_series(group, actor, series, date(2026, 5, 1)) is False
    remaining = schedule.occurrences([group.id], date(2026, 3, 1), date(2027, 12, 31))
    assert remaining[-1].start.date() == date(2026, 4, 28)
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1


def test_ending_a_series_before_its_first_meeting_deletes_it(group, actor):
    series = schedule.create_series(group, actor, series_data())
    assert schedule.end_series(group, actor, series, date(2026, 3, 17)) is True
    assert db.session.scalar(select(func.count()).select_from(MeetingSeries)) == 0


def test_find_refuses_keys_that_are_not_occurrences(group, actor, make_group):
    series = schedule.create_series(group, actor, series_data())
    assert schedule.find(group, f"s{series.id}-202603171900").start == datetime(2026, 3, 17, 19)
    for key in (
        f"s{series.id}-202603181900",
        f"s{series.id}-202603171800",
        "s999-202603171900",
        "x1",
        f"s{series.id}-2026",
        "m12345",
    ):
        with pytest.raises(NotFound):
            schedule.find(group, key)
    with pytest.raises(NotFound):
        schedule.find(make_group(), f"s{series.id}-202603171900")


def test_monthly_series_on_the_31st(group, actor):
    schedule.create_series(
        group, actor, series_data(start=date(2026, 1, 1), rule=Rule(MONTHLY, monthday=31))
    )
    found = schedule.occurrences([group.id], date(2026, 1, 1), date(2026, 6, 30))
    assert [o.start.date() for o in found] == [
        date(2026, 1, 31),
        date(2026, 3, 31),
        date(2026, 5, 31),
    ]


def test_one_off_meetings_are_merged_in_order(group, actor):
    schedule.create_series(group, actor, series_data())
    schedule.create_one_off(
        group,
        actor,
        schedule.MeetingData(
            start=datetime(2026, 3, 20, 14), duration_minutes=90, title="Sortie", location="Ouchy"
        ),
    )
    found = schedule.occurrences([group.id], date(2026, 3, 17), date(2026, 3, 31))
    assert [o.start.date() for o in found] == [
        date(2026, 3, 17),
        date(2026, 3, 20),
        date(2026, 3, 31),
    ]
    assert found[1].title == "Sortie"


def test_listing_costs_two_queries_whatever_the_history(group, actor):
    series = schedule.create_series(group, actor, series_data(start=date(2026, 1, 6)))
    for occurrence in schedule.occurrences([group.id], date(2026, 1, 1), date(2026, 12, 31))[:20]:
        schedule.cancel(group, actor, occurrence, "")
    unit.commit()
    group_id = group.id
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        db.session.expire_all()
        schedule.occurrences([group_id], date(2026, 11, 1), date(2027, 1, 31))
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 2
    assert series.id


def test_unbounded_rule_is_refused_with_a_message(group, actor):
    from facilitator.domain.recurrence import DAILY

    with pytest.raises(schedule.ScheduleError) as error:
        schedule.create_series(group, actor, series_data(rule=Rule(DAILY)))
    assert error.value.code == "too_many"
    assert db.session.scalar(select(func.count()).select_from(MeetingSeries)) == 0


def test_public_holidays_of_the_canton_are_named(app):
    assert schedule.holiday_on("VD", date(2026, 9, 21), "fr") == "Lundi du Jeûne fédéral"
    assert schedule.holiday_on("TI", date(2026, 3, 19), "it") == "San Giuseppe"
    assert schedule.holiday_on("VD", date(2026, 3, 19), "fr") is None
