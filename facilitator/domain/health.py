"""A group's health signals, from facts gathered for many groups at once:
the thresholds, and nothing that could name a person.

Pure code (imports nothing of the app). The four signals:

- ``quiet``: no meeting held (started, not cancelled) in the last
  ``quiet_weeks`` weeks, for a group that exists for longer; a meeting that
  started exactly ``quiet_weeks`` weeks ago still counts as held;
- ``open_roles``: role slots that nobody has taken in the next
  ``ahead_meetings`` meetings (not cancelled) of the coming weeks the facts
  cover: the slots of the group's active roles, minus the slots taken;
- ``one_holder``: over the roles taken at the meetings held in the last 12
  months, one member held more than half (exactly half is not more than
  half), once at least ``min_roles`` roles were taken; the signal is the
  share, in whole percents rounded up (never 50 for more than half), never
  who;
- ``no_login``: none of the co-responsible members logged in for
  ``login_days`` days (or ever), for a group that exists for longer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

SIGNALS = ("quiet", "open_roles", "one_holder", "no_login")


@dataclass(frozen=True)
class Thresholds:
    quiet_weeks: int = 6
    ahead_meetings: int = 4
    min_roles: int = 6
    login_days: int = 90


@dataclass(frozen=True)
class Facts:
    """What the signals are computed from, for one group. Local times are
    the group's wall-clock times; ``now``, ``created_at`` and the log-in are
    aware (UTC)."""

    local_now: datetime
    now: datetime
    created_at: datetime
    # The local starts of its meetings not cancelled around now (at least
    # quiet_weeks back), each with the stored meeting's id (None: not stored).
    meetings: Sequence[tuple[datetime, int | None]]
    # Slots of its active roles at one meeting; slots taken by meeting id.
    role_slots: int
    taken: dict[int, int]
    # Roles taken at the meetings held in the last 12 months, and the most
    # that one member held (a former member's count in the total only).
    roles_taken: int
    most_by_one: int
    last_coresponsible_login: datetime | None


@dataclass(frozen=True)
class Signals:
    quiet: bool = False
    open_roles: int = 0  # open slots in the next meetings
    one_holder: int | None = None  # the share in percents, when more than half
    no_login: bool = False

    @property
    def codes(self) -> tuple[str, ...]:
        """The signals raised, in the order of ``SIGNALS``."""
        raised = {
            "quiet": self.quiet,
            "open_roles": self.open_roles > 0,
            "one_holder": self.one_holder is not None,
            "no_login": self.no_login,
        }
        return tuple(code for code in SIGNALS if raised[code])

    def __bool__(self) -> bool:
        return bool(self.codes)


NONE = Signals()


def share_of_one(total: int, top: int, minimum: int) -> int | None:
    """The share (whole percents, rounded up) of the member who held ``top``
    of ``total`` roles, when more than half of at least ``minimum`` roles."""
    if total < minimum or top * 2 <= total:
        return None
    return -(-100 * top // total)


def open_slots(
    coming: Iterable[tuple[datetime, int | None]], role_slots: int, taken: dict[int, int]
) -> int:
    """Slots nobody has taken at these meetings (a meeting not stored yet has
    no role taken)."""
    return sum(
        max(role_slots - (taken.get(mid, 0) if mid is not None else 0), 0) for _s, mid in coming
    )


def signals(facts: Facts, thresholds: Thresholds = Thresholds()) -> Signals:
    here = facts.local_now
    quiet_since = timedelta(weeks=thresholds.quiet_weeks)
    since = here - quiet_since
    held = any(since <= start < here for start, _mid in facts.meetings)
    quiet = not held and facts.created_at < facts.now - quiet_since
    coming = sorted((m for m in facts.meetings if m[0] >= here), key=lambda m: m[0])
    coming = coming[: thresholds.ahead_meetings]
    login_since = facts.now - timedelta(days=thresholds.login_days)
    last = facts.last_coresponsible_login
    return Signals(
        quiet=quiet,
        open_roles=open_slots(coming, facts.role_slots, facts.taken),
        one_holder=share_of_one(facts.roles_taken, facts.most_by_one, thresholds.min_roles),
        no_login=(last is None or last < login_since) and facts.created_at < login_since,
    )
