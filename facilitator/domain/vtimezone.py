"""VTIMEZONE components in the yearly-RRULE form that every client reads.

icalendar can build a VTIMEZONE from a zone's transitions, but as lists of
RDATEs, which Outlook misreads. Here the component is built from the zone's
POSIX rule (the footer of its TZif file, e.g. "CET-1CEST,M3.5.0,M10.5.0/3"):
one STANDARD and one DAYLIGHT sub-component, each with a yearly RRULE.
"""

from __future__ import annotations

import calendar
import importlib.resources
import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

POSIX = re.compile(
    r"^(?P<std><[^>]+>|[A-Za-z]+)(?P<stdoff>[-+]?[\d:]+)"
    r"(?:(?P<dst><[^>]+>|[A-Za-z]+)(?P<dstoff>[-+]?[\d:]+)?"
    r",(?P<start>M[\d.]+)(?:/(?P<starttime>[-+]?[\d:]+))?"
    r",(?P<end>M[\d.]+)(?:/(?P<endtime>[-+]?[\d:]+))?)?$"
)
WEEKDAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")


def _tzif(tzid: str) -> bytes:
    try:
        return importlib.resources.files("tzdata.zoneinfo").joinpath(*tzid.split("/")).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError):
        return (Path("/usr/share/zoneinfo") / tzid).read_bytes()


def _seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")] + [0, 0]
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def _offset(seconds: int) -> timedelta:
    return timedelta(seconds=seconds)


def _rule_date(rule: str, year: int) -> tuple[date, int, str]:
    """The date in ``year`` of an "Mm.w.d" rule, its BYMONTH and BYDAY."""
    month, week, weekday = (int(x) for x in rule[1:].split("."))
    python_weekday = (weekday - 1) % 7  # POSIX 0 = Sunday; Python 0 = Monday
    days = [
        d
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if date(year, month, d).weekday() == python_weekday
    ]
    day = days[-1] if week == 5 else days[week - 1]
    ordinal = -1 if week == 5 else week
    return date(year, month, day), month, f"{ordinal}{WEEKDAYS[weekday]}"


def _name(text: str) -> str:
    return text.strip("<>")


@lru_cache(maxsize=64)
def vtimezone(tzid: str) -> Timezone:
    """The VTIMEZONE for ``tzid``."""
    footer = _tzif(tzid).rsplit(b"\n", 2)[-2].decode()
    match = POSIX.match(footer)
    if match is None:  # a rule form we do not write ourselves: icalendar's
        return Timezone.from_tzid(tzid)
    # POSIX offsets count westwards: "CET-1" is UTC+1.
    std_offset = -_seconds(match["stdoff"])
    component = Timezone()
    component.add("tzid", tzid)
    if not match["dst"]:
        standard = TimezoneStandard()
        standard.add("dtstart", datetime(1970, 1, 1))
        standard.add("tzoffsetfrom", _offset(std_offset))
        standard.add("tzoffsetto", _offset(std_offset))
        standard.add("tzname", _name(match["std"]))
        component.add_component(standard)
        return component
    dst_offset = -_seconds(match["dstoff"]) if match["dstoff"] else std_offset + 3600
    for kind, rule, at, name, before, after in (
        (
            TimezoneDaylight,
            match["start"],
            match["starttime"],
            match["dst"],
            std_offset,
            dst_offset,
        ),
        (TimezoneStandard, match["end"], match["endtime"], match["std"], dst_offset, std_offset),
    ):
        day, month, byday = _rule_date(rule, 1970)
        sub = kind()
        sub.add(
            "dtstart",
            datetime.combine(day, datetime.min.time())
            + timedelta(seconds=_seconds(at) if at else 7200),
        )
        sub.add("rrule", {"freq": "yearly", "bymonth": month, "byday": byday})
        sub.add("tzoffsetfrom", _offset(before))
        sub.add("tzoffsetto", _offset(after))
        sub.add("tzname", _name(name))
        component.add_component(sub)
    return component
