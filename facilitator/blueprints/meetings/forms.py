"""Forms for series, occurrences and one-off meetings.

Each form turns its fields into the plain values the schedule service takes
(``to_series_data``, ``to_meeting_data``); the service checks the rule.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    RadioField,
    SelectMultipleField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from facilitator.blueprints.forms import (
    REQUIRED,
    LineField,
    WholeNumberField,
    choice_field,
    max_length,
    strip,
)
from facilitator.domain import recurrence as rec
from facilitator.models.meetings import LOCATION_MAX, NOTE_MAX, REASON_MAX, TITLE_MAX
from facilitator.services import clock
from facilitator.services.schedule import MeetingData, SeriesData

EARLIEST = date(2000, 1, 1)
BAD_DATE = _l("Enter a real date, for example 2026-09-15.")
BAD_TIME = _l("Enter a time such as 19:00.")


def weekday_names(in_sentence: bool = False):
    """(code, name) of the weekdays: "Mardi" in a list of choices; in a sentence
    as the language writes it there ("mardi", "martedì", but "Dienstag")."""
    from babel.dates import get_day_names

    names = get_day_names("wide", context="format", locale=get_locale())
    return [
        (code, names[i] if in_sentence else names[i].capitalize())
        for i, code in enumerate(rec.WEEKDAYS)
    ]


ORDINALS = {
    1: _l("first"),
    2: _l("second"),
    3: _l("third"),
    4: _l("fourth"),
    5: _l("fifth"),
    -1: _l("last"),
}


class LocalDateField(DateField):
    """A date between 2000 and ten years ahead, with our own messages."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(BAD_DATE)) from exc

    def pre_validate(self, form):
        if self.data is None:
            return
        latest = rec.horizon(clock.today())
        if not EARLIEST <= self.data <= latest:
            raise ValidationError(
                _l(
                    "Choose a date between %(first)s and %(last)s.",
                    first=EARLIEST.year,
                    last=latest.year,
                )
            )


class LocalTimeField(TimeField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(BAD_TIME)) from exc


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def date_field(label, required=True, **kwargs):
    validators = [InputRequired(message=REQUIRED)] if required else [Optional()]
    return LocalDateField(label, validators=validators, **kwargs)


def time_field(label):
    return LocalTimeField(label, validators=[InputRequired(message=REQUIRED)])


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


