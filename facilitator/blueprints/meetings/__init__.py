"""Meetings: the schedule members see, and the changes co-responsibles make."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from facilitator.blueprints.common import field_error, load_group, page_of, render_form
from facilitator.blueprints.confirm import confirm_page, confirm_step
from facilitator.blueprints.feedback import flash_report, redirect_to
from facilitator.blueprints.meeting_page import CancelForm, show_page
from facilitator.i18n import current_language
from facilitator.services import clock, notifications, roles, rooms, schedule, unit
from facilitator.services.errors import DomainError

from . import labels, room_choice
from .forms import EndForm, MeetingForm, PauseForm, SeriesForm

bp = Blueprint(
    "meetings", __name__, template_folder="templates", url_prefix="/groups/<int:group_id>"
)
bp.record_once(labels.init_app)

PAST_PAGE_SIZE = 20
CONFIRM_LISTED = 12  # dates listed on a confirmation page; the others are counted
HOLIDAY_LOOKAHEAD = 12  # occurrences checked for public holidays after saving


def _with_holidays(group, items):
    schedule.mark_holidays(items, {group.id: group.canton}, current_language())
    return items


def _warn_holidays(group, series) -> None:
    upcoming = [
        o
        for o in schedule.occurrences(
            [group.id], series.start_date, series.start_date + timedelta(days=400)
        )
        if o.series is series
    ][:HOLIDAY_LOOKAHEAD]
    _with_holidays(group, upcoming)
    hits = [f"{labels.day_text(o.start, 'medium')} ({o.holiday})" for o in upcoming if o.holiday]
    if hits:
        flash(
            _(
                "Some meetings fall on a public holiday: %(dates)s. Cancel or move them if "
                "the room is closed.",
                dates="; ".join(hits),
            ),
            "warning",
        )


def _notify(group, keys: list[str], kind: str, previous=None) -> None:
    """Write to the people concerned by these meetings' change (the emails
    leave with the commit, whose report ``flash_report`` shows)."""
    for key in keys:
        link = url_for("meetings.show", group_id=group.id, key=key, _external=True)
        notifications.notify_meeting(
            group,
            schedule.find(group, key),
            kind,
            link,
            clock.now(),
            current_user._get_current_object(),
            previous=previous,
        )


@bp.get("/meetings")
@login_required
def index(group_id: int):
    """List the group's next meetings and its series."""
    group, membership = load_group(group_id)
    items = _with_holidays(group, schedule.upcoming([group.id], clock.now(), limit=None))
    series_list = schedule.current_series(group, clock.today(group.timezone))
    return render_template(
        "meetings/index.html",
        group=group,
        membership=membership,
        items=items,
        series_list=series_list,
        mine=roles.my_marks(current_user, group, clock.now()),
        room_due=rooms.due_for(group, membership, clock.today(group.timezone)),
    )


@bp.get("/meetings/past")
@login_required
def past(group_id: int):
    """Show the archive of past meetings, newest first."""
    group, membership = load_group(group_id)
    items = schedule.past([group.id], clock.now(), schedule.archive_start(group))
    shown, page, pages = page_of(items, PAST_PAGE_SIZE)
    return render_template(
        "meetings/past.html",
        group=group,
        membership=membership,
        items=shown,
        page=page,
        pages=pages,
        total=len(items),
    )


@bp.route("/series/new", methods=["GET", "POST"])
@login_required
def new_series(group_id: int):
    """Plan a recurring series, with a preview before saving."""
    group, membership = load_group(group_id, coresponsible=True)
    form = SeriesForm()
    room_choice.offer(form, group)
    if request.method == "GET":
        form.location.data = group.default_location
        form.start_date.data = None  # a day of the rhythm, picked by the person
    return _series_form(group, membership, form, None)


@bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
@login_required
def edit_series(group_id: int, series_id: int):
    """Change a series from a date on; earlier meetings stay as they were."""
    group, membership = load_group(group_id, coresponsible=True)
    series = schedule.series_in(group, series_id)
    form = SeriesForm()
    form.start_date.label.text = _("Change from")
    form.start_date.description = _(
        "Any date: the new rhythm goes on in step with the old one (a fortnightly series keeps "
        "its weeks)."
    )
    room_choice.offer(form, group, series.room_id)
    if request.method == "GET":
        form.fill_from(series, max(clock.today(group.timezone), series.start_date))
    return _series_form(group, membership, form, series)


