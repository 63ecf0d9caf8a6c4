from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField

from facilitator.blueprints.forms import max_length, required, strip
from facilitator.models.feeds import LABEL_MAX


class FeedLinkForm(FlaskForm):
    label = StringField(
        _l("Name of the link"),
        validators=[required(), max_length(LABEL_MAX)],
        filters=[strip],
        description=_l('Where you use it, e.g. "phone" or "Thunderbird at home".'),
    )


class DiscreetForm(FlaskForm):
    discreet = BooleanField(
        _l("Discreet titles in my calendar"),
        description=_l(
            'Meetings appear as "Meeting" instead of the group\'s name, without notes: '
            "nothing on a lock screen reveals what the group is about."
        ),
    )
