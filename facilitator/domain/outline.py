"""A meeting's outline: its parts, one a line, with minutes ("15 Opening
round"); a line without minutes takes its share of the time left over ("The
theme of the evening"). Read, checked, and laid out between a start and an end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_PARTS = 12
MAX_MINUTES = 240
PART_TITLE_MAX = 80

LINE = re.compile(r"^(?:(\d{1,4})\s*(?:min\.?|')?\s+)?(.+)$")


@dataclass(frozen=True)
class Part:
    minutes: int | None  # None: shares the time left over
    title: str


class OutlineProblem(ValueError):
    """Why an outline cannot be used: ``kind`` names it, ``line`` (1-based) where."""

    def __init__(self, kind: str, line: int = 0):
        super().__init__(kind, line)
        self.kind, self.line = kind, line


def parse(text: str) -> list[Part]:
    """The parts of ``text``; raises OutlineProblem ("too_many_parts",
    "minutes", "title_too_long")."""
    parts: list[Part] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = LINE.match(line)
        assert match  # ".+" matches any non-empty line
        minutes = int(match.group(1)) if match.group(1) else None
        title = match.group(2).strip()
        if minutes is not None and not 1 <= minutes <= MAX_MINUTES:
            raise OutlineProblem("minutes", number)
        if len(title) > PART_TITLE_MAX:
            raise OutlineProblem("title_too_long", number)
        parts.append(Part(minutes, title))
        if len(parts) > MAX_PARTS:
            raise OutlineProblem("too_many_parts", number)
    return parts


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    title: str


def timetable(parts: list[Part], start: datetime, end: datetime) -> list[Slot]:
    """The parts with their clock times from ``start``: the parts without
    minutes share what the others leave of the meeting (whole minutes, the
    last one ends at ``end`` when the outline fits)."""
    total = int((end - start) / timedelta(minutes=1))
    fixed = sum(p.minutes or 0 for p in parts)
    flexible = [p for p in parts if p.minutes is None]
    spare = max(total - fixed, 0)
    share, extra = divmod(spare, len(flexible)) if flexible else (0, 0)
    slots: list[Slot] = []
    at = start
    seen_flexible = 0
    for part in parts:
        if part.minutes is not None:
            minutes = part.minutes
        else:
            seen_flexible += 1
            minutes = share + (1 if seen_flexible <= extra else 0)
        slots.append(Slot(at, at + timedelta(minutes=minutes), part.title))
        at += timedelta(minutes=minutes)
    return slots
