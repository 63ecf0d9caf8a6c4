"""flask commands: demo data and maintenance."""

from __future__ import annotations

import signal
import sys
import threading

import click
from flask import current_app, url_for
from flask_babel import force_locale
from sqlalchemy import func, select

from facilitator import worker
from facilitator.demo import (
    DEMO_DOMAIN,
    DEMO_EMAILS,
    DEMO_ENVIRONMENTS,
    DEMO_GROUPS,
    DEMO_PASSWORD,
    demo_present,
    load_demo_data,
    reset_demo_data,
)
from facilitator.extensions import db
from facilitator.models import User
from facilitator.models._common import utcnow
from facilitator.services import clock, jobs, outbox, retention, unit
from facilitator.services.errors import DomainError


@click.command("demo-data")
@click.option("--reset", is_flag=True, help="Delete the existing demo data first.")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) if any account exists.")
@click.option(
    "--i-know-this-is-production",
    "outside_development",
    is_flag=True,
    help="Load it although FACILITATOR_ENV is not development (a staging site).",
)
def demo_data_command(reset: bool, if_empty: bool, outside_development: bool) -> None:
    """Load demo groups in Lausanne (French) and Lugano (Italian)."""
    environment = current_app.config["ENV_NAME"]
    if environment not in DEMO_ENVIRONMENTS and not outside_development:
        raise click.ClickException(
            f"Refused: FACILITATOR_ENV is {environment!r}. The demo data creates "
            f"{len(DEMO_EMAILS)} accounts whose password ({DEMO_PASSWORD}) is published: "
            "anyone could log in with them. Load it with FACILITATOR_ENV=development, or add "
            "--i-know-this-is-production on a staging site that holds no real data."
        )
    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        click.echo("The database already holds data: demo data not loaded.")
        return
    if demo_present():
        if not reset:
            raise click.ClickException(
                "Demo data is already loaded. Use --reset to delete and load it again."
            )
        try:
            with force_locale("en"):
                reset_demo_data()
        except DomainError as error:  # a demo account holds another group
            unit.rollback()
            raise click.ClickException(f"Nothing deleted: {error.message}") from error
    tokens = load_demo_data()
    base = current_app.config["BASE_URL"]
    click.echo("Demo data loaded.")
    click.echo(f"Log in at {base}/auth/login with one of these accounts, password {DEMO_PASSWORD}:")
    for spec in DEMO_GROUPS:
        for login, name, _locale, coresp in spec["members"]:
            role = "co-responsible" if coresp else "member"
            click.echo(f"  {login + '@' + DEMO_DOMAIN:<36} {name} ({role}, {spec['data'].name})")
    with current_app.test_request_context(base_url=base):
        for spec, (token, feed_token) in zip(DEMO_GROUPS, tokens, strict=True):
            name = spec["data"].name
            link = url_for("groups.invitation", token=token, _external=True)
            click.echo(f"Pending invitation to {name}: {link}")
            feed = url_for("feeds.feed", token=feed_token, _external=True)
            click.echo(f"Calendar feed of {name} (subscribe to it): {feed}")


@click.command("send-reminders")
def send_reminders_command() -> None:
    """Email each role holder before their meeting, then send what the outbox
    holds (the worker does both by itself; this is for cron). Exits with 1
    when an email could not be sent."""
    now = clock.now()
    queued = worker.queue_reminders(now)
    unit.commit(send=False)
    report = unit.send_waiting()
    click.echo(
        f"Reminders queued: {queued}. Emails sent: {report.sent}, "
        f"to try again later: {report.retrying}, given up: {report.failed}."
    )
    if not report.ok:
        sys.exit(1)


@click.command("worker")
@click.option("--once", is_flag=True, help="Run one round and exit (1 if an email failed).")
def worker_command(once: bool) -> None:
    """Send the outbox's emails and run the reminders and the purge on schedule."""
    if once:
        result = worker.run_round()
        click.echo(
            f"Emails sent: {result.mail.sent}, to try again later: {result.mail.retrying}, "
            f"given up: {result.mail.failed}."
        )
        if not result.mail.ok:
            sys.exit(1)
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_args: stop.set())
    click.echo("facilitator worker running (Ctrl-C or SIGTERM stops it after the current email).")
    worker.run(current_app._get_current_object(), stop)  # type: ignore[attr-defined]


@click.command("outbox")
@click.option("--check", is_flag=True, help="Exit with 1 when emails are stuck or were given up.")
def outbox_command(check: bool) -> None:
    """Count the emails waiting, stuck and given up, and say when a worker was last seen."""
    state = outbox.backlog(utcnow())
    seen = jobs.last_seen()
    click.echo(f"Waiting: {state.waiting} (stuck for over 15 minutes: {state.stuck}).")
    click.echo(f"Given up in the last 24 hours: {state.failed_recently}.")
    click.echo(f"Worker last seen: {seen.isoformat(timespec='seconds') if seen else 'never'}.")
    if check and (state.stuck or state.failed_recently):
        sys.exit(1)


@click.command("purge")
def purge_command() -> None:
    """Delete what is no longer needed (run it from cron; safe to repeat)."""
    report = retention.purge(clock.now())
    unit.commit()
    click.echo(
        f"Deleted: {report.invitations} old invitations, {report.messages} directory messages, "
        f"{report.referrals} requests to centres, {report.notes} meeting notes "
        f"and {report.attendance} attendance figures past their group's retention period."
    )


def init_app(app) -> None:
    app.cli.add_command(demo_data_command)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(outbox_command)
