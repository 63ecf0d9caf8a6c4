"""Polls: the group decides together (a question, dates or periods to choose
from, a secret or open ballot)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from facilitator.blueprints.common import field_error, load_group
from facilitator.blueprints.confirm import confirm_step, digest_of
from facilitator.blueprints.feedback import flash_at, flash_report, redirect_to
from facilitator.errors import flash_error
from facilitator.formatting import day_text, when_text
from facilitator.models.polls import PollKind
from facilitator.services import clock, polls, schedule, unit
from facilitator.services.errors import DomainError, NotFound

from .forms import MeetingFromPollForm, PollForm, VoteForm

bp = Blueprint("polls", __name__, template_folder="templates", url_prefix="/groups/<int:group_id>")

DEFAULT_DAYS = 7  # a new poll is open for a week unless told otherwise
DEFAULT_CLOSING = time(20)


def answer_text(value) -> str:
    """An option's plain value (``polls.plain``) as members read it: its
    words, its date and time, or its period."""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return when_text(value)
    if value["to"] == value["from"]:
        return day_text(value["from"])
    return _("%(first)s to %(last)s", first=day_text(value["from"]), last=day_text(value["to"]))


def option_text(option) -> str:
    return answer_text(polls.plain(option))


bp.add_app_template_filter(answer_text, "answer_text")
bp.add_app_template_filter(option_text, "option_text")


def _poll(group_id: int, poll_id: int, coresponsible: bool = False):
    group, membership = load_group(group_id, coresponsible=coresponsible)
    return group, membership, polls.poll_in(group, poll_id)


def _show(group, membership, poll, form=None, status=200):
    """The poll's page (after a refused answer, with the form as sent)."""
    now = clock.now()
    result = polls.result(group, poll, current_user, now)
    if form is None:
        form = VoteForm(formdata=None, choice=sorted(result.mine or ()))
    form.choice.choices = [(o.id, option_text(o)) for o in poll.options]
    series = []
    if not result.is_open and poll.kind == PollKind.PERIODS and membership.is_coresponsible:
        series = schedule.current_series(group, clock.today(group.timezone))
    return render_template(
        "polls/show.html",
        group=group,
        membership=membership,
        poll=poll,
        result=result,
        form=form,
        series=series,
    ), status


def _refused(group, membership, poll, exc: DomainError, place: str | None = None):
    """The poll's page, saying why (beside ``place``), with the error's status;
    nothing of the request is saved."""
    flash_error(exc, place)
    return _show(group, membership, poll, status=exc.status)


@bp.get("/polls")
@login_required
def index(group_id: int):
    """List the group's polls: the open ones, then the closed ones with their result."""
    group, membership = load_group(group_id)
    return render_template(
        "polls/index.html",
        group=group,
        membership=membership,
        results=polls.polls_of(group, current_user, clock.now()),
    )


@bp.route("/polls/new/<kind>", methods=["GET", "POST"])
@login_required
def new(group_id: int, kind: str):
    """Ask the group a question (co-responsible members)."""
    group, membership = load_group(group_id, coresponsible=True)
    if kind not in polls.KINDS:
        abort(404)
    form = PollForm()
    if request.method == "GET":
        form.closes_on.data = clock.today(group.timezone) + timedelta(days=DEFAULT_DAYS)
        form.closes_time.data = DEFAULT_CLOSING
        if kind != PollKind.TEXT:
            form.answers.data = "several"  # dates: say every date one can come
    context = {"group": group, "membership": membership, "kind": kind}
    if request.method == "POST" and request.form.get("more"):
        if not form.add_rows():
            form.options.errors = [_("A poll has at most %(max)d options.", max=len(form.options))]
        return render_template("polls/form.html", form=form, **context), 200
    if not form.validate_on_submit():
        return render_template("polls/form.html", form=form, **context), (
            400 if form.errors else 200
        )
    try:
        poll = polls.create(group, current_user, form.to_poll_data(PollKind(kind)), clock.now())
    except DomainError as exc:
        if exc.field == "options":
            unit.rollback()
            form.options.errors = [str(exc.message)]
            return render_template("polls/form.html", form=form, **context), exc.status
        return field_error(form, exc, "polls/form.html", **context)
    unit.commit()
    flash(_("The poll is open. The members see it under Polls."), "success")
    return redirect(url_for("polls.show", group_id=group.id, poll_id=poll.id))


@bp.get("/polls/<int:poll_id>")
@login_required
def show(group_id: int, poll_id: int):
    """Show a poll: the question, my answer, and the results when they are shown."""
    group, membership, poll = _poll(group_id, poll_id)
    return _show(group, membership, poll)


