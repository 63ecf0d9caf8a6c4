"""Polls for group decisions: asking, answering, closing, reminding, and
turning a date poll's winner into a meeting.

Co-responsible members ask; every member answers, and may change or take
back their answer until the poll closes (at its end, or earlier when a
co-responsible member closes it; the worker writes its end in the group's
history, ``record_ended``). A ballot is kept under a keyed hash of
(poll, member) (``tokens.keyed_hash``), so the app can find a member's own
ballot and tell whether a given member has answered, while the ballot
tables name nobody (see models/polls.py). An open poll's ballots are named
as well, in a table written for open polls only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from facilitator.domain.recurrence import to_aware, to_local
from facilitator.extensions import db
from facilitator.models import Group, Meeting, Membership, User
from facilitator.models.polls import (
    MAX_OPTIONS,
    MIN_OPTIONS,
    OPTION_MAX,
    QUESTION_MAX,
    Poll,
    PollBallot,
    PollChoice,
    PollKind,
    PollOpenVoter,
    PollOption,
)
from facilitator.services import audit, groups, notifications, schedule
from facilitator.services.errors import Conflict, DomainError, NotFound
from facilitator.services.sql import rows_changed
from facilitator.services.tokens import keyed_hash

# How far ahead a poll may close.
LONGEST = timedelta(days=366)
KINDS = tuple(PollKind)


class Closed(Conflict):
    message = _l("This poll is closed: answers are no longer accepted.")


class StillOpen(Conflict):
    message = _l("This poll is still open: its result is known once it closes.")


class AlreadyReminded(Conflict):
    message = _l("The members who had not answered have already been reminded once.")


class AlreadyDecided(Conflict):
    message = _l("This poll's date has already become a meeting.")


class NotALeader(Conflict):
    message = _l("Only an option chosen most often can become the meeting.")


class BadChoice(DomainError):
    message = _l("Choose one of the options in the list.")


# --- asking ------------------------------------------------------------------------


@dataclass
class OptionData:
    """One option as typed: words, a day and a time, or a first and last day."""

    label: str = ""
    day: date | None = None
    at: time | None = None
    last_day: date | None = None

    def blank(self) -> bool:
        return not self.label and self.day is None and self.at is None and self.last_day is None


@dataclass
class PollData:
    question: str
    kind: str
    multiple: bool
    secret: bool
    live_results: bool
    closes_on: date
    closes_time: time
    options: list[OptionData] = field(default_factory=list)


def _options(kind: str, typed: Sequence[OptionData], today: date) -> list[OptionData]:
    """The options that were filled in, checked for ``kind``; an error at the
    options names what is wrong."""
    options = [o for o in typed if not o.blank()]
    for option in options:
        if kind == PollKind.TEXT:
            if not option.label:
                raise DomainError(_l("Each option needs a text."), field="options")
            if len(option.label) > OPTION_MAX:
                raise DomainError(
                    _l("Use at most %(max)d characters per option.", max=OPTION_MAX),
                    field="options",
                )
        elif option.day is None or (kind == PollKind.DATES and option.at is None):
            message = (
                _l("Each date needs a day and a time.")
                if kind == PollKind.DATES
                else _l("Each period needs a first and a last day.")
            )
            raise DomainError(message, field="options")
        elif kind == PollKind.PERIODS and (option.last_day is None or option.last_day < option.day):
            raise DomainError(
                _l("Each period needs a first and a last day, the last not before the first."),
                field="options",
            )
        elif option.day < today:
            raise DomainError(_l("A date in the past cannot be proposed."), field="options")
    if len(options) < MIN_OPTIONS:
        raise DomainError(_l("Give at least two options."), field="options")
    if len(options) > MAX_OPTIONS:
        raise DomainError(_l("Give at most %(max)d options.", max=MAX_OPTIONS), field="options")
    seen: set[object] = set()
    for option in options:
        same = (
            " ".join(option.label.casefold().split())
            if kind == PollKind.TEXT
            else (option.day, option.at if kind == PollKind.DATES else option.last_day)
        )
        if same in seen:
            raise DomainError(_l("Each option may be given only once."), field="options")
        seen.add(same)
    return options


def create(group: Group, actor: User, data: PollData, now: datetime) -> Poll:
    """Ask the group a question (co-responsible members; the caller checks)."""
    if data.kind not in KINDS:
        raise NotFound()
    # Runs of spaces become one; a no-break space (French "?") stays.
    question = re.sub(r"[ \t\r\n]+", " ", data.question).strip()
    if not question:
        raise DomainError(_l("Write the question."), field="question")
    if len(question) > QUESTION_MAX:
        raise DomainError(_l("Use at most %(max)d characters.", max=QUESTION_MAX), field="question")
    today = to_local(now, group.timezone).date()
    options = _options(data.kind, data.options, today)
    closes_at = to_aware(datetime.combine(data.closes_on, data.closes_time), group.timezone)
    if closes_at <= now:
        raise DomainError(_l("Choose an end in the future."), field="closes_on")
    if closes_at > now + LONGEST:
        raise DomainError(_l("A poll stays open for a year at most."), field="closes_on")
    poll = Poll(
        group_id=group.id,
        created_by_id=actor.id,
        question=question,
        kind=data.kind,
        multiple=data.multiple,
        secret=data.secret,
        live_results=data.live_results,
        closes_at=closes_at,
    )
    for position, option in enumerate(options):
        poll.options.append(
            PollOption(
                position=position,
                label=option.label if data.kind == PollKind.TEXT else "",
                day=option.day,
                at=option.at if data.kind == PollKind.DATES else None,
                last_day=option.last_day if data.kind == PollKind.PERIODS else None,
            )
        )
    db.session.add(poll)
    db.session.flush()
    audit.record(group, actor, "poll_created", poll=poll.id, question=question)
    return poll


# --- reading -----------------------------------------------------------------------


def poll_in(group: Group, poll_id: int) -> Poll:
    """The group's poll ``poll_id`` with its options; NotFound for another group's."""
    poll = db.session.scalar(
        select(Poll)
        .options(selectinload(Poll.options))
        .where(Poll.id == poll_id, Poll.group_id == group.id)
    )
    if poll is None:
        raise NotFound()
    return poll


def option_in(poll: Poll, option_id: int) -> PollOption:
    for option in poll.options:
        if option.id == option_id:
            return option
    raise NotFound()


def voter_of(poll: Poll, user: User) -> str:
    """The keyed hash under which ``user``'s ballot on ``poll`` is kept."""
    return keyed_hash("poll", poll.id, user.id)


