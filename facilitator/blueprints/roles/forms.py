from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from facilitator.blueprints.forms import (
    REQUIRED,
    LineField,
    WholeNumberField,
    date_field,
    max_length,
    required,
    strip,
)
from facilitator.models.roles import (
    MAX_SLOTS,
    ROLE_DESCRIPTION_MAX,
    ROLE_GUIDE_MAX,
    ROLE_NAME_MAX,
    UNAVAILABILITY_NOTE_MAX,
)


class RoleTypeForm(FlaskForm):
    name = LineField(_l("Name of the role"), validators=[required(), max_length(ROLE_NAME_MAX)])
    description = LineField(_l("What it involves"), validators=[max_length(ROLE_DESCRIPTION_MAX)])
    slots = WholeNumberField(
        _l("People needed per meeting"),
        default=1,
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(min=1, max=MAX_SLOTS, message=_l("Choose between %(min)s and %(max)s.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    guide = TextAreaField(
        _l("Guide for whoever takes the role"),
        validators=[max_length(ROLE_GUIDE_MAX)],
        filters=[strip, lambda value: value.replace("\r\n", "\n") if value else value],
        description=_l(
            "A short checklist. A line ending with a colon is a heading "
            "(Before the meeting:), each other line one step. Leave empty for no guide."
        ),
        render_kw={"rows": 12},
    )


class AwayForm(FlaskForm):
    first = date_field(_l("Away from"))
    last = date_field(_l("Until (inclusive)"))
    note = LineField(_l("Note (optional)"), validators=[max_length(UNAVAILABILITY_NOTE_MAX)])

    def validate_last(self, field):
        if self.first.data and field.data and field.data < self.first.data:
            raise ValidationError(_l("The end date is before the start date."))
