"""Attendance: anonymous headcounts, intentions, and the yearly report."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from facilitator.blueprints.common import load_group
from facilitator.blueprints.feedback import flash_at, redirect_to
from facilitator.blueprints.meeting_page import HeadcountForm, show_page
from facilitator.errors import flash_error
from facilitator.i18n import locale_for
from facilitator.services import attendance, clock, schedule, unit
from facilitator.services.errors import DomainError

from .forms import DisableForm

bp = Blueprint(
    "attendance", __name__, template_folder="templates", url_prefix="/groups/<int:group_id>"
)


def _enabled_group(group_id: int, coresponsible: bool = False):
    group, membership = load_group(group_id, coresponsible=coresponsible)
    if not group.attendance_enabled:
        abort(404)
    return group, membership


@bp.post("/meetings/<key>/attendance")
@login_required
def record(group_id: int, key: str):
    """Record the number of participants (and newcomers) of a meeting."""
    group, membership = _enabled_group(group_id)
    occurrence = schedule.find(group, key)
    if not attendance.may_record(group, membership, occurrence):
        abort(403)
    form = HeadcountForm()
    if not form.validate():
        return show_page(group, membership, occurrence, status=400, headcount_form=form)
    try:
        attendance.record(
            group, membership, occurrence, form.participants.data, form.newcomers.data, clock.now()
        )
    except DomainError as exc:
        flash_error(exc, "headcount")
        return show_page(group, membership, occurrence, status=exc.status, headcount_form=form)
    unit.commit()
    flash_at("headcount", _("The headcount has been saved. Thank you."))
    return redirect_to(url_for("meetings.show", group_id=group.id, key=key), "headcount")


@bp.post("/meetings/<key>/intention")
@login_required
def intention(group_id: int, key: str):
    """Say I plan to come, I can't come, or take my answer back (from the
    meeting's page, or from the next-meeting card of the home page)."""
    group, membership = _enabled_group(group_id)
    occurrence = schedule.find(group, key)
    answer = {"yes": True, "no": False, "none": None}.get(request.form.get("answer", ""), "?")
    if answer == "?":
        abort(400)
    if request.form.get("back") == "home":
        place, target = "next-meeting", url_for("main.index")
    else:
        place, target = "intention", url_for("meetings.show", group_id=group.id, key=key)
    try:
        attendance.set_intention(group, current_user, occurrence, answer, clock.now())
    except DomainError as exc:
        flash_error(exc, place)
        if place == "next-meeting":
            return redirect_to(target, place)
        return show_page(group, membership, occurrence, status=exc.status)
    unit.commit()
    flash_at(place, _("Your answer has been saved. Only the number of answers is shown."))
    return redirect_to(target, place)


def _period(group):
    """The requested period: ?year=2026, or ?from=…&to=…; this year by default."""
    today = clock.today(group.timezone)
    try:
        if request.args.get("from") or request.args.get("to"):
            first = date.fromisoformat(request.args.get("from", ""))
            last = date.fromisoformat(request.args.get("to", ""))
            if last < first or (last - first).days > 3 * 366:
                abort(400)
            return first, last, None
        year = int(request.args.get("year", today.year))
        if not 2000 <= year <= today.year + 1:
            abort(400)
        return date(year, 1, 1), date(year, 12, 31), year
    except ValueError:
        abort(400)


def _csv_labels():
    return {
        "date": _("Date"),
        "status": _("Status"),
        "participants": _("Participants"),
        "newcomers": _("Newcomers"),
        "held": _("held"),
        "cancelled": _("cancelled"),
        "planned": _("to come"),
    }


@bp.get("/attendance")
@login_required
def stats(group_id: int):
    """Show the attendance figures of a year or a period."""
    group, membership = _enabled_group(group_id)
    first, last, year = _period(group)
    result = attendance.stats(group, first, last, clock.now())
    return render_template(
        "attendance/stats.html",
        group=group,
        membership=membership,
        result=result,
        year=year,
        chart=attendance.chart(result),
        labels=_csv_labels(),
    )


@bp.get("/attendance.csv")
@login_required
def stats_csv(group_id: int):
    """Download the figures as CSV, one row per meeting."""
    group, _membership = _enabled_group(group_id)
    first, last, _year = _period(group)
    body = attendance.to_csv(attendance.stats(group, first, last, clock.now()), _csv_labels())
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="attendance-{first}-{last}.csv"'
    )
    return response


@bp.get("/attendance/report")
@login_required
def report(group_id: int):
    """A printable one-page report for the cantonal self-help centre."""
    group, membership = _enabled_group(group_id)
    first, last, year = _period(group)
    result = attendance.stats(group, first, last, clock.now())
    # For the cantonal centre: in the group's language, whatever the reader's.
    with force_locale(locale_for(group.language)):
        return render_template(
            "attendance/report.html",
            group=group,
            membership=membership,
            result=result,
            year=year,
            chart=attendance.chart(result),
        )


@bp.route("/attendance/settings", methods=["GET", "POST"])
@login_required
def settings(group_id: int):
    """Turn attendance on, or off (keeping or deleting the figures)."""
    group, membership = load_group(group_id, coresponsible=True)
    form = DisableForm()
    if request.method == "POST":
        if not group.attendance_enabled:
            attendance.enable(group, current_user)
            unit.commit()
            flash(_("Attendance is on."), "success")
            return redirect(url_for("attendance.stats", group_id=group.id))
        if form.validate():
            deleted = attendance.disable(group, current_user, form.figures.data == "delete")
            unit.commit()
            if form.figures.data == "delete":
                flash(
                    ngettext(
                        "Attendance is off and %(num)d recorded figure has been deleted.",
                        "Attendance is off and %(num)d recorded figures have been deleted.",
                        deleted,
                    ),
                    "success",
                )
            else:
                flash(_("Attendance is off. The figures are kept."), "success")
            return redirect(url_for("groups.show", group_id=group.id))
        return render_template(
            "attendance/settings.html", group=group, membership=membership, form=form
        ), 400
    return render_template(
        "attendance/settings.html", group=group, membership=membership, form=form
    )