def _series_form(group, membership, form, series):
    template = "meetings/series_form.html"
    context = {
        "group": group,
        "membership": membership,
        "series": series,
        "preview": None,
        "split": None,
    }
    if not form.validate_on_submit():
        return render_form(template, form, **context)
    data = form.to_series_data()
    today = clock.today(group.timezone)
    try:
        room = room_choice.picked(form, group)
        if room is not None:
            data.location = room.place
        if series is None:
            first = schedule.check_series(data, exact=True, today=today)
        else:
            context["split"] = schedule.plan_split(series, data)
            first = context["split"].first
        found = rooms.series_clashes(room, data, first, group, today)
        context["clashes"] = found
        if "preview" in request.form:
            dates = schedule.preview(data, limit=10) if series is None else context["split"].after
            context["preview"] = [
                (d, schedule.holiday_on(group.canton, d.date(), current_language())) for d in dates
            ]
            if found:
                context["clash_text"] = room_choice.warning(found)
            return render_template(template, form=form, **context)
        context["split"] = None
        if room_choice.stop_for(form, found):
            return render_template(template, form=form, **context), 409
        if series is None:
            saved = schedule.create_series(group, current_user, data, exact=True, today=today)
            rooms.book(saved, room, today)
            unit.commit()
            flash(_("The meetings have been planned."), "success")
        else:
            result = schedule.split(group, current_user, series, data)
            # In the room picked; in none when the centre lends no room (any more).
            rooms.book(result.series, room, today, previous=series)
            unit.commit()
            saved = result.series
            flash(
                _(
                    "The series has been changed from %(date)s on; the next meeting is on %(first)s.",
                    date=labels.day_text(data.start_date, "long"),
                    first=labels.day_text(saved.start_date, "full"),
                ),
                "success",
            )
            if result.carried:
                flash(
                    ngettext(
                        "%(num)d change to a single meeting (cancellation, move, note or roles) was kept.",
                        "%(num)d changes to single meetings (cancellations, moves, notes or roles) were kept.",
                        result.carried,
                    ),
                    "info",
                )
            if result.dropped:
                flash(
                    ngettext(
                        "%(num)d change to a single meeting no longer fits the new rhythm and was removed: %(dates)s.",
                        "%(num)d changes to single meetings no longer fit the new rhythm and were removed: %(dates)s.",
                        len(result.dropped),
                        dates=", ".join(labels.dropped_change(m) for m in result.dropped),
                    ),
                    "warning",
                )
    except schedule.OffRhythm as exc:
        exc.message = labels.off_rhythm(exc, data.start_time)
        return field_error(form, exc, template, **context)
    except (schedule.ScheduleError, DomainError) as exc:
        return field_error(form, exc, template, **context)
    _warn_holidays(group, saved)
    # the form posted to "#preview": land on the messages at the top of the page instead
    return redirect_to(url_for("meetings.index", group_id=group.id), "main")


def _form_again(form_class):
    """The form, posted; or on a GET, filled from the query (the way back from
    a confirmation keeps what was typed)."""
    if request.method == "GET" and request.args:
        return form_class(request.args, meta={"csrf": False})
    return form_class()


def _with_recipients(group, plan):
    """``plan``, with the people its change would email (counted on the page)."""
    plan.recipients = notifications.people_to_tell(
        group, plan.affected, clock.now(), current_user._get_current_object()
    )
    return plan


def _confirm(group, membership, plan, *, action: str, back: str, hidden: dict, act):
    """Show what a change will do and ask to confirm it (blueprints/confirm.py)."""
    return confirm_step(
        "meetings/confirm.html",
        plan.digest(),
        act,
        possible=bool(plan.affected),
        **_summary_context(group, membership, plan, action=action, back=back, hidden=hidden),
    )


def _summary(group, membership, plan, *, action: str, back: str, hidden: dict, changed: bool):
    """The confirmation page of ``plan``; after a confirmation that came too
    late (``changed``), with a warning and the status 409."""
    context = _summary_context(group, membership, plan, action=action, back=back, hidden=hidden)
    return confirm_page("meetings/confirm.html", plan.digest(), changed=changed, **context)


def _summary_context(group, membership, plan, *, action: str, back: str, hidden: dict) -> dict:
    return {
        "group": group,
        "membership": membership,
        "plan": plan,
        "action": action,
        "back": back,
        "hidden": hidden,
        "shown": plan.affected[:CONFIRM_LISTED],
        "more": max(len(plan.affected) - CONFIRM_LISTED, 0),
    }


