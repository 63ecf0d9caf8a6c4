from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from facilitator.blueprints.forms import REQUIRED, WholeNumberField
from facilitator.models.attendance import MAX_COUNT

RANGE = _l("Enter a whole number from %(min)s to %(max)s.")


class HeadcountForm(FlaskForm):
    participants = WholeNumberField(
        _l("Participants (everyone present, you included)"),
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(min=0, max=MAX_COUNT, message=RANGE),
        ],
        render_kw={"inputmode": "numeric"},
    )
    newcomers = WholeNumberField(
        _l("Of whom there for the first time (optional)"),
        validators=[Optional(), NumberRange(min=0, max=MAX_COUNT, message=RANGE)],
        not_a_number=_l("Enter a whole number from %(min)s to %(max)s.", min=0, max=MAX_COUNT),
        render_kw={"inputmode": "numeric"},
    )

    def validate_newcomers(self, field):
        if (
            field.data is not None
            and self.participants.data is not None
            and field.data > self.participants.data
        ):
            raise ValidationError(
                _l("The number of newcomers cannot be higher than the number of participants.")
            )


class DisableForm(FlaskForm):
    figures = RadioField(
        _l("What happens to the figures already recorded?"),
        choices=[
            SelectChoice("keep", _l("Keep them (they reappear if attendance is turned on again)")),
            SelectChoice("delete", _l("Delete them for good")),
        ],
        validators=[InputRequired(message=REQUIRED)],
        invalid_choice_message=_l("Choose one of the options in the list."),
    )
