"""A self-help centre's staff pages, a group's choice of a centre, and the
instance administrators' staff-action trail: staff see group-level facts,
never a member."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from facilitator.domain.recurrence import WEEKLY, Rule
from facilitator.extensions import db, limiter
from facilitator.models import AuditEvent, Group, Meeting, StaffAction
from facilitator.services import clock, schedule
from tests.conftest import (
    TEST_DATABASE_URL,
    at_once,
    count_queries,
    logged_in,
    statuses,
    text_of,
)

NOW = datetime(2026, 11, 12, 10, 0, tzinfo=UTC)  # a Thursday
LONG_AGO = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def weekly(group, start=date(2026, 9, 1), until=None):
    return schedule.create_series(
        group,
        group.memberships[0].user,
        schedule.SeriesData(
            start_date=start,
            start_time=time(19),
            duration_minutes=120,
            rule=Rule(WEEKLY, byday=("TU",), until=until),
        ),
        today=start,
    )


@pytest.fixture
def centre_with_groups(make_user, make_group, make_centre, add_member):
    """A centre with groups in every status, and a group of another centre."""
    staff = make_user("Sam Staff", locale="en")
    centre = make_centre("Centre Vaud", staff=(staff,))
    other = make_centre("Centro Ticino", cantons=("TI",))

    def group(name, **fields):
        made = make_group(make_user(f"Owner of {name}"), name=name, **fields)
        made.centre_id = centre.id
        made.created_at = LONG_AGO
        return made

    active = group("Deuil Lausanne", theme="grief")
    weekly(active)
    add_member(active, make_user("Alice Membre", email="alice@example.org"))
    cancelled_next = group("Proches Vevey", canton="VD")
    series = weekly(cancelled_next)
    db.session.add(
        Meeting(
            group_id=cancelled_next.id,
            series_id=series.id,
            original_start=datetime(2026, 11, 17, 19),
            start=datetime(2026, 11, 17, 19),
            timezone="Europe/Zurich",
            cancelled=True,
        )
    )
    founding = group("Futur groupe Nyon")
    founding.founding = True
    ended = group("Parents Morges")
    weekly(ended, until=date(2026, 10, 27))
    dormant = group("Addictions Renens", theme="addiction")
    new = group("Jeunes Genève", canton="GE", language="fr")
    new.created_at = NOW - timedelta(weeks=1)
    discreet = group("Groupe VIH Lausanne", theme="health")
    discreet.directory_title = "Groupe de parole santé"
    discreet.listed = True
    weekly(discreet)
    elsewhere = make_group(make_user("Owner TI"), name="Gruppo Lugano", canton="TI")
    elsewhere.centre_id = other.id
    db.session.commit()
    return {
        "centre": centre,
        "other": other,
        "staff": staff,
        "groups": {
            "active": active,
            "cancelled_next": cancelled_next,
            "founding": founding,
            "ended": ended,
            "dormant": dormant,
            "new": new,
            "discreet": discreet,
        },
    }


def rows_of(response) -> dict[str, list[str]]:
    """The CSV's rows by group name."""
    reader = csv.reader(io.StringIO(response.get_data(as_text=True)))
    next(reader)
    return {row[0]: row for row in reader}


def test_staff_see_their_centres_groups_with_status_and_next_meeting(
    client, login, centre_with_groups
):
    login(centre_with_groups["staff"])
    centre = centre_with_groups["centre"]
    response = client.get(f"/centres/{centre.id}/groups.csv")
    assert response.status_code == 200
    rows = rows_of(response)
    assert sorted(rows) == sorted(
        [
            "Addictions Renens",
            "Deuil Lausanne",
            "Futur groupe Nyon",
            "Groupe de parole santé",
            "Jeunes Genève",
            "Parents Morges",
            "Proches Vevey",
        ]
    )
    status = {name: row[4] for name, row in rows.items()}
    assert status == {
        "Addictions Renens": "dormant",
        "Deuil Lausanne": "active",
        "Futur groupe Nyon": "being founded",
        "Groupe de parole santé": "active",
        "Jeunes Genève": "paused",
        "Parents Morges": "paused",
        "Proches Vevey": "active",
    }
    assert rows["Deuil Lausanne"][5] == "2026-11-17 19:00"
    assert rows["Proches Vevey"][5] == "2026-11-24 19:00"  # the 17th is cancelled
    assert rows["Parents Morges"][5] == ""
    assert rows["Deuil Lausanne"][6] == "2"  # a count of members
    assert rows["Groupe de parole santé"][8] == "yes"  # listed


