"""Rooms a centre lends: its staff's pages (add, change, retire a room; the
coming meetings in a room) and a group's yearly confirmation of its booking.

Staff pages answer 404 to anyone not on the centre's staff (``load_centre``);
the confirmation is for the group's co-responsibles (``load_group``).
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from facilitator.blueprints.common import load_centre, load_group, render_form
from facilitator.blueprints.confirm import confirm_step, digest_of
from facilitator.blueprints.feedback import flash_at, redirect_to
from facilitator.formatting import day_text
from facilitator.services import clock, rooms, schedule, unit
from facilitator.services.errors import NotFound

from .forms import RoomForm

bp = Blueprint("rooms", __name__, template_folder="templates")

TODAY_ZONE = "Europe/Zurich"


def _room(centre, room_id: int):
    try:
        return rooms.room_in(centre, room_id)
    except NotFound:
        abort(404)


@bp.get("/centres/<int:centre_id>/rooms")
@login_required
def index(centre_id: int):
    """The centre's rooms, how many groups use each, and the bookings freed lately."""
    centre = load_centre(centre_id)
    return render_template(
        "rooms/index.html",
        centre=centre,
        rooms=rooms.rooms_of(centre),
        usage=rooms.usage(centre, clock.today(TODAY_ZONE)),
        freed=rooms.recently_freed(centre, clock.now()),
    )


@bp.route("/centres/<int:centre_id>/rooms/new", methods=["GET", "POST"])
@login_required
def new(centre_id: int):
    """Add a room."""
    return _room_form(load_centre(centre_id), None)


@bp.route("/centres/<int:centre_id>/rooms/<int:room_id>/edit", methods=["GET", "POST"])
@login_required
def edit(centre_id: int, room_id: int):
    """Change a room's name, address, seats or notes."""
    centre = load_centre(centre_id)
    return _room_form(centre, _room(centre, room_id))


def _room_form(centre, room):
    form = RoomForm()
    if room is not None and request.method == "GET":
        form.fill_from(room)
    if not form.validate_on_submit():
        return render_form("rooms/form.html", form, centre=centre, room=room)
    if room is None:
        room = rooms.add_room(centre, current_user, form.to_data())
        done = _("The room %(room)s has been added.", room=room.name)
    else:
        rooms.change_room(room, current_user, form.to_data())
        done = _("The room %(room)s has been changed.", room=room.name)
    unit.commit()
    flash_at("rooms", done)
    return redirect_to(url_for("rooms.index", centre_id=centre.id), "rooms")


@bp.route("/centres/<int:centre_id>/rooms/<int:room_id>/retire", methods=["GET", "POST"])
@login_required
def retire(centre_id: int, room_id: int):
    """Retire a room, once confirmed: no longer offered, its bookings freed."""
    centre = load_centre(centre_id)
    room = _room(centre, room_id)
    if room.retired:
        return redirect(url_for("rooms.index", centre_id=centre.id))
    today = clock.today(TODAY_ZONE)
    users = rooms.usage(centre, today).get(room.id, 0)

    def act():
        rooms.retire_room(room, current_user)
        unit.commit()
        flash_at("rooms", _("The room %(room)s has been retired.", room=room.name))
        return redirect_to(url_for("rooms.index", centre_id=centre.id), "rooms")

    return confirm_step(
        "rooms/retire.html",
        digest_of("retire", room.id, users),
        act,
        centre=centre,
        room=room,
        users=users,
    )


@bp.get("/centres/<int:centre_id>/rooms/<int:room_id>")
@login_required
def show(centre_id: int, room_id: int):
    """The coming 8 weeks of meetings in a room, clashes marked."""
    centre = load_centre(centre_id)
    room = _room(centre, room_id)
    rows = rooms.room_page(room, clock.today(TODAY_ZONE))
    return render_template(
        "rooms/show.html",
        centre=centre,
        room=room,
        rows=rows,
        clashes=sum(1 for r in rows if r.clash),
    )


@bp.post("/groups/<int:group_id>/series/<int:series_id>/room/confirm")
@login_required
def confirm_booking(group_id: int, series_id: int):
    """Confirm, with one click, that the group still uses its room for another year."""
    group, _membership = load_group(group_id, coresponsible=True)
    series = schedule.series_in(group, series_id)
    room = series.room
    if rooms.confirm(group, current_user, series, clock.today(group.timezone)):
        unit.commit()
        flash_at(
            "room-booking",
            _(
                "Thank you: the room %(room)s stays booked until %(date)s.",
                room=room.name if room else "",
                date=day_text(series.room_confirmed_until, "long")
                if series.room_confirmed_until
                else "",
            ),
        )
    else:
        flash_at("room-booking", _("There is nothing to confirm now."), "info")
    return redirect_to(url_for("groups.show", group_id=group.id), "room-booking")
