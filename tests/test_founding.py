"""Founding a group: a centre's staff found a group "being founded", hand it
over with a single-use link to its first member (who becomes co-responsible),
and the co-responsibles later say that it has started. Staff never learn who
took it over."""

from __future__ import annotations

import json
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from facilitator.extensions import db, limiter
from facilitator.models import AuditEvent, Group, Invitation, Membership, StaffAction
from facilitator.models._common import utcnow
from facilitator.models.groups import MemberRole
from facilitator.services import founding, invitations
from tests.conftest import AGREED, PASSWORD, TEST_DATABASE_URL, link_in, t, text_of

FACTS = {
    "name": "Proches aidants Morges",
    "theme": "family",
    "canton": "VD",
    "language": "fr",
    "town": "Morges",
    "directory_title": "Groupe pour proches aidants",
    "description": "Pour les proches de personnes malades.",
    "listed": "y",
}
LINK = re.compile(r'id="handover-link"[^>]*value="[^"]*/invite/([^"]+)"', re.S)


@pytest.fixture
def centre_and_staff(make_user, make_centre):
    staff = make_user("Sandrine")
    return make_centre("Centre Vaud", staff=(staff,)), staff


@pytest.fixture
def founded(centre_and_staff):
    """A group founded by the Vaud centre, listed as starting soon."""
    centre, staff = centre_and_staff
    data = founding.FoundingData(**{**FACTS, "listed": True})
    group = founding.found(centre, staff, data)
    db.session.commit()
    return centre, staff, group


def handover_token(client, centre, group) -> str:
    made = client.post(f"/centres/{centre.id}/founding/{group.id}/handover")
    assert made.status_code == 302
    page = client.get(made.location.split("#")[0])
    match = LINK.search(page.get_data(as_text=True))
    assert match, "no hand-over link shown"
    return match.group(1)


# --- Founding ---------------------------------------------------------------------------


def test_staff_found_a_group_without_members_recorded_as_the_centre(
    app, client, login, centre_and_staff
):
    centre, staff = centre_and_staff
    login(staff)
    form = client.get(f"/centres/{centre.id}/found")
    assert form.status_code == 200
    response = client.post(f"/centres/{centre.id}/found", data=FACTS)
    assert response.status_code == 302
    group = db.session.scalar(select(Group).where(Group.name == FACTS["name"]))
    assert group.founding and group.centre_id == centre.id and group.listed
    assert group.town == "Morges" and group.theme == "family"
    assert db.session.scalars(select(Membership)).all() == []  # staff never become members
    assert response.location == f"/centres/{centre.id}/founding/{group.id}#handover"
    trail = db.session.scalars(select(StaffAction)).all()
    assert [(a.action, a.actor_id, a.group_id) for a in trail] == [
        ("group_founded", staff.id, group.id)
    ]
    history = db.session.scalars(select(AuditEvent).where(AuditEvent.group_id == group.id)).all()
    assert [(e.action, e.actor_id, e.details["centre"]) for e in history] == [
        ("centre_group_founded", None, "Centre Vaud")
    ]
    listing = text_of(client.get(f"/centres/{centre.id}/groups"))
    assert "Groupe pour proches aidants" in listing
    assert f"/centres/{centre.id}/founding/{group.id}" in listing


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"name": ""}, "This field is required."),
        ({"theme": "astrology"}, "Choose one of the options in the list."),
        ({"town": "x" * 81}, "Use at most %(max)d characters."),
    ],
)
def test_a_bad_founding_form_is_answered_at_the_field_and_saves_nothing(
    app, client, login, centre_and_staff, change, field_message
):
    centre, staff = centre_and_staff
    login(staff)
    response = client.post(f"/centres/{centre.id}/found", data={**FACTS, **change})
    assert response.status_code == 400
    assert t(app, "fr", field_message, max=80) in text_of(response)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert FACTS["description"] in text_of(response)  # what was typed stays
    assert db.session.scalars(select(Group)).all() == []