def test_the_page_shows_the_same_facts_in_a_labelled_table(client, login, centre_with_groups):
    login(centre_with_groups["staff"])
    page = text_of(client.get(f"/centres/{centre_with_groups['centre'].id}/groups"))
    assert "7 groups" in page
    assert 'data-label="Next meeting"' in page
    assert "Groupe de parole santé" in page
    assert "Groupe VIH Lausanne" not in page  # the neutral title it chose, not its name
    assert "Gruppo Lugano" not in page  # another centre's group


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("status=paused", {"Jeunes Genève", "Parents Morges"}),
        ("canton=GE", {"Jeunes Genève"}),
        ("theme=grief", {"Deuil Lausanne"}),
        ("q=lausanne", {"Deuil Lausanne"}),  # not the group behind the neutral title
        ("q=VIH", set()),
        ("q=%25", set()),
        ("status=nonsense&canton=ZZ", None),  # unknown values are ignored
    ],
)
def test_filters_and_search(client, login, centre_with_groups, query, names):
    login(centre_with_groups["staff"])
    rows = rows_of(client.get(f"/centres/{centre_with_groups['centre'].id}/groups.csv?{query}"))
    assert set(rows) == (names if names is not None else set(rows)) and (names or query)
    if names is None:
        assert len(rows) == 7


def test_the_csv_export_is_a_recorded_staff_action(client, login, centre_with_groups):
    login(centre_with_groups["staff"])
    centre = centre_with_groups["centre"]
    client.get(f"/centres/{centre.id}/groups.csv?canton=GE")
    [entry] = db.session.scalars(select(StaffAction)).all()
    assert (entry.action, entry.actor_id, entry.centre_id, entry.details) == (
        "groups_exported",
        centre_with_groups["staff"].id,
        centre.id,
        {"rows": 1, "canton": "GE"},
    )


def test_the_list_runs_the_same_statements_for_many_groups(
    client, login, make_user, make_group, centre_with_groups
):
    login(centre_with_groups["staff"])
    path = f"/centres/{centre_with_groups['centre'].id}/groups"
    few = count_queries(client, path)
    for n in range(10):
        more = make_group(make_user(f"Owner {n}"), name=f"Groupe {n}")
        more.centre_id = centre_with_groups["centre"].id
        weekly(more)
    db.session.commit()
    assert count_queries(client, path) == few


def test_the_list_shows_a_page_of_groups_at_a_time_and_its_csv_them_all(
    client, login, centre_with_groups, monkeypatch
):
    import facilitator.blueprints.centres as staff_pages

    monkeypatch.setattr(staff_pages, "GROUPS_PAGE_SIZE", 3)
    login(centre_with_groups["staff"])
    path = f"/centres/{centre_with_groups['centre'].id}/groups"
    first = text_of(client.get(f"{path}?canton=VD"))
    vaud = len(rows_of(client.get(f"{path}.csv?canton=VD")))
    assert vaud > 3
    assert f"{vaud} groups (1 to 3 shown)" in first
    assert first.count('<th scope="row">') == 3
    assert f'href="{path}?page=2&amp;canton=VD"' in client.get(f"{path}?canton=VD").get_data(
        as_text=True
    )  # the next page keeps the filters
    last_page = (vaud + 2) // 3
    last = text_of(client.get(f"{path}?canton=VD&page={last_page}"))
    assert last.count('<th scope="row">') == vaud - 3 * (last_page - 1)
    assert "Previous page" in last and "Next page" not in last
    assert client.get(f"{path}?canton=VD&page={last_page + 1}").status_code == 404
    assert client.get(f"{path}?page=0").status_code == 404


def test_every_staff_page_has_the_staff_menu(client, login, centre_with_groups):
    login(centre_with_groups["staff"])
    centre = centre_with_groups["centre"].id
    pages = ["groups", "found", "requests", "listings", "statistics", "rooms"]
    for name in pages:
        html = client.get(f"/centres/{centre}/{name}").get_data(as_text=True)
        menu = html.split('class="group-nav"', 1)[1].split("</nav>", 1)[0]
        for other in pages:
            assert f'href="/centres/{centre}/{other}"' in menu, (name, other)
        assert 'aria-current="page"' in menu, name