@dataclass
class Result:
    """What a poll page shows of a poll, for one reader."""

    poll: Poll
    is_open: bool
    closes: datetime  # local wall-clock time in the group's time zone
    end: datetime  # when it closed (or is to close), local
    mine: set[int] | None  # the reader's choices; None: not answered
    answers: int  # ballots cast
    shown: bool  # the counts are shown to members
    counts: dict[int, int] = field(default_factory=dict)
    names: dict[int, list[str | None]] = field(default_factory=dict)  # open polls
    leaders: list[PollOption] = field(default_factory=list)

    @property
    def most(self) -> int:
        return max(self.counts.values(), default=0)


def _results(polls: Sequence[Poll], group: Group, user: User, now: datetime) -> list[Result]:
    """The results of ``polls`` for ``user``, in a fixed number of statements."""
    ids = [p.id for p in polls]
    if not ids:
        return []
    mine_keys = {p.id: voter_of(p, user) for p in polls}
    answers: dict[int, int] = defaultdict(int)
    mine: dict[int, set[int]] = {}
    for poll_id, voter in db.session.execute(
        select(PollBallot.poll_id, PollBallot.voter).where(PollBallot.poll_id.in_(ids))
    ):
        answers[poll_id] += 1
        if voter == mine_keys[poll_id]:
            mine[poll_id] = set()
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for poll_id, voter, option_id in db.session.execute(
        select(PollChoice.poll_id, PollChoice.voter, PollChoice.option_id).where(
            PollChoice.poll_id.in_(ids)
        )
    ):
        counts[poll_id][option_id] += 1
        if voter == mine_keys[poll_id]:
            mine[poll_id].add(option_id)
    results = []
    for poll in polls:
        is_open = poll.is_open(now)
        shown = not is_open or poll.live_results
        result = Result(
            poll=poll,
            is_open=is_open,
            closes=to_local(poll.closes_at, group.timezone),
            end=to_local(poll.end(), group.timezone),
            mine=mine.get(poll.id),
            answers=answers[poll.id],
            shown=shown,
        )
        if shown:
            result.counts = {o.id: counts[poll.id].get(o.id, 0) for o in poll.options}
            if result.most:
                result.leaders = [o for o in poll.options if result.counts[o.id] == result.most]
        results.append(result)
    open_named = [r for r in results if r.shown and not r.poll.secret]
    if open_named:
        _add_names(open_named)
    return results


def _add_names(results: list[Result]) -> None:
    """Who chose what, on open polls (a deleted account: None)."""
    by_id = {r.poll.id: r for r in results}
    for poll_id, option_id, name in db.session.execute(
        select(PollChoice.poll_id, PollChoice.option_id, User.display_name)
        .join(
            PollOpenVoter,
            (PollOpenVoter.poll_id == PollChoice.poll_id)
            & (PollOpenVoter.voter == PollChoice.voter),
        )
        .outerjoin(User, User.id == PollOpenVoter.user_id)
        .where(PollChoice.poll_id.in_(by_id))
        .order_by(User.display_name)
    ):
        by_id[poll_id].names.setdefault(option_id, []).append(name)


