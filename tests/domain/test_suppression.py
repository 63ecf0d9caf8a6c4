"""Small numbers never alone: known tables, and a property over random ones
(no published figure, nor a published figure minus published rows inside
it, is made of fewer than 3 groups)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.domain.suppression import TOTAL, Table, hidden_cells, leaks, per_meeting


def _tables(groups: dict[int, tuple[str, str]]) -> tuple[frozenset, list[Table]]:
    """groups: id -> (theme, canton)."""
    by_theme: dict[str, set[int]] = {}
    by_canton: dict[str, set[int]] = {}
    for gid, (theme, canton) in groups.items():
        by_theme.setdefault(theme, set()).add(gid)
        by_canton.setdefault(canton, set()).add(gid)
    return frozenset(groups), [
        Table("theme", {k: frozenset(v) for k, v in by_theme.items()}),
        Table("canton", {k: frozenset(v) for k, v in by_canton.items()}),
    ]


def test_a_row_of_one_or_two_groups_is_hidden():
    total, tables = _tables(
        {1: ("health", "VD"), 2: ("health", "VD"), 3: ("health", "VD"), 4: ("grief", "VD")}
        | {5: ("health", "VD"), 6: ("grief", "VD"), 7: ("other", "VD"), 8: ("other", "VD")}
        | {9: ("other", "VD")}
    )
    hidden = hidden_cells(total, tables)
    assert ("theme", "grief") in hidden
    assert ("theme", "health") not in hidden and TOTAL not in hidden
    assert leaks(total, tables, hidden) == []


def test_a_single_hidden_row_takes_a_second_one_with_it_so_the_total_cannot_give_it_back():
    # health 4, grief 1, other 3: total - health - other would be grief's one group.
    groups = dict.fromkeys(range(4), ("health", "VD"))
    groups |= {10: ("grief", "VD")} | dict.fromkeys(range(20, 23), ("other", "VD"))
    total, tables = _tables(groups)
    hidden = hidden_cells(total, tables)
    assert ("theme", "grief") in hidden
    assert ("theme", "other") in hidden  # the smallest visible row goes with it
    assert ("theme", "health") not in hidden and TOTAL not in hidden
    assert leaks(total, tables, hidden) == []


def test_two_hidden_rows_that_add_up_to_fewer_than_3_groups_take_a_third():
    groups = {1: ("grief", "VD"), 2: ("family", "VD")}
    groups |= dict.fromkeys(range(10, 14), ("health", "VD"))
    groups |= dict.fromkeys(range(20, 25), ("other", "VD"))
    total, tables = _tables(groups)
    hidden = hidden_cells(total, tables)
    assert {("theme", "grief"), ("theme", "family"), ("theme", "health")} <= hidden
    assert ("theme", "other") not in hidden
    assert leaks(total, tables, hidden) == []


def test_a_total_of_fewer_than_3_groups_is_hidden_with_its_rows():
    total, tables = _tables({1: ("health", "VD"), 2: ("grief", "GE")})
    hidden = hidden_cells(total, tables)
    assert TOTAL in hidden
    assert leaks(total, tables, hidden) == []


def test_a_canton_inside_a_theme_cannot_give_away_the_rest_of_the_theme():
    # health: 3 groups in VD and 1 in GE. Health (4) minus Vaud (3, all
    # health) would be the Geneva group alone.
    groups = {1: ("health", "VD"), 2: ("health", "VD"), 3: ("health", "VD")}
    groups |= {4: ("health", "GE")} | dict.fromkeys(range(10, 14), ("other", "NE"))
    total, tables = _tables(groups)
    assert leaks(total, tables, {("canton", "GE")}) != []  # hiding Geneva alone is not enough
    hidden = hidden_cells(total, tables)
    assert ("canton", "GE") in hidden and ("canton", "VD") in hidden
    assert leaks(total, tables, hidden) == []


def test_empty_tables_hide_nothing():
    total, tables = _tables({})
    assert hidden_cells(total, tables) == set()


def test_a_per_meeting_figure_below_3_is_hidden():
    assert per_meeting(2.5) and per_meeting(0)
    assert not per_meeting(3) and not per_meeting(None)


THEMES = st.sampled_from(["health", "grief", "family", "other"])
CANTONS = st.sampled_from(["VD", "GE", "NE", "TI"])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.integers(0, 60), st.tuples(THEMES, CANTONS), max_size=40))
def test_no_published_figure_is_made_of_fewer_than_3_groups(groups):
    total, tables = _tables(groups)
    hidden = hidden_cells(total, tables)
    assert leaks(total, tables, hidden) == []
    # and what is published is nothing but big enough cells
    for table in tables:
        for key, members in table.rows.items():
            if (table.name, key) not in hidden:
                assert len(members) >= 3
