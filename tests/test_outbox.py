"""The email outbox: emails are saved with the change that causes them, sent
after the commit by a worker, tried again while the mail server is down,
given up when it refuses them for good, sent once even by several workers,
and forgotten once sent. Real SMTP where it matters (aiosmtpd)."""

from __future__ import annotations

import asyncio
import smtplib
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from facilitator import worker
from facilitator.extensions import db
from facilitator.models import OutboxMessage, RoleAssignment
from facilitator.models._common import utcnow
from facilitator.services import clock, jobs, mail, notifications, outbox, roles, schedule, unit

from .conftest import MAIL_LINK, MAIL_NOW, TEST_DATABASE_URL, confirmed, text_of

NOW, LINK = MAIL_NOW, MAIL_LINK


@pytest.fixture
def scene(mail_scene):
    """The shared mail scene, where Ben, Ana and Noé hold the first three
    roles of the meeting of 15 September."""
    s = mail_scene
    occurrence = schedule.find(s["group"], s["key"])
    for index, name in enumerate(("Ben", "Ana", "Noé")):
        roles.assign(
            s["group"], s["owner"], occurrence, s["roles"][index], 0, s["members"][name], NOW
        )
    unit.commit()
    return s


def _cancel_notices(s) -> None:
    """Queue the cancellation notices of the scene's meeting (to its three role holders)."""
    occurrence = schedule.find(s["group"], s["key"])
    notifications.notify_meeting(s["group"], occurrence, "cancelled", LINK, NOW, s["owner"])


def _rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.fixture
def no_sending(app, monkeypatch):
    """Emails stay in the outbox after the commit, as with a worker."""
    monkeypatch.setitem(app.config, "OUTBOX_DRAIN", "worker")


# --- saved with the change, sent after the commit ---------------------------


def test_a_change_and_its_emails_are_saved_together(scene, outbox, no_sending):
    s = scene
    _cancel_notices(s)
    report = unit.commit()
    assert (report.queued, len(report.people)) == (3, 3)
    rows = _rows()
    assert [r.status for r in rows] == ["waiting"] * 3
    assert all(r.message and "Subject:" in r.message for r in rows)
    assert outbox == []  # nothing left during the request


def test_emails_of_a_change_that_failed_to_commit_are_never_written(scene, outbox, monkeypatch):
    s = scene
    _cancel_notices(s)

    def broken():
        raise RuntimeError("the database went away")

    with monkeypatch.context() as patch:
        patch.setattr(db.session, "commit", broken)
        with pytest.raises(RuntimeError):
            unit.commit()
    unit.rollback()
    assert _rows() == []
    assert outbox == []


def test_a_page_never_waits_for_the_mail_server(app, client, login, scene, no_sending, monkeypatch):
    s = scene
    called = []
    monkeypatch.setattr(mail, "send", lambda message: called.append(message))
    login(s["owner"])
    response = confirmed(
        client, f"/groups/{s['group'].id}/meetings/{s['key']}/cancel", {"reason": "Neige"}
    )
    assert response.status_code == 302
    assert called == []
    assert "3 personnes vont être averties par e-mail." in text_of(client.get(response.location))
    assert len(_rows()) == 3


# --- retries, permanent failures, privacy -----------------------------------


def test_a_server_that_is_down_is_tried_again_later_and_the_email_leaves_once(
    scene, outbox, no_sending, monkeypatch
):
    s = scene
    _cancel_notices(s)
    unit.commit()
    start = utcnow()
    sent = []

    def down(message):
        raise mail.SendFailure("ConnectionRefusedError")

    monkeypatch.setattr(mail, "send", down)
    report = unit.send_waiting(start)
    assert (report.sent, report.retrying, report.failed) == (0, 3, 0)
    assert {r.next_attempt_at - start for r in _rows()} == {timedelta(minutes=1)}
    # Down for an hour: tried at growing intervals, never given up.
    moment = start
    while moment < start + timedelta(hours=1):
        moment += timedelta(minutes=1)
        unit.send_waiting(moment)
    assert {r.status for r in _rows()} == {"waiting"}
    assert max(r.attempts for r in _rows()) <= 7  # 1, 2, 4, 8, 16, 32 minutes…
    monkeypatch.setattr(mail, "send", sent.append)  # the server is back
    unit.send_waiting(moment + timedelta(hours=1))
    unit.send_waiting(moment + timedelta(hours=3))
    assert sorted(m["To"] for m in sent) == sorted(p.email for p in s["people"].values())
    rows = _rows()
    assert {r.status for r in rows} == {"sent"}
    assert {r.message for r in rows} == {None}  # no text stays once it has left


