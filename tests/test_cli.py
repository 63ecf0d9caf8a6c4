"""The demo-data command, and the exit status of the maintenance commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from facilitator.demo import DEMO_DOMAIN, DEMO_EMAILS, DEMO_GROUPS, DEMO_PASSWORD
from facilitator.extensions import db
from facilitator.models import (
    Group,
    Invitation,
    Membership,
    Referral,
    ThemeProposal,
    ThemeSupport,
    User,
)
from tests.conftest import text_of

ROOT = Path(__file__).resolve().parents[1]


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_data_loads_a_french_and_an_italian_group(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    groups = {g.language: g for g in db.session.scalars(select(Group).where(~Group.founding))}
    assert set(groups) == {"fr", "it"}
    assert "Lausanne" in groups["fr"].name
    assert "Lugano" in groups["it"].name
    assert count(Invitation) == 2
    assert "/invite/" in result.output
    assert DEMO_PASSWORD in result.output
    coresponsibles = db.session.scalar(
        select(func.count()).select_from(Membership).where(Membership.role == "coresponsible")
    )
    assert coresponsibles >= 2
    camille = db.session.scalar(User.select_by_email("camille@demo.example.org"))
    assert camille.check_password(DEMO_PASSWORD)


def test_demo_groups_appear_in_the_public_directory(app, client):
    app.test_cli_runner().invoke(args=["demo-data"])
    page = client.get("/groups").get_data(as_text=True)
    assert "Fibromyalgie – groupe d&#39;entraide" in page
    assert "Lugano, Tessin" in page
    assert "Camille" not in page


def test_demo_data_refuses_to_run_twice_unless_reset(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo-data"])
    users = count(User)
    again = runner.invoke(args=["demo-data"])
    assert again.exit_code != 0
    assert "--reset" in again.output
    assert count(User) == users
    reset = runner.invoke(args=["demo-data", "--reset"])
    assert reset.exit_code == 0, reset.output
    assert count(User) == users
    assert count(Group) == 3  # Lausanne, Lugano and the one the Vaud centre is founding


def test_demo_data_if_empty_leaves_real_data_alone(app, make_user):
    make_user()
    result = app.test_cli_runner().invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0
    assert count(Group) == 0


def test_demo_groups_have_a_schedule_with_exceptions(app):
    from facilitator.models import Meeting, MeetingSeries

    app.test_cli_runner().invoke(args=["demo-data"])
    for group in db.session.scalars(select(Group).where(~Group.founding)):
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(MeetingSeries)
                .where(MeetingSeries.group_id == group.id)
            )
            == 1
        )
        stored = db.session.scalars(select(Meeting).where(Meeting.group_id == group.id)).all()
        cancelled = [m for m in stored if m.cancelled]
        moved = [m for m in stored if m.series_id and m.start != m.original_start]
        one_offs = [m for m in stored if m.series_id is None]
        assert len(cancelled) >= 2  # a single cancellation and the summer break
        assert any(m.cancel_reason.startswith("Paus") for m in cancelled)
        assert len(moved) == 1
        assert len(one_offs) == 1


def test_demo_prints_a_working_feed_url_for_each_group(app):
    import re

    result = app.test_cli_runner().invoke(args=["demo-data"])
    urls = re.findall(r"Calendar feed of .*: \S+(/feeds/\S+\.ics)", result.output)
    assert len(urls) == 2
    client = app.test_client()
    for path in urls:
        response = client.get(path)
        assert response.status_code == 200
        assert b"BEGIN:VEVENT" in response.data


def test_demo_groups_have_roles_filled_for_the_coming_weeks(app):
    from facilitator.models import RoleAssignment

    app.test_cli_runner().invoke(args=["demo-data"])
    assert db.session.scalar(select(func.count()).select_from(RoleAssignment)) >= 10


def test_demo_has_a_year_of_headcounts_in_one_group(app):
    from facilitator.models import AttendanceRecord

    app.test_cli_runner().invoke(args=["demo-data"])
    lausanne = db.session.scalar(select(Group).where(~Group.founding).where(Group.language == "fr"))
    assert lausanne.attendance_enabled
    assert db.session.scalar(select(func.count()).select_from(AttendanceRecord)) >= 20


# --- Demo data outside development, and what a reset deletes --------------------------------


@pytest.mark.parametrize("environment", ["production", "staging"])
def test_demo_data_is_refused_outside_development(app, monkeypatch, environment):
    monkeypatch.setitem(app.config, "ENV_NAME", environment)
    for args in (["demo-data"], ["demo-data", "--if-empty"], ["demo-data", "--reset"]):
        result = app.test_cli_runner().invoke(args=args)
        assert result.exit_code != 0
        assert f"FACILITATOR_ENV is '{environment}'" in result.output
        assert "--i-know-this-is-production" in result.output
    assert count(User) == 0


def test_demo_data_loads_on_a_staging_site_with_the_explicit_flag(app, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = app.test_cli_runner().invoke(args=["demo-data", "--i-know-this-is-production"])
    assert result.exit_code == 0, result.output
    assert count(Group) == 3  # with the one the Vaud centre is founding
    assert count(User) == len(DEMO_EMAILS) == 10


def test_a_demo_reset_deletes_only_what_the_demo_created(app, make_user, make_group, add_member):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo-data"])
    camille = db.session.scalar(User.select_by_email(f"camille@{DEMO_DOMAIN}"))
    demo_lausanne = camille.memberships[0].group
    # Real accounts and groups that share something with the demo:
    at_the_demo_domain = make_user("Ana", email=f"ana@{DEMO_DOMAIN}")
    joined_the_demo = make_user("Bea")
    add_member(demo_lausanne, joined_the_demo)
    founder = make_user("Carla")
    same_name = make_group(founder, name=demo_lausanne.name)  # founded by a real person
    add_member(same_name, camille)
    real = make_group(founder, name="Proches aidants Vevey")
    add_member(real, camille)
    make_group(camille, name="Essai de Camille")  # nobody else in it
    groups = {g.id for g in (same_name, real)}

    result = runner.invoke(args=["demo-data", "--reset"])

    assert result.exit_code == 0, result.output
    db.session.expire_all()  # the command ran in a session of its own
    for user in (at_the_demo_domain, joined_the_demo, founder):
        assert db.session.get(User, user.id) is not None
    assert groups <= {g.id for g in db.session.scalars(select(Group))}
    # The demo's two groups loaded again; the group where the demo account was
    # alone went with it.
    names = sorted(g.name for g in db.session.scalars(select(Group).where(~Group.founding)))
    assert names == sorted([same_name.name, real.name, *(s["data"].name for s in DEMO_GROUPS)])
    for group_id in groups:  # the old demo account left them
        members = db.session.scalars(select(Membership).where(Membership.group_id == group_id))
        assert [m.user_id for m in members] == [founder.id]


def test_a_demo_reset_deletes_nothing_when_a_demo_account_holds_another_group(
    app, make_user, make_group, add_member
):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo-data"])
    camille = db.session.scalar(User.select_by_email(f"camille@{DEMO_DOMAIN}"))
    held = make_group(camille, name="Groupe tenu par Camille")  # its only co-responsible
    add_member(held, make_user("Dora"))
    users, groups = count(User), count(Group)

    result = runner.invoke(args=["demo-data", "--reset"])

    assert result.exit_code != 0
    assert "Nothing deleted" in result.output
    assert "Groupe tenu par Camille" in result.output
    db.session.expire_all()
    assert (count(User), count(Group)) == (users, groups)


# --- Maintenance commands tell cron and systemd when they failed ----------------------------


@pytest.mark.parametrize(
    ("args", "environment", "said"),
    [
        (["purge"], "development", "no such table"),
        (["demo-data"], "production", "Refused: FACILITATOR_ENV is 'production'"),
    ],
)
def test_a_maintenance_command_that_fails_exits_non_zero(tmp_path, args, environment, said):
    """In a real process, as cron and systemd run them: purge on a database
    without its tables, the demo data in production."""
    env = {
        **os.environ,
        "FACILITATOR_ENV": environment,
        "SECRET_KEY": "k" * 32,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite'}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert said in done.stderr


def test_demo_groups_have_two_proposed_themes_with_some_support(app):
    app.test_cli_runner().invoke(args=["demo-data"])
    for group in db.session.scalars(select(Group).where(~Group.founding)):
        proposals = db.session.scalars(
            select(ThemeProposal).where(ThemeProposal.group_id == group.id)
        ).all()
        assert len(proposals) == 2
        assert all(p.proposed_by_id is not None and p.meeting_id is None for p in proposals)
        supports = db.session.scalar(
            select(func.count())
            .select_from(ThemeSupport)
            .where(ThemeSupport.proposal_id.in_([p.id for p in proposals]))
        )
        assert supports >= 3
    texts = set(db.session.scalars(select(ThemeProposal.text)))
    assert "Il primo anniversario: come affrontarlo" in texts


def test_demo_groups_are_attached_to_centres_and_the_vaud_staff_can_log_in(app):
    from facilitator.demo import DEMO_STAFF_EMAIL
    from facilitator.models import Centre, CentreStaff

    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert DEMO_STAFF_EMAIL in result.output
    centres = {c.name: c for c in db.session.scalars(select(Centre))}
    assert sorted(centres) == ["Centro Auto Aiuto Ticino (demo)", "Info-Entraide Vaud (démo)"]
    attached = {
        g.language: g.centre.name for g in db.session.scalars(select(Group).where(~Group.founding))
    }
    assert attached == {"fr": "Info-Entraide Vaud (démo)", "it": "Centro Auto Aiuto Ticino (demo)"}
    staff = db.session.scalar(User.select_by_email(DEMO_STAFF_EMAIL))
    assert staff.check_password(DEMO_PASSWORD)
    assert db.session.scalar(select(CentreStaff.centre_id).where(CentreStaff.user_id == staff.id))
    client = app.test_client()
    client.post("/auth/login", data={"email": DEMO_STAFF_EMAIL, "password": DEMO_PASSWORD})
    page = client.get("/centres/", follow_redirects=True).get_data(as_text=True)
    assert "Fibromyalgie – groupe d&#39;entraide" in page  # its neutral title
    assert "Camille" not in page
    vaud = centres["Info-Entraide Vaud (démo)"]
    requests = text_of(client.get(f"/centres/{vaud.id}/requests"))
    assert "maladie d'Alzheimer" in requests  # a visitor's request waits for the staff
    reset = app.test_cli_runner().invoke(args=["demo-data", "--reset"])
    assert reset.exit_code == 0, reset.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Centre)) == 2
    # The group the Vaud centre is founding comes back once, not twice; so
    # does the visitor's request.
    assert db.session.scalar(select(func.count()).select_from(Group).where(Group.founding)) == 1
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 1


def test_the_vaud_centre_is_founding_a_group_listed_as_starting_soon(app, client):
    from facilitator.demo import DEMO_FOUNDING

    app.test_cli_runner().invoke(args=["demo-data"])
    group = db.session.scalar(select(Group).where(Group.founding))
    assert group.name == DEMO_FOUNDING.name and group.centre.name == "Info-Entraide Vaud (démo)"
    assert group.memberships == [] and group.listed
    page = client.get("/groups").get_data(as_text=True)
    assert "Groupe pour proches aidants et aidantes" in page
    assert f"/directory/centres/{group.centre_id}/write" in page
