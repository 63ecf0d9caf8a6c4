"""The health signals' thresholds, on known facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from facilitator.domain.health import NONE, Facts, Signals, Thresholds, share_of_one, signals

NOW = datetime(2026, 11, 12, 10, 0, tzinfo=UTC)
HERE = datetime(2026, 11, 12, 11, 0)  # Zurich wall time
LONG_AGO = datetime(2025, 1, 1, tzinfo=UTC)


def facts(**changes) -> Facts:
    """A healthy group: met two days ago, meets in five days, roles taken
    and shared, a co-responsible logged in yesterday."""
    values = {
        "local_now": HERE,
        "now": NOW,
        "created_at": LONG_AGO,
        "meetings": [(HERE - timedelta(days=2), 1), (HERE + timedelta(days=5), 2)],
        "role_slots": 2,
        "taken": {2: 2},
        "roles_taken": 6,
        "most_by_one": 3,
        "last_coresponsible_login": NOW - timedelta(days=1),
    }
    return Facts(**{**values, **changes})


def test_a_healthy_group_has_no_signal():
    assert signals(facts()) == NONE
    assert not signals(facts()) and signals(facts()).codes == ()


@pytest.mark.parametrize(
    ("last_meeting", "quiet"),
    [
        (HERE - timedelta(weeks=6), False),  # exactly 6 weeks ago: still within
        (HERE - timedelta(weeks=6, minutes=1), True),
        (HERE - timedelta(weeks=5, days=6), False),
    ],
)
def test_no_meeting_for_six_weeks_counts_from_exactly_six_weeks(last_meeting, quiet):
    result = signals(facts(meetings=[(last_meeting, 1), (HERE + timedelta(days=5), 2)]))
    assert result.quiet is quiet


def test_the_quiet_weeks_come_from_the_thresholds():
    met = [(HERE - timedelta(weeks=4), 1)]
    assert signals(facts(meetings=met), Thresholds(quiet_weeks=3)).quiet
    assert not signals(facts(meetings=met), Thresholds(quiet_weeks=6)).quiet


def test_a_group_younger_than_the_quiet_weeks_is_not_quiet_nor_idle():
    young = facts(meetings=[], created_at=NOW - timedelta(weeks=5), last_coresponsible_login=None)
    assert signals(young) == NONE


def test_a_meeting_that_has_not_started_is_not_held():
    only_coming = facts(meetings=[(HERE + timedelta(minutes=1), None)])
    assert signals(only_coming).quiet


@pytest.mark.parametrize(
    ("meetings", "taken", "open_roles"),
    [
        # Five coming meetings, none stored: the next four count, 2 slots each.
        ([(HERE + timedelta(weeks=w), None) for w in range(1, 6)], {}, 8),
        # Stored meetings with roles taken; a later fifth one does not count.
        (
            [(HERE + timedelta(weeks=w), w) for w in (4, 1, 2, 3, 5)],
            {1: 2, 2: 1, 3: 2, 4: 2, 5: 0},
            1,
        ),
        ([(HERE + timedelta(weeks=1), 7)], {7: 2}, 0),
        ([], {}, 0),  # nothing coming (paused): no open slot
    ],
)
def test_open_role_slots_in_the_next_four_meetings(meetings, taken, open_roles):
    result = signals(facts(meetings=[(HERE - timedelta(days=2), 1), *meetings], taken=taken))
    assert result.open_roles == open_roles
    assert ("open_roles" in result.codes) is (open_roles > 0)


def test_a_group_without_roles_has_no_open_slot():
    assert signals(facts(role_slots=0, taken={})).open_roles == 0


@pytest.mark.parametrize(
    ("total", "top", "share"),
    [
        (6, 3, None),  # exactly half is not more than half
        (7, 4, 58),  # 57.1 %, rounded up
        (5, 5, None),  # five roles: too few to mean anything
        (6, 6, 100),
        (200, 101, 51),  # 50.5 % shows as 51, never as 50
        (0, 0, None),
    ],
)
def test_one_person_holding_more_than_half_of_the_roles(total, top, share):
    assert share_of_one(total, top, minimum=6) == share
    assert signals(facts(roles_taken=total, most_by_one=top)).one_holder == share


@pytest.mark.parametrize(
    ("login", "no_login"),
    [
        (None, True),  # no co-responsible ever logged in
        (NOW - timedelta(days=90), False),
        (NOW - timedelta(days=90, seconds=1), True),
    ],
)
def test_no_coresponsible_logged_in_for_three_months(login, no_login):
    assert signals(facts(last_coresponsible_login=login)).no_login is no_login


def test_signals_are_listed_in_a_fixed_order():
    every = Signals(quiet=True, open_roles=3, one_holder=62, no_login=True)
    assert every.codes == ("quiet", "open_roles", "one_holder", "no_login")
