"""Fair rotation of meeting roles: the pure function behind "fill the open slots".

No database and no Flask: callers pass plain values and get a proposal back,
one choice per open slot, each with the reason it was made, so that a
co-responsible can read and adjust it before it is applied.

The rule, slot by slot in meeting order: among the members who are willing to
take the role, available on the meeting's date and not already holding a role
in that meeting, choose the one who held this role least often in the twelve
months before the meeting (proposals made earlier in the same run count),
then the one who held it longest ago (never is longest), then the one who
held fewest roles of any kind in those twelve months, then the first in the
given stable order.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, TypeVar

WINDOW = timedelta(days=365)

# Members and roles are whatever the caller identifies them by (ids, names).
M = TypeVar("M", bound=Hashable)
R = TypeVar("R", bound=Hashable)


@dataclass(frozen=True)
class Slot(Generic[R]):
    meeting: Hashable  # a meeting's key
    day: date
    role: R
    index: int = 0  # which of the role's slots in that meeting


@dataclass(frozen=True)
class Held(Generic[M, R]):
    """A role someone held (or holds) at a meeting on a day."""

    member: M
    role: R
    day: date
    meeting: Hashable = None


@dataclass(frozen=True)
class Choice(Generic[M, R]):
    slot: Slot[R]
    member: M | None  # None: nobody could take it
    # Why: how often the member held the role in the twelve months before
    # the meeting, and when last (None: never); or, with no member, why not.
    times: int = 0
    last: date | None = None
    reason: str = "fairest"  # "fairest" or "nobody_willing" / "nobody_available" / "all_busy"


def propose(
    slots: Sequence[Slot[R]],
    members: Sequence[M],
    willing: Mapping[M, Iterable[R]],
    history: Iterable[Held[M, R]] = (),
    unavailable: Callable[[M, date], bool] = lambda member, day: False,
    several_roles_per_meeting: bool = False,
) -> list[Choice[M, R]]:
    """One choice per slot, meeting by meeting (see the module's rule).

    Within one meeting the slots are filled most-due first: of all open
    (slot, member) pairs, the member who held that role least often (then
    longest ago) gets it, so that someone due for two roles takes the one
    they are most due for and the other passes to the next in line.
    """
    order = {member: position for position, member in enumerate(members)}
    willing_sets = {member: set(willing.get(member, ())) for member in members}
    held: list[Held[M, R]] = [h for h in history if h.member in order]
    busy: dict[Hashable, set[M]] = {}
    for h in held:
        if h.meeting is not None:
            busy.setdefault(h.meeting, set()).add(h.member)
    by_meeting: dict[tuple[date, str], list[Slot[R]]] = {}
    for slot in slots:
        by_meeting.setdefault((slot.day, str(slot.meeting)), []).append(slot)
    choices: dict[Slot[R], Choice[M, R]] = {}
    for (day, _key), meeting_slots in sorted(by_meeting.items(), key=lambda item: item[0]):
        since = day - WINDOW

        def record(
            member: M, role: R, day: date = day, since: date = since
        ) -> tuple[int, date | None]:
            days = [h.day for h in held if h.member == member and h.role == role and h.day < day]
            return sum(1 for d in days if d >= since), (max(days) if days else None)

        def load(member: M, day: date = day, since: date = since) -> int:
            return sum(1 for h in held if h.member == member and since <= h.day <= day)

        open_slots = sorted(meeting_slots, key=lambda s: (str(s.role), s.index))
        while open_slots:
            best: tuple[tuple[int, date, int, int], Slot[R], M, int, date | None] | None = None
            for slot in open_slots:
                for member in _candidates(
                    slot, members, willing_sets, unavailable, busy, held, several_roles_per_meeting
                ):
                    times, last = record(member, slot.role)
                    key = (times, last or date.min, load(member), order[member])
                    if best is None or key < best[0]:
                        best = (key, slot, member, times, last)
            if best is None:
                for slot in open_slots:
                    choices[slot] = Choice(
                        slot, None, reason=_why_empty(slot, members, willing_sets, unavailable)
                    )
                break
            _rank, chosen, member, times, last = best
            choices[chosen] = Choice(chosen, member, times=times, last=last)
            held.append(Held(member, chosen.role, chosen.day, chosen.meeting))
            busy.setdefault(chosen.meeting, set()).add(member)
            open_slots.remove(chosen)
    return [
        choices[s]
        for s in sorted(slots, key=lambda s: (s.day, str(s.meeting), str(s.role), s.index))
    ]


def _candidates(
    slot: Slot[R],
    members: Sequence[M],
    willing_sets: Mapping[M, set[R]],
    unavailable: Callable[[M, date], bool],
    busy: Mapping[Hashable, set[M]],
    held: Sequence[Held[M, R]],
    several: bool,
) -> Iterator[M]:
    for member in members:
        if slot.role not in willing_sets[member] or unavailable(member, slot.day):
            continue
        if not several and member in busy.get(slot.meeting, ()):
            continue
        if several and any(
            h.member == member and h.meeting == slot.meeting and h.role == slot.role for h in held
        ):
            continue
        yield member


def _why_empty(
    slot: Slot[R],
    members: Sequence[M],
    willing_sets: Mapping[M, set[R]],
    unavailable: Callable[[M, date], bool],
) -> str:
    willing = [m for m in members if slot.role in willing_sets[m]]
    if not willing:
        return "nobody_willing"
    if all(unavailable(m, slot.day) for m in willing):
        return "nobody_available"
    return "all_busy"


@dataclass(frozen=True)
class Reason:
    """A choice as its reader wants it explained.

    ``times`` and ``last`` count only meetings already held (in the twelve
    months before ``today``); ``coming`` lists the meetings to come, before
    this one, where the member already holds the role or was just proposed for
    it: "held it 3 times, last on 5 May; already has it on 16 February". With
    nobody chosen, ``nobody`` says why ("nobody_willing", "nobody_available",
    "all_busy")."""

    times: int = 0
    last: date | None = None
    coming: tuple[date, ...] = ()
    nobody: str | None = None


def explain(
    choices: Sequence[Choice[M, R]], history: Iterable[Held[M, R]], today: date
) -> dict[Slot[R], Reason]:
    """The reason of each choice of ``propose`` (given in its order), naming
    only past meetings as held and counting the coming ones apart."""
    held = list(history)
    reasons: dict[Slot[R], Reason] = {}
    for choice in choices:
        slot = choice.slot
        if choice.member is None:
            reasons[slot] = Reason(nobody=choice.reason)
            continue
        same = [
            h
            for h in held
            if h.member == choice.member and h.role == slot.role and h.meeting != slot.meeting
        ]
        past = [h.day for h in same if today - WINDOW <= h.day < today]
        coming = tuple(sorted({h.day for h in same if today <= h.day < slot.day}))
        reasons[slot] = Reason(len(past), max(past, default=None), coming)
        held.append(Held(choice.member, slot.role, slot.day, slot.meeting))
    return reasons
