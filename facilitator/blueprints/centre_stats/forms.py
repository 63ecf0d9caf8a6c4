"""The period of the centre's statistics (a GET form) and sharing the figures."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import Optional

from facilitator.blueprints.forms import REQUIRED, WholeNumberField, date_field, sharing_field
from facilitator.services import centre_stats, clock


class PeriodForm(FlaskForm):
    """A year (the last complete one by default), or a period from ... to."""

    class Meta:
        csrf = False  # a GET form: it only chooses what to show

    year = WholeNumberField(_l("Year"), validators=[Optional()])
    start = date_field(
        _l("From"),
        required=False,
        description=_l("Or a period of your own: its two dates replace the year."),
    )
    end = date_field(_l("Until (inclusive)"), required=False)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.start.data or self.end.data:
            for missing in (f for f in (self.start, self.end) if f.data is None):
                missing.errors = [*missing.errors, str(REQUIRED)]
                return False
            if self.end.data < self.start.data:
                self.end.errors = [str(_l("The end of the period cannot be before its start."))]
                return False
            if (self.end.data - self.start.data).days > centre_stats.MAX_YEARS * 366:
                self.end.errors = [
                    str(
                        _l(
                            "A period covers at most %(num)d years.",
                            num=centre_stats.MAX_YEARS,
                        )
                    )
                ]
                return False
            return True
        latest = clock.today().year
        if self.year.data is not None and not (
            centre_stats.EARLIEST_YEAR <= self.year.data <= latest
        ):
            self.year.errors = [
                str(
                    _l(
                        "Choose a year between %(first)s and %(last)s.",
                        first=centre_stats.EARLIEST_YEAR,
                        last=latest,
                    )
                )
            ]
            return False
        return True

    def period(self):
        """(first, last, year or None) once valid."""
        if self.start.data and self.end.data:
            return self.start.data, self.end.data, None
        year = self.year.data or centre_stats.default_year(clock.today())
        return date(year, 1, 1), date(year, 12, 31), year


class SharingForm(FlaskForm):
    share = sharing_field(
        _l("Share our yearly figures"), _l("Yes, share them"), _l("No, do not share them")
    )
