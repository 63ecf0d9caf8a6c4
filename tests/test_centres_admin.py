"""`flask admin`: centres, their staff and the instance administrators, from
the command line only, every change in the staff-action trail."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.models import Centre, CentreStaff, StaffAction, User


def actions() -> list[StaffAction]:
    return list(db.session.scalars(select(StaffAction).order_by(StaffAction.id)))


def staff_of(centre_id: int) -> set[int]:
    return set(
        db.session.scalars(select(CentreStaff.user_id).where(CentreStaff.centre_id == centre_id))
    )


def test_an_operator_creates_a_centre_and_it_is_recorded(runner):
    result = runner.invoke(
        args=[
            "admin", "create-centre", "Info-Entraide Vaud", "--canton", "VD", "--canton", "ge",
            "--language", "fr", "--contact", "Info@Entraide-VD.example.ch",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    centre = db.session.scalar(select(Centre))
    assert (centre.name, centre.cantons, centre.languages, centre.contact_email) == (
        "Info-Entraide Vaud", ["VD", "GE"], ["fr"], "info@entraide-vd.example.ch",
    )  # fmt: skip
    assert f"Centre {centre.id} created" in result.output
    [entry] = actions()
    assert (entry.action, entry.centre_id, entry.actor_id) == ("centre_created", centre.id, None)
    listed = runner.invoke(args=["admin", "centres"])
    assert "Info-Entraide Vaud" in listed.output and "staff: 0, groups: 0" in listed.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--canton", "XX"], "Unknown canton"),
        (["--language", "en"], "Unknown language"),
        (["--contact", "nobody"], "Not an email address"),
    ],
)
def test_a_centre_with_bad_details_is_refused(runner, args, said):
    result = runner.invoke(args=["admin", "create-centre", "Centre", *args])
    assert result.exit_code == 1
    assert said in result.output
    assert db.session.scalar(select(func.count()).select_from(Centre)) == 0


def test_two_centres_cannot_share_a_name(runner, make_centre):
    make_centre("Centro Ticino")
    result = runner.invoke(args=["admin", "create-centre", "Centro Ticino"])
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_staff_are_added_listed_and_removed_by_number_or_name(runner, make_centre, make_user):
    centre = make_centre("Centre Vaud")
    person = make_user("Sam", email="sam@example.org")
    added = runner.invoke(args=["admin", "add-staff", "SAM@example.org", str(centre.id)])
    assert added.exit_code == 0, added.output
    assert staff_of(centre.id) == {person.id}
    again = runner.invoke(args=["admin", "add-staff", "sam@example.org", "Centre Vaud"])
    assert "nothing changed" in again.output
    listed = runner.invoke(args=["admin", "staff", "Centre Vaud"])
    assert "Centre Vaud: sam@example.org (Sam)" in listed.output
    assert "sam@example.org" in runner.invoke(args=["admin", "staff"]).output
    removed = runner.invoke(args=["admin", "remove-staff", "sam@example.org", "Centre Vaud"])
    assert removed.exit_code == 0, removed.output
    db.session.expire_all()
    assert staff_of(centre.id) == set()
    assert [(a.action, a.details) for a in actions()] == [
        ("staff_added", {"staff": person.id}),
        ("staff_removed", {"staff": person.id}),
    ]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["add-staff", "nobody@example.org", "Centre Vaud"], "No account"),
        (["add-staff", "sam@example.org", "Centre Genève"], "No centre"),
        (["remove-staff", "sam@example.org", "999999999999"], "No centre"),
        (["staff", "Nowhere"], "No centre"),
        (["grant", "nobody@example.org"], "No account"),
        (["revoke", "nobody@example.org"], "No account"),
    ],
)
def test_unknown_accounts_and_centres_exit_1_with_a_message(
    runner, make_centre, make_user, args, said
):
    make_centre("Centre Vaud")
    make_user("Sam", email="sam@example.org")
    result = runner.invoke(args=["admin", *args])
    assert result.exit_code == 1
    assert said in result.output
    assert actions() == []


def test_administrators_are_granted_and_revoked_and_act_under_their_name(
    runner, make_centre, make_user
):
    centre = make_centre("Centre Vaud")
    admin = make_user("Ada", email="ada@example.org")
    sam = make_user("Sam", email="sam@example.org")
    assert runner.invoke(args=["admin", "grant", "ada@example.org"]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(User, admin.id).is_admin
    done = runner.invoke(
        args=["admin", "add-staff", "sam@example.org", "Centre Vaud", "--as", "ada@example.org"]
    )
    assert done.exit_code == 0, done.output
    refused = runner.invoke(
        args=["admin", "remove-staff", "sam@example.org", "Centre Vaud", "--as", "sam@example.org"]
    )
    assert refused.exit_code == 1
    assert "not an instance administrator" in refused.output
    assert runner.invoke(args=["admin", "revoke", "ada@example.org"]).exit_code == 0
    db.session.expire_all()
    assert not db.session.get(User, admin.id).is_admin
    assert [(a.action, a.actor_id, a.centre_id) for a in actions()] == [
        ("admin_granted", None, None),
        ("staff_added", admin.id, centre.id),
        ("admin_revoked", None, None),
    ]
    assert staff_of(centre.id) == {sam.id}