class SeriesForm(TimesMixin, FlaskForm):
    title = LineField(
        _l("Title"),
        validators=[max_length(TITLE_MAX)],
        description=_l("Leave empty to use the group's name."),
    )
    frequency = choice_field(
        _l("How often"),
        lambda: [
            ("weekly", _l("Every week, or every few weeks")),
            ("monthly_weekday", _l("Once a month on a weekday, e.g. the 2nd Tuesday")),
            ("monthly_day", _l("Once a month on a date, e.g. the 15th")),
            ("daily", _l("Every day, e.g. for a retreat")),
        ],
        default="weekly",
    )
    interval = WholeNumberField(
        _l("Repeat every"),
        default=1,
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(
                min=1, max=rec.MAX_INTERVAL, message=_l("Choose between %(min)s and %(max)s.")
            ),
        ],
        description=_l("1 = every week (or month, or day); 2 = every other one; and so on."),
        render_kw={"inputmode": "numeric"},
    )
    weekdays = CheckboxesField(
        _l("On these weekdays"),
        choices=lambda: [SelectChoice(code, name) for code, name in weekday_names()],
        invalid_choice_message=_l("Choose one of the options in the list."),
        invalid_value_message=_l("Choose one of the options in the list."),
    )
    setpos = choice_field(
        _l("Which one in the month"),
        lambda: [(str(n), label) for n, label in ORDINALS.items()],
        default="1",
    )
    month_weekday = choice_field(
        _l("Weekday in the month"),
        weekday_names,
        default="TU",
    )
    monthday = WholeNumberField(
        _l("Day of the month"),
        validators=[
            Optional(),
            NumberRange(min=1, max=31, message=_l("Choose between %(min)s and %(max)s.")),
        ],
        description=_l("Months without this day are skipped."),
        render_kw={"inputmode": "numeric"},
    )
    start_date = date_field(
        _l("First meeting"),
        description=_l("A day of the chosen rhythm, for example a Tuesday for Tuesday meetings."),
    )
    start_time = time_field(_l("Starts at"))
    end_time = time_field(_l("Ends at"))
    ends = RadioField(
        _l("Ends"),
        choices=[
            SelectChoice("never", _l("No end date (at most 10 years)")),
            SelectChoice("until", _l("On a date")),
            SelectChoice("count", _l("After a number of meetings")),
        ],
        invalid_choice_message=_l("Choose one of the options in the list."),
        default="never",
        validate_choice=True,
    )
    until = date_field(_l("Last possible date"), required=False)
    count = WholeNumberField(
        _l("Number of meetings"),
        validators=[
            Optional(),
            NumberRange(
                min=1, max=rec.MAX_OCCURRENCES, message=_l("Choose between %(min)s and %(max)s.")
            ),
        ],
        render_kw={"inputmode": "numeric"},
    )
    location, note = place_fields()

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        needed = {
            "until": self.ends.data == "until",
            "count": self.ends.data == "count",
            "monthday": self.frequency.data == "monthly_day",
        }
        for name, is_needed in needed.items():
            field = self[name]
            if is_needed and field.data is None and not field.errors:
                field.errors = [str(REQUIRED)]
                ok = False
        return ok

    def validate_weekdays(self, field):
        if self.frequency.data == "weekly" and not field.data:
            raise ValidationError(_l("Choose at least one weekday."))

    def rule(self) -> rec.Rule:
        freq = self.frequency.data
        end = {}
        if self.ends.data == "until":
            end["until"] = self.until.data
        elif self.ends.data == "count":
            end["count"] = self.count.data
        interval = self.interval.data
        if freq == "weekly":
            return rec.Rule(rec.WEEKLY, interval, tuple(self.weekdays.data), **end)
        if freq == "monthly_weekday":
            return rec.Rule(
                rec.MONTHLY,
                interval,
                (self.month_weekday.data,),
                setpos=int(self.setpos.data),
                **end,
            )
        if freq == "monthly_day":
            return rec.Rule(rec.MONTHLY, interval, monthday=self.monthday.data, **end)
        return rec.Rule(rec.DAILY, interval, **end)

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
        rule = series.rule
        self.title.data = series.title
        self.location.data = series.location
        self.note.data = series.note
        self.start_date.data = start
        self.start_time.data = series.start_time
        end = datetime.combine(date.min, series.start_time) + series.duration
        self.end_time.data = end.time()
        self.interval.data = rule.interval
        if rule.freq == rec.WEEKLY:
            self.frequency.data, self.weekdays.data = "weekly", list(rule.byday)
        elif rule.freq == rec.MONTHLY and rule.setpos is not None:
            self.frequency.data = "monthly_weekday"
            self.setpos.data, self.month_weekday.data = str(rule.setpos), rule.byday[0]
        elif rule.freq == rec.MONTHLY:
            self.frequency.data, self.monthday.data = "monthly_day", rule.monthday
        else:
            self.frequency.data = "daily"
        if rule.until or rule.count:
            self.ends.data = "until"
            self.until.data = rec.last_date(rule, series.start_date)
        else:
            self.ends.data = "never"


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


class CancelForm(FlaskForm):
    reason = LineField(
        _l("Reason (shown to members)"),
        validators=[max_length(REASON_MAX)],
        description=_l("Optional. For example: room not available."),
    )


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


__all__ = ["CancelForm", "EndForm", "MeetingForm", "PauseForm", "SeriesForm"]