def test_the_wait_between_attempts_grows_to_an_hour():
    waits = [outbox.wait_before(n) for n in range(1, 10)]
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert waits[-1] == timedelta(hours=1)
    assert waits == sorted(waits)


def test_an_address_refused_for_good_is_given_up_at_once(scene, no_sending, monkeypatch):
    s = scene
    _cancel_notices(s)
    unit.commit()
    ben = s["people"]["Ben"].email

    def refuse_ben(message):
        if message["To"] == ben:
            raise mail._failure(smtplib.SMTPRecipientsRefused({ben: (550, b"no such user")}))

    monkeypatch.setattr(mail, "send", refuse_ben)
    report = unit.send_waiting(utcnow())
    assert (report.sent, report.failed, report.retrying) == (2, 1, 0)
    assert report.people_not_told == {s["people"]["Ben"].id}
    [refused] = [r for r in _rows() if r.status == "failed"]
    assert (refused.error, refused.message) == ("SMTPRecipientsRefused 550", None)
    assert unit.send_waiting(utcnow() + timedelta(days=1)).failed == 0  # never tried again


def test_a_message_failing_for_two_days_is_given_up(scene, no_sending, monkeypatch):
    s = scene
    _cancel_notices(s)
    unit.commit()

    def busy(message):
        raise mail.SendFailure("SMTPResponseException 451")

    monkeypatch.setattr(mail, "send", busy)
    unit.send_waiting(utcnow())
    report = unit.send_waiting(utcnow() + outbox.GIVE_UP_AFTER + timedelta(minutes=1))
    assert report.failed == 3
    assert {(r.status, r.message) for r in _rows()} == {("failed", None)}


def test_failures_are_sorted_into_permanent_and_passing():
    refused = smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"unknown")})
    greylisted = smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"later")})
    assert mail._failure(refused).permanent
    assert not mail._failure(greylisted).permanent
    assert mail._failure(smtplib.SMTPDataError(554, b"rejected")).permanent
    assert not mail._failure(smtplib.SMTPAuthenticationError(535, b"bad")).permanent
    assert not mail._failure(TimeoutError()).permanent
    assert "a@example.org" not in mail._failure(refused).reason


def test_the_purge_forgets_what_was_sent_long_ago_but_never_what_waits(
    app, scene, no_sending, outbox, monkeypatch
):
    s = scene
    monkeypatch.setattr(clock, "now", utcnow)
    _cancel_notices(s)
    unit.commit()
    first, second, _third = _rows()
    first.status, first.done_at, first.message = "sent", utcnow() - timedelta(days=31), None
    second.status, second.done_at, second.message = "sent", utcnow() - timedelta(days=2), None
    second_id = second.id
    unit.commit()
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0
    rows = _rows()
    assert len(rows) == 2 and second_id in {r.id for r in rows}
    assert "waiting" in {r.status for r in rows}


# --- what co-responsibles and operators see ---------------------------------


def test_the_meeting_page_counts_who_was_told_who_waits_and_who_failed(
    client, auth, login, scene, no_sending, monkeypatch
):
    s = scene
    _cancel_notices(s)
    unit.commit()
    ben, ana = s["people"]["Ben"].email, s["people"]["Ana"].email

    def some(message):
        if message["To"] == ben:
            raise mail.SendFailure("SMTPRecipientsRefused 550", permanent=True)
        if message["To"] == ana:
            raise mail.SendFailure("TimeoutError")

    monkeypatch.setattr(mail, "send", some)
    unit.send_waiting(utcnow())
    url = f"/groups/{s['group'].id}/meetings/{s['key']}"
    login(s["owner"])
    page = text_of(client.get(url))
    assert "E-mails au sujet de cette rencontre\xa0:" in page
    assert "1 personne avertie" in page
    assert "1 encore en attente" in page
    assert "1 personne injoignable\xa0: merci de la prévenir vous-même" in page
    auth.logout()
    login(s["people"]["Noé"])  # a member sees no counts
    assert "E-mails au sujet de cette rencontre" not in text_of(client.get(url))


