"""Forms for series, occurrences and one-off meetings.

Each form turns its fields into the plain values the schedule service takes
(``to_series_data``, ``to_meeting_data``); the service checks the rule.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import ValidationError

from facilitator.blueprints.forms import (
    CHOICE_ERROR,
    LineField,
    date_field,
    max_length,
    strip,
    time_field,
)
from facilitator.models.meetings import LOCATION_MAX, NOTE_MAX, REASON_MAX, TITLE_MAX
from facilitator.services.schedule import MeetingData, SeriesData

from .rule_form import RuleFields


class TimesMixin:
    """Start and end time on one day: the end must come after the start."""

    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError(_l("The meeting must end after it starts."))

    @property
    def duration_minutes(self) -> int:
        start = datetime.combine(date.min, self.start_time.data)
        end = datetime.combine(date.min, self.end_time.data)
        return (end - start) // timedelta(minutes=1)


def place_fields():
    return (
        LineField(
            _l("Place"),
            validators=[max_length(LOCATION_MAX)],
            description=_l("Leave as it is to meet at the group's usual place."),
        ),
        TextAreaField(
            _l("Note for the members"),
            validators=[max_length(NOTE_MAX)],
            filters=[strip],
            description=_l("For example: bring something to share, ring at the side door."),
        ),
    )


def room_fields():
    """A room of the group's centre (its choices are set by the page; the
    page removes both fields when the centre lends no room), and the
    answer to a clash: use the room anyway."""
    return (
        SelectField(
            _l("A room of the centre"),
            coerce=int,
            default=0,
            choices=[],
            invalid_choice_message=CHOICE_ERROR,
            invalid_value_message=CHOICE_ERROR,
            description=_l("Its name and address then become the place members see."),
        ),
        BooleanField(
            _l("Use the room anyway"),
            description=_l("The centre's staff see that two groups use the room at once."),
        ),
    )


class SeriesForm(RuleFields, TimesMixin, FlaskForm):
    """A series: its rhythm (``RuleFields``), first date, times and place."""

    title = LineField(
        _l("Title"),
        validators=[max_length(TITLE_MAX)],
        description=_l("Leave empty to use the group's name."),
    )
    start_date = date_field(
        _l("First meeting"),
        description=_l("A day of the chosen rhythm, for example a Tuesday for Tuesday meetings."),
    )
    start_time = time_field(_l("Starts at"))
    end_time = time_field(_l("Ends at"))
    location, note = place_fields()
    room, room_anyway = room_fields()

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        return self.rule_fields_complete() and ok

    def to_series_data(self) -> SeriesData:
        return SeriesData(
            start_date=self.start_date.data,
            start_time=self.start_time.data,
            duration_minutes=self.duration_minutes,
            rule=self.rule(),
            location=self.location.data or "",
            title=self.title.data or "",
            note=self.note.data or "",
        )

    def fill_from(self, series, start: date) -> None:
        """Pre-fill with a series' values, to change it from ``start`` on."""
        self.title.data = series.title
        self.location.data = series.location
        self.note.data = series.note
        self.start_date.data = start
        self.start_time.data = series.start_time
        end = datetime.combine(date.min, series.start_time) + series.duration
        self.end_time.data = end.time()
        self.fill_rule(series.rule, series.start_date)


class MeetingForm(TimesMixin, FlaskForm):
    """A one-off meeting, or one occurrence moved or annotated."""

    title = LineField(
        _l("Title"),
        validators=[max_length(TITLE_MAX)],
        description=_l("Leave empty to use the group's name."),
    )
    date = date_field(_l("Date"))
    start_time = time_field(_l("Starts at"))
    end_time = time_field(_l("Ends at"))
    location, note = place_fields()
    room, room_anyway = room_fields()

    def to_meeting_data(self) -> MeetingData:
        return MeetingData(
            start=datetime.combine(self.date.data, self.start_time.data),
            duration_minutes=self.duration_minutes,
            location=self.location.data or "",
            title=self.title.data or "",
            note=self.note.data or "",
        )

    def fill_from(self, occurrence) -> None:
        self.title.data = occurrence.title
        self.date.data = occurrence.start.date()
        self.start_time.data = occurrence.start.time()
        self.end_time.data = occurrence.end.time()
        self.location.data = occurrence.location
        self.note.data = occurrence.note


class PauseForm(FlaskForm):
    first = date_field(_l("From"))
    last = date_field(_l("Until (inclusive)"))
    reason = LineField(
        _l("Reason (shown to members)"),
        default="",
        validators=[max_length(REASON_MAX)],
        description=_l("For example: summer break."),
    )

    def validate_last(self, field):
        if self.first.data and field.data and field.data < self.first.data:
            raise ValidationError(_l("The end of the break is before its start."))


class EndForm(FlaskForm):
    day = date_field(
        _l("No more meetings from"),
        description=_l("Meetings before this date stay, with everything attached to them."),
    )


__all__ = ["EndForm", "MeetingForm", "PauseForm", "SeriesForm"]
