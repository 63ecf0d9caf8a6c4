"""The calendar renderer, on plain data: what clients read, checked by two
independent RFC 5545 expanders and against the recurrence rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from icalendar import Calendar

from facilitator.domain import ical
from facilitator.domain import recurrence as rec
from facilitator.domain.recurrence import MONTHLY, WEEKLY, Rule
from tests.calendars import ZURICH, expand, icaljs_expand

TZ = "Europe/Zurich"
LINK = "https://facilitator.test/groups/1/meetings"
CHANGED = datetime(2026, 2, 1, 9, tzinfo=UTC)
NAMING = ical.Naming("Proches aidants – Lausanne", "Rencontre")
WINDOW = (date(2026, 1, 1), date(2027, 3, 31))


def override(original: datetime, **fields) -> ical.Override:
    values = {"start": original, "updated_at": CHANGED, "sequence": 1, "link": f"{LINK}/s1"}
    return ical.Override(original_start=original, **{**values, **fields})


# Fortnightly Tuesdays at 19:00 from 6 January to 29 September 2026, across
# both daylight-saving switches: one cancelled (just after the March switch),
# one moved to a Thursday with its roles, one stored for a date the rule does
# not produce (left out); then the last Thursday of the month at 18:30.
FORTNIGHTLY = ical.Series(
    uid="s1@facilitator",
    timezone=TZ,
    rule=Rule(WEEKLY, interval=2, byday=("TU",), until=date(2026, 9, 29)),
    start_date=date(2026, 1, 6),
    start_time=time(19),
    duration=timedelta(hours=2),
    updated_at=CHANGED,
    sequence=1,
    link=LINK,
    location="Salle B, Maison de quartier",
    note="Thème : l'écoute",
    overrides=(
        override(datetime(2026, 3, 31, 19), cancelled=True),
        override(
            datetime(2026, 4, 14, 19),
            start=datetime(2026, 4, 16, 18, 30),
            duration=timedelta(minutes=90),
            location="Salle C",
            roles="Rôles : Accueil : Ana",
            own_roles="Accueil",
            updated_at=CHANGED + timedelta(days=3),
        ),
        override(datetime(2026, 4, 15, 19), location="Nowhere"),
    ),
)
MONTHLY_SERIES = ical.Series(
    uid="s2@facilitator",
    timezone=TZ,
    rule=Rule(MONTHLY, byday=("TH",), setpos=-1),
    start_date=date(2026, 10, 29),
    start_time=time(18, 30),
    duration=timedelta(hours=2),
    updated_at=CHANGED,
    sequence=0,
    link=LINK,
    location="Salle B, Maison de quartier",
)
PICNIC = ical.OneOff(
    uid="m3@facilitator",
    timezone=TZ,
    start=datetime(2026, 10, 24, 12),
    duration=timedelta(hours=3),
    updated_at=CHANGED,
    sequence=0,
    link=f"{LINK}/m3",
    title="Pique-nique",
    location="Ouchy",
)
CANCELLED = replace(PICNIC, uid="m4@facilitator", title="Annulé", cancelled=True)


def calendar(naming: ical.Naming = NAMING, **source) -> bytes:
    parts = {"series": (FORTNIGHTLY, MONTHLY_SERIES), "one_offs": (PICNIC, CANCELLED), **source}
    return ical.calendar([ical.Source(naming, **parts)], name="Rencontres", timezone=TZ)


def expected(start: date, end: date) -> list[tuple[datetime, datetime, str]]:
    """The meetings the data describes, from the recurrence rules directly."""
    found = []
    for series in (FORTNIGHTLY, MONTHLY_SERIES):
        stored = {o.original_start: o for o in series.overrides}
        for day in rec.dates(series.rule, series.start_date, start, end):
            original = datetime.combine(day, series.start_time)
            item = stored.get(original) or override(original)
            if not item.cancelled:
                begin = item.start.replace(tzinfo=ZURICH)
                length = item.duration or series.duration
                found.append((begin, begin + length, item.location or series.location))
    begin = PICNIC.start.replace(tzinfo=ZURICH)
    found.append((begin, begin + PICNIC.duration, PICNIC.location))
    return sorted(found)


def events(ics: bytes) -> list:
    return list(Calendar.from_ical(ics).walk("VEVENT"))


def unfolded(ics: bytes) -> str:
    return ics.decode().replace("\r\n ", "")


def test_calendar_expands_to_exactly_the_meetings_it_describes():
    assert expand(calendar(), *WINDOW) == expected(*WINDOW)
    assert len(expected(*WINDOW)) > 20


def test_mozilla_icaljs_expands_the_calendar_to_the_same_meetings():
    window = (date(2026, 3, 1), date(2027, 3, 31))
    meetings = [(s.astimezone(UTC), e.astimezone(UTC), loc) for s, e, loc in expected(*window)]
    assert icaljs_expand(calendar(), *window) == meetings


def test_unchanged_calendar_renders_identical_bytes():
    assert calendar() == calendar()


def test_calendar_header_and_timezone():
    ics = calendar()
    text = ics.decode()
    for line in (
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-TIMEZONE:Europe/Zurich",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        "PRODID:",
    ):
        assert line in text
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text  # not a list of RDATEs
    assert "RDATE" not in text
    for event in events(ics):
        assert event["DTSTART"].params["TZID"] == "Europe/Zurich"
        for name in ("EXDATE", "RECURRENCE-ID"):
            if name in event:
                values = event[name] if isinstance(event[name], list) else [event[name]]
                for value in values:
                    assert value.params["TZID"] == "Europe/Zurich"
        if "RRULE" in event:
            until = event["RRULE"].get("UNTIL")
            if until:
                assert until[0].utcoffset() == timedelta(0)


def test_lines_are_crlf_and_folded_at_75_octets_without_breaking_characters():
    naming = ical.Naming("Groupe à l'écoute – " + "é" * 80, "Rencontre")
    weekly = replace(
        MONTHLY_SERIES, rule=Rule(WEEKLY, byday=("TU",)), location="Café « Ça va » " * 6
    )
    ics = calendar(naming, series=(weekly,), one_offs=())
    assert b"\n" not in ics.replace(b"\r\n", b"")
    for line in ics.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # a folded multi-byte character would fail here
    assert str(events(ics)[0]["SUMMARY"]) == naming.group_name


def test_calendar_survives_icalendar_round_trip():
    ics = calendar()
    assert Calendar.from_ical(ics).to_ical() == ics


def test_series_is_one_event_with_its_cancellations_as_exdates():
    master = next(e for e in events(calendar()) if str(e["UID"]) == FORTNIGHTLY.uid)
    assert master["RRULE"].to_ical().decode().startswith("FREQ=WEEKLY;UNTIL=")
    assert [d.dt for d in master["EXDATE"].dts] == [datetime(2026, 3, 31, 19, tzinfo=ZURICH)]
    assert master["DTSTART"].dt == datetime(2026, 1, 6, 19, tzinfo=ZURICH)
    # Its stamp is the latest change of the series or of any of its meetings.
    assert master["DTSTAMP"].dt == CHANGED + timedelta(days=3)


def test_moved_meeting_is_an_override_with_what_it_changes_and_inherits():
    [moved] = [e for e in events(calendar()) if "RECURRENCE-ID" in e]
    assert str(moved["UID"]) == FORTNIGHTLY.uid
    assert moved["RECURRENCE-ID"].dt == datetime(2026, 4, 14, 19, tzinfo=ZURICH)
    assert moved["DTSTART"].dt == datetime(2026, 4, 16, 18, 30, tzinfo=ZURICH)
    assert moved["DTEND"].dt == datetime(2026, 4, 16, 20, tzinfo=ZURICH)
    assert str(moved["LOCATION"]) == "Salle C"
    assert moved["SEQUENCE"] == FORTNIGHTLY.sequence + 1
    # The series' title and note, the meeting's roles and the reader's role.
    assert str(moved["SUMMARY"]) == "Proches aidants – Lausanne (Accueil)"
    assert str(moved["DESCRIPTION"]) == (f"Thème : l'écoute\n\nRôles : Accueil : Ana\n\n{LINK}/s1")


def test_stored_meeting_on_a_date_the_series_does_not_produce_is_left_out():
    assert "Nowhere" not in unfolded(calendar())


def test_cancelled_one_off_is_left_out():
    assert [str(e["SUMMARY"]) for e in events(calendar()) if "RRULE" not in e] == [
        "Proches aidants – Lausanne (Accueil)",
        "Pique-nique",
    ]


def test_discreet_calendar_shows_the_neutral_title_and_only_links():
    ics = calendar(replace(NAMING, discreet=True))
    titles = {str(e["SUMMARY"]) for e in events(ics)}
    assert titles == {"Rencontre", "Rencontre (Accueil)"}  # the reader's own role stays
    text = unfolded(ics)
    for secret in ("Proches aidants", "Pique-nique", "écoute", "Ana"):
        assert secret not in text
    assert {str(e["DESCRIPTION"]) for e in events(ics)} == {LINK, f"{LINK}/s1", f"{LINK}/m3"}


def test_a_meeting_on_its_own_is_a_calendar_of_one_event():
    ics = ical.single(NAMING, PICNIC)
    text = ics.decode()
    assert text.count("BEGIN:VEVENT") == 1
    assert text.count("BEGIN:VTIMEZONE") == 1
    assert "X-WR-CALNAME" not in text
    [event] = events(ics)
    assert str(event["SUMMARY"]) == "Pique-nique"
    assert event["DTSTART"].dt == datetime(2026, 10, 24, 12, tzinfo=ZURICH)
    assert event["DTEND"].dt == datetime(2026, 10, 24, 15, tzinfo=ZURICH)
    assert str(event["DESCRIPTION"]) == f"{LINK}/m3"


@pytest.mark.parametrize("discreet", [False, True])
def test_every_zone_used_gets_its_vtimezone_once(discreet):
    rome = replace(PICNIC, timezone="Europe/Rome")
    ics = calendar(replace(NAMING, discreet=discreet), one_offs=(rome,))
    text = ics.decode()
    assert text.count("TZID:Europe/Rome\r\n") == 1
    assert text.count("TZID:Europe/Zurich\r\n") == 1