def test_staff_edit_the_facts_while_nobody_holds_the_group(app, client, login, founded):
    centre, staff, group = founded
    login(staff)
    url = f"/centres/{centre.id}/founding/{group.id}"
    response = client.post(url, data={**FACTS, "town": "Nyon", "listed": ""})
    assert response.status_code == 302
    db.session.refresh(group)
    assert group.town == "Nyon" and not group.listed
    action = db.session.scalars(select(StaffAction).order_by(StaffAction.id.desc())).first()
    assert (action.action, action.details) == ("founding_updated", {"fields": ["listed", "town"]})
    bad = client.post(url, data={**FACTS, "name": ""})
    assert bad.status_code == 400
    assert t(app, "fr", "This field is required.") in text_of(bad)


# --- The hand-over link -----------------------------------------------------------------


def test_the_handover_link_is_shown_once_stored_as_a_hash_and_not_among_invitations(
    app, client, login, founded
):
    centre, staff, group = founded
    login(staff)
    token = handover_token(client, centre, group)
    stored = db.session.scalar(select(Invitation).where(Invitation.group_id == group.id))
    assert stored.handover and stored.max_uses == 1 and stored.created_by_id is None
    assert token not in stored.token_hash
    assert stored.expires_at - utcnow() > timedelta(days=29)
    again = client.get(f"/centres/{centre.id}/founding/{group.id}")
    assert token not in again.get_data(as_text=True)
    assert invitations.open_invitations(group) == []
    assert [a.action for a in db.session.scalars(select(StaffAction))][-1] == "handover_created"


def test_a_new_member_takes_the_group_over_and_staff_see_only_the_day(
    app, client, login, founded, make_user
):
    centre, staff, group = founded
    login(staff)
    token = handover_token(client, centre, group)
    client.post("/auth/logout")
    first = make_user("Jeanne")
    login(first)
    page = client.get(f"/invite/{token}")
    assert t(app, "fr", "Take over the group") in text_of(page)
    # Nobody in the group yet: its charter is a starting text, folded.
    assert t(app, "fr", "Read the starting charter") in text_of(page)
    response = client.post(f"/invite/{token}", data=AGREED)
    assert response.location == f"/groups/{group.id}"
    membership = db.session.scalar(Membership.select_for(first.id, group.id))
    assert membership.role == MemberRole.CORESPONSIBLE
    db.session.refresh(group)
    assert group.handed_over_at is not None and group.founding
    assert "member_took_over" in [
        e.action
        for e in db.session.scalars(select(AuditEvent).where(AuditEvent.group_id == group.id))
    ]
    handed = db.session.scalar(select(StaffAction).where(StaffAction.action == "group_handed_over"))
    assert handed.actor_id is None and handed.details == {}
    # The settings page of the co-responsible says it is being founded.
    settings = text_of(client.get(f"/groups/{group.id}/settings"))
    assert t(app, "fr", "Our group has started") in settings
    client.post("/auth/logout")
    login(staff)
    staff_page = client.get(f"/centres/{centre.id}/founding/{group.id}")
    assert staff_page.status_code == 200
    assert "Jeanne" not in text_of(staff_page) and first.email not in text_of(staff_page)
    assert t(app, "fr", "Handed over on %(date)s.", date="|").split("|")[0] in text_of(staff_page)
    # The group is its members' now: staff change nothing.
    edit = client.post(f"/centres/{centre.id}/founding/{group.id}", data=FACTS)
    assert edit.status_code == 409
    again = client.post(f"/centres/{centre.id}/founding/{group.id}/handover")
    assert again.status_code == 302
    assert db.session.scalar(select(Group.name).where(Group.id == group.id)) == FACTS["name"]
    assert len(db.session.scalars(select(Invitation)).all()) == 1


def test_staff_cannot_take_over_the_group_their_centre_founds(app, client, login, founded):
    centre, staff, group = founded
    login(staff)
    token = handover_token(client, centre, group)
    response = client.post(f"/invite/{token}", data=AGREED)
    assert response.status_code == 409
    assert t(
        app,
        "fr",
        "Staff of the self-help centre cannot take over a group the centre founded: "
        "give this link to the group's first member.",
    ) in text_of(response)
    assert db.session.scalar(Membership.select_for(staff.id, group.id)) is None
    db.session.refresh(group)
    assert group.handed_over_at is None
    assert db.session.scalar(select(Invitation.uses)) == 0  # the link still works


