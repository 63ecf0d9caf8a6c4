"""Invitation links: created by co-responsibles, used to join a group."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.models import Invitation, Membership
from facilitator.models._common import utcnow
from facilitator.services import invitations
from facilitator.services.errors import InvitationUsedUp
from tests.conftest import AGREED, PASSWORD, link_in, text_of


def create_link(client, group, **form) -> str:
    response = client.post(
        f"/groups/{group.id}/invitations", data={"days": "14", **form}, follow_redirects=True
    )
    assert response.status_code == 200
    match = re.search(r'value="https://facilitator\.test(/invite/[^"]+)"', text_of(response))
    assert match
    return match.group(1)


@pytest.fixture
def owner_and_group(make_user, make_group, login):
    owner = make_user("Owner")
    group = make_group(owner, name="Gruppo lutto Lugano", language="it", canton="TI")
    login(owner)
    return owner, group


def test_link_is_shown_once_and_only_its_hash_is_stored(client, owner_and_group):
    _owner, group = owner_and_group
    path = create_link(client, group, max_uses="3")
    token = path.rsplit("/", 1)[1]
    invitation = db.session.scalar(select(Invitation))
    assert invitation.token_hash == invitations.hash_token(token)
    assert token not in invitation.token_hash
    assert invitation.max_uses == 3
    listing = text_of(client.get(f"/groups/{group.id}/invitations"))
    assert token not in listing
    assert "0 sur 3" in listing


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"days": "0"}, "Choisissez entre 1 et 90 jours."),
        ({"days": "365"}, "Choisissez entre 1 et 90 jours."),
        ({"days": "deux"}, "Saisissez un nombre entier."),
        ({"max_uses": "0"}, "Choisissez entre 1 et 100 personnes."),
        ({"max_uses": "-5"}, "Choisissez entre 1 et 100 personnes."),
    ],
)
def test_invitation_form_rejects_bad_input(client, owner_and_group, form, message):
    _owner, group = owner_and_group
    response = client.post(f"/groups/{group.id}/invitations", data={"days": "14", **form})
    assert response.status_code == 400
    assert message in text_of(response)
    assert db.session.scalar(select(Invitation)) is None


def test_logged_in_user_joins_with_a_link_in_the_groups_language(
    app, client, owner_and_group, make_user, outbox
):
    _owner, group = owner_and_group
    path = create_link(client, group)
    visitor = app.test_client()
    page = text_of(visitor.get(path))
    assert "Hai ricevuto un invito a entrare in Gruppo lutto Lugano" in page
    newcomer = make_user("Luca", locale="fr")
    visitor.post("/auth/login", data={"email": newcomer.email, "password": PASSWORD})
    response = visitor.post(path, data=AGREED)
    assert response.status_code == 302
    membership = db.session.scalar(Membership.select_for(newcomer.id, group.id))
    assert membership.role == "member"
    assert db.session.scalar(select(Invitation.uses)) == 1
    # The co-responsible member hears of it, to welcome the newcomer.
    owner = owner_and_group[0]
    assert [(m["To"], m["Subject"]) for m in outbox] == [
        (owner.email, "Luca a rejoint Gruppo lutto Lugano")
    ]
    assert f"https://facilitator.test/groups/{group.id}/members" in outbox[0].get_content()
    assert newcomer.email not in outbox[0].get_content()
    # Joining again does nothing more.
    visitor.post(path, data=AGREED)
    assert db.session.scalar(select(Invitation.uses)) == 1
    assert len(outbox) == 1


def test_newcomer_registers_from_the_link_and_joins(app, client, outbox, owner_and_group):
    _owner, group = owner_and_group
    path = create_link(client, group)
    token = path.rsplit("/", 1)[1]
    visitor = app.test_client()
    form = visitor.get(f"/auth/register?invitation={token}")
    assert 'lang="it-CH"' in text_of(form)
    assert "Gruppo lutto Lugano" in text_of(form)
    visitor.post("/auth/register", data={"email": "luca@example.org", "invitation": token})
    assert outbox[-1]["Subject"] == "Completa la creazione del tuo account facilitator"
    finish = link_in(outbox[-1])
    response = visitor.post(
        finish,
        data={
            "display_name": "Luca",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "language": "it",
            **AGREED,
        },
    )
    assert response.status_code == 302
    assert response.location == f"/groups/{group.id}/welcome"
    assert "Gruppo lutto Lugano" in text_of(visitor.get(response.location))
    owner = owner_and_group[0]
    assert (outbox[-1]["To"], outbox[-1]["Subject"]) == (
        owner.email,
        "Luca a rejoint Gruppo lutto Lugano",
    )


def test_revoked_link_gets_a_clear_page(client, owner_and_group):
    _owner, group = owner_and_group
    path = create_link(client, group)
    invitation = db.session.scalar(select(Invitation))
    client.post(f"/groups/{group.id}/invitations/{invitation.id}/revoke")
    response = client.get(path)
    assert response.status_code == 410
    assert "ritirato dal gruppo" in text_of(response) or "révoquée par le groupe" in text_of(
        response
    )
    assert "Invitation" in text_of(client.get(f"/groups/{group.id}/audit"))


def test_expired_link_gets_a_clear_page(app, client, owner_and_group):
    _owner, group = owner_and_group
    path = create_link(client, group)
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = app.test_client().get(path)
    assert response.status_code == 410
    assert "Questo invito è scaduto" in text_of(response)


def test_used_up_link_gets_a_clear_page(app, client, owner_and_group, make_user, add_member):
    _owner, group = owner_and_group
    path = create_link(client, group, max_uses="1")
    first, second = make_user("First"), make_user("Second")
    for user in (first, second):
        c = app.test_client()
        c.post("/auth/login", data={"email": user.email, "password": PASSWORD})
        c.post(path, data=AGREED)
    assert db.session.scalar(Membership.select_for(first.id, group.id)) is not None
    assert db.session.scalar(Membership.select_for(second.id, group.id)) is None
    response = app.test_client().get(path)
    assert response.status_code == 410
    assert "già stato usato tutte le volte consentite" in text_of(response)


def test_unknown_link_gets_404(client):
    response = client.get("/invite/not-a-real-token")
    assert response.status_code == 404
    assert "Ce lien d'invitation n'est pas valable" in text_of(response)


def test_register_with_a_broken_invitation_is_refused(client):
    response = client.get("/auth/register?invitation=broken")
    assert response.status_code == 404


def test_last_place_cannot_be_taken_twice(app, owner_and_group, make_user):
    owner, group = owner_and_group
    _invitation, token = invitations.create_invitation(group, owner, days=1, max_uses=1)
    a, b = make_user("A"), make_user("B")
    invitations.accept(token, a)
    with pytest.raises(InvitationUsedUp):
        invitations.accept(token, b)


def test_members_cannot_manage_invitations(client, make_user, make_group, add_member, login):
    group = make_group()
    member = make_user()
    add_member(group, member)
    login(member)
    assert client.get(f"/groups/{group.id}/invitations").status_code == 403
    assert client.post(f"/groups/{group.id}/invitations", data={"days": "3"}).status_code == 403


def test_the_invited_newcomer_finishes_in_the_groups_language(app, client, outbox, owner_and_group):
    _owner, group = owner_and_group
    token = create_link(client, group).rsplit("/", 1)[1]
    visitor = app.test_client()
    visitor.post(
        "/auth/register",
        data={"email": "luca@example.org", "invitation": token},
        headers={"Accept-Language": "en-US"},
    )
    finish = visitor.get(link_in(outbox[-1]), headers={"Accept-Language": "en-US"})
    assert 'lang="it-CH"' in text_of(finish)
    assert '<option selected value="it">' in text_of(finish) or 'value="it" selected' in text_of(
        finish
    )