def result(group: Group, poll: Poll, user: User, now: datetime) -> Result:
    return _results([poll], group, user, now)[0]


def polls_of(group: Group, user: User, now: datetime) -> list[Result]:
    """The group's polls for ``user``: the open ones first (closing soonest
    first), then the closed ones, latest first."""
    polls = db.session.scalars(
        select(Poll)
        .options(selectinload(Poll.options))
        .where(Poll.group_id == group.id)
        .order_by(Poll.closes_at.desc(), Poll.id.desc())
    ).all()
    results = _results(polls, group, user, now)
    opened = sorted((r for r in results if r.is_open), key=lambda r: r.poll.closes_at)
    closed = sorted((r for r in results if not r.is_open), key=lambda r: r.end, reverse=True)
    return opened + closed


def plain(option: PollOption) -> str | datetime | dict[str, date]:
    """An option as a plain value for a copy of one's data: its words, its
    local start, or its period (``{"from": …, "to": …}``)."""
    if option.day is None:
        return option.label
    if option.at is not None:
        return datetime.combine(option.day, option.at)
    return {"from": option.day, "to": option.last_day or option.day}


def answers_of(user: User) -> list[dict[str, Any]]:
    """The user's own answers, for their copy of their data: on open polls
    wherever (they are named there), and on the secret polls of their groups
    (found with the key, as the poll's page finds them)."""
    found = db.session.execute(
        select(Poll, Group.name)
        .join(Group, Group.id == Poll.group_id)
        .options(selectinload(Poll.options))
        .where(
            or_(
                Poll.group_id.in_(select(Membership.group_id).where(Membership.user_id == user.id)),
                Poll.id.in_(select(PollOpenVoter.poll_id).where(PollOpenVoter.user_id == user.id)),
            )
        )
        .order_by(Poll.created_at, Poll.id)
    ).all()
    keys = {poll.id: voter_of(poll, user) for poll, _name in found}
    chosen: dict[int, set[int]] = defaultdict(set)
    for poll_id, voter, option_id in db.session.execute(
        select(PollChoice.poll_id, PollChoice.voter, PollChoice.option_id).where(
            PollChoice.voter.in_(list(keys.values()))
        )
    ):
        if keys.get(poll_id) == voter:
            chosen[poll_id].add(option_id)
    return [
        {
            "group": name,
            "question": poll.question,
            "secret": poll.secret,
            "answer": [plain(o) for o in poll.options if o.id in chosen[poll.id]],
        }
        for poll, name in found
        if chosen[poll.id]
    ]


# --- answering ---------------------------------------------------------------------


def _forget(poll: Poll, voter: str) -> None:
    where = {"poll_id": poll.id, "voter": voter}
    for model in (PollOpenVoter, PollChoice, PollBallot):
        db.session.execute(delete(model).filter_by(**where))


def vote(poll: Poll, user: User, option_ids: Sequence[int], now: datetime) -> None:
    """Save ``user``'s answer (replacing an earlier one). The caller checks
    that ``user`` is a member of the poll's group."""
    if not poll.is_open(now):
        raise Closed()
    known = {o.id for o in poll.options}
    chosen = set(option_ids)
    if not chosen:
        message = _l("Tick at least one option.") if poll.multiple else _l("Choose an option.")
        raise DomainError(message, field="choice")
    if not chosen <= known or (not poll.multiple and len(chosen) > 1):
        raise BadChoice(field="choice")
    voter = voter_of(poll, user)
    _forget(poll, voter)
    try:
        with db.session.begin_nested():
            db.session.add(PollBallot(poll_id=poll.id, voter=voter))
            db.session.flush()
            db.session.add_all(
                PollChoice(poll_id=poll.id, voter=voter, option_id=option_id)
                for option_id in sorted(chosen)
            )
            if not poll.secret:
                db.session.add(PollOpenVoter(poll_id=poll.id, voter=voter, user_id=user.id))
            db.session.flush()
    except IntegrityError as exc:  # the same member's answer from two windows at once
        raise Conflict(_l("Your answer was saved a moment ago; check it below.")) from exc


def withdraw(poll: Poll, user: User, now: datetime) -> None:
    """Take back ``user``'s answer."""
    if not poll.is_open(now):
        raise Closed()
    _forget(poll, voter_of(poll, user))


def not_answered(group: Group, poll: Poll, actor: User) -> list[User]:
    """The members (but ``actor``) who have not answered: the app computes
    each member's keyed hash and looks for it among the ballots."""
    cast = set(db.session.scalars(select(PollBallot.voter).where(PollBallot.poll_id == poll.id)))
    return [
        user
        for user in groups.member_users(group)
        if user.id != actor.id and voter_of(poll, user) not in cast
    ]