@bp.route("/series/<int:series_id>/pause", methods=["GET", "POST"])
@login_required
def pause_series(group_id: int, series_id: int):
    """Cancel the meetings of a period in one step (a summer break), once confirmed."""
    group, membership = load_group(group_id, coresponsible=True)
    series = schedule.series_in(group, series_id)
    form = _form_again(PauseForm)
    context = {"group": group, "membership": membership, "series": series}
    if not form.validate_on_submit():
        return render_form("meetings/pause.html", form, **context)
    first, last, reason = form.first.data, form.last.data, form.reason.data
    try:
        plan = _with_recipients(group, schedule.plan_pause(series, first, last))
    except schedule.ScheduleError as exc:
        return field_error(form, exc, "meetings/pause.html", **context)

    def act():
        keys = schedule.pause(group, current_user, series, first, last, reason)
        _notify(group, keys, "cancelled")
        report = unit.commit()
        if not keys:  # another co-responsible member paused them a moment ago
            unit.rollback()
            again = _with_recipients(group, schedule.plan_pause(series, first, last))
            return _summary(group, membership, again, changed=True, **where)
        flash(
            ngettext(
                "%(num)d meeting has been cancelled.",
                "%(num)d meetings have been cancelled.",
                len(keys),
            ),
            "success",
        )
        flash_report(report)
        return redirect(url_for("meetings.index", group_id=group.id))

    hidden = {"first": first.isoformat(), "last": last.isoformat(), "reason": reason}
    where = {
        "action": url_for("meetings.pause_series", group_id=group.id, series_id=series.id),
        "hidden": hidden,
        "back": url_for("meetings.pause_series", group_id=group.id, series_id=series.id, **hidden),
    }
    return _confirm(group, membership, plan, act=act, **where)


@bp.route("/series/<int:series_id>/end", methods=["GET", "POST"])
@login_required
def end_series(group_id: int, series_id: int):
    """End a series: meetings from a date on go, earlier ones stay (once confirmed)."""
    group, membership = load_group(group_id, coresponsible=True)
    series = schedule.series_in(group, series_id)
    form = _form_again(EndForm)
    if request.method == "GET" and form.day.data is None:
        form.day.data = max(clock.today(group.timezone), series.start_date)
    if not form.validate_on_submit():
        return render_form(
            "meetings/end.html", form, group=group, membership=membership, series=series
        )
    day = form.day.data
    plan = schedule.plan_end(series, day)

    def act():
        deleted = schedule.end_series(group, current_user, series, day)
        unit.commit()
        if deleted:
            flash(_("The series has been deleted: it had no meeting before this date."), "success")
        else:
            flash(_("The series has been ended. Earlier meetings stay in the archive."), "success")
        return redirect(url_for("meetings.index", group_id=group.id))

    return _confirm(
        group,
        membership,
        plan,
        act=act,
        action=url_for("meetings.end_series", group_id=group.id, series_id=series.id),
        back=url_for(
            "meetings.end_series", group_id=group.id, series_id=series.id, day=day.isoformat()
        ),
        hidden={"day": day.isoformat()},
    )


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting(group_id: int):
    """Plan a one-off meeting."""
    group, membership = load_group(group_id, coresponsible=True)
    form = MeetingForm()
    room_choice.offer(form, group)
    if request.method == "GET":
        form.location.data = group.default_location
    context = {"group": group, "membership": membership, "occurrence": None}
    if form.validate_on_submit():
        data = form.to_meeting_data()
        try:
            room = _room_for_meeting(form, group, data, group.timezone, None)
        except _Wait as wait:
            page = render_template(
                "meetings/meeting_form.html", form=form, clash=wait.status == 409, **context
            )
            return page, wait.status
        meeting = schedule.create_one_off(group, current_user, data)
        rooms.place_meeting(meeting, room)
        unit.commit()
        holiday = schedule.holiday_on(group.canton, meeting.start.date(), current_language())
        flash(_("The meeting has been planned."), "success")
        if holiday:
            flash(_("This date is a public holiday: %(name)s.", name=holiday), "warning")
        return redirect(url_for("meetings.show", group_id=group.id, key=f"m{meeting.id}"))
    return render_form("meetings/meeting_form.html", form, **context)


class _Wait(Exception):
    """The meeting form is shown again before saving: a room that may not be
    picked (400), or a clash to answer (409)."""

    def __init__(self, status: int):
        self.status = status


def _room_for_meeting(form, group, data, timezone, occurrence):
    """The room a one-off meeting is in (picked on the form), or the series'
    room an occurrence stays in; the room's place becomes the meeting's.
    Raises _Wait when the form must be shown again (its fields say why)."""
    picked = None
    if occurrence is None or occurrence.series is None:
        try:
            picked = room_choice.picked(form, group)
        except DomainError as exc:
            form.room.errors = [*form.room.errors, str(exc.message)]
            raise _Wait(400) from exc
    room, found = rooms.meeting_room(group, data, timezone, occurrence, picked)
    if room_choice.stop_for(form, found):
        raise _Wait(409)
    return room