def test_operators_see_stuck_emails_and_the_check_fails(app, scene, no_sending):
    s = scene
    _cancel_notices(s)
    unit.commit()
    runner = app.test_cli_runner()
    fresh = runner.invoke(args=["outbox", "--check"])
    assert fresh.exit_code == 0 and "Waiting: 3 (stuck for over 15 minutes: 0)" in fresh.output
    for row in _rows():
        row.created_at = utcnow() - timedelta(hours=1)
    unit.commit()
    stuck = runner.invoke(args=["outbox", "--check"])
    assert stuck.exit_code == 1
    assert "stuck for over 15 minutes: 3" in stuck.output
    assert "Worker last seen: never." in stuck.output


# --- the worker ---------------------------------------------------------------


def test_one_worker_round_sends_reminders_and_the_outbox_and_says_it_is_alive(
    app, scene, outbox, no_sending, monkeypatch
):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 9, 14, 8, 0, tzinfo=UTC))
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "Emails sent: 3," in result.output  # the three role holders' reminders
    assert len(outbox) == 3
    assert jobs.last_seen() is not None
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(RoleAssignment)
            .where(RoleAssignment.reminded_at.is_(None))
        )
        == 0
    )
    # The reminders are not due again for 15 minutes: a second round sends nothing.
    again = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert "Emails sent: 0," in again.output and len(outbox) == 3


def test_send_reminders_and_the_worker_run_the_same_reminder_job(app, scene, monkeypatch):
    ran = []
    job = worker.queue_and_send

    def watched(queue, when, now=None):
        ran.append(queue.__name__)
        return job(queue, when, now)

    monkeypatch.setattr(worker, "queue_and_send", watched)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["send-reminders"]).exit_code == 0
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    assert ran[:2] == ["queue_reminders", "queue_reminders"]


def test_a_worker_round_exits_non_zero_when_an_email_fails(app, scene, no_sending, monkeypatch):
    s = scene
    _cancel_notices(s)
    unit.commit()

    def down(message):
        raise mail.SendFailure("ConnectionRefusedError")

    monkeypatch.setattr(mail, "send", down)
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 1
    assert "to try again later: 3" in result.output


def test_a_scheduled_job_runs_once_per_period(app):
    start = utcnow()
    assert jobs.claim("purge", timedelta(hours=24), start)
    unit.commit()
    assert not jobs.claim("purge", timedelta(hours=24), start + timedelta(hours=23))
    unit.commit()
    assert jobs.claim("purge", timedelta(hours=24), start + timedelta(hours=24))
    unit.commit()


def test_the_worker_keeps_going_when_a_round_fails(app, monkeypatch):
    rounds = []
    stop = threading.Event()

    def flaky(now=None):
        rounds.append(1)
        if len(rounds) == 1:
            raise RuntimeError("database away")
        stop.set()
        return worker.Round()

    monkeypatch.setattr(worker, "run_round", flaky)
    monkeypatch.setitem(app.config, "WORKER_POLL_SECONDS", 0)
    worker.run(app, stop)
    assert len(rounds) == 2


def test_in_development_a_thread_sends_the_emails_right_after_the_commit(
    app, client, login, scene, outbox, monkeypatch
):
    s = scene
    monkeypatch.setitem(app.config, "OUTBOX_DRAIN", "thread")
    sender = worker.BackgroundSender(app)
    monkeypatch.setitem(app.extensions, unit.WAKE, sender.wake)
    try:
        login(s["owner"])
        confirmed(client, f"/groups/{s['group'].id}/meetings/{s['key']}/cancel", {"reason": ""})
        deadline = time.monotonic() + 10
        while len(outbox) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sorted(m["To"] for m in outbox) == sorted(p.email for p in s["people"].values())
    finally:
        sender.stop.set()
        sender.woken.set()
        sender._thread.join(5)


