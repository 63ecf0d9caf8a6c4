"""Groups: creation, the group page, settings and membership."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.models import AuditEvent, Group, Membership
from facilitator.services import audit
from tests.conftest import text_of

GROUP_FORM = {
    "name": "Proches aidants Lausanne",
    "description": "Pour les proches de personnes malades.",
    "theme": "family",
    "canton": "VD",
    "language": "fr",
    "timezone": "Europe/Zurich",
    "default_location": "Salle B",
    "role_release_hours": "48",
    "accepting_newcomers": "y",
}


def actions(group):
    return db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.group_id == group.id).order_by(AuditEvent.id)
    ).all()


def test_creating_a_group_makes_the_creator_coresponsible(client, login, make_user):
    user = make_user("Camille")
    login(user)
    response = client.post("/groups/new", data=GROUP_FORM)
    assert response.status_code == 302
    group = db.session.scalar(select(Group))
    assert group.name == "Proches aidants Lausanne"
    assert group.timezone == "Europe/Zurich"
    assert not group.attendance_enabled
    assert not group.listed
    membership = db.session.scalar(select(Membership))
    assert membership.user_id == user.id
    assert membership.is_coresponsible
    assert actions(group) == ["group_created"]
    page = text_of(client.get(response.location))
    assert "Proches aidants Lausanne" in page
    assert "Co-responsable" in page


def test_dashboard_lists_my_groups_only(client, login, make_user, make_group, add_member):
    me = make_user("Me")
    mine = make_group(name="Groupe A")
    add_member(mine, me)
    make_group(name="Groupe secret B")
    login(me)
    page = text_of(client.get("/"))
    assert "Groupe A" in page
    assert "Groupe secret B" not in page


BAD_GROUP_INPUT = [
    ("name", "", "Ce champ est obligatoire."),
    ("name", "x" * 121, "Utilisez au plus 120 caractères."),
    ("language", "tlh", "Choisissez une des options de la liste."),
    ("canton", "XX", "Choisissez une des options de la liste."),
    ("default_location", "y" * 201, "Utilisez au plus 200 caractères."),
]
BAD_SETTINGS_INPUT = [
    ("description", "x" * 2001, "Utilisez au plus 2000 caractères."),
    ("timezone", "Mars/Olympus_Mons", "Fuseau horaire inconnu."),
    ("theme", "astrology", "Choisissez une des options de la liste."),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_GROUP_INPUT)
def test_group_form_rejects_bad_input_at_the_field(client, login, make_user, field, value, message):
    login(make_user())
    response = client.post("/groups/new", data={**GROUP_FORM, field: value})
    assert response.status_code == 400
    body = text_of(response)
    assert message in body
    assert f'id="{field}-error"' in body
    assert db.session.scalar(select(Group)) is None


@pytest.mark.parametrize(("field", "value", "message"), BAD_GROUP_INPUT + BAD_SETTINGS_INPUT)
def test_settings_form_rejects_bad_input_at_the_field(
    client, login, make_group, field, value, message
):
    group = make_group()
    login(group.memberships[0].user)
    response = client.post(f"/groups/{group.id}/settings", data={**GROUP_FORM, field: value})
    assert response.status_code == 400
    body = text_of(response)
    assert message in body
    assert f'id="{field}-error"' in body
    assert db.session.get(Group, group.id).name == "Groupe de parole Lausanne"


def test_group_names_are_escaped(client, login, make_user):
    login(make_user())
    client.post("/groups/new", data={**GROUP_FORM, "name": "<script>alert(1)</script>"})
    group = db.session.scalar(select(Group))
    raw = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw


def test_outsiders_get_404_for_a_group(client, login, make_user, make_group):
    group = make_group()
    login(make_user("Outsider"))
    for path in ("", "/members", "/settings", "/invitations", "/audit", "/leave"):
        assert client.get(f"/groups/{group.id}{path}").status_code == 404
    assert client.get("/groups/99999").status_code == 404


def test_settings_are_changed_by_coresponsibles_only(
    client, login, make_user, make_group, add_member
):
    owner = make_user("Owner")
    group = make_group(owner)
    member = make_user("Member")
    add_member(group, member)
    login(member)
    assert client.get(f"/groups/{group.id}/settings").status_code == 403
    assert client.post(f"/groups/{group.id}/settings", data=GROUP_FORM).status_code == 403
    client.post("/auth/logout")
    login(owner)
    response = client.post(
        f"/groups/{group.id}/settings", data={**GROUP_FORM, "name": "Nouveau nom"}
    )
    assert response.status_code == 302
    db.session.refresh(group)
    assert group.name == "Nouveau nom"
    assert actions(group)[-1] == "group_updated"


def test_rejected_settings_change_keeps_what_was_saved(client, login, make_user, make_group):
    owner = make_user()
    group = make_group(owner, name="Avant")
    login(owner)
    response = client.post(
        f"/groups/{group.id}/settings", data={**GROUP_FORM, "name": "Après", "timezone": "Nowhere"}
    )
    assert response.status_code == 400
    db.session.refresh(group)
    assert group.name == "Avant"


def test_members_list_shows_names_and_roles_but_no_emails(
    client, login, make_user, make_group, add_member
):
    owner = make_user("Camille", email="camille@example.org")
    group = make_group(owner)
    member = make_user("Noémie", email="noemie@example.org")
    add_member(group, member)
    login(member)
    page = text_of(client.get(f"/groups/{group.id}/members"))
    assert "Camille" in page
    assert "Noémie" in page
    assert "camille@example.org" not in page
    assert "Rendre co-responsable" not in page  # members cannot change roles


def test_coresponsible_grants_and_withdraws_coresponsibility(
    client, login, make_user, make_group, add_member
):
    owner = make_user("Owner")
    group = make_group(owner)
    member = add_member(group, make_user("Member"))
    login(owner)
    assert client.post(f"/groups/{group.id}/members/{member.id}/grant").status_code == 302
    db.session.refresh(member)
    assert member.role == "coresponsible"
    assert client.post(f"/groups/{group.id}/members/{member.id}/withdraw").status_code == 302
    db.session.refresh(member)
    assert member.role == "member"
    assert actions(group)[-2:] == ["coresponsibility_granted", "coresponsibility_withdrawn"]


def test_members_cannot_change_roles_or_remove(client, login, make_user, make_group, add_member):
    owner = make_user("Owner")
    group = make_group(owner)
    me = make_user("Me")
    add_member(group, me)
    other = add_member(group, make_user("Other"))
    login(me)
    for action in ("grant", "withdraw", "remove"):
        assert client.post(f"/groups/{group.id}/members/{other.id}/{action}").status_code == 403
    db.session.refresh(other)
    assert other.role == "member"


def test_last_coresponsible_cannot_be_demoted_removed_or_leave(
    client, login, make_user, make_group, add_member
):
    owner = make_user("Owner")
    group = make_group(owner)
    add_member(group, make_user("Member"))
    mine = db.session.scalar(Membership.select_for(owner.id, group.id))
    login(owner)
    for response in (
        client.post(f"/groups/{group.id}/members/{mine.id}/withdraw"),
        client.post(f"/groups/{group.id}/members/{mine.id}/remove"),
        client.post(f"/groups/{group.id}/leave"),
    ):
        assert response.status_code == 409
        assert "garde toujours au moins un membre co-responsable" in text_of(response)
    db.session.refresh(mine)
    assert mine.role == "coresponsible"


def test_a_coresponsible_can_leave_after_handing_over(
    client, login, make_user, make_group, add_member
):
    owner = make_user("Owner")
    group = make_group(owner)
    successor = add_member(group, make_user("Successor"))
    login(owner)
    client.post(f"/groups/{group.id}/members/{successor.id}/grant")
    response = client.post(f"/groups/{group.id}/leave")
    assert response.status_code == 302
    assert db.session.scalar(Membership.select_for(owner.id, group.id)) is None
    assert client.get(f"/groups/{group.id}").status_code == 404
    assert actions(group)[-1] == "member_left"


def test_a_member_can_leave(client, login, make_user, make_group, add_member):
    group = make_group()
    me = make_user("Me")
    add_member(group, me)
    login(me)
    assert "Quitter" in text_of(client.get(f"/groups/{group.id}/leave"))
    assert client.post(f"/groups/{group.id}/leave").status_code == 302
    assert db.session.scalar(Membership.select_for(me.id, group.id)) is None


def test_coresponsible_removes_a_member_after_confirmation(
    client, login, make_user, make_group, add_member
):
    owner = make_user("Owner")
    group = make_group(owner)
    member_id = add_member(group, make_user("Leaving")).id
    login(owner)
    confirm = client.get(f"/groups/{group.id}/members/{member_id}/remove")
    assert "Retirer Leaving du groupe" in text_of(confirm)
    assert client.post(f"/groups/{group.id}/members/{member_id}/remove").status_code == 302
    assert db.session.get(Membership, member_id) is None
    assert actions(group)[-1] == "member_removed"


def test_membership_of_another_group_cannot_be_touched(
    client, login, make_user, make_group, add_member
):
    owner = make_user("Owner")
    group = make_group(owner)
    stranger = add_member(make_group(), make_user("Stranger"))
    login(owner)
    assert client.post(f"/groups/{group.id}/members/{stranger.id}/remove").status_code == 404
    assert db.session.get(Membership, stranger.id) is not None


def test_all_coresponsible_setting_makes_every_member_coresponsible(
    client, login, make_user, make_group, add_member
):
    owner = make_user("Owner")
    group = make_group(owner, all_coresponsible=True)
    member = make_user("Member")
    add_member(group, member)
    login(member)
    assert client.get(f"/groups/{group.id}/settings").status_code == 200
    # The owner can leave: the other member is co-responsible too.
    client.post("/auth/logout")
    login(owner)
    assert client.post(f"/groups/{group.id}/leave").status_code == 302


def test_turning_off_all_coresponsible_keeps_the_actor_coresponsible(
    client, login, make_user, make_group, add_member
):
    group = make_group(all_coresponsible=True)
    member = make_user("Member")
    mine = add_member(group, member)
    login(member)
    client.post(f"/groups/{group.id}/settings", data=GROUP_FORM)  # box unticked
    db.session.refresh(group)
    db.session.refresh(mine)
    assert not group.all_coresponsible
    assert mine.role == "coresponsible"


def test_audit_trail_is_for_coresponsibles(client, login, make_user, make_group, add_member):
    owner = make_user("Camille")
    group = make_group(owner)
    member = make_user("Noémie")
    add_member(group, member)
    login(member)
    assert client.get(f"/groups/{group.id}/audit").status_code == 403
    client.post("/auth/logout")
    login(owner)
    page = text_of(client.get(f"/groups/{group.id}/audit"))
    assert "Camille a créé le groupe." in page


def test_the_history_is_paged_and_a_page_past_the_end_is_not_found(
    client, login, make_user, make_group
):
    owner = make_user("Camille")
    group = make_group(owner)
    for _ in range(60):  # 61 events with the creation: two pages of 50
        audit.record(group, owner, "group_updated")
    db.session.commit()
    login(owner)
    first = text_of(client.get(f"/groups/{group.id}/audit"))
    assert "Page 1 sur 2" in first
    assert "Page 2 sur 2" in text_of(client.get(f"/groups/{group.id}/audit?page=2"))
    for page in ("3", "0", "-1", str(10**30)):
        assert client.get(f"/groups/{group.id}/audit?page={page}").status_code == 404, page


def test_line_breaks_in_a_name_become_spaces_and_never_reach_an_email_header(
    client, login, make_user, add_member, outbox
):
    owner = make_user("Camille")
    login(owner)
    response = client.post(
        "/groups/new",
        data={
            **GROUP_FORM,
            "name": "Proches\r\nBcc: someone@example.org\taidants",
            "default_location": "Salle\n2",
        },
    )
    assert response.status_code == 302
    group = db.session.scalar(select(Group))
    assert group.name == "Proches Bcc: someone@example.org aidants"
    assert group.default_location == "Salle 2"
    ana = make_user("Ana")
    add_member(group, ana)
    client.post("/auth/logout")
    login(ana)
    client.post(f"/groups/{group.id}/leave")
    assert outbox[-1]["Subject"] == "Ana a quitté Proches Bcc: someone@example.org aidants"
    assert outbox[-1]["Bcc"] is None
