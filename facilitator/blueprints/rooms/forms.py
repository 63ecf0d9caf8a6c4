"""A centre's room, as its staff enter it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import NumberRange, Optional

from facilitator.blueprints.forms import LineField, WholeNumberField, max_length, required, strip
from facilitator.models.rooms import CAPACITY_MAX, ROOM_ADDRESS_MAX, ROOM_NAME_MAX, ROOM_NOTES_MAX
from facilitator.services.rooms import RoomData


class RoomForm(FlaskForm):
    name = LineField(
        _l("Name of the room"),
        validators=[required(), max_length(ROOM_NAME_MAX)],
        description=_l("As the groups know it, for example: Salle 2."),
    )
    address = LineField(
        _l("Address"),
        validators=[max_length(ROOM_ADDRESS_MAX)],
        description=_l("Street and town: members see it with the name as their meeting place."),
    )
    capacity = WholeNumberField(
        _l("Seats (optional)"),
        validators=[
            Optional(),
            NumberRange(
                min=1, max=CAPACITY_MAX, message=_l("Choose between %(min)s and %(max)s people.")
            ),
        ],
        render_kw={"min": 1, "max": CAPACITY_MAX, "inputmode": "numeric"},
    )
    notes = TextAreaField(
        _l("Notes for the groups"),
        validators=[max_length(ROOM_NOTES_MAX)],
        filters=[strip],
        description=_l("For example: the key is at the reception."),
    )

    def to_data(self) -> RoomData:
        return RoomData(
            name=self.name.data or "",
            address=self.address.data or "",
            capacity=self.capacity.data,
            notes=self.notes.data or "",
        )

    def fill_from(self, room) -> None:
        self.name.data = room.name
        self.address.data = room.address
        self.capacity.data = room.capacity
        self.notes.data = room.notes
