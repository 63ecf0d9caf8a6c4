"""Small numbers never alone: which cells of published aggregate tables must
be hidden so that no published figure, nor any difference of published
figures, is made of fewer than ``MINIMUM`` groups.

Pure code (imports nothing of the app). The tables describe the same
population in different ways (by theme, by canton), each a partition of the
total; a cell is known by the set of groups it adds up. The rules:

1. Primary: a cell made of 1 or 2 groups is hidden ("fewer than 3"); so is
   the total if it is made of fewer than 3 groups.
2. Complementary: for every visible cell A (the total included) and every
   table T, the visible rows of T that lie inside A may be subtracted from
   A. If what remains is made of 1 or 2 groups, the smallest of those rows
   is hidden as well, and the rules run again until nothing changes. With A
   the total, this is the classic rule: a total minus the visible rows of
   its own table would give back a hidden cell, so a second cell is hidden
   (or, when no visible row is left, nothing remains to subtract).

What the rules do not cover (and the app never publishes): sums that
combine several tables with mixed signs beyond one cell minus rows inside
it. Two one-way tables over the same total only allow those differences.

A per-meeting figure (a median of participants) below ``MINIMUM`` is hidden
on its own (``per_meeting``), since it describes a handful of people.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

MINIMUM = 3
TOTAL = ("total", None)

Cell = tuple[Hashable, Hashable]  # (table name, row key); TOTAL for the total
Groups = frozenset[Hashable]  # the groups a cell adds up


@dataclass(frozen=True)
class Table:
    """One way of splitting the total: row key -> the groups it adds up."""

    name: Hashable
    rows: Mapping[Hashable, Groups]


def hidden_cells(total: Groups, tables: Sequence[Table], minimum: int = MINIMUM) -> set[Cell]:
    """The cells to hide: ``(table.name, key)`` for rows, ``TOTAL`` for the total."""

    def too_small(members: Groups) -> bool:
        return 0 < len(members) < minimum

    cells: dict[Cell, Groups] = {TOTAL: frozenset(total)}
    for table in tables:
        for key, members in table.rows.items():
            cells[(table.name, key)] = frozenset(members)
    hidden = {cell for cell, members in cells.items() if too_small(members)}
    changed = True
    while changed:
        changed = False
        for cell, members in cells.items():
            if cell in hidden:
                continue
            for table in tables:
                inside = [
                    (len(rows), repr(key), (table.name, key))
                    for key, rows in table.rows.items()
                    if (table.name, key) != cell
                    and (table.name, key) not in hidden
                    and rows
                    and rows <= members
                ]
                if not inside:
                    continue
                covered = frozenset().union(*(cells[c] for _n, _k, c in inside))
                if too_small(members - covered):
                    hidden.add(min(inside)[2])
                    changed = True
                    break
            if changed:
                break
    return hidden


def leaks(
    total: Groups, tables: Sequence[Table], hidden: set[Cell], minimum: int = MINIMUM
) -> list[tuple[Cell, Groups]]:
    """The published figures (or differences of them) made of fewer than
    ``minimum`` groups, as (cell, groups) pairs: empty when ``hidden`` is safe.
    For tests and as a last check before publishing."""
    cells: dict[Cell, Groups] = {TOTAL: frozenset(total)}
    for table in tables:
        for key, members in table.rows.items():
            cells[(table.name, key)] = frozenset(members)
    found = []
    for cell, members in cells.items():
        if cell in hidden:
            continue
        if 0 < len(members) < minimum:
            found.append((cell, members))
            continue
        for table in tables:
            covered = frozenset().union(
                *(
                    rows
                    for key, rows in table.rows.items()
                    if (table.name, key) != cell
                    and (table.name, key) not in hidden
                    and rows <= members
                )
            )
            rest = members - covered
            if 0 < len(rest) < minimum:
                found.append((cell, rest))
    return found


def per_meeting(value: float | None, minimum: int = MINIMUM) -> bool:
    """Whether a per-meeting figure must be hidden (below ``minimum``)."""
    return value is not None and value < minimum
