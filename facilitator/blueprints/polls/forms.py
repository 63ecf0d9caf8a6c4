"""Forms for asking a poll, answering it, and planning its winning date."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from facilitator.blueprints.forms import (
    CHOICE_ERROR,
    REQUIRED,
    CheckboxesField,
    LineField,
    LocalDateField,
    LocalTimeField,
    date_field,
    max_length,
    required,
    time_field,
)
from facilitator.models.meetings import LOCATION_MAX
from facilitator.models.polls import MAX_OPTIONS, OPTION_MAX, QUESTION_MAX, PollKind
from facilitator.services.polls import OptionData, PollData

FIRST_ROWS = 4  # option rows of a new poll; "More options" adds two
MORE_ROWS = 2


def radio(label, choices, default, description=None):
    return RadioField(
        label,
        choices=[SelectChoice(value, text) for value, text in choices],
        default=default,
        validators=[InputRequired(message=REQUIRED)],
        invalid_choice_message=CHOICE_ERROR,
        description=description,
    )


NOT_ON_ONE_LINE = re.compile(r"[\x00-\x1f\x7f ]+")


class QuestionField(StringField):
    """One line, like ``LineField``, but a no-break space stays (French
    puts one before "?")."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = NOT_ON_ONE_LINE.sub(" ", self.data).strip()


class OptionForm(Form):
    """One option's row: the fields of the poll's kind are shown."""

    label = LineField(_l("Option"), validators=[Optional(), max_length(OPTION_MAX)])
    day = LocalDateField(_l("Day"), validators=[Optional()])
    at = LocalTimeField(_l("Time"), validators=[Optional()])
    last_day = LocalDateField(_l("Last day"), validators=[Optional()])

    def to_option(self) -> OptionData:
        return OptionData(
            label=self.label.data or "",
            day=self.day.data,
            at=self.at.data,
            last_day=self.last_day.data,
        )


class PollForm(FlaskForm):
    question = QuestionField(
        _l("Question"),
        validators=[required(), max_length(QUESTION_MAX)],
        description=_l("One short question, as you would ask it at a meeting."),
    )
    options = FieldList(FormField(OptionForm), min_entries=FIRST_ROWS, max_entries=MAX_OPTIONS)
    answers = radio(
        _l("How many answers"),
        [("one", _l("One option per member")), ("several", _l("Several options per member"))],
        "one",
    )
    ballot = radio(
        _l("Ballot"),
        [
            (
                "secret",
                _l("Secret: nobody sees who chose what, not even the co-responsible members"),
            ),
            ("open", _l("Open: the members see who chose what")),
        ],
        "secret",
    )
    results = radio(
        _l("Results"),
        [
            ("closed", _l("Shown once the poll has closed")),
            ("live", _l("Shown while the poll is open")),
        ],
        "closed",
        description=_l(
            "Results shown while the poll is open can sway those who have not answered yet."
        ),
    )
    closes_on = date_field(_l("Answers until"))
    closes_time = time_field(_l("Time"))

    def add_rows(self) -> bool:
        """Two more empty option rows (up to the most allowed); False at the most."""
        if len(self.options) >= MAX_OPTIONS:
            return False
        for _ in range(min(MORE_ROWS, MAX_OPTIONS - len(self.options))):
            self.options.append_entry()
        return True

    def to_poll_data(self, kind: PollKind) -> PollData:
        return PollData(
            question=self.question.data or "",
            kind=kind,
            multiple=self.answers.data == "several",
            secret=self.ballot.data == "secret",
            live_results=self.results.data == "live",
            closes_on=self.closes_on.data,
            closes_time=self.closes_time.data,
            options=[row.form.to_option() for row in self.options],
        )


class VoteForm(FlaskForm):
    """The options chosen (radio buttons or checkboxes: the template draws
    them; the choices are the poll's options)."""

    choice = CheckboxesField(
        _l("Your answer"),
        coerce=int,
        invalid_choice_message=CHOICE_ERROR,
        invalid_value_message=CHOICE_ERROR,
    )


class MeetingFromPollForm(FlaskForm):
    """The chosen date becomes a meeting: its end and place."""

    end_time = time_field(_l("Ends at"))
    location = LineField(
        _l("Place"),
        validators=[max_length(LOCATION_MAX)],
        description=_l("Leave as it is to meet at the group's usual place."),
    )

    def __init__(self, *args, start: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.start = start

    def validate_end_time(self, field):
        if field.data and field.data <= self.start.time():
            raise ValidationError(_l("The meeting must end after it starts."))

    @property
    def duration_minutes(self) -> int:
        end = datetime.combine(date.min, self.end_time.data)
        return (end - datetime.combine(date.min, self.start.time())) // timedelta(minutes=1)
