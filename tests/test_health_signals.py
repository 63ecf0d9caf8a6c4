"""Health signals on stored data: what the centre's staff see in their list
and its CSV, what the group sees on its settings page, and sharing them on
and off. The thresholds themselves: tests/domain/test_health.py."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from facilitator.extensions import db
from facilitator.models import AuditEvent, Group, Meeting, RoleAssignment, RoleType
from facilitator.services import centre_groups, clock, health_signals
from tests.conftest import count_queries, text_of
from tests.test_centres import weekly

NOW = datetime(2026, 11, 12, 10, 0, tzinfo=UTC)  # a Thursday; 11:00 in Zurich
HERE = datetime(2026, 11, 12, 11, 0)
LONG_AGO = datetime(2025, 1, 1, tzinfo=UTC)
# The Tuesdays of the weekly series (from 1 September): eleven held, then coming.
HELD = [datetime(2026, 9, 1, 19) + timedelta(weeks=w) for w in range(11)]
COMING = [datetime(2026, 11, 17, 19) + timedelta(weeks=w) for w in range(6)]


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def scene(make_user, make_group, make_centre, add_member):
    """A centre (staff in English) and an attached group that meets every
    Tuesday, with one role of one slot, a co-responsible who logged in
    yesterday and two members; nothing stored yet of its meetings."""
    staff = make_user("Sam Staff", locale="en")
    centre = make_centre("Centre Vaud", staff=(staff,))
    owner = make_user("Camille Owner", locale="en")
    group = make_group(owner, name="Entraide Lausanne")
    group.centre_id = centre.id
    group.created_at = LONG_AGO
    owner.last_login_at = NOW - timedelta(days=1)
    series = weekly(group)
    ana = add_member(group, make_user("Ana Membre"))
    ben = add_member(group, make_user("Ben Membre"))
    db.session.execute(update(RoleType).where(RoleType.group_id == group.id).values(active=False))
    role = RoleType(group_id=group.id, name="Accueil", slots=1)
    db.session.add(role)
    db.session.commit()
    return {
        "staff": staff,
        "centre": centre,
        "owner": owner,
        "group": group,
        "series": series,
        "role": role,
        "ana": ana,
        "ben": ben,
    }


def stored(scene, start: datetime, *, cancelled=False, series=True) -> Meeting:
    meeting = Meeting(
        group_id=scene["group"].id,
        series_id=scene["series"].id if series else None,
        original_start=start,
        start=start,
        timezone="Europe/Zurich",
        cancelled=cancelled,
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting


def give(scene, starts, holders, *, cancelled=False) -> None:
    """Store the meetings of ``starts`` with the role held by ``holders`` in turn."""
    for start, holder in zip(starts, holders, strict=True):
        meeting = stored(scene, start, cancelled=cancelled)
        db.session.add(
            RoleAssignment(
                meeting_id=meeting.id,
                role_type_id=scene["role"].id,
                slot=0,
                membership_id=scene[holder].id if holder else None,
            )
        )
    db.session.commit()


def of(scene):
    return health_signals.of_group(db.session.get(Group, scene["group"].id), NOW)


def staff_rows(client, login, scene, query=""):
    login(scene["staff"])
    response = client.get(f"/centres/{scene['centre'].id}/groups.csv{query}")
    assert response.status_code == 200
    return {row[0]: row[-1] for row in list(csv.reader(io.StringIO(response.text)))[1:]}


def test_a_group_that_meets_and_shares_its_roles_out_has_no_signal(client, login, scene):
    give(scene, HELD[1:], ["ana", "ben"] * 5)  # exactly half each: not more than half
    give(scene, COMING[:4], ["ana", "ben"] * 2)
    assert not of(scene)
    assert staff_rows(client, login, scene) == {"Entraide Lausanne": "none"}
    assert staff_rows(client, login, scene, "?signals=1") == {}


def test_one_person_holding_more_than_half_of_the_roles_is_a_share_never_a_name(
    client, login, scene
):
    give(scene, HELD[1:], ["ana"] * 6 + ["ben"] * 3 + [None])  # a former member's one
    assert of(scene).one_holder == 60
    login(scene["staff"])
    page = text_of(client.get(f"/centres/{scene['centre'].id}/groups"))
    assert "one person held 60% of the roles" in page
    for name in ("Ana Membre", "Ben Membre", "Camille Owner"):
        assert name not in page


def test_roles_of_cancelled_meetings_and_older_than_a_year_do_not_count(scene):
    give(scene, HELD[1:5], ["ana"] * 4)
    give(scene, HELD[5:9], ["ben"] * 4)
    give(scene, HELD[9:11], ["ana"] * 2, cancelled=True)  # 4 of 8 held: half
    give(scene, [datetime(2025, 11, 11, 19)], ["ana"])  # a year and a day ago
    assert of(scene).one_holder is None
    give(scene, [HELD[0]], ["ana"])  # 5 of 9
    assert of(scene).one_holder == 56


def test_too_few_roles_mean_nothing(scene):
    give(scene, HELD[-5:], ["ana"] * 5)
    assert of(scene).one_holder is None


def test_open_role_slots_in_the_next_four_meetings_not_cancelled(scene):
    assert of(scene).open_roles == 4  # none stored: every slot open
    stored(scene, COMING[0], cancelled=True)
    give(scene, COMING[1:3], ["ana", "ben"])
    assert of(scene).open_roles == 2  # 24 Nov and 1 Dec taken; 8 and 15 Dec open
    scene["role"].slots = 2  # a second slot for each
    db.session.commit()
    assert of(scene).open_roles == 6


def test_a_retired_role_and_a_group_without_roles_leave_no_slot_open(scene):
    scene["role"].active = False
    db.session.commit()
    assert of(scene).open_roles == 0


@pytest.mark.parametrize(
    ("last", "quiet"),
    [(HERE - timedelta(weeks=6), False), (HERE - timedelta(weeks=6, minutes=1), True)],
)
def test_no_meeting_for_six_weeks_from_exactly_six_weeks(scene, last, quiet):
    db.session.delete(scene["series"])
    db.session.commit()
    stored(scene, last, series=False)
    db.session.commit()
    assert of(scene).quiet is quiet


def test_cancelled_meetings_are_not_held(scene):
    for start in HELD[5:]:
        stored(scene, start, cancelled=True)
    db.session.commit()
    assert of(scene).quiet


def test_the_weeks_without_a_meeting_are_a_setting(app, scene):
    for start in HELD[7:]:
        stored(scene, start, cancelled=True)
    db.session.commit()
    assert not of(scene).quiet  # last held 13 October: 4 weeks and 2 days
    app.config["HEALTH_QUIET_WEEKS"] = 4
    try:
        assert of(scene).quiet
    finally:
        app.config["HEALTH_QUIET_WEEKS"] = 6


def test_a_paused_group_shows_no_meeting_but_no_open_slot(scene):
    scene["series"].until = date(2026, 9, 29)
    db.session.commit()
    [row] = centre_groups.centre_groups(scene["centre"], centre_groups.Filters(), NOW)
    assert row.status == "paused"
    assert row.signals is not None and row.signals.codes == ("quiet",)


def test_no_coresponsible_logged_in_for_three_months(scene):
    scene["owner"].last_login_at = None  # never
    scene["ana"].user.last_login_at = NOW  # a member does not count
    db.session.commit()
    assert of(scene).no_login
    scene["owner"].last_login_at = NOW - timedelta(days=89)
    db.session.commit()
    assert not of(scene).no_login
    scene["owner"].last_login_at = None
    scene["group"].all_coresponsible = True  # then every member is co-responsible
    db.session.commit()
    assert not of(scene).no_login


def test_a_group_being_founded_has_no_signal(scene):
    scene["group"].founding = True
    scene["owner"].last_login_at = None
    db.session.commit()
    [row] = centre_groups.centre_groups(scene["centre"], centre_groups.Filters(), NOW)
    assert row.signals is not None and not row.signals


def test_the_staff_list_shows_each_signal_in_words_and_filters_on_them(
    client, login, scene, make_group, make_user
):
    scene["owner"].last_login_at = None
    quiet = make_group(make_user("Other owner"), name="Groupe calme")
    quiet.centre_id = scene["centre"].id
    quiet.created_at = LONG_AGO
    db.session.commit()
    rows = staff_rows(client, login, scene, "?signals=1")
    assert rows == {
        "Entraide Lausanne": "4 open role slots (next meetings); "
        "no co-responsible logged in for 3 months",
        "Groupe calme": "no meeting for 6 weeks; no co-responsible logged in for 3 months",
    }
    page = text_of(client.get(f"/centres/{scene['centre'].id}/groups?signals=1"))
    assert '<span aria-hidden="true">◷</span> no meeting for 6 weeks' in page
    assert 'name="signals" type="checkbox" value="1" checked' in page


def test_a_group_that_does_not_share_shows_not_shared_and_nothing_is_computed(client, login, scene):
    scene["group"].share_signals = False
    db.session.commit()
    assert staff_rows(client, login, scene) == {"Entraide Lausanne": "not shared"}
    assert staff_rows(client, login, scene, "?signals=1") == {}
    ids = select(Group.id).where(Group.centre_id == scene["centre"].id, Group.share_signals)
    assert health_signals.compute(ids, {}, NOW, health_signals.thresholds()) == {}


def test_the_group_sees_its_signals_in_calm_words_with_what_to_do(client, login, scene):
    give(scene, HELD[1:], ["ana"] * 8 + ["ben"] * 2)
    login(scene["owner"])
    page = text_of(client.get(f"/groups/{scene['group'].id}/settings"))
    assert "How the group is doing" in page
    assert "Over the last 12 months, one person held 80% of the roles." in page
    assert "4 role slots are still open in the next meetings." in page
    assert f'href="/groups/{scene["group"].id}/roles/fill"' in page
    assert "Signals shared with the centre: yes" in page


def test_a_group_sees_its_signals_even_when_it_does_not_share_them(client, login, scene):
    scene["group"].share_signals = False
    scene["group"].centre_id = None
    db.session.commit()
    login(scene["owner"])
    page = text_of(client.get(f"/groups/{scene['group'].id}/settings"))
    assert "4 role slots are still open in the next meetings." in page
    assert "Signals shared with the centre" not in page  # not attached: no one to share with


def test_turning_sharing_off_and_on_is_in_the_history(client, login, scene):
    group_id = scene["group"].id
    path = f"/groups/{group_id}/sharing/signals"
    login(scene["owner"])
    page = text_of(client.get(path))
    assert "never who" in page and "The signals are shared with the centre." in page
    response = client.post(path, data={"share": "off"})
    assert response.status_code == 302
    assert db.session.get(Group, group_id).share_signals is False
    assert "The signals are no longer shared with the centre." in text_of(client.get(path))
    assert client.post(path, data={"share": "off"}).status_code == 302  # no second line
    client.post(path, data={"share": "on"})
    assert db.session.get(Group, group_id).share_signals is True
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.group_id == group_id).order_by(AuditEvent.id)
    ).all()
    assert actions[-2:] == ["signals_unshared", "signals_shared"]
    assert actions.count("signals_unshared") == 1
    history = text_of(client.get(f"/groups/{group_id}/audit"))
    assert "stopped sharing the health signals with Centre Vaud" in history


def test_sharing_needs_a_centre_and_a_valid_choice(client, login, scene):
    group = scene["group"]
    path = f"/groups/{group.id}/sharing/signals"
    login(scene["owner"])
    response = client.post(path, data={"share": "maybe"})
    assert response.status_code == 400
    assert "Choose one of the options in the list." in text_of(response)
    group.centre_id = None
    group.share_signals = False
    db.session.commit()
    response = client.post(path, data={"share": "on"})
    assert response.status_code == 409
    assert "there is no one to share with" in text_of(response)
    assert db.session.get(Group, group.id).share_signals is False


def test_staff_of_another_centre_get_404(client, login, scene, make_centre, make_user):
    other = make_user("Olga Other", locale="en")
    make_centre("Centro Ticino", cantons=("TI",), staff=(other,))
    login(other)
    centre = scene["centre"].id
    for path in (f"/centres/{centre}/groups?signals=1", f"/centres/{centre}/groups.csv"):
        assert client.get(path).status_code == 404


def test_the_list_runs_seven_statements_whatever_the_groups_and_their_roles(
    client, login, scene, make_group, make_user
):
    login(scene["staff"])
    path = f"/centres/{scene['centre'].id}/groups"
    few = count_queries(client, path)
    give(scene, HELD[1:], ["ana"] * 10)
    give(scene, COMING[:2], ["ben"] * 2)
    for n in range(5):
        more = make_group(make_user(f"Owner {n}"), name=f"Groupe {n}")
        more.centre_id = scene["centre"].id
        weekly(more)
    db.session.commit()
    assert count_queries(client, path) == few
    # The reader and the staff check, then the list's seven (services/centre_groups.py).
    assert few == 2 + 7


def test_the_privacy_page_and_my_data_say_what_signals_a_centre_sees(client, login, scene):
    login(scene["ana"].user)
    data = text_of(client.get("/account/data?lang=en"))
    assert "its health signals unless the group turns them off" in data
    privacy = text_of(client.get("/privacy?lang=en"))
    assert "its health signals, unless the group turns them off" in privacy
    assert "a share, never who" in privacy
