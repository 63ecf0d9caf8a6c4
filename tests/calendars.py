"""Two independent RFC 5545 expanders for the calendar tests: the Python
recurring-ical-events and Mozilla's ical.js (run by node in tests/js)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar

ZURICH = ZoneInfo("Europe/Zurich")
JS = Path(__file__).resolve().parent / "js"


def expand(ics: bytes, start: date, end: date) -> list[tuple[datetime, datetime, str]]:
    """(start, end, location) of every event between ``start`` and ``end``
    (inclusive), in Zurich time, as recurring-ical-events expands them."""
    cal = Calendar.from_ical(ics)
    events = recurring_ical_events.of(cal).between(start, end + timedelta(days=1))
    return sorted(
        (
            e["DTSTART"].dt.astimezone(ZURICH),
            e["DTEND"].dt.astimezone(ZURICH),
            str(e.get("LOCATION", "")),
        )
        for e in events
    )


def icaljs_expand(ics: bytes, start: date, end: date) -> list[tuple[datetime, datetime, str]]:
    """The same, in UTC, as Mozilla's ical.js expands them (skipped locally
    when node or tests/js/node_modules is missing, failing in CI)."""
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "ical.js").exists():
        if os.environ.get("CI"):
            pytest.fail("node and tests/js/node_modules are required in CI (npm ci in tests/js)")
        pytest.skip("ical.js not installed: run `npm ci` in tests/js")
    result = subprocess.run(
        [node, str(JS / "expand.mjs"), start.isoformat(), end.isoformat()],
        input=ics,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return [
        (datetime.fromisoformat(o["start"]), datetime.fromisoformat(o["end"]), o["location"])
        for o in json.loads(result.stdout)
    ]
