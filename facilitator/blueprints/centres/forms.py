"""The co-responsibles' choice of a centre, and sharing the health signals."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from facilitator.blueprints.forms import CHOICE_ERROR, REQUIRED, sharing_field


class AttachForm(FlaskForm):
    centre = RadioField(
        _l("Self-help centre"),
        coerce=int,
        validators=[InputRequired(message=REQUIRED)],
        invalid_choice_message=CHOICE_ERROR,
    )


class SignalsSharingForm(FlaskForm):
    share = sharing_field(
        _l("Share these signals with the centre"),
        _l("Yes, share them"),
        _l("No, do not share them"),
    )
