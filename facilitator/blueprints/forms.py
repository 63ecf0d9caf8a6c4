"""Form fields and validators shared by several blueprints.

Every validator is given an explicit, translatable message so that no
English text from WTForms reaches a French or Italian page.
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from facilitator.domain import recurrence as rec
from facilitator.i18n import UI_LANGUAGES
from facilitator.models.contact import BODY_MAX, CONTACT_MAX, SENDER_MAX
from facilitator.models.users import DISPLAY_NAME_MAX, EMAIL_MAX
from facilitator.services import clock
from facilitator.services.accounts import (
    PASSWORD_MAX,
    display_name_problem,
    normalize_display_name,
    password_problem,
)

REQUIRED = _l("This field is required.")
WHOLE_NUMBER = _l("Enter a whole number.")
CHOICE_ERROR = _l("Choose one of the options in the list.")


def required():
    return DataRequired(message=REQUIRED)


def max_length(n: int):
    return Length(max=n, message=_l("Use at most %(max)d characters.", max=n))


def strip(value):
    return value.strip() if isinstance(value, str) else value


CONTROL_OR_SPACE = re.compile(r"[\x00-\x1f\x7f\s]+")


class LineField(StringField):
    """One line of text (a name, a place, a title): line breaks, tabs and other
    control characters become a single space, and the ends are trimmed, so that
    nothing typed here can break an email header or a calendar line."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = CONTROL_OR_SPACE.sub(" ", self.data).strip()


def lower(value):
    return value.lower() if isinstance(value, str) else value


def email_field(label=None):
    return EmailField(
        label or _l("Email address"),
        validators=[
            required(),
            max_length(EMAIL_MAX),
            Email(
                message=_l("Enter a valid email address, such as name@example.ch."),
                check_deliverability=False,
            ),
        ],
        filters=[strip, lower],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def nfc_name(value):
    return normalize_display_name(value) if isinstance(value, str) else value


class VisibleName:
    """A display name that shows as what it is (accounts.display_name_problem):
    no invisible characters, no direction controls."""

    def __call__(self, form, field):
        problem = display_name_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


def display_name_field():
    return LineField(
        _l("Display name"),
        validators=[required(), max_length(DISPLAY_NAME_MAX), VisibleName()],
        filters=[nfc_name],
        description=_l(
            "How other members of your groups see you. A first name or a pseudonym is fine."
        ),
        render_kw={"autocomplete": "nickname"},
    )


def choice_field(label, options, **kwargs):
    """A select list whose options come from ``options()``: (value, label) pairs.

    An unknown value gets our translated message, not WTForms' own.
    """
    return SelectField(
        label,
        choices=lambda: [SelectChoice(value, text) for value, text in options()],
        validators=[InputRequired(message=REQUIRED)],
        invalid_choice_message=CHOICE_ERROR,
        invalid_value_message=CHOICE_ERROR,
        **kwargs,
    )


def sharing_field(label, yes, no) -> RadioField:
    """Share something with the group's centre ("on") or not ("off")."""
    return RadioField(
        label,
        choices=[SelectChoice("on", yes), SelectChoice("off", no)],
        validators=[InputRequired(message=REQUIRED)],
        invalid_choice_message=CHOICE_ERROR,
    )


def language_field(label=None):
    return choice_field(
        label or _l("Language"),
        lambda: [(code, name) for code, (_, name) in UI_LANGUAGES.items()],
    )


class StrongPassword:
    """Reject weak passwords with a translated reason."""

    def __call__(self, form, field):
        email = getattr(getattr(form, "email", None), "data", None) or getattr(form, "_email", "")
        name = getattr(getattr(form, "display_name", None), "data", None) or ""
        problem = password_problem(field.data or "", email=email or "", display_name=name)
        if problem:
            raise ValidationError(problem)


def new_password_field(label=None):
    return PasswordField(
        label or _l("Password"),
        validators=[InputRequired(message=REQUIRED), StrongPassword()],
        description=_l("At least 10 characters. A few words in a row are easy to remember."),
        render_kw={"autocomplete": "new-password", "maxlength": PASSWORD_MAX},
    )


PASSWORDS_DIFFER = _l("The two passwords are not the same.")


def repeat_password_field(label) -> PasswordField:
    """The new password typed a second time; it must equal the ``password`` field."""
    return PasswordField(
        label,
        validators=[InputRequired(message=REQUIRED), EqualTo("password", message=PASSWORDS_DIFFER)],
        render_kw={"autocomplete": "new-password"},
    )


class WholeNumberField(IntegerField):
    """An integer field whose "not a number" message is ours (translated),
    not WTForms' English one."""

    def __init__(self, *args, not_a_number=WHOLE_NUMBER, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric"})
        super().__init__(*args, **kwargs)
        self.not_a_number = not_a_number

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(self.not_a_number)) from exc


EARLIEST = date(2000, 1, 1)
BAD_DATE = _l("Enter a real date, for example 2026-09-15.")
BAD_TIME = _l("Enter a time such as 19:00.")


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


class WillingForm(FlaskForm):
    """The roles a member is willing to take (the roles page, the welcome page)."""

    roles = CheckboxesField(
        _l("I am willing to take these roles"),
        coerce=int,
        invalid_choice_message=_l("Choose one of the options in the list."),
        invalid_value_message=_l("Choose one of the options in the list."),
    )


class CharterAgreement:
    """The fields with which a member agrees to the group's charter (joining,
    or after a change in substance): the box to tick, and the number of the
    version shown (``shown``)."""

    agree = BooleanField(
        _l("I have read the charter and agree to it"),
        validators=[
            DataRequired(
                message=_l("Tick the box to say that you have read the charter and agree to it.")
            )
        ],
    )
    version = HiddenField()

    @property
    def shown(self) -> int | None:
        """The number of the version the page showed (None if it makes no sense)."""
        return whole_number(self.version.data)


def whole_number(value) -> int | None:
    """A hidden field's whole number, or None for anything else."""
    value = (value or "").strip() if isinstance(value, str) else ""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


class CharterAgreeForm(CharterAgreement, FlaskForm):
    """Agree to the charter shown."""


class ContactForm(FlaskForm):
    """A visitor's message to a group (the directory); a centre's request form
    extends it."""

    sender_name = LineField(
        _l("Your name or a pseudonym"),
        validators=[required(), max_length(SENDER_MAX)],
    )
    sender_contact = LineField(
        _l("How to reach you (email address or phone)"),
        validators=[required(), max_length(CONTACT_MAX)],
        description=_l("Only the group's co-responsible members see it."),
    )
    body = TextAreaField(
        _l("Your message"), validators=[required(), max_length(BODY_MAX)], filters=[strip]
    )
    # A field people never see: robots fill it in.
    website = LineField(_l("Leave this field empty"))