@bp.post("/polls/<int:poll_id>/vote")
@login_required
def vote(group_id: int, poll_id: int):
    """Save my answer, change it, or take it back."""
    group, membership, poll = _poll(group_id, poll_id)
    form = VoteForm()
    form.choice.choices = [(o.id, option_text(o)) for o in poll.options]
    withdrawing = request.form.get("withdraw") == "1"
    try:
        if withdrawing:
            polls.withdraw(poll, current_user, clock.now())
        elif not form.validate():
            unit.rollback()
            return _show(group, membership, poll, form, 400)
        else:
            polls.vote(poll, current_user, form.choice.data or [], clock.now())
    except DomainError as exc:
        if exc.field:
            unit.rollback()
            form.choice.errors = [*form.choice.errors, str(exc.message)]
            return _show(group, membership, poll, form, exc.status)
        return _refused(group, membership, poll, exc, "vote")
    unit.commit()
    if withdrawing:
        flash_at("vote", _("Your answer has been taken back."))
    elif poll.secret:
        flash_at("vote", _("Your answer has been saved. Nobody can see what you chose."))
    else:
        flash_at("vote", _("Your answer has been saved."))
    return redirect_to(url_for("polls.show", group_id=group.id, poll_id=poll.id), "vote")


@bp.route("/polls/<int:poll_id>/close", methods=["GET", "POST"])
@login_required
def close(group_id: int, poll_id: int):
    """Close a poll before its end, once confirmed (co-responsible members)."""
    group, membership, poll = _poll(group_id, poll_id, coresponsible=True)
    now = clock.now()
    result = polls.result(group, poll, current_user, now)
    if not result.is_open:
        return _refused(group, membership, poll, polls.Closed(_("This poll is already closed.")))

    def act():
        try:
            polls.close(group, poll, current_user, now)
        except DomainError as exc:
            return _refused(group, membership, poll, exc)
        unit.commit()
        flash(_("The poll is closed. Its result is shown to every member."), "success")
        return redirect(url_for("polls.show", group_id=group.id, poll_id=poll.id))

    return confirm_step(
        "polls/close.html",
        digest_of("close", poll.id, result.answers),
        act,
        group=group,
        membership=membership,
        poll=poll,
        result=result,
    )


@bp.route("/polls/<int:poll_id>/remind", methods=["GET", "POST"])
@login_required
def remind(group_id: int, poll_id: int):
    """Write once to the members who have not answered, once confirmed."""
    group, membership, poll = _poll(group_id, poll_id, coresponsible=True)
    now = clock.now()
    result = polls.result(group, poll, current_user, now)
    if not result.is_open or poll.reminded_at is not None:
        error = polls.Closed() if not result.is_open else polls.AlreadyReminded()
        return _refused(group, membership, poll, error, "remind")

    def act():
        link = url_for("polls.show", group_id=group.id, poll_id=poll.id, _external=True)
        try:
            recipients = polls.remind(group, poll, current_user, now, link)
        except DomainError as exc:
            return _refused(group, membership, poll, exc, "remind")
        report = unit.commit()
        if not recipients:  # they all answered since the page was shown
            flash_at("remind", _("Everybody has answered: nobody needed a reminder."), "info")
        flash_report(report, "remind")
        return redirect_to(url_for("polls.show", group_id=group.id, poll_id=poll.id), "remind")

    # the count only: who has not answered a secret poll stays unknown
    waiting = len(polls.not_answered(group, poll, current_user))
    return confirm_step(
        "polls/remind.html",
        digest_of("remind", poll.id, waiting),
        act,
        possible=waiting > 0,
        group=group,
        membership=membership,
        poll=poll,
        result=result,
        waiting=waiting,
    )


@bp.route("/polls/<int:poll_id>/options/<int:option_id>/meeting", methods=["GET", "POST"])
@login_required
def meeting(group_id: int, poll_id: int, option_id: int):
    """Plan a meeting at the date chosen most often (co-responsible members)."""
    group, membership, poll = _poll(group_id, poll_id, coresponsible=True)
    option = polls.option_in(poll, option_id)
    now = clock.now()
    result = polls.result(group, poll, current_user, now)
    try:
        start = polls.check_meeting(group, poll, option, result, now)
    except NotFound:
        raise  # not a date poll: no such page
    except DomainError as exc:
        return _refused(group, membership, poll, exc)
    form = MeetingFromPollForm(start=start)
    if request.method == "GET":
        minutes = polls.usual_duration(group, clock.today(group.timezone))
        end = start + timedelta(minutes=minutes)
        form.end_time.data = end.time() if end.date() == start.date() else time(23, 59)
        form.location.data = group.default_location
    context = {"group": group, "membership": membership, "poll": poll, "start": start}
    if not form.validate_on_submit():
        return render_template("polls/meeting.html", form=form, **context), (
            400 if form.errors else 200
        )
    try:
        created = polls.to_meeting(
            group, poll, option, current_user, now, form.duration_minutes, form.location.data or ""
        )
    except DomainError as exc:
        return field_error(form, exc, "polls/meeting.html", **context)
    unit.commit()
    flash(_("The meeting has been planned."), "success")
    return redirect(url_for("meetings.show", group_id=group.id, key=f"m{created.id}"))
