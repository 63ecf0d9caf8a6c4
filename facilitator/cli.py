"""flask commands: demo data and maintenance."""

from __future__ import annotations

import click
from flask import current_app, url_for
from sqlalchemy import func, select

from facilitator.demo import (
    DEMO_DOMAIN,
    DEMO_GROUPS,
    DEMO_PASSWORD,
    demo_present,
    load_demo_data,
    reset_demo_data,
)
from facilitator.extensions import db
from facilitator.models import User
from facilitator.services import clock, notifications, retention, unit


@click.command("demo-data")
@click.option("--reset", is_flag=True, help="Delete the existing demo data first.")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) if any account exists.")
def demo_data_command(reset: bool, if_empty: bool) -> None:
    """Load demo groups in Lausanne (French) and Lugano (Italian)."""
    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        click.echo("The database already holds data: demo data not loaded.")
        return
    if demo_present():
        if not reset:
            raise click.ClickException(
                "Demo data is already loaded. Use --reset to delete and load it again."
            )
        reset_demo_data()
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
    """Email each role holder before their meeting (run it from cron)."""
    base = current_app.config["BASE_URL"]
    with current_app.test_request_context(base_url=base):
        notifications.send_reminders(
            clock.now(),
            lambda group, key: url_for("meetings.show", group_id=group.id, key=key, _external=True),
        )
    report = unit.commit()
    if report.failed_keys:  # not sent: marked unreminded again for the next run
        notifications.remind_again(report.failed_keys)
        unit.commit()
    click.echo(f"Reminders sent: {report.sent}, failed: {report.failed} (tried again next run).")


@click.command("purge")
def purge_command() -> None:
    """Delete what is no longer needed (run it from cron; safe to repeat)."""
    report = retention.purge(clock.now())
    unit.commit()
    click.echo(
        f"Deleted: {report.invitations} old invitations, {report.messages} directory messages, "
        f"{report.notes} meeting notes "
        f"and {report.attendance} attendance figures past their group's retention period."
    )


def init_app(app) -> None:
    app.cli.add_command(demo_data_command)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(purge_command)