@bp.get("/meetings/<key>")
@login_required
def show(group_id: int, key: str):
    """Show one meeting."""
    group, membership = load_group(group_id)
    return show_page(group, membership, schedule.find(group, key), CancelForm())


@bp.route("/meetings/<key>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(group_id: int, key: str):
    """Move one meeting, or change its place or note."""
    group, membership = load_group(group_id, coresponsible=True)
    occurrence = schedule.find(group, key)
    form = MeetingForm()
    if occurrence.series is None:
        room_choice.offer(form, group, occurrence.meeting.room_id if occurrence.meeting else None)
    else:  # an occurrence is in its series' room (unless its place is changed)
        del form.room
        if occurrence.series.room_id is None:
            del form.room_anyway
    if request.method == "GET":
        form.fill_from(occurrence)
    context = {"group": group, "membership": membership, "occurrence": occurrence}
    if form.validate_on_submit():
        previous = occurrence.start
        data = form.to_meeting_data()
        try:
            room = _room_for_meeting(form, group, data, occurrence.timezone, occurrence)
        except _Wait as wait:
            page = render_template(
                "meetings/meeting_form.html", form=form, clash=wait.status == 409, **context
            )
            return page, wait.status
        schedule.change(group, current_user, occurrence, data)
        if occurrence.series is None and occurrence.meeting is not None:
            rooms.place_meeting(occurrence.meeting, room)
        _notify(group, [key], "changed", previous=previous)
        report = unit.commit()
        flash(_("The meeting has been changed."), "success")
        flash_report(report)
        return redirect(url_for("meetings.show", group_id=group.id, key=key))
    return render_form("meetings/meeting_form.html", form, **context)


@bp.route("/meetings/<key>/cancel", methods=["GET", "POST"])
@login_required
def cancel(group_id: int, key: str):
    """Cancel one meeting, with an optional reason, once confirmed."""
    group, membership = load_group(group_id, coresponsible=True)
    occurrence = schedule.find(group, key)
    if request.method == "GET":  # a link to the confirmation, the reason in the query
        form = CancelForm(request.args, meta={"csrf": False})
    else:
        form = CancelForm()
    if not form.validate():
        return show_page(group, membership, occurrence, form, 400)
    reason = form.reason.data or ""
    plan = _with_recipients(group, schedule.plan_cancel(occurrence))
    where = {
        "action": url_for("meetings.cancel", group_id=group.id, key=key),
        "back": url_for("meetings.show", group_id=group.id, key=key),
        "hidden": {"reason": reason},
    }

    def act():
        if not schedule.cancel(group, current_user, occurrence, reason):
            # Another co-responsible member cancelled it a moment ago and told
            # everyone: say so, and send nothing twice.
            unit.rollback()
            again = _with_recipients(group, schedule.plan_cancel(schedule.find(group, key)))
            return _summary(group, membership, again, changed=True, **where)
        _notify(group, [key], "cancelled")
        report = unit.commit()
        flash(_("The meeting has been cancelled."), "success")
        flash_report(report)
        return redirect(url_for("meetings.show", group_id=group.id, key=key))

    return _confirm(group, membership, plan, act=act, **where)


@bp.post("/meetings/<key>/restore")
@login_required
def restore(group_id: int, key: str):
    """Restore a cancelled meeting."""
    group, _membership = load_group(group_id, coresponsible=True)
    schedule.restore(group, current_user, schedule.find(group, key))
    unit.commit()
    flash(_("The meeting takes place again."), "success")
    return redirect(url_for("meetings.show", group_id=group.id, key=key))


@bp.route("/meetings/<key>/delete", methods=["GET", "POST"])
@login_required
def delete(group_id: int, key: str):
    """Delete a one-off meeting, once confirmed."""
    group, membership = load_group(group_id, coresponsible=True)
    occurrence = schedule.find(group, key)
    plan = schedule.plan_delete(occurrence)

    def act():
        schedule.delete_one_off(group, current_user, occurrence)
        unit.commit()
        flash(_("The meeting has been deleted."), "success")
        return redirect(url_for("meetings.index", group_id=group.id))

    return _confirm(
        group,
        membership,
        plan,
        act=act,
        action=url_for("meetings.delete", group_id=group.id, key=key),
        back=url_for("meetings.show", group_id=group.id, key=key),
        hidden={},
    )