# --- several workers: each email once (PostgreSQL row locks) -----------------


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="parallel workers need PostgreSQL")
def test_several_workers_at_once_send_each_email_exactly_once(app, scene, no_sending, monkeypatch):
    s = scene
    for _ in range(5):
        _cancel_notices(s)
    unit.commit()
    assert len(_rows()) == 15
    sent: list[str] = []
    lock = threading.Lock()

    def slow(message):
        time.sleep(0.02)  # a real server takes its time: the workers overlap
        with lock:
            sent.append(message["Message-ID"])

    monkeypatch.setattr(mail, "send", slow)
    db.session.remove()
    barrier = threading.Barrier(4)

    def one_worker(_):
        with app.app_context():
            barrier.wait()
            return unit.send_waiting(utcnow()).sent

    with ThreadPoolExecutor(4) as pool:
        counts = list(pool.map(one_worker, range(4)))
    assert sum(counts) == 15
    assert len(sent) == len(set(sent)) == 15
    assert sum(1 for c in counts if c) >= 2  # the work was shared


# --- a real SMTP server: down, refusing, hanging, back ------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Handler:
    """An SMTP server that keeps what it receives, or refuses or hangs."""

    def __init__(self):
        self.received: list[bytes] = []
        self.mode = "accept"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "refuse":
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "hang":
            await asyncio.sleep(2)
        self.received.append(envelope.content)
        return "250 Message accepted"


class Server:
    """A local SMTP server on a fixed port that can be stopped and started again."""

    def __init__(self, port: int):
        self.port = port
        self.handler = Handler()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(app, monkeypatch):
    server = Server(_free_port())
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 1)
    yield server
    server.stop()


def test_a_real_mail_server_down_then_back_gets_every_email_once(scene, no_sending, smtp_server):
    server, handler = smtp_server, smtp_server.handler
    s = scene
    _cancel_notices(s)
    unit.commit()
    report = unit.send_waiting(utcnow())  # nothing listens yet
    assert report.retrying == 3
    server.start()
    unit.send_waiting(utcnow() + timedelta(minutes=2))
    unit.send_waiting(utcnow() + timedelta(minutes=5))
    assert len(handler.received) == 3
    server.stop()  # down again, with new emails to send
    occurrence = schedule.find(s["group"], s["key"])
    notifications.notify_meeting(s["group"], occurrence, "changed", LINK, NOW, s["owner"])
    unit.commit()
    assert unit.send_waiting(utcnow()).retrying == 3
    server.start()  # back
    unit.send_waiting(utcnow() + timedelta(minutes=2))
    unit.send_waiting(utcnow() + timedelta(minutes=5))
    ids = [
        line for m in handler.received for line in m.splitlines() if line.startswith(b"Message-ID")
    ]
    assert len(ids) == len(set(ids)) == 6  # every email once, none twice
    assert {r.status for r in _rows()} == {"sent"}


def test_a_real_mail_server_refusing_an_address_fails_it_for_good(scene, no_sending, smtp_server):
    server, handler = smtp_server, smtp_server.handler
    server.start()
    handler.mode = "refuse"
    _cancel_notices(scene)
    unit.commit()
    report = unit.send_waiting(utcnow())
    assert report.failed == 3
    assert {r.error for r in _rows()} == {"SMTPRecipientsRefused 550"}


def test_a_hanging_mail_server_holds_no_page_and_the_email_leaves_later(
    client, login, scene, no_sending, smtp_server, monkeypatch
):
    server, handler = smtp_server, smtp_server.handler
    server.start()
    handler.mode = "hang"
    s = scene
    login(s["owner"])
    during_request = []
    real_send = mail.send
    monkeypatch.setattr(mail, "send", during_request.append)
    response = confirmed(
        client, f"/groups/{s['group'].id}/meetings/{s['key']}/cancel", {"reason": ""}
    )
    assert response.status_code == 302
    assert during_request == []  # the page did not touch SMTP
    monkeypatch.setattr(mail, "send", real_send)
    report = unit.send_waiting(utcnow())  # the worker waits out the timeout, one message
    assert report.retrying >= 1
    handler.mode = "accept"
    time.sleep(2.5)  # the hung transactions end
    unit.send_waiting(utcnow() + timedelta(hours=1))
    unit.send_waiting(utcnow() + timedelta(hours=2))
    assert {r.status for r in _rows()} == {"sent"}
