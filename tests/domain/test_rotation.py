"""The fair rotation of roles: examples and properties."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.rotation import Held, Reason, Slot, explain, propose

TUESDAYS = [date(2026, 9, 1) + timedelta(weeks=i) for i in range(200)]


def slots_for(days, roles, per_role=1):
    return [Slot(d.isoformat(), d, r, i) for d in days for r in roles for i in range(per_role)]


def test_least_often_then_longest_ago_then_stable_order():
    history = [
        Held("ana", "welcome", date(2026, 5, 5)),
        Held("ana", "welcome", date(2026, 6, 2)),
        Held("ben", "welcome", date(2026, 7, 7)),
        Held("cem", "welcome", date(2026, 3, 3)),
    ]
    [choice] = propose(
        slots_for(TUESDAYS[:1], ["welcome"]),
        ["ana", "ben", "cem"],
        {m: ["welcome"] for m in ("ana", "ben", "cem")},
        history,
    )
    # ben and cem held it once each; cem longest ago.
    assert choice.member == "cem"
    assert (choice.times, choice.last) == (1, date(2026, 3, 3))


def test_history_older_than_twelve_months_does_not_count():
    history = [Held("ana", "notes", date(2025, 6, 1))] * 5 + [
        Held("ben", "notes", date(2026, 8, 1))
    ]
    [choice] = propose(
        slots_for(TUESDAYS[:1], ["notes"]),
        ["ana", "ben"],
        {"ana": ["notes"], "ben": ["notes"]},
        history,
    )
    assert choice.member == "ana"
    assert choice.times == 0


def test_newcomer_is_not_given_a_role_they_did_not_opt_into():
    choices = propose(
        slots_for(TUESDAYS[:3], ["facilitation"]),
        ["old", "new"],
        {"old": ["facilitation"], "new": ["welcome"]},
    )
    assert {c.member for c in choices} == {"old"}


def test_unavailable_members_are_skipped_and_empty_slots_say_why():
    away = {("ana", TUESDAYS[0])}
    choices = propose(
        slots_for(TUESDAYS[:1], ["room", "notes"]),
        ["ana"],
        {"ana": ["room"]},
        unavailable=lambda m, d: (m, d) in away,
    )
    assert [(c.slot.role, c.member, c.reason) for c in choices] == [
        ("notes", None, "nobody_willing"),
        ("room", None, "nobody_available"),
    ]


def test_one_role_per_member_per_meeting_unless_allowed():
    slots = slots_for(TUESDAYS[:1], ["facilitation", "timekeeping"])
    willing = {"ana": ["facilitation", "timekeeping"]}
    assert [c.member for c in propose(slots, ["ana"], willing)] == ["ana", None]
    assert [c.member for c in propose(slots, ["ana"], willing, several_roles_per_meeting=True)] == [
        "ana",
        "ana",
    ]


def test_existing_assignments_in_a_meeting_count_as_busy():
    day = TUESDAYS[0]
    existing = [Held("ana", "welcome", day, meeting=day.isoformat())]
    [choice] = propose(
        slots_for([day], ["notes"]), ["ana", "ben"], {"ana": ["notes"], "ben": ["notes"]}, existing
    )
    assert choice.member == "ben"


members_st = st.lists(st.sampled_from("abcdefghij"), min_size=1, max_size=8, unique=True)
roles = ["facilitation", "timekeeping", "welcome", "notes", "room"]


@settings(max_examples=200, deadline=None)
@given(
    members=members_st,
    data=st.data(),
    weeks=st.integers(1, 30),
    n_roles=st.integers(1, 5),
)
def test_never_unwilling_unavailable_or_double_booked(members, data, weeks, n_roles):
    used_roles = roles[:n_roles]
    willing = {m: data.draw(st.lists(st.sampled_from(used_roles), unique=True)) for m in members}
    away = data.draw(
        st.sets(st.tuples(st.sampled_from(members), st.sampled_from(TUESDAYS[:weeks])))
    )
    choices = propose(
        slots_for(TUESDAYS[:weeks], used_roles),
        members,
        willing,
        unavailable=lambda m, d: (m, d) in away,
    )
    per_meeting = Counter()
    for c in choices:
        if c.member is None:
            continue
        assert c.slot.role in willing[c.member]
        assert (c.member, c.slot.day) not in away
        per_meeting[(c.slot.meeting, c.member)] += 1
    assert all(n == 1 for n in per_meeting.values())


@settings(max_examples=100, deadline=None)
@given(members=members_st, weeks=st.integers(20, 150))
def test_over_a_long_horizon_counts_differ_by_at_most_one(members, weeks):
    choices = propose(
        slots_for(TUESDAYS[:weeks], ["facilitation"]),
        members,
        {m: ["facilitation"] for m in members},
    )
    counts = Counter(c.member for c in choices)
    assert max(counts.values()) - min(counts.get(m, 0) for m in members) <= 1


@settings(max_examples=100, deadline=None)
@given(
    members=st.lists(st.sampled_from("abcdefghij"), min_size=6, max_size=10, unique=True),
    weeks=st.integers(20, 104),
    n_roles=st.integers(2, 5),
)
def test_several_roles_stay_fair_for_everyone_willing(members, weeks, n_roles):
    used_roles = roles[:n_roles]
    choices = propose(
        slots_for(TUESDAYS[:weeks], used_roles), members, dict.fromkeys(members, used_roles)
    )
    for role in used_roles:
        counts = Counter(c.member for c in choices if c.slot.role == role)
        assert max(counts.values()) - min(counts.get(m, 0) for m in members) <= 1, role


def test_explain_names_past_meetings_and_counts_coming_ones_apart():
    """The reasons never call a coming meeting "last held": past meetings are
    counted, the coming ones (already held or proposed in this run) listed."""
    today = date(2026, 9, 10)
    history = [
        Held("ana", "welcome", date(2026, 5, 5), "may"),
        Held("ana", "welcome", date(2026, 9, 1), "sep1"),
        Held("ana", "welcome", date(2026, 9, 22), "sep22"),  # coming, already hers
        Held("ana", "notes", date(2026, 8, 4), "aug"),  # another role: not counted
    ]
    days = [date(2026, 9, 15), date(2026, 9, 29)]
    choices = propose(slots_for(days, ["welcome"]), ["ana"], {"ana": ["welcome"]}, history)
    assert [c.member for c in choices] == ["ana", "ana"]
    reasons = explain(choices, history, today)
    first, second = (reasons[c.slot] for c in choices)
    assert first == Reason(times=2, last=date(2026, 9, 1), coming=())
    # Before the 29th she has it on the 15th (this run) and the 22nd (already).
    assert second == Reason(
        times=2, last=date(2026, 9, 1), coming=(date(2026, 9, 15), date(2026, 9, 22))
    )


def test_explain_says_why_nobody_and_never_before_today():
    today = date(2026, 9, 10)
    history = [Held("ben", "notes", date(2025, 9, 1), "old")]  # more than a year ago
    choices = propose(
        slots_for([date(2026, 9, 15)], ["notes", "welcome"]), ["ben"], {"ben": ["notes"]}, history
    )
    reasons = {c.slot.role: explain(choices, history, today)[c.slot] for c in choices}
    assert reasons["notes"] == Reason(times=0, last=None, coming=())
    assert reasons["welcome"] == Reason(nobody="nobody_willing")
