"""How meetings and rhythms read in the reader's language."""

from __future__ import annotations

from types import SimpleNamespace

from babel.lists import format_list
from flask_babel import get_locale, lazy_pgettext, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from facilitator.domain import recurrence as rec
from facilitator.formatting import day_text, time_text, when_text

from .rule_form import weekday_names

WHICH = {
    1: _l("the first %(weekday)s"),
    2: _l("the second %(weekday)s"),
    3: _l("the third %(weekday)s"),
    4: _l("the fourth %(weekday)s"),
    5: _l("the fifth %(weekday)s"),
    -1: _l("the last %(weekday)s"),
}
# Sunday is feminine in Italian ("la prima domenica"): its own context.
WHICH_SUNDAY = {
    1: lazy_pgettext("sunday", "the first %(weekday)s"),
    2: lazy_pgettext("sunday", "the second %(weekday)s"),
    3: lazy_pgettext("sunday", "the third %(weekday)s"),
    4: lazy_pgettext("sunday", "the fourth %(weekday)s"),
    5: lazy_pgettext("sunday", "the fifth %(weekday)s"),
    -1: lazy_pgettext("sunday", "the last %(weekday)s"),
}


def rhythm(series) -> str:
    """ "Every 2 weeks on Tuesday at 19:00" in the reader's language."""
    rule = series.rule
    names = dict(weekday_names(in_sentence=True))
    at = time_text(series.start_time)
    n = rule.interval
    if rule.freq == rec.WEEKLY:
        days = format_list([names[d] for d in rule.byday], locale=get_locale())
        return ngettext(
            "Every week on %(days)s at %(time)s",
            "Every %(num)d weeks on %(days)s at %(time)s",
            n,
            days=days,
            time=at,
        )
    if rule.freq == rec.MONTHLY and rule.setpos is not None:
        phrases = WHICH_SUNDAY if rule.byday[0] == "SU" else WHICH
        which = str(phrases[rule.setpos]) % {"weekday": names[rule.byday[0]]}
        return ngettext(
            "Every month on %(which)s at %(time)s",
            "Every %(num)d months on %(which)s at %(time)s",
            n,
            which=which,
            time=at,
        )
    if rule.freq == rec.MONTHLY:
        return ngettext(
            "Every month on day %(day)d at %(time)s",
            "Every %(num)d months on day %(day)d at %(time)s",
            n,
            day=rule.monthday,
            time=at,
        )
    return ngettext("Every day at %(time)s", "Every %(num)d days at %(time)s", n, time=at)


def slot_text(occurrence) -> str:
    """ "Thursday 14 January 2027, 18:30-20:00": a meeting's day and times, short."""
    return _(
        "%(day)s, %(start)s–%(end)s",
        day=day_text(occurrence.start, "full"),
        start=time_text(occurrence.start),
        end=time_text(occurrence.end),
    )


def span(series) -> str:
    """ "From 1 September 2026 until 15 December 2026" and the like."""
    rule = series.rule
    start = day_text(series.start_date, "long")
    if rule.until:
        return _("From %(start)s until %(end)s", start=start, end=day_text(rule.until, "long"))
    if rule.count:
        return ngettext(
            "From %(start)s, %(num)d meeting",
            "From %(start)s, %(num)d meetings",
            rule.count,
            start=start,
        )
    return _("From %(start)s, with no end date", start=start)


NOT_A = _l("%(date)s is not a %(weekday)s; choose, for example, %(first)s or %(second)s.")
# Sunday is feminine in Italian ("una domenica"): its own context.
NOT_A_SUNDAY = lazy_pgettext(
    "sunday", "%(date)s is not a %(weekday)s; choose, for example, %(first)s or %(second)s."
)
OFF_RHYTHM = _l(
    "%(date)s does not fit the chosen rhythm (%(rhythm)s); choose, for example, "
    "%(first)s or %(second)s."
)


def off_rhythm(exc, start_time) -> str:
    """Why the first meeting chosen does not fit the rhythm, naming both and
    two days that fit: "Mercredi 9 décembre 2026 n'est pas un mardi ; …"."""
    rule = exc.rule
    values = {
        "date": day_text(exc.day, "full"),
        "first": day_text(exc.suggestions[0], "full"),
        "second": day_text(exc.suggestions[1], "full"),
    }
    if rule.freq == rec.WEEKLY and len(rule.byday) == 1:
        code = rule.byday[0]
        values["weekday"] = dict(weekday_names(in_sentence=True))[code]
        text = str(NOT_A_SUNDAY if code == "SU" else NOT_A) % values
    else:
        described = rhythm(SimpleNamespace(rule=rule, start_time=start_time))
        values["rhythm"] = described[:1].lower() + described[1:]
        text = str(OFF_RHYTHM) % values
    return text[:1].upper() + text[1:]


def dropped_change(change) -> str:
    """A change to a single meeting that a new rhythm drops (a
    schedule.DroppedChange), and what it was: "mardi 13 octobre 2026 (annulée)"."""
    what = []
    if change.cancelled:
        what.append(_("cancelled"))
    if change.start != change.original_start:
        what.append(_("moved"))
    if change.details:
        what.append(_("other details changed"))
    if change.roles:
        what.append(ngettext("%(num)d role taken", "%(num)d roles taken", change.roles))
    day = day_text(change.original_start, "full")
    return f"{day} ({format_list(what, locale=get_locale())})" if what else day


def init_app(state) -> None:
    app = state.app
    app.add_template_filter(day_text, "day")
    app.add_template_filter(time_text, "clock")
    app.add_template_filter(when_text, "when")
    app.add_template_filter(rhythm, "rhythm")
    app.add_template_filter(span, "span")
    app.add_template_filter(slot_text, "slot")
    app.add_template_filter(dropped_change, "dropped_change")
