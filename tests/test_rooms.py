"""Rooms a centre lends: staff declare them, a group attached to the centre
picks one for its meetings, clashes are warned about before saving (dates
only, never the other group), and a booking lasts a year unless confirmed.

Clashes are warnings: two groups may both save the same slot (also at the
same moment, see the PostgreSQL test); the staff see the clash."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from facilitator import worker
from facilitator.domain.recurrence import WEEKLY, Rule
from facilitator.extensions import db, limiter
from facilitator.models import AuditEvent, Meeting, MeetingSeries, Room, StaffAction
from facilitator.services import clock, feeds, rooms, schedule, unit
from tests.conftest import PASSWORD, TEST_DATABASE_URL, confirmed, text_of
from tests.test_meetings import SERIES_FORM as MEETINGS_SERIES_FORM

NOW = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)  # a Thursday, summer time
TODAY = date(2026, 10, 1)
SERIES_FORM = {
    **MEETINGS_SERIES_FORM,
    "interval": "1",
    "weekdays": ["TH"],
    "month_weekday": "TH",
    "start_date": "2026-10-08",
    "location": "",
}


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def thursdays(group, at=time(18, 30), minutes=90, start=date(2026, 9, 3), room=None):
    series = schedule.create_series(
        group,
        group.memberships[0].user,
        schedule.SeriesData(
            start_date=start,
            start_time=at,
            duration_minutes=minutes,
            rule=Rule(WEEKLY, byday=("TH",)),
            location=room.place if room else "",
        ),
    )
    if room is not None:
        rooms.book(series, room, TODAY)
    return series


@pytest.fixture
def scene(make_user, make_group, make_centre, add_member):
    """Centre Vaud (staff: Sam) lends Salle 2; two groups attached to it: the
    grief group (Ana, co-responsible; Ben, member) and the carers' group
    (Cleo), which meets in Salle 2 on Thursdays 18:30 to 20:00."""
    sam = make_user("Sam Staff", locale="en")
    centre = make_centre("Centre Vaud", staff=(sam,))
    salle = Room(centre_id=centre.id, name="Salle 2", address="Rue du Lac 1, Lausanne")
    garden = Room(centre_id=centre.id, name="Salle du jardin", address="")
    db.session.add_all([salle, garden])
    ana, ben, cleo = (make_user(n, locale="en") for n in ("Ana", "Ben", "Cleo"))
    grief = make_group(ana, name="Deuil Lausanne")
    add_member(grief, ben)
    carers = make_group(cleo, name="Proches aidants Renens")
    carers.directory_title = "Groupe de proches"
    grief.centre_id = carers.centre_id = centre.id
    db.session.flush()
    carers_series = thursdays(carers, room=salle)
    unit.commit()
    return {
        "sam": sam,
        "centre": centre,
        "salle": salle,
        "garden": garden,
        "ana": ana,
        "ben": ben,
        "cleo": cleo,
        "grief": grief,
        "carers": carers,
        "carers_series": carers_series,
    }


def plan(client, group, **changes):
    return client.post(f"/groups/{group.id}/series/new", data={**SERIES_FORM, **changes})


# --- Staff manage the rooms -----------------------------------------------------------------


def test_staff_add_change_and_list_rooms_and_each_is_recorded(client, login, scene):
    centre = scene["centre"]
    login(scene["sam"])
    page = text_of(client.get(f"/centres/{centre.id}/rooms"))
    assert "Salle 2" in page and "Used by 1 group." in page
    added = client.post(
        f"/centres/{centre.id}/rooms/new",
        data={
            "name": "Salle 5",
            "address": "Av. de la Gare 3, Lausanne",
            "capacity": "12",
            "notes": "Key at the reception",
        },
    )
    assert added.status_code == 302
    room = db.session.scalar(select(Room).where(Room.name == "Salle 5"))
    assert (room.capacity, room.notes) == (12, "Key at the reception")
    page = text_of(client.get(f"/centres/{centre.id}/rooms"))
    assert "The room Salle 5 has been added." in page and "12 seats" in page
    changed = client.post(
        f"/centres/{centre.id}/rooms/{room.id}/edit",
        data={"name": "Salle 5 bis", "address": "Av. de la Gare 3, Lausanne", "capacity": ""},
    )
    assert changed.status_code == 302
    db.session.expire_all()
    assert (room.name, room.capacity) == ("Salle 5 bis", None)
    actions = db.session.scalars(select(StaffAction.action).order_by(StaffAction.id)).all()
    assert actions[-2:] == ["room_added", "room_changed"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "x" * 81}, "Use at most 80 characters."),
        ({"name": "Salle", "capacity": "many"}, "Enter a whole number."),
        ({"name": "Salle", "capacity": "0"}, "Choose between 1 and 10000 people."),
        ({"name": "Salle", "address": "y" * 111}, "Use at most 110 characters."),
    ],
)
def test_a_bad_room_is_refused_at_its_field_and_nothing_is_saved(
    client, login, scene, data, message
):
    login(scene["sam"])
    response = client.post(f"/centres/{scene['centre'].id}/rooms/new", data=data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert db.session.scalar(select(Room).where(Room.name == "Salle")) is None


def test_renaming_a_room_changes_the_place_of_the_meetings_in_it(client, login, scene):
    login(scene["sam"])
    salle = scene["salle"]
    client.post(
        f"/centres/{scene['centre'].id}/rooms/{salle.id}/edit",
        data={"name": "Salle Léman", "address": "Rue du Lac 1, Lausanne"},
    )
    db.session.expire_all()
    assert scene["carers_series"].location == "Salle Léman, Rue du Lac 1, Lausanne"


def test_retiring_a_room_asks_first_then_frees_its_bookings_in_the_groups_history(
    client, login, auth, scene
):
    login(scene["sam"])
    centre, salle, series = scene["centre"], scene["salle"], scene["carers_series"]
    url = f"/centres/{centre.id}/rooms/{salle.id}/retire"
    page = client.get(url)
    assert "The booking of the 1 group that uses it is freed" in text_of(page)
    db.session.expire_all()
    assert not salle.retired  # nothing in one click
    assert confirmed(client, url).status_code == 302
    db.session.expire_all()
    assert salle.retired and series.room_id is None
    assert series.location == "Salle 2, Rue du Lac 1, Lausanne"  # the place text stays
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "centre_room_retired"))
    assert event.group_id == scene["carers"].id and event.actor_id is None
    auth.logout()
    login(scene["cleo"])
    history = text_of(client.get(f"/groups/{scene['carers'].id}/audit"))
    assert "Centre Vaud no longer lends the room Salle 2" in history
    # A retired room is no longer offered to the groups.
    auth.logout()
    login(scene["ana"])
    assert "Salle 2" not in text_of(client.get(f"/groups/{scene['grief'].id}/series/new"))


def test_a_room_of_another_centre_is_not_found_even_by_staff(
    client, login, scene, make_centre, make_user
):
    other = make_centre("Centro Ticino", cantons=("TI",), staff=("Tina",))
    sala = Room(centre_id=other.id, name="Sala 2", address="")
    db.session.add(sala)
    db.session.commit()
    login(scene["sam"])
    centre = scene["centre"]
    for path in ("", "/edit", "/retire"):
        assert client.get(f"/centres/{centre.id}/rooms/{sala.id}{path}").status_code == 404
        assert client.get(f"/centres/{other.id}/rooms/{sala.id}{path}").status_code == 404


# --- A co-responsible picks a room ----------------------------------------------------------


def test_a_coresponsible_picks_a_room_and_members_see_its_name_and_address(
    client, login, auth, scene
):
    grief, garden = scene["grief"], scene["garden"]
    login(scene["ana"])
    form = text_of(client.get(f"/groups/{grief.id}/series/new"))
    assert "One of the rooms of Centre Vaud" in form and "Salle 2, Rue du Lac 1" in form
    assert plan(client, grief, room=str(garden.id), location="Ignored").status_code == 302
    series = db.session.scalar(select(MeetingSeries).where(MeetingSeries.group_id == grief.id))
    assert series.room_id == garden.id and series.location == "Salle du jardin"
    assert series.room_confirmed_until == date(2027, 10, 1)
    auth.logout()
    login(scene["ben"])
    assert "Salle du jardin" in text_of(client.get(f"/groups/{grief.id}"))
    _feed, token = feeds.create(scene["ben"], "phone")
    unit.commit()
    calendar = client.get(f"/feeds/{token}.ics").get_data(as_text=True)
    assert "LOCATION:Salle du jardin" in calendar


def test_a_group_without_a_centre_sees_no_room_choice(client, login, make_user, make_group):
    owner = make_user("Dora", locale="en")
    group = make_group(owner)
    login(owner)
    assert "rooms of" not in text_of(client.get(f"/groups/{group.id}/series/new"))


@pytest.mark.parametrize("value", ["abc", "999999", "-1"])
def test_a_room_that_is_not_offered_is_refused_at_the_field(client, login, scene, value):
    login(scene["ana"])
    response = plan(client, scene["grief"], room=value)
    assert response.status_code == 400
    assert db.session.scalar(select(MeetingSeries.id)) == scene["carers_series"].id


def test_a_room_of_another_centre_cannot_be_picked(client, login, scene, make_centre):
    other = make_centre("Centro Ticino", cantons=("TI",))
    sala = Room(centre_id=other.id, name="Sala 2", address="")
    db.session.add(sala)
    db.session.commit()
    login(scene["ana"])
    refused = plan(client, scene["grief"], room=str(sala.id))
    assert refused.status_code == 400
    assert "Please correct the following:" in text_of(refused)  # an error, not a warning


# --- Clashes --------------------------------------------------------------------------------


def test_a_clash_is_warned_about_before_saving_without_naming_the_other_group(client, login, scene):
    grief, salle = scene["grief"], scene["salle"]
    login(scene["ana"])
    shown = plan(client, grief, room=str(salle.id))
    assert shown.status_code == 409
    page = text_of(shown)
    assert "The room is already used by another group on" in page
    assert "Thursday, 8 October 2026, 18:30–20:00; Thursday, 15 October" in page
    assert "on 52 dates" in page and "And 49 more times." in page
    assert "Proches" not in page and "Cleo" not in page
    assert "Use the room anyway" in page
    # Something to decide, not an error: a notice heads the page.
    assert "Before saving:" in page and "Please correct the following:" not in page
    assert (
        db.session.scalar(select(MeetingSeries).where(MeetingSeries.group_id == grief.id)) is None
    )
    # The preview says it too.
    preview = text_of(plan(client, grief, room=str(salle.id), save="", preview="1"))
    assert "The room is already used by another group on" in preview
    # Another time: no clash.
    assert (
        plan(client, grief, room=str(salle.id), start_time="20:00", end_time="21:30").status_code
        == 302
    )


def test_saving_anyway_books_the_room_and_the_staff_see_the_clash(client, login, auth, scene):
    grief, salle = scene["grief"], scene["salle"]
    login(scene["ana"])
    assert plan(client, grief, room=str(salle.id), room_anyway="y").status_code == 302
    auth.logout()
    login(scene["sam"])
    page = text_of(client.get(f"/centres/{scene['centre'].id}/rooms/{salle.id}"))
    assert "Deuil Lausanne" in page and "Groupe de proches" in page  # the neutral title
    assert "Proches aidants Renens" not in page
    assert page.count("Clash") >= 16  # 8 weeks, two groups, plus the notice
    assert "meetings overlap another group's meeting in the room" in page


def test_clashes_respect_cancelled_and_moved_meetings(client, login, scene):
    carers, series = scene["carers"], scene["carers_series"]
    cleo = scene["cleo"]
    cancelled = schedule.find(carers, f"s{series.id}-202610151830")
    schedule.cancel(carers, cleo, cancelled, "")
    moved = schedule.find(carers, f"s{series.id}-202610221830")
    schedule.change(
        carers,
        cleo,
        moved,
        schedule.MeetingData(
            start=datetime(2026, 10, 23, 10), duration_minutes=90, location=series.location
        ),
    )
    unit.commit()
    login(scene["ana"])
    grief, salle = scene["grief"], scene["salle"]

    def one_off(day, start="18:30", end="20:00"):
        return client.post(
            f"/groups/{grief.id}/meetings/new",
            data={
                "date": day,
                "start_time": start,
                "end_time": end,
                "location": "",
                "title": "",
                "note": "",
                "room": str(salle.id),
            },
        )

    assert one_off("2026-10-15").status_code == 302  # cancelled that evening
    assert one_off("2026-10-22").status_code == 302  # moved away from that evening
    clash = one_off("2026-10-23", "09:00", "10:30")  # moved there
    assert clash.status_code == 409
    assert "Friday, 23 October 2026, 10:00–11:30" in text_of(clash)
    assert "Before saving:" in text_of(clash)  # the one-off's form says it calmly too


def test_clashes_are_computed_in_local_time_across_the_change_of_daylight_saving_time(scene):
    """The carers meet Thursdays 18:30 to 20:00 local time, from September (summer
    time) on; in November (winter time) a meeting 19:30 to 20:30 overlaps them
    and one from 20:00 does not (a naive offset would be an hour off)."""
    salle, grief = scene["salle"], scene["grief"]

    def at(day, hour, minute, minutes):
        slots = rooms.meeting_slot(
            datetime.combine(day, time(hour, minute)), minutes, "Europe/Zurich"
        )
        return rooms.clashes(salle.id, slots, grief.id, TODAY)

    november = date(2026, 11, 5)
    assert [o.start for o in at(november, 19, 30, 60)] == [datetime(2026, 11, 5, 18, 30)]
    assert at(november, 20, 0, 60) == []
    assert at(date(2027, 3, 25), 17, 30, 61) != []  # after the change back to summer time
    # A whole series over the change: 20:00 never clashes, 19:59 always does.
    data = schedule.SeriesData(
        start_date=date(2026, 10, 8),
        start_time=time(20),
        duration_minutes=60,
        rule=Rule(WEEKLY, byday=("TH",)),
    )
    assert (
        rooms.clashes(
            salle.id,
            rooms.series_slots(data, data.start_date, "Europe/Zurich", TODAY),
            grief.id,
            TODAY,
        )
        == []
    )
    data.start_time = time(19, 59)
    found = rooms.clashes(
        salle.id, rooms.series_slots(data, data.start_date, "Europe/Zurich", TODAY), grief.id, TODAY
    )
    assert len(found) >= 50 and found[0].start == datetime(2026, 10, 8, 18, 30)


def test_moving_a_meeting_of_a_series_into_a_clash_is_warned_about(client, login, scene):
    grief, garden = scene["grief"], scene["garden"]
    series = thursdays(grief, at=time(9), room=scene["salle"])
    unit.commit()
    login(scene["ana"])
    url = f"/groups/{grief.id}/meetings/s{series.id}-202610080900/edit"
    data = {
        "date": "2026-10-08",
        "start_time": "19:00",
        "end_time": "20:00",
        "location": series.location,
        "title": "",
        "note": "",
    }
    response = client.post(url, data=data)
    assert response.status_code == 409
    assert "Thursday, 8 October 2026, 18:30–20:00" in text_of(response)
    assert client.post(url, data={**data, "room_anyway": "y"}).status_code == 302
    assert garden  # the other room is not involved


# --- Two co-responsibles at once (PostgreSQL) ----------------------------------------------


@pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="parallel writes need PostgreSQL (SQLite writes one at a time)"
)
def test_two_groups_booking_the_same_slot_at_once_both_save_and_staff_see_the_clash(
    app, scene, monkeypatch
):
    """Clashes are warnings, not locks: the two saves do not wait for each
    other and both series end up in the room; the staff see the clash."""
    monkeypatch.setattr(limiter, "enabled", False)
    garden = scene["garden"]
    clients = []
    for person in (scene["ana"], scene["cleo"]):
        client = app.test_client()
        client.post("/auth/login", data={"email": person.email, "password": PASSWORD})
        clients.append(client)
    group_ids = [scene["grief"].id, scene["carers"].id]
    data = {**SERIES_FORM, "room": str(garden.id)}
    barrier = threading.Barrier(2)
    statuses = [0, 0]

    def book(index):
        barrier.wait()
        url = f"/groups/{group_ids[index]}/series/new"
        statuses[index] = clients[index].post(url, data=data).status_code

    threads = [threading.Thread(target=book, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Each saw no clash (both saved), or one saw the other's series a moment
    # after it was saved: warned (409), it may save anyway; never a refusal.
    assert 302 in statuses and set(statuses) <= {302, 409}
    for index, status in enumerate(statuses):
        if status == 409:
            url = f"/groups/{group_ids[index]}/series/new"
            again = clients[index].post(url, data={**data, "room_anyway": "y"})
            assert again.status_code == 302
    db.session.expire_all()
    booked = db.session.scalars(
        select(MeetingSeries.group_id).where(MeetingSeries.room_id == garden.id)
    ).all()
    assert sorted(booked) == sorted(group_ids)
    rows = rooms.room_page(garden, TODAY)
    assert rows and all(row.clash for row in rows)


# --- The yearly confirmation ----------------------------------------------------------------


def run_job(app, when):
    with app.app_context():
        return worker.queue_and_send(worker.queue_room_bookings, when)[0]


def test_the_group_is_asked_once_then_confirms_for_another_year(
    app, client, login, scene, outbox, monkeypatch
):
    series, cleo, carers = scene["carers_series"], scene["cleo"], scene["carers"]
    end = series.room_confirmed_until
    assert end == date(2027, 10, 1)
    login(cleo)
    assert "Confirm for another year" not in text_of(client.get(f"/groups/{carers.id}"))
    soon = datetime(2027, 9, 2, 6, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: soon)
    assert run_job(app, soon) == 1
    assert run_job(app, soon + timedelta(days=1)) == 0  # once per booking end
    assert len(outbox) == 1
    assert outbox[0]["To"] == cleo.email
    assert "Confirm that you still use Salle 2" in outbox[0]["Subject"]
    page = text_of(client.get(f"/groups/{carers.id}"))
    assert "booking of the room Salle 2 ends on" in page and "Confirm for another year" in page
    url = f"/groups/{carers.id}/series/{series.id}/room/confirm"
    assert client.post(url).status_code == 302
    db.session.expire_all()
    assert series.room_confirmed_until == date(2028, 10, 1)
    again = client.post(url, follow_redirects=True)
    assert "There is nothing to confirm now." in text_of(again)
    db.session.expire_all()
    assert series.room_confirmed_until == date(2028, 10, 1)  # not two years for two clicks
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "room_confirmed"))


def test_an_unconfirmed_booking_is_freed_once_and_the_staff_are_told(
    app, client, login, scene, outbox
):
    series, carers, centre = scene["carers_series"], scene["carers"], scene["centre"]
    expiry = datetime(2027, 10, 1, 5, tzinfo=UTC)
    assert run_job(app, expiry) == 1  # the centre's email
    assert run_job(app, expiry + timedelta(days=1)) == 0
    db.session.expire_all()
    assert series.room_id is None and series.location == "Salle 2, Rue du Lac 1, Lausanne"
    [mail] = [m for m in outbox if m["To"] == centre.contact_email]
    assert "Salle 2" in mail["Subject"]
    assert "Groupe de proches" in mail.get_content() and "Cleo" not in mail.get_content()
    trail = db.session.scalars(select(StaffAction).where(StaffAction.action == "room_freed")).all()
    assert len(trail) == 1 and trail[0].group_id == carers.id
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "room_freed")).all()
    assert len(events) == 1
    login(scene["sam"])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "now", lambda: expiry + timedelta(days=59))
        page = text_of(client.get(f"/centres/{centre.id}/rooms"))
        assert "Used by 0 groups." in page
    assert "Groupe de proches did not confirm its booking of Salle 2" in page
    # A group that left the centre is no longer named there.
    db.session.get(type(carers), carers.id).centre_id = None
    db.session.commit()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "now", lambda: expiry + timedelta(days=59))
        page = text_of(client.get(f"/centres/{centre.id}/rooms"))
    assert "Groupe de proches" not in page


def test_the_worker_runs_the_rooms_job_once_a_day(app, scene):
    when = datetime(2027, 10, 1, 5, tzinfo=UTC)
    with app.app_context():
        first = worker.run_round(when)
        second = worker.run_round(when + timedelta(hours=1))
    assert first.room_bookings == 1 and second.room_bookings is None


def test_a_single_meeting_in_a_room_counts_follows_its_renaming_and_is_freed_with_it(
    client, login, auth, scene
):
    grief, garden = scene["grief"], scene["garden"]
    one_off = Meeting(
        group_id=grief.id,
        start=datetime(2026, 10, 10, 10),
        timezone="Europe/Zurich",
        duration_minutes=60,
        room_id=garden.id,
        location="Salle du jardin",
    )
    db.session.add(one_off)
    db.session.commit()
    login(scene["sam"])
    rooms_page = f"/centres/{scene['centre'].id}/rooms"
    listed = text_of(client.get(rooms_page))
    assert "Used by 1 group." in listed.split("Salle du jardin", 1)[1]
    edit = f"{rooms_page}/{garden.id}/edit"
    assert client.post(edit, data={"name": "Le jardin", "address": ""}).status_code == 302
    db.session.expire_all()
    assert one_off.location == "Le jardin" and one_off.sequence == 1
    assert confirmed(client, f"{rooms_page}/{garden.id}/retire").status_code == 302
    db.session.expire_all()
    assert one_off.room_id is None and one_off.location == "Le jardin"
    told = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "centre_room_retired")
    ).all()
    assert [e.group_id for e in told] == [grief.id]


# --- Detaching ------------------------------------------------------------------------------


def test_detaching_from_the_centre_frees_the_groups_bookings(client, login, scene):
    carers = scene["carers"]
    one_off = Meeting(
        group_id=carers.id,
        start=datetime(2026, 10, 10, 10),
        timezone="Europe/Zurich",
        duration_minutes=60,
        room_id=scene["garden"].id,
        location="Salle du jardin",
    )
    db.session.add(one_off)
    db.session.commit()
    login(scene["cleo"])
    url = f"/groups/{carers.id}/centre/detach"
    assert "bookings of the centre's rooms are freed" in text_of(client.get(url))
    assert client.post(url).status_code == 302
    db.session.expire_all()
    assert scene["carers_series"].room_id is None and one_off.room_id is None
    assert "bookings of the centre's rooms" not in text_of(client.get(url, follow_redirects=True))


# --- Demo data ------------------------------------------------------------------------------


def test_the_demo_has_rooms_and_its_groups_meet_in_them(app):
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    rows = db.session.execute(
        select(Room.name, MeetingSeries.room_id, MeetingSeries.location)
        .outerjoin(MeetingSeries, MeetingSeries.room_id == Room.id)
        .order_by(Room.name)
    ).all()
    names = [name for name, _room, _place in rows]
    assert names == ["Sala 2", "Salle 2", "Salle du jardin"]
    used = {name: place for name, room, place in rows if room is not None}
    assert used == {
        "Sala 2": "Sala 2, Via Ciani 4, Lugano",
        "Salle 2": "Salle 2, Av. de la Vallonnette 12, Lausanne",
    }


def test_a_series_changed_from_a_date_on_keeps_its_booking_and_is_freed_once(app, scene, outbox):
    series, carers, cleo = scene["carers_series"], scene["carers"], scene["cleo"]
    # Changed from after the booking's end: both series are current at its end.
    data = schedule.SeriesData(
        start_date=date(2027, 11, 4),
        start_time=time(18),
        duration_minutes=90,
        rule=Rule(WEEKLY, byday=("TH",)),
        location=series.location,
    )
    new = schedule.split(carers, cleo, series, data).series
    rooms.book(new, scene["salle"], TODAY, previous=series)
    unit.commit()
    assert new.room_id == scene["salle"].id
    assert new.room_confirmed_until == series.room_confirmed_until == date(2027, 10, 1)
    assert [s.id for s in rooms.due(carers, date(2027, 9, 15))] in ([series.id], [new.id])
    assert run_job(app, datetime(2027, 10, 1, 5, tzinfo=UTC)) == 1
    db.session.expire_all()
    assert new.room_id is None and series.room_id is None
    assert len([m for m in outbox if m["To"] == scene["centre"].contact_email]) == 1


def test_the_clash_warning_reads_in_french(client, login, scene, make_user, add_member):
    camille = make_user("Camille", locale="fr")
    add_member(scene["grief"], camille, coresponsible=True)
    login(camille)
    page = text_of(plan(client, scene["grief"], room=str(scene["salle"].id)))
    assert (
        "La salle est déjà utilisée par un autre groupe à 52 dates\u00a0: "
        "jeudi 8 octobre 2026, 18:30–20:00\u202f; jeudi 15 octobre 2026" in page
    )
    assert "Et encore 49 fois." in page and "Utiliser la salle quand même" in page
