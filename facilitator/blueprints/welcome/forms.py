from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, TextAreaField

from facilitator.blueprints.forms import whole_number
from facilitator.models.welcome import MESSAGE_MAX


class WillingForm(FlaskForm):
    willing_to_welcome = BooleanField(
        _l("I am willing to be a welcome contact for newcomers"),
        description=_l(
            "A welcome contact greets a newcomer at their first meetings and answers their "
            "questions in the app during three months. You can stop at any time."
        ),
    )


class PairForm(FlaskForm):
    """A newcomer's welcome contact: a member chosen in a list (co-responsible
    members) or the one who offers (a hidden field with their own membership)."""

    contact = HiddenField(_l("Welcome contact"))

    @property
    def contact_id(self) -> int | None:
        return whole_number(self.contact.data)


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Your message"),
        description=_l(
            "Only the two of you read this conversation. At most %(max)d characters.",
            max=MESSAGE_MAX,
        ),
        render_kw={"rows": 4, "spellcheck": "true", "maxlength": MESSAGE_MAX},
    )


class EndForm(FlaskForm):
    """Confirm the end of a pairing (the page says what happens)."""
