"""A role's guide, written as plain text, read as a checklist.

A line that ends with a colon is a heading ("Before the meeting:"); every
other non-empty line is one item, with a leading "-", "*" or "•" dropped.
Nothing else is interpreted: the text is the group's own, shown as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MARKERS = ("- ", "* ", "• ")


@dataclass
class Section:
    heading: str
    items: list[str] = field(default_factory=list)


def sections(text: str) -> list[Section]:
    """The guide's headings, each with its items (a first heading may be empty)."""
    result: list[Section] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.endswith(":") and not line.startswith(MARKERS):
            result.append(Section(line.rstrip(":").rstrip(" \u00a0\u202f")))
            continue
        for marker in MARKERS:
            if line.startswith(marker):
                line = line[len(marker) :].strip()
                break
        if not result:
            result.append(Section(""))
        result[-1].items.append(line)
    return [section for section in result if section.items]
