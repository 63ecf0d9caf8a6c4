from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import EqualTo, InputRequired

from facilitator.blueprints.auth.forms import MISMATCH
from facilitator.blueprints.forms import (
    REQUIRED,
    display_name_field,
    language_field,
    new_password_field,
)


class ProfileForm(FlaskForm):
    display_name = display_name_field()
    language = language_field(_l("Language of the app and of emails"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(message=REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field(_l("New password"))
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(message=REQUIRED), EqualTo("password", message=MISMATCH)],
        render_kw={"autocomplete": "new-password"},
    )
