from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, TextAreaField

from facilitator.blueprints.forms import date_field, whole_number
from facilitator.models.charter import TEXT_MAX


class CharterForm(FlaskForm):
    text = TextAreaField(
        _l("The charter"),
        description=_l(
            'An empty line starts a new paragraph; a line that starts with "- " is an item '
            "of a list; **words between two pairs of stars** are shown in bold. "
            "At most %(max)d characters.",
            max=TEXT_MAX,
        ),
        render_kw={"rows": 18, "spellcheck": "true"},
    )
    must_reread = BooleanField(
        _l("Members must read it again"),
        description=_l(
            "Tick this when a rule is added, removed or changed: every member is then asked "
            "to read the charter again. Leave it unticked for a typo or a better wording."
        ),
    )
    base = HiddenField()  # the version the text was written from

    @property
    def base_number(self) -> int | None:
        return whole_number(self.base.data)


class ReviewForm(FlaskForm):
    review_on = date_field(
        _l("Next review"),
        description=_l("The co-responsible members are reminded on that day."),
    )
