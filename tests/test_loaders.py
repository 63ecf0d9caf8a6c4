"""One loader per resource, one not-found rule: a row of another group is
answered like a missing one (404), whatever route names it."""

from __future__ import annotations

from datetime import date, time

import pytest

from facilitator.domain.recurrence import WEEKLY, Rule
from facilitator.extensions import db
from facilitator.services import roles, schedule
from tests.test_authorization import ROUTES

# Path parameters that name a row of the world's group (not the group itself,
# nor a token or the current user's own feed link).
GROUP_RESOURCES = {
    "target",
    "invitation",
    "series",
    "occurrence",
    "one_off",
    "future",
    "role",
    "assignment",
    "away",
    "swap",
    "message",
    "poll",
    "closed_poll",
    "closed_option",
    "charter_version",
}


@pytest.fixture
def elsewhere(world, make_group):
    """A second group of the world's co-responsible member, with attendance on
    and a series of its own, so that only the named row is foreign."""
    owner = world["users"]["coresponsible"]
    group = make_group(owner, name="Autre groupe")
    group.attendance_enabled = True
    series = schedule.create_series(
        group,
        owner,
        schedule.SeriesData(
            start_date=date(2026, 9, 1),
            start_time=time(19),
            duration_minutes=120,
            rule=Rule(WEEKLY, byday=("TU",)),
        ),
    )
    db.session.commit()
    return {
        "group": group,
        "future": f"s{series.id}-202703021900",
        "role": db.session.scalars(roles.role_types(group)).first().id,
    }


ROUTES_WITH_A_ROW = sorted(
    (route, case)
    for route, case in ROUTES.items()
    if "{group}" in case.path and any(f"{{{name}}}" in case.path for name in GROUP_RESOURCES)
)


def test_every_kind_of_row_is_named_by_some_route():
    for name in GROUP_RESOURCES:
        assert any(f"{{{name}}}" in case.path for _route, case in ROUTES_WITH_A_ROW), name


@pytest.mark.parametrize(
    ("route", "case"), ROUTES_WITH_A_ROW, ids=[f"{e}-{m}" for (e, m), _c in ROUTES_WITH_A_ROW]
)
def test_a_row_of_another_group_is_not_found(client, login, world, elsewhere, route, case):
    """The co-responsible member of both groups names a row of the first group
    under the second group's address: 404, as for a row that does not exist."""
    _endpoint, method = route
    login(world["users"]["coresponsible"])
    path = case.path.format(**{**world["values"], "group": elsewhere["group"].id})
    response = client.open(path, method=method)
    assert response.status_code == 404, f"{method} {path}"


def test_ids_of_another_group_in_forms_are_not_found(client, login, world, elsewhere):
    """Ids sent in a form (a role, a member, the other role of a swap) follow
    the same rule as ids in the path."""
    login(world["users"]["coresponsible"])
    group = elsewhere["group"].id
    own_role = elsewhere["role"]
    foreign_role = world["values"]["role"]
    slot = f"/groups/{group}/meetings/{elsewhere['future']}/roles"
    assert client.post(f"{slot}/{foreign_role}/0/take").status_code == 404
    assert client.post(f"{slot}/{foreign_role}/0/assign").status_code == 404
    foreign_member = world["values"]["target"]
    response = client.post(f"{slot}/{own_role}/0/assign", data={"membership_id": foreign_member})
    assert response.status_code == 404
