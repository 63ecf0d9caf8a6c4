from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from facilitator.blueprints.forms import REQUIRED


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