def test_a_staff_member_of_one_centre_goes_straight_to_it(client, login, centre_with_groups):
    login(centre_with_groups["staff"])
    response = client.get("/centres/")
    assert response.headers["Location"].endswith(
        f"/centres/{centre_with_groups['centre'].id}/groups"
    )
    assert 'href="/centres/"' in client.get("/").get_data(as_text=True)  # the header's link


def test_staff_of_two_centres_choose_one(client, login, centre_with_groups, make_centre):
    make_centre("Centre Genève", cantons=("GE",), staff=(centre_with_groups["staff"],))
    login(centre_with_groups["staff"])
    page = text_of(client.get("/centres/"))
    assert "Centre Genève" in page and "Centre Vaud" in page


def test_members_have_no_staff_link(client, login, make_user):
    login(make_user("Ana", locale="en"))
    assert 'href="/centres/"' not in client.get("/").get_data(as_text=True)


# --- What staff never see (world data: a group with members, notes, messages) ------------


def test_the_staff_list_and_csv_name_no_member(client, login, world):
    login(world["users"]["staff"])
    centre = world["values"]["centre"]
    group = db.session.get(Group, world["values"]["group"])
    people = [m.user for m in group.memberships]
    assert len(people) >= 4
    for path in (f"/centres/{centre}/groups", f"/centres/{centre}/groups.csv"):
        body = text_of(client.get(path))
        assert group.name in body
        for person in people:
            assert person.display_name not in body, path
            assert person.email not in body, path
        assert "Léa" not in body and "l@example.org" not in body  # a visitor's message


# --- A group's choice of a centre -------------------------------------------------------


def test_coresponsibles_see_the_centres_of_their_canton_first_and_what_is_shared(
    client, login, make_user, make_group, make_centre
):
    make_centre("Aargauer Zentrum", cantons=("AG",))
    make_centre("Centre Vaud", cantons=("VD", "GE"))
    owner = make_user("Owner", locale="en")
    group = make_group(owner, canton="GE")
    login(owner)
    page = text_of(client.get(f"/groups/{group.id}/centre"))
    assert page.index("Centre Vaud (serves Geneva)") < page.index("Aargauer Zentrum")
    assert "never sees a member's name or email address" in page
    assert "The yearly attendance figures: <strong>not shared</strong>" in page


def test_attaching_and_detaching_are_in_the_history_and_the_trail(
    client, login, make_user, make_group, make_centre
):
    staff = make_user("Sam Staff", locale="en")
    centre = make_centre("Centre Vaud", staff=(staff,))
    owner = make_user("Owner", email="owner@example.org", locale="en")
    group = make_group(owner, name="Groupe Yverdon")
    login(owner)
    response = client.post(f"/groups/{group.id}/centre", data={"centre": centre.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Group, group.id).centre_id == centre.id
    page = text_of(client.get(f"/groups/{group.id}/centre"))
    assert "The group is now attached to Centre Vaud." in page
    group.share_figures = True
    db.session.commit()

    assert "Detach the group from Centre Vaud?" in text_of(
        client.get(f"/groups/{group.id}/centre/detach")
    )
    assert client.post(f"/groups/{group.id}/centre/detach").status_code == 302
    db.session.expire_all()
    group = db.session.get(Group, group.id)
    assert (group.centre_id, group.share_figures) == (None, False)

    history = text_of(client.get(f"/groups/{group.id}/audit"))
    assert "Owner attached the group to the self-help centre Centre Vaud." in history
    assert "Owner detached the group from the self-help centre Centre Vaud." in history
    trail = db.session.scalars(select(StaffAction).order_by(StaffAction.id)).all()
    assert [(a.action, a.actor_id, a.group_id) for a in trail] == [
        ("group_attached", None, group.id),  # never the member who did it
        ("group_detached", None, group.id),
    ]
    client.post("/auth/logout")
    login(staff)
    assert "Groupe Yverdon" not in text_of(client.get(f"/centres/{centre.id}/groups"))


@pytest.mark.parametrize("value", ["", "abc", "999999", "99999999999999999999"])
def test_attaching_to_a_centre_not_offered_is_refused_at_the_field(
    client, login, make_user, make_group, make_centre, value
):
    make_centre("Centre Vaud")
    owner = make_user("Owner", locale="en")
    group = make_group(owner)
    login(owner)
    response = client.post(f"/groups/{group.id}/centre", data={"centre": value})
    assert response.status_code == 400
    assert 'class="error-text"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Group, group.id).centre_id is None
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "centre_attached")) is None
    )