def test_after_the_handover_staff_see_the_shown_name_only(client, login, founded, make_user):
    centre, staff, group = founded
    login(staff)
    token = handover_token(client, centre, group)
    login(make_user("Jeanne"))
    assert client.post(f"/invite/{token}", data=AGREED).status_code == 302
    group.name, group.directory_title = "Les proches de Jeanne", "Groupe de parole"
    db.session.commit()
    login(staff)
    page = text_of(client.get(f"/centres/{centre.id}/founding/{group.id}"))
    assert "Groupe de parole" in page and "Les proches de Jeanne" not in page


def test_registering_through_the_handover_link_makes_the_first_coresponsible(
    app, client, login, founded, outbox
):
    centre, staff, group = founded
    login(staff)
    token = handover_token(client, centre, group)
    visitor = app.test_client()
    visitor.post("/auth/register", data={"email": "jeanne@example.org", "invitation": token})
    finish = link_in(outbox[-1])
    response = visitor.post(
        finish,
        data={
            "display_name": "Jeanne",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "language": "fr",
            **AGREED,
        },
    )
    assert response.location == f"/groups/{group.id}"
    members = db.session.scalars(select(Membership).where(Membership.group_id == group.id)).all()
    assert [m.role for m in members] == [MemberRole.CORESPONSIBLE]


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (
            lambda inv: setattr(inv, "expires_at", utcnow() - timedelta(minutes=1)),
            "This hand-over link has expired. Ask the self-help centre for a new link.",
        ),
        (
            lambda inv: setattr(inv, "revoked_at", utcnow()),
            "This hand-over link has been withdrawn by the self-help centre. "
            "Ask the centre for a new link.",
        ),
        (
            lambda inv: setattr(inv, "uses", 1),
            "This hand-over link has already been used: the group has been handed over. "
            "Ask the group's co-responsible members for an invitation.",
        ),
    ],
)
def test_a_spent_handover_link_says_why_and_adds_nobody(
    app, client, founded, make_user, login, spoil, message
):
    centre, staff, group = founded
    _invitation, token = founding.create_handover(group, centre, staff)
    spoil(_invitation)
    db.session.commit()
    # A visitor reads it in the group's language, a person logged in in theirs.
    for who, language in ((None, "fr"), (make_user("Jeanne", locale="de"), "de")):
        if who is not None:
            login(who)
        for method in ("get", "post"):
            response = getattr(client, method)(f"/invite/{token}", data=AGREED)
            assert response.status_code == 410
            assert t(app, language, message) in text_of(response)
    assert db.session.scalars(select(Membership)).all() == []


def test_an_unknown_link_is_not_found(client):
    assert client.get("/invite/not-a-token").status_code == 404


def test_the_member_who_opens_the_used_link_again_is_led_to_the_group(
    client, login, founded, make_user
):
    centre, staff, group = founded
    _invitation, token = founding.create_handover(group, centre, staff)
    db.session.commit()
    first = make_user("Jeanne")
    login(first)
    client.post(f"/invite/{token}", data=AGREED)
    again = client.get(f"/invite/{token}")
    assert again.status_code == 302 and again.location == f"/groups/{group.id}"


