"""The demo-data command."""

from __future__ import annotations

from sqlalchemy import func, select

from facilitator.demo import DEMO_PASSWORD
from facilitator.extensions import db
from facilitator.models import Group, Invitation, Membership, User


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_data_loads_a_french_and_an_italian_group(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    groups = {g.language: g for g in db.session.scalars(select(Group))}
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
    assert count(Group) == 2


def test_demo_data_if_empty_leaves_real_data_alone(app, make_user):
    make_user()
    result = app.test_cli_runner().invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0
    assert count(Group) == 0


def test_demo_groups_have_a_schedule_with_exceptions(app):
    from facilitator.models import Meeting, MeetingSeries

    app.test_cli_runner().invoke(args=["demo-data"])
    for group in db.session.scalars(select(Group)):
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
    lausanne = db.session.scalar(select(Group).where(Group.language == "fr"))
    assert lausanne.attendance_enabled
    assert db.session.scalar(select(func.count()).select_from(AttendanceRecord)) >= 20