def test_an_attached_group_is_not_attached_twice(client, login, make_user, make_group, make_centre):
    first, second = make_centre("Centre Vaud"), make_centre("Centre Genève", cantons=("GE",))
    owner = make_user("Owner", locale="en")
    group = make_group(owner)
    group.centre_id = first.id
    db.session.commit()
    login(owner)
    response = client.post(f"/groups/{group.id}/centre", data={"centre": second.id})
    assert response.status_code == 409
    assert "already attached to a centre" in text_of(response)
    db.session.expire_all()
    assert db.session.get(Group, group.id).centre_id == first.id


# --- The instance administrators' trail --------------------------------------------------


def test_administrators_read_the_trail_newest_first_filtered_by_centre(
    client, login, runner, make_user, make_centre
):
    admin = make_user("Ada", email="ada@example.org", locale="en")
    admin.is_admin = True
    make_user("Sam", email="sam@example.org")
    vaud, ticino = make_centre("Centre Vaud"), make_centre("Centro Ticino", cantons=("TI",))
    for centre in (vaud, ticino):
        runner.invoke(args=["admin", "add-staff", "sam@example.org", centre.name])
    runner.invoke(args=["admin", "remove-staff", "sam@example.org", "Centre Vaud"])
    login(admin)
    page = text_of(client.get("/admin/staff-actions"))
    assert page.count("staff_added") == 2
    assert page.index("staff_removed") < page.index("staff_added")
    only = text_of(client.get(f"/admin/staff-actions?centre={ticino.id}"))
    assert only.count("staff_added") == 1 and "staff_removed" not in only
    assert client.get("/admin/staff-actions?page=9").status_code == 404
    assert client.get("/admin/staff-actions?centre=abc").status_code == 200


@pytest.mark.parametrize(
    ("action", "who"),
    [
        ("group_detached", "the group's co-responsible members"),
        ("room_freed", "automatically (booking not confirmed)"),
        ("staff_added", "command line"),
    ],
)
def test_the_trail_says_who_acted_when_no_account_did(
    client, login, make_user, make_centre, action, who
):
    from facilitator.services import centres

    admin = make_user("Ada", email="ada@example.org", locale="en")
    admin.is_admin = True
    centres.record(make_centre("Centre Vaud"), None, action)
    db.session.commit()
    login(admin)
    row = text_of(client.get("/admin/staff-actions")).split(action)[0].rsplit("<tr>", 1)[-1]
    assert who in row


# --- Two co-responsibles at once (PostgreSQL) ----------------------------------------------


@pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="parallel writes need PostgreSQL (SQLite writes one at a time)"
)
def test_two_coresponsibles_attaching_at_once_attach_the_group_once(
    app, make_user, make_group, add_member, make_centre, monkeypatch
):
    monkeypatch.setattr(limiter, "enabled", False)
    vaud, geneva = make_centre("Centre Vaud"), make_centre("Centre Genève", cantons=("GE",))
    first = make_user("Ana", locale="en")
    group = make_group(first)
    second = make_user("Bea", locale="en")
    add_member(group, second, coresponsible=True)
    url, choices = f"/groups/{group.id}/centre", (vaud.id, geneva.id)
    responses = at_once(
        [
            (logged_in(app, person), url, {"centre": centre_id})
            for person, centre_id in zip((first, second), choices, strict=True)
        ]
    )
    assert sorted(statuses(responses)) == [302, 409]
    attached = db.session.get(Group, group.id).centre_id
    assert attached in choices
    trail = db.session.scalars(select(StaffAction)).all()
    assert [(a.action, a.centre_id) for a in trail] == [("group_attached", attached)]


# --- What members are told ----------------------------------------------------------------


def test_my_data_and_the_privacy_page_say_what_a_centre_sees(
    client, login, make_user, make_group, make_centre
):
    centre = make_centre("Centre Vaud")
    member = make_user("Ana", locale="en")
    group = make_group(member)
    group.centre_id = centre.id
    db.session.commit()
    login(member)
    page = text_of(client.get("/account/data"))
    assert "Attached to the self-help centre: Centre Vaud" in page
    assert "It never sees your name, your email address" in page
    assert client.get("/account/data.json").get_json()["memberships"][0]["centre"] == (
        "Centre Vaud"
    )
    privacy = text_of(client.get("/privacy?lang=en"))
    assert "never see a member's name or email address, notes, or who comes" in privacy