def test_staff_withdraw_the_link_after_a_confirmation_and_a_new_one_replaces_it(
    app, client, login, founded
):
    centre, staff, group = founded
    login(staff)
    first = handover_token(client, centre, group)
    url = f"/centres/{centre.id}/founding/{group.id}/handover/revoke"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert t(app, "fr", "Yes, withdraw the link") in text_of(confirm)
    assert founding.open_handover(group, utcnow()) is not None  # nothing yet
    assert client.post(url).status_code == 302
    assert client.get(f"/invite/{first}").status_code == 410
    second = handover_token(client, centre, group)
    assert client.get(f"/invite/{second}").status_code == 200
    # Making a link while one is open (another staff member's tab) renews it.
    third = handover_token(client, centre, group)
    assert client.get(f"/invite/{second}").status_code == 410
    assert client.get(f"/invite/{third}").status_code == 200
    actions = [a.action for a in db.session.scalars(select(StaffAction).order_by(StaffAction.id))]
    assert actions[-4:] == [
        "handover_created",
        "handover_revoked",
        "handover_created",
        "handover_renewed",
    ]


@pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="parallel writes need PostgreSQL (SQLite writes one at a time)"
)
def test_two_people_using_the_link_at_once_make_one_first_coresponsible(
    app, founded, make_user, monkeypatch
):
    monkeypatch.setattr(limiter, "enabled", False)
    centre, staff, group = founded
    _invitation, token = founding.create_handover(group, centre, staff)
    db.session.commit()
    clients = []
    for person in (make_user("Ana"), make_user("Bea")):
        client = app.test_client()
        client.post("/auth/login", data={"email": person.email, "password": PASSWORD})
        clients.append(client)
    barrier = threading.Barrier(2)
    statuses = [0, 0]

    def take(index, client):
        barrier.wait()
        statuses[index] = client.post(f"/invite/{token}", data=AGREED).status_code

    threads = [threading.Thread(target=take, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    assert sorted(statuses) == [302, 410]
    members = db.session.scalars(select(Membership).where(Membership.group_id == group.id)).all()
    assert [m.role for m in members] == [MemberRole.CORESPONSIBLE]
    assert db.session.scalar(select(Invitation.uses)) == 1


# --- Started ----------------------------------------------------------------------------


def test_the_coresponsibles_say_the_group_has_started_after_a_confirmation(
    app, client, login, founded, make_user, add_member
):
    centre, staff, group = founded
    first = make_user("Jeanne")
    _invitation, token = founding.create_handover(group, centre, staff)
    db.session.commit()
    invitations.accept(token, first)
    member = make_user("Marc")
    add_member(group, member)
    login(member)
    assert client.get(f"/groups/{group.id}/started").status_code == 403
    client.post("/auth/logout")
    login(first)
    confirm = client.get(f"/groups/{group.id}/started")
    assert t(app, "fr", "Yes, our group has started") in text_of(confirm)
    assert db.session.get(Group, group.id).founding  # nothing yet
    response = client.post(f"/groups/{group.id}/started")
    assert response.location == f"/groups/{group.id}/settings#founding-status"
    db.session.refresh(group)
    assert not group.founding
    history = [
        e.action
        for e in db.session.scalars(select(AuditEvent).where(AuditEvent.group_id == group.id))
    ]
    assert "founding_ended" in history
    assert [a.action for a in db.session.scalars(select(StaffAction))][-1] == "group_started"
    # Pressed again (a second tab): nothing more happens.
    assert client.post(f"/groups/{group.id}/started").status_code == 302
    assert client.get(f"/groups/{group.id}/started").location == f"/groups/{group.id}/settings"
    assert [a.action for a in db.session.scalars(select(StaffAction))].count("group_started") == 1
    client.post("/auth/logout")
    login(staff)
    assert client.get(f"/centres/{centre.id}/founding/{group.id}").status_code == 404


# --- The directory and the centre's feed -------------------------------------------------


def test_a_listed_founding_group_is_starting_soon_and_leads_to_the_centre(app, client, founded):
    centre, _staff, group = founded
    page = text_of(client.get("/groups"))
    assert "Groupe pour proches aidants" in page
    assert t(app, "fr", "Starting soon — contact the centre") in page
    assert f"/directory/centres/{centre.id}/write" in page
    assert f"/groups/{group.id}/contact" not in page
    contact = client.get(f"/groups/{group.id}/contact")
    assert contact.status_code == 302
    assert contact.location == f"/directory/centres/{centre.id}/write"
    embed = text_of(client.get(f"/directory/centres/{centre.id}/embed"))
    assert t(app, "fr", "Starting soon — contact the centre") in embed
    feed = json.loads(client.get(f"/directory/centres/{centre.id}.json").data)
    (entry,) = feed["groups"]
    assert entry["status"] == "starting_soon" and entry["rhythms"] == []
    assert entry["contact_url"].endswith(f"/directory/centres/{centre.id}/write")
    assert entry["title"] == "Groupe pour proches aidants"


def test_a_founding_group_that_detached_answers_its_visitors_itself(app, client, founded):
    _centre, _staff, group = founded
    group.centre_id = None  # taken over, then detached by its co-responsibles
    db.session.commit()
    page = text_of(client.get("/groups"))
    assert t(app, "fr", "Starting soon — contact the centre") not in page
    assert f"/groups/{group.id}/contact" in page
    assert client.get(f"/groups/{group.id}/contact").status_code == 200


def test_once_started_the_listing_leads_to_the_group(app, client, founded, make_user):
    centre, staff, group = founded
    _invitation, token = founding.create_handover(group, centre, staff)
    db.session.commit()
    first = make_user("Jeanne")
    invitations.accept(token, first)
    founding.start(group, first)
    db.session.commit()
    feed = json.loads(client.get(f"/directory/centres/{centre.id}.json").data)
    (entry,) = feed["groups"]
    assert entry["status"] == "meeting"
    assert entry["contact_url"].endswith(f"/groups/{group.id}/contact")
    assert client.get(f"/groups/{group.id}/contact").status_code == 200


def test_an_unlisted_founding_group_is_not_in_the_directory(client, founded):
    _centre, _staff, group = founded
    group.listed = False
    db.session.commit()
    assert "Groupe pour proches aidants" not in text_of(client.get("/groups"))
    assert client.get(f"/groups/{group.id}/contact").status_code == 404


def test_staff_of_another_centre_do_not_see_a_founding_group(
    client, login, founded, make_centre, make_user
):
    centre, _staff, group = founded
    other = make_user("Other")
    other_centre = make_centre("Centro Ticino", cantons=("TI",), staff=(other,))
    login(other)
    assert client.get(f"/centres/{centre.id}/founding/{group.id}").status_code == 404
    assert client.get(f"/centres/{other_centre.id}/founding/{group.id}").status_code == 404
    assert (
        client.post(f"/centres/{other_centre.id}/founding/{group.id}/handover").status_code == 404
    )


# --- Giving up ---------------------------------------------------------------------------


def test_staff_give_up_a_group_nobody_took_over_after_a_confirmation(app, client, login, founded):
    centre, staff, group = founded
    _invitation, token = founding.create_handover(group, centre, staff)
    db.session.commit()
    login(staff)
    url = f"/centres/{centre.id}/founding/{group.id}/delete"
    confirm = client.get(url)
    assert t(app, "fr", "Yes, delete the group") in text_of(confirm)
    assert db.session.get(Group, group.id) is not None  # nothing yet
    response = client.post(url)
    assert response.location == f"/centres/{centre.id}/groups"
    assert db.session.scalars(select(Group)).all() == []
    assert client.get(f"/invite/{token}").status_code == 404
    action = db.session.scalars(select(StaffAction).order_by(StaffAction.id.desc())).first()
    assert (action.action, action.details) == (
        "founding_given_up",
        {"name": "Groupe pour proches aidants"},
    )


def test_a_group_taken_over_is_not_given_up(app, client, login, founded, make_user):
    centre, staff, group = founded
    _invitation, token = founding.create_handover(group, centre, staff)
    db.session.commit()
    invitations.accept(token, make_user("Jeanne"))
    db.session.commit()
    with pytest.raises(founding.HandedOver):
        founding.give_up(group, centre, staff)
    db.session.rollback()
    login(staff)
    url = f"/centres/{centre.id}/founding/{group.id}/delete"
    assert client.get(url).location == f"/centres/{centre.id}/founding/{group.id}"
    assert client.post(url).status_code == 302
    assert db.session.get(Group, group.id) is not None