# --- closing and reminding -------------------------------------------------------


def close(group: Group, poll: Poll, actor: User, now: datetime) -> None:
    """Close the poll before its end (a co-responsible member, once confirmed)."""
    closed = rows_changed(
        update(Poll)
        .where(Poll.id == poll.id, Poll.closed_at.is_(None), Poll.closes_at > now)
        .values(closed_at=now)
    )
    if not closed:
        raise Closed(_l("This poll is already closed."))
    poll.closed_at = now
    audit.record(group, actor, "poll_closed", poll=poll.id, question=poll.question)


def record_ended(now: datetime) -> int:
    """Write "the poll closed at its end date" in the history of the group of
    each poll that reached its end by ``now``, dated at that end. Once per
    poll: its ``closed_at`` becomes its end in a conditional update, so that
    workers running at once write it once. Returns how many; the caller
    commits (the worker's job)."""
    ended = db.session.execute(
        select(Poll.id, Poll.question, Poll.closes_at, Group)
        .join(Group, Group.id == Poll.group_id)
        .where(Poll.closed_at.is_(None), Poll.closes_at <= now)
        .order_by(Poll.closes_at, Poll.id)  # one order for every worker: no deadlock
    ).all()
    written = 0
    for poll_id, question, closes_at, group in ended:
        if rows_changed(
            update(Poll)
            .where(Poll.id == poll_id, Poll.closed_at.is_(None))
            .values(closed_at=closes_at)
        ):
            event = audit.record(group, None, "poll_ended", poll=poll_id, question=question)
            event.created_at = closes_at
            written += 1
    return written


def remind(group: Group, poll: Poll, actor: User, now: datetime, link: str) -> list[User]:
    """Write once to the members who have not answered ("a poll is waiting
    for you"); the email names nobody else and says nothing of the answers.
    Returns who is written to."""
    if not poll.is_open(now):
        raise Closed()
    if poll.reminded_at is not None:
        raise AlreadyReminded()
    recipients = not_answered(group, poll, actor)
    if not recipients:  # everybody has answered: the reminder stays for a newcomer
        return []
    claimed = rows_changed(
        update(Poll).where(Poll.id == poll.id, Poll.reminded_at.is_(None)).values(reminded_at=now)
    )
    if not claimed:  # another co-responsible member sent it a moment ago
        raise AlreadyReminded()
    poll.reminded_at = now
    closes = to_local(poll.closes_at, group.timezone)
    for user in recipients:
        discreet = notifications.discreet_for(user, group)
        subject = (
            (lambda: _("A poll of your group is waiting for your answer"))
            if discreet
            else (lambda: _("A poll of %(group)s is waiting for your answer", group=group.name))
        )
        notifications.deliver(
            user, subject, "mail/poll_waiting.txt", group=group, poll=poll, closes=closes, link=link
        )
    audit.record(group, actor, "poll_reminded", poll=poll.id, count=len(recipients))
    return recipients


# --- the winner becomes a meeting ------------------------------------------------


def check_meeting(
    group: Group, poll: Poll, option: PollOption, result: Result, now: datetime
) -> datetime:
    """Whether ``option`` of a closed date poll may become a meeting; its start."""
    if poll.kind != PollKind.DATES or option.start is None:
        raise NotFound()
    if result.is_open:
        raise StillOpen()
    if poll.meeting_id is not None:
        raise AlreadyDecided()
    if option not in result.leaders:
        raise NotALeader()
    if to_aware(option.start, group.timezone) <= now:
        raise Conflict(_l("This date has passed: plan another meeting instead."))
    return option.start


def to_meeting(
    group: Group,
    poll: Poll,
    option: PollOption,
    actor: User,
    now: datetime,
    duration_minutes: int,
    location: str,
) -> Meeting:
    """Plan a one-off meeting at the date chosen most often (a co-responsible
    member). The poll's question is not its title: a meeting's title goes
    into calendars, the question stays in the app."""
    start = check_meeting(group, poll, option, result(group, poll, actor, now), now)
    meeting = schedule.create_one_off(
        group,
        actor,
        schedule.MeetingData(start=start, duration_minutes=duration_minutes, location=location),
    )
    taken = rows_changed(
        update(Poll)
        .where(Poll.id == poll.id, Poll.meeting_id.is_(None))
        .values(meeting_id=meeting.id)
    )
    if not taken:  # another co-responsible member did it a moment ago
        raise AlreadyDecided()
    poll.meeting_id = meeting.id
    audit.record(
        group, actor, "poll_decided", poll=poll.id, question=poll.question, start=start.isoformat()
    )
    return meeting


def usual_duration(group: Group, today: date) -> int:
    """The length of the group's regular meetings (two hours without any)."""
    current = schedule.current_series(group, today)
    return current[0].duration_minutes if current else 120
