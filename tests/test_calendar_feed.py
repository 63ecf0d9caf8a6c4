"""Calendar feeds agree with the web pages, in an independent RFC 5545 expander."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from icalendar import Calendar

from facilitator.domain.recurrence import MONTHLY, WEEKLY, Rule
from facilitator.services import calendar_feed, schedule
from tests.calendars import ZURICH, expand, icaljs_expand

TODAY = date(2026, 3, 1)


def link(group, key):
    meetings = f"https://facilitator.test/groups/{group.id}/meetings"
    return meetings if key is None else f"{meetings}/{key}"


def series_data(start, rule, at=time(19), minutes=120, **kw):
    return schedule.SeriesData(
        start_date=start,
        start_time=at,
        duration_minutes=minutes,
        rule=rule,
        location=kw.pop("location", "Salle B, Maison de quartier"),
        **kw,
    )


def feed_bytes(group, discreet=False):
    feeds = calendar_feed.load([group], TODAY, discreet_user=discreet)
    name = calendar_feed.group_feed_name(group, discreet)
    return calendar_feed.render(feeds, name=name, link_for=link)


def from_pages(group, start: date, end: date):
    return sorted(
        (
            o.start_aware.astimezone(ZURICH),
            (o.start_aware + o.duration).astimezone(ZURICH),
            o.location,
        )
        for o in schedule.occurrences([group.id], start, end)
        if not o.cancelled
    )


@pytest.fixture
def busy_group(make_group):
    """A group with everything the schedule can do: DST, exceptions, a split."""
    group = make_group(name="Proches aidants – Lausanne")
    actor = group.memberships[0].user
    series = schedule.create_series(
        group, actor, series_data(date(2026, 1, 6), Rule(WEEKLY, interval=2, byday=("TU",)))
    )
    by_day = {
        o.start.date(): o for o in schedule.occurrences([group.id], TODAY, date(2026, 12, 31))
    }
    schedule.cancel(group, actor, by_day[date(2026, 3, 31)], "Pâques")  # just after the switch
    schedule.change(
        group,
        actor,
        by_day[date(2026, 4, 14)],
        schedule.MeetingData(
            start=datetime(2026, 4, 16, 18, 30), duration_minutes=90, location="Salle C"
        ),
    )
    schedule.pause(group, actor, series, date(2026, 7, 1), date(2026, 8, 31), "Été")
    schedule.split(
        group,
        actor,
        series,
        series_data(date(2026, 10, 1), Rule(MONTHLY, byday=("TH",), setpos=-1), at=time(18, 30)),
    )
    later = schedule.occurrences([group.id], date(2026, 11, 1), date(2026, 11, 30))[0]
    schedule.cancel(group, actor, later, "")
    schedule.create_one_off(
        group,
        actor,
        schedule.MeetingData(
            start=datetime(2026, 10, 24, 12),
            duration_minutes=180,
            title="Pique-nique",
            location="Ouchy",
        ),
    )
    return group


def test_feed_expands_to_exactly_the_meetings_the_pages_show(busy_group):
    ics = feed_bytes(busy_group)
    window = (date(2026, 3, 1), date(2027, 3, 31))
    assert expand(ics, *window) == from_pages(busy_group, *window)
    assert len(from_pages(busy_group, *window)) > 10


def test_local_time_is_kept_across_the_switches_in_the_feed(busy_group):
    starts = [
        s for s, _e, _l in expand(feed_bytes(busy_group), date(2026, 3, 1), date(2026, 11, 30))
    ]
    assert {s.time() for s in starts if s.date() != date(2026, 4, 16)} <= {
        time(19),
        time(18, 30),
        time(12),
    }
    assert datetime(2026, 3, 17, 19, tzinfo=ZURICH) in starts
    assert datetime(2026, 10, 29, 18, 30, tzinfo=ZURICH) in starts  # after the October switch
    assert datetime(2026, 3, 31, 19, tzinfo=ZURICH) not in starts  # cancelled


def test_split_series_gets_a_new_uid_and_the_old_one_a_higher_sequence(busy_group):
    cal = Calendar.from_ical(feed_bytes(busy_group))
    masters = [e for e in cal.walk("VEVENT") if "RRULE" in e]
    assert len({str(e["UID"]) for e in masters}) == 2
    old = next(e for e in masters if "UNTIL" in e["RRULE"])
    assert old["SEQUENCE"] >= 1


def test_moved_meeting_is_an_override_with_recurrence_id(busy_group):
    cal = Calendar.from_ical(feed_bytes(busy_group))
    overrides = [e for e in cal.walk("VEVENT") if "RECURRENCE-ID" in e]
    assert len(overrides) == 1
    moved = overrides[0]
    assert moved["RECURRENCE-ID"].dt == datetime(2026, 4, 14, 19, tzinfo=ZURICH)
    assert moved["DTSTART"].dt == datetime(2026, 4, 16, 18, 30, tzinfo=ZURICH)
    assert str(moved["LOCATION"]) == "Salle C"


def test_reverted_override_disappears_from_the_feed(busy_group):
    actor = busy_group.memberships[0].user
    moved = schedule.occurrences([busy_group.id], date(2026, 4, 16), date(2026, 4, 16))[0]
    schedule.change(
        busy_group,
        actor,
        moved,
        schedule.MeetingData(
            start=datetime(2026, 4, 14, 19),
            duration_minutes=120,
            location="Salle B, Maison de quartier",
        ),
    )
    assert "RECURRENCE-ID" not in feed_bytes(busy_group).decode()


@pytest.mark.parametrize(("language", "title"), [("fr", "Rencontre"), ("it", "Incontro")])
def test_discreet_mode_hides_the_group_name_and_notes(make_group, language, title):
    group = make_group(name="Groupe Alcool Lausanne", language=language)
    schedule.create_series(
        group,
        group.memberships[0].user,
        series_data(date(2026, 3, 3), Rule(WEEKLY, byday=("TU",)), note="Thème : l'abstinence"),
    )
    text = Calendar.from_ical(feed_bytes(group, discreet=True))
    event = next(iter(text.walk("VEVENT")))
    assert str(event["SUMMARY"]) == title
    raw = feed_bytes(group, discreet=True).decode()
    assert "Alcool" not in raw.replace("\r\n ", "")
    assert "abstinence" not in raw.replace("\r\n ", "")


def test_mozilla_icaljs_expands_the_feed_to_the_same_meetings(busy_group):
    window = (date(2026, 3, 1), date(2027, 3, 31))
    expected = [
        (s.astimezone(UTC), e.astimezone(UTC), loc) for s, e, loc in from_pages(busy_group, *window)
    ]
    assert icaljs_expand(feed_bytes(busy_group), *window) == expected
