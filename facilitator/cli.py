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
    DEMO_CENTRES,
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
from facilitator.services import centres, clock, jobs, outbox, retention, unit
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
    for centre in DEMO_CENTRES:
        if centre["staff"]:
            login, name, _locale = centre["staff"]
            click.echo(f"  {login + '@' + DEMO_DOMAIN:<36} {name} (staff, {centre['name']})")
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
    queued, report = worker.queue_and_send(worker.queue_reminders, clock.now())
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
        f"and {report.attendance} attendance figures past their group's retention period, "
        f"{report.welcome_messages} welcome messages; "
        f"{report.welcome_ended} welcome pairings ended after three months."
    )


@click.group("admin")
def admin_group() -> None:
    """Instance administration: self-help centres, their staff, administrators.

    Every change is recorded in the staff-action trail, with the administrator
    account given by --as (or "command line")."""


def _as_option(command):
    return click.option(
        "--as",
        "actor_email",
        metavar="EMAIL",
        help="The administrator account that does this (recorded in the trail).",
    )(command)


def _admin_run(change):
    """Run ``change`` (which takes the actor) and commit, or exit 1 with its
    message (nothing saved)."""
    try:
        actor = None
        email = click.get_current_context().params.get("actor_email")
        if email:
            actor = centres.find_account(email)
            if not actor.is_admin:
                raise centres.AdminError(f"{email} is not an instance administrator.")
        said = change(actor)
    except centres.AdminError as error:
        unit.rollback()
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    unit.commit()
    click.echo(said)


@admin_group.command("create-centre")
@click.argument("name")
@click.option("--canton", "cantons", multiple=True, metavar="CODE", help="A canton it serves.")
@click.option("--language", "languages", multiple=True, metavar="CODE", help="fr, it or de.")
@click.option("--contact", default="", metavar="EMAIL", help="The centre's public address.")
@_as_option
def create_centre_command(name, cantons, languages, contact, actor_email) -> None:
    """Create a self-help centre."""

    def change(actor):
        centre = centres.create_centre(name, cantons, languages, contact, actor)
        db.session.flush()
        return f"Centre {centre.id} created: {centre.name}."

    _admin_run(change)


@admin_group.command("centres")
def centres_command() -> None:
    """List the centres, with their staff and attached groups (counts)."""
    rows = centres.all_centres()
    if not rows:
        click.echo("No centre yet (flask admin create-centre NAME).")
    for centre, staff, groups in rows:
        click.echo(
            f"{centre.id:>4}  {centre.name}  [{' '.join(centre.cantons)}] "
            f"({', '.join(centre.languages)}) {centre.contact_email}  "
            f"staff: {staff}, groups: {groups}"
        )


def _toggle(
    user_email: str, centre: str | None, on: bool, done: tuple[str, str], unchanged: tuple[str, str]
):
    """The change that gives (``on``) or takes staff rights at ``centre``, or
    instance administrator's rights when ``centre`` is None; its message says
    whether anything changed."""

    def change(actor):
        user = centres.find_account(user_email)
        if centre is None:
            changed, where = centres.set_admin(user, on, actor), ""
        else:
            place = centres.find_centre(centre)
            apply = centres.add_staff if on else centres.remove_staff
            changed, where = apply(place, user, actor), place.name
        message = (done if changed else unchanged)[0 if on else 1]
        return message.format(email=user.email, centre=where)

    _admin_run(change)


_STAFF_DONE = ("{email} is now staff of {centre}.", "{email} is no longer staff of {centre}.")
_STAFF_UNCHANGED = (
    "{email} was already staff of {centre}: nothing changed.",
    "{email} was not staff of {centre}: nothing changed.",
)
_ADMIN_DONE = (
    "{email} is now an instance administrator.",
    "{email} is no longer an instance administrator.",
)
_ADMIN_UNCHANGED = (
    "{email} was already an instance administrator: nothing changed.",
    "{email} was not an instance administrator: nothing changed.",
)


@admin_group.command("add-staff")
@click.argument("email")
@click.argument("centre")
@_as_option
def add_staff_command(email, centre, actor_email) -> None:
    """Give the account EMAIL staff rights at CENTRE (number or name)."""
    _toggle(email, centre, True, _STAFF_DONE, _STAFF_UNCHANGED)


@admin_group.command("remove-staff")
@click.argument("email")
@click.argument("centre")
@_as_option
def remove_staff_command(email, centre, actor_email) -> None:
    """Take the staff rights at CENTRE from the account EMAIL."""
    _toggle(email, centre, False, _STAFF_DONE, _STAFF_UNCHANGED)


@admin_group.command("staff")
@click.argument("centre", required=False)
def staff_command(centre) -> None:
    """List the staff of CENTRE (of every centre without it)."""
    try:
        place = centres.find_centre(centre) if centre else None
    except centres.AdminError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    rows = centres.staff_list(place)
    if not rows:
        click.echo("No staff.")
    for where, user in rows:
        click.echo(f"{where.name}: {user.email} ({user.display_name})")


@admin_group.command("grant")
@click.argument("email")
@_as_option
def grant_command(email, actor_email) -> None:
    """Make the account EMAIL an instance administrator."""
    _toggle(email, None, True, _ADMIN_DONE, _ADMIN_UNCHANGED)


@admin_group.command("revoke")
@click.argument("email")
@_as_option
def revoke_command(email, actor_email) -> None:
    """Take the instance administrator's rights from the account EMAIL."""
    _toggle(email, None, False, _ADMIN_DONE, _ADMIN_UNCHANGED)


def init_app(app) -> None:
    app.cli.add_command(admin_group)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(outbox_command)
