"""Self-help centres, part 3: listing through the centre, visitors' requests
to a centre (answered, forwarded to a group with consent, closed, purged),
and the centre's directory feed."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.models import (
    AuditEvent,
    ContactMessage,
    ListingRequest,
    Referral,
    StaffAction,
)
from facilitator.services import clock, retention
from tests.conftest import at_once, logged_in, statuses, text_of

REQUEST = {
    "body": "Je cherche un groupe sur le deuil, le soir, près de Lausanne.",
    "sender_name": "Noé",
    "sender_contact": "noe@example.org",
    "consent": "y",
}

SETTINGS = {
    "name": "Groupe deuil Lausanne",
    "description": "",
    "theme": "psychological",
    "canton": "VD",
    "language": "fr",
    "timezone": "Europe/Zurich",
    "default_location": "",
    "role_release_hours": "48",
    "town": "Lausanne",
    "accepting_newcomers": "y",
}


@pytest.fixture
def login(client, login):
    """Log ``user`` in, whoever was logged in before."""

    def do(user):
        client.post("/auth/logout")
        return login(user)

    return do


@pytest.fixture
def centre_world(make_user, make_group, make_centre):
    """A Vaud centre with one staff member and an attached group; a Ticino
    centre with its own staff member."""
    staff = make_user("Sacha", email="sacha@centre.example.org")
    other_staff = make_user("Tiziana")
    centre = make_centre("Centre Vaud", staff=(staff,))
    other_centre = make_centre("Centro Ticino", cantons=("TI",), staff=(other_staff,))
    owner = make_user("Camille", email="camille@example.org")
    group = make_group(owner, name="Groupe deuil Lausanne", theme="psychological")
    group.centre_id = centre.id
    db.session.commit()
    return {
        "staff": staff,
        "other_staff": other_staff,
        "centre": centre,
        "other_centre": other_centre,
        "owner": owner,
        "group": group,
    }


def _referral(centre, **fields) -> Referral:
    referral = Referral(
        centre_id=centre.id,
        sender_name=fields.pop("sender_name", "Noé"),
        sender_contact=fields.pop("sender_contact", "noe@example.org"),
        body=fields.pop("body", "Je cherche un groupe sur le deuil."),
        consent=fields.pop("consent", True),
        **fields,
    )
    db.session.add(referral)
    db.session.commit()
    return referral


# -- a visitor writes to a centre -------------------------------------------


def test_a_visitor_writes_to_a_centre_from_the_directory(client, outbox, centre_world):
    centre = centre_world["centre"]
    directory = text_of(client.get("/groups"))
    assert "Écrire à Centre Vaud" in directory
    response = client.post(f"/directory/centres/{centre.id}/write", data=REQUEST)
    assert response.status_code == 302
    assert "Le centre a reçu votre demande" in text_of(client.get(response.location))
    referral = db.session.scalar(select(Referral))
    assert (referral.centre_id, referral.consent, referral.status) == (centre.id, True, "new")
    assert referral.language == "fr"
    # The centre's contact address is told that a request arrived, without its text.
    assert [m["To"] for m in outbox] == [centre.contact_email]
    assert "deuil" not in outbox[0].get_content()
    assert f"/centres/{centre.id}/requests" in outbox[0].get_content()


def test_without_the_box_ticked_the_visitor_does_not_consent(client, centre_world):
    data = {k: v for k, v in REQUEST.items() if k != "consent"}
    client.post(f"/directory/centres/{centre_world['centre'].id}/write", data=data)
    assert db.session.scalar(select(Referral.consent)) is False


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("body", "", "Ce champ est obligatoire."),
        ("body", "x" * 10_000, "au plus 2000"),
        ("sender_contact", "", "Ce champ est obligatoire."),
        ("sender_name", "", "Ce champ est obligatoire."),
    ],
)
def test_bad_requests_to_a_centre_get_a_clear_answer(client, centre_world, field, value, message):
    response = client.post(
        f"/directory/centres/{centre_world['centre'].id}/write", data={**REQUEST, field: value}
    )
    assert response.status_code == 400
    assert message in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0


def test_robots_filling_the_honeypot_reach_no_centre(client, outbox, centre_world):
    response = client.post(
        f"/directory/centres/{centre_world['centre'].id}/write",
        data={**REQUEST, "website": "http://spam.example"},
    )
    assert response.status_code == 302
    assert outbox == []
    assert db.session.scalar(select(Referral)) is None


def test_requests_to_a_centre_are_rate_limited(app, client, centre_world, monkeypatch):
    monkeypatch.setitem(app.config, "REFERRAL_LIMIT_PER_CENTRE", "2 per day")
    url = f"/directory/centres/{centre_world['centre'].id}/write"
    statuses = [client.post(url, data=REQUEST).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]


def test_an_unknown_centre_has_no_page(client):
    assert client.get("/directory/centres/999/write").status_code == 404


# -- staff see their centre's requests --------------------------------------


def test_staff_see_their_own_centre_requests_only(client, login, centre_world):
    mine = _referral(centre_world["centre"], body="Un groupe sur le deuil")
    theirs = _referral(centre_world["other_centre"], body="Un gruppo sul lutto")
    login(centre_world["staff"])
    page = text_of(client.get(f"/centres/{centre_world['centre'].id}/requests"))
    assert "Un groupe sur le deuil" in page
    assert "Un gruppo sul lutto" not in page
    assert (
        client.get(f"/centres/{centre_world['centre'].id}/requests/{theirs.id}").status_code == 404
    )
    other = centre_world["other_centre"].id
    assert client.get(f"/centres/{other}/requests").status_code == 404
    assert client.get(f"/centres/{other}/requests/{theirs.id}").status_code == 404
    assert client.get(f"/centres/{centre_world['centre'].id}/requests/{mine.id}").status_code == 200


def test_staff_answer_by_email_with_the_centre_as_reply_address(
    client, login, outbox, centre_world
):
    centre = centre_world["centre"]
    referral = _referral(centre)
    login(centre_world["staff"])
    url = f"/centres/{centre.id}/requests/{referral.id}/answer"
    response = client.post(url, data={"answer-text": "Bonjour, le groupe X se réunit le mardi."})
    assert response.status_code == 302
    message = outbox[-1]
    assert message["To"] == "noe@example.org"
    assert message["Reply-To"] == centre.contact_email
    assert "sacha@centre.example.org" not in message.as_string()
    assert message["Subject"] == "Votre demande à Centre Vaud"
    assert "le groupe X se réunit le mardi" in message.get_content()
    db.session.refresh(referral)
    assert referral.status == "answered"
    action = db.session.scalar(select(StaffAction).where(StaffAction.action == "referral_answered"))
    assert action.actor_id == centre_world["staff"].id


def test_staff_may_answer_from_their_own_address(client, login, outbox, centre_world):
    referral = _referral(centre_world["centre"])
    login(centre_world["staff"])
    client.post(
        f"/centres/{centre_world['centre'].id}/requests/{referral.id}/answer",
        data={"answer-text": "Bonjour.", "answer-own_address": "y"},
    )
    assert outbox[-1]["Reply-To"] == "sacha@centre.example.org"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"answer-text": ""}, "Ce champ est obligatoire."),
        ({"answer-text": "x" * 10_000}, "au plus 5000"),
    ],
)
def test_a_bad_answer_is_refused_at_its_field(client, login, outbox, centre_world, data, message):
    referral = _referral(centre_world["centre"])
    login(centre_world["staff"])
    response = client.post(
        f"/centres/{centre_world['centre'].id}/requests/{referral.id}/answer", data=data
    )
    assert response.status_code == 400
    assert message in text_of(response)
    assert outbox == []


def test_a_visitor_who_left_a_phone_number_is_called_not_emailed(
    client, login, outbox, centre_world
):
    referral = _referral(centre_world["centre"], sender_contact="079 123 45 67")
    login(centre_world["staff"])
    base = f"/centres/{centre_world['centre'].id}/requests/{referral.id}"
    response = client.post(f"{base}/answer", data={"answer-text": "Bonjour."})
    assert response.status_code == 400
    assert "pas laissé d'adresse e-mail" in text_of(response)
    assert outbox == []
    assert client.post(f"{base}/answered").status_code == 302
    db.session.refresh(referral)
    assert referral.status == "answered"


def test_staff_close_a_request(client, login, centre_world):
    referral = _referral(centre_world["centre"])
    login(centre_world["staff"])
    base = f"/centres/{centre_world['centre'].id}/requests/{referral.id}"
    asked = client.get(f"{base}/close")  # the request's page links to a confirmation
    assert asked.status_code == 200 and "ne peut pas être rouverte" in text_of(asked)
    db.session.refresh(referral)
    assert referral.status == "new"
    response = client.post(f"{base}/close")
    assert response.status_code == 302
    assert "La demande est close." in text_of(client.get(response.location))
    db.session.refresh(referral)
    assert referral.status == "closed"
    closed = text_of(client.get(f"/centres/{centre_world['centre'].id}/requests?status=closed"))
    assert "Je cherche un groupe" in closed


# -- forwarding to a group ---------------------------------------------------


def test_staff_forward_a_request_to_a_group_with_the_visitor_consent(
    client, login, outbox, centre_world
):
    centre, group = centre_world["centre"], centre_world["group"]
    referral = _referral(centre)
    login(centre_world["staff"])
    base = f"/centres/{centre.id}/requests/{referral.id}"
    confirm = client.get(f"{base}/forward?group={group.id}")
    assert confirm.status_code == 200
    assert "Transmettre la demande à Groupe deuil Lausanne" in text_of(confirm)
    assert db.session.scalar(select(ContactMessage)) is None  # nothing before the confirmation
    response = client.post(f"{base}/forward", data={"group": str(group.id)})
    assert response.status_code == 302
    message = db.session.scalar(select(ContactMessage))
    assert (message.group_id, message.centre_id, message.sender_name) == (
        group.id,
        centre.id,
        "Noé",
    )
    assert [m["To"] for m in outbox] == ["camille@example.org"]
    assert "noe@example.org" in outbox[0].get_content()
    db.session.refresh(referral)
    assert (referral.status, referral.forwarded_group_id) == ("forwarded", group.id)
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.group_id == group.id)) in (
        "group_created",
        "referral_forwarded",
    )
    assert "referral_forwarded" in db.session.scalars(select(AuditEvent.action)).all()
    assert (
        db.session.scalar(
            select(StaffAction.group_id).where(StaffAction.action == "referral_forwarded")
        )
        == group.id
    )
    # The group's co-responsibles see it in their Messages, marked as from the centre.
    login(centre_world["owner"])
    page = text_of(client.get(f"/groups/{group.id}/messages"))
    assert "Je cherche un groupe sur le deuil." in page
    assert "Transmis par votre centre d'entraide" in page
    history = text_of(client.get(f"/groups/{group.id}/audit"))
    assert "Centre Vaud a transmis la demande d'une personne" in history


def test_a_group_nobody_took_over_yet_is_not_offered_for_a_request(
    client, login, centre_world, make_group, make_user
):
    centre = centre_world["centre"]
    unheld = make_group(make_user("Founder"), name="Futur groupe Nyon")
    unheld.centre_id, unheld.founding = centre.id, True
    db.session.commit()
    referral = _referral(centre)
    login(centre_world["staff"])
    base = f"/centres/{centre.id}/requests/{referral.id}"
    assert "Futur groupe Nyon" not in text_of(client.get(base))
    assert client.get(f"{base}/forward?group={unheld.id}").status_code == 404
    assert client.post(f"{base}/forward", data={"group": str(unheld.id)}).status_code == 404
    assert db.session.scalar(select(ContactMessage)) is None


def test_without_consent_a_request_is_never_forwarded(client, login, outbox, centre_world):
    referral = _referral(centre_world["centre"], consent=False)
    login(centre_world["staff"])
    base = f"/centres/{centre_world['centre'].id}/requests/{referral.id}"
    group = centre_world["group"].id
    for response in (
        client.get(f"{base}/forward?group={group}"),
        client.post(f"{base}/forward", data={"group": str(group)}),
    ):
        assert response.status_code == 400
        assert "n'a pas accepté que le centre transmette" in text_of(response)
    assert db.session.scalar(select(ContactMessage)) is None
    assert outbox == []


def test_a_request_goes_only_to_a_group_attached_to_the_centre(
    client, login, centre_world, make_user, make_group
):
    elsewhere = make_group(make_user("Luca"), name="Gruppo Lugano", canton="TI")
    elsewhere.centre_id = centre_world["other_centre"].id
    db.session.commit()
    referral = _referral(centre_world["centre"])
    login(centre_world["staff"])
    base = f"/centres/{centre_world['centre'].id}/requests/{referral.id}"
    assert client.post(f"{base}/forward", data={"group": str(elsewhere.id)}).status_code == 404
    assert client.post(f"{base}/forward", data={}).status_code == 400
    assert client.get(f"{base}/forward?group=").status_code == 400  # "Choose a group" kept
    assert db.session.scalar(select(ContactMessage)) is None


def test_a_request_is_forwarded_once(client, login, centre_world):
    referral = _referral(centre_world["centre"])
    login(centre_world["staff"])
    base = f"/centres/{centre_world['centre'].id}/requests/{referral.id}"
    data = {"group": str(centre_world["group"].id)}
    assert client.post(f"{base}/forward", data=data).status_code == 302
    again = client.post(f"{base}/forward", data=data)
    assert again.status_code == 409
    assert "déjà été transmise" in text_of(again)
    assert db.session.scalar(select(func.count()).select_from(ContactMessage)) == 1


def test_a_group_that_detaches_is_forgotten_by_the_requests_passed_to_it(
    client, login, centre_world
):
    from facilitator.services import centres

    referral = _referral(centre_world["centre"])
    group = centre_world["group"]
    login(centre_world["staff"])
    base = f"/centres/{centre_world['centre'].id}/requests/{referral.id}"
    assert client.post(f"{base}/forward", data={"group": str(group.id)}).status_code == 302
    centres.detach(group, centre_world["owner"])
    db.session.commit()
    db.session.refresh(referral)
    assert referral.forwarded_group_id is None
    assert referral.status == "forwarded"
    page = text_of(client.get(base))
    assert group.name not in page
    assert "déjà été transmise" in page
    # Attached again, it is not shown as the request's group, nor sent it twice.
    group.centre_id = centre_world["centre"].id
    db.session.commit()
    assert group.name not in text_of(client.get(base))
    assert client.post(f"{base}/forward", data={"group": str(group.id)}).status_code == 409
    assert db.session.scalar(select(func.count()).select_from(ContactMessage)) == 1


def test_two_staff_forwarding_at_once_forward_once(app, centre_world, make_user):
    """Parallel requests: one forwards, the other is told it was done."""
    centre = centre_world["centre"]
    second = make_user("Second staff")
    from facilitator.models import CentreStaff

    db.session.add(CentreStaff(centre_id=centre.id, user_id=second.id))
    referral = _referral(centre)
    url = f"/centres/{centre.id}/requests/{referral.id}/forward"
    data = {"group": str(centre_world["group"].id)}
    staff = (centre_world["staff"], second)
    responses = at_once([(logged_in(app, user), url, data) for user in staff])
    assert sorted(statuses(responses)) == [302, 409]
    assert db.session.scalar(select(func.count()).select_from(ContactMessage)) == 1


def test_requests_are_purged_after_180_days(app, centre_world):
    now = clock.now()
    old = _referral(centre_world["centre"], created_at=now - timedelta(days=181)).id
    fresh = _referral(centre_world["centre"], created_at=now - timedelta(days=30)).id
    report = retention.purge(now)
    db.session.commit()
    assert report.referrals == 1
    assert db.session.scalars(select(Referral.id)).all() == [fresh]
    assert old != fresh


# -- listing through the centre ----------------------------------------------


def _ask_listing(client, group):
    return client.post(f"/groups/{group.id}/settings", data={**SETTINGS, "listed": "y"})


def test_an_attached_group_asks_its_centre_instead_of_listing_itself(
    client, login, outbox, centre_world
):
    group, centre = centre_world["group"], centre_world["centre"]
    login(centre_world["owner"])
    response = _ask_listing(client, group)
    assert response.status_code == 302
    assert "Centre Vaud vérifie d'abord l'inscription." in text_of(client.get(response.location))
    db.session.refresh(group)
    assert group.listed is False
    request = db.session.scalar(select(ListingRequest))
    assert (request.status, request.centre_id) == ("pending", centre.id)
    assert outbox[-1]["To"] == centre.contact_email
    settings = text_of(client.get(f"/groups/{group.id}/settings"))
    assert "En attente de la vérification de Centre Vaud" in settings
    assert "Groupe deuil Lausanne" not in text_of(client.get("/groups?canton=VD"))
    # Saving again with the box still ticked asks nothing more.
    _ask_listing(client, group)
    assert db.session.scalar(select(func.count()).select_from(ListingRequest)) == 1
    asked = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action == "listing_requested")
    ).all()
    assert len(asked) == 1


def test_an_unattached_group_lists_itself_as_before(client, login, centre_world):
    group = centre_world["group"]
    group.centre_id = None
    db.session.commit()
    login(centre_world["owner"])
    _ask_listing(client, group)
    db.session.refresh(group)
    assert group.listed is True
    assert db.session.scalar(select(ListingRequest)) is None


def test_staff_approve_a_listing_against_the_criteria(client, login, outbox, centre_world):
    group, centre = centre_world["group"], centre_world["centre"]
    login(centre_world["owner"])
    _ask_listing(client, group)
    login(centre_world["staff"])
    listings = text_of(client.get(f"/centres/{centre.id}/listings"))
    assert "Groupe deuil Lausanne" in listings
    review = f"/centres/{centre.id}/listings/{group.id}"
    page = text_of(client.get(review))
    assert "Autogéré" in page
    partial = client.post(review, data={"review-criteria": ["self_led", "regular"]})
    assert partial.status_code == 400
    assert "Cochez chaque critère" in text_of(partial)
    db.session.refresh(group)
    assert group.listed is False
    everything = ["self_led", "regular", "confidential", "non_profit"]
    response = client.post(review, data={"review-criteria": everything})
    assert response.status_code == 302
    db.session.refresh(group)
    assert group.listed is True
    assert outbox[-1]["To"] == "camille@example.org"
    assert "a approuvé l'inscription" in outbox[-1].get_content()
    action = db.session.scalar(select(StaffAction).where(StaffAction.action == "listing_approved"))
    assert action.group_id == group.id
    assert "Groupe deuil Lausanne" in text_of(client.get("/groups"))
    assert client.get(review).status_code == 404  # decided
    login(centre_world["owner"])
    assert "Centre Vaud a approuvé l'inscription" in text_of(
        client.get(f"/groups/{group.id}/audit")
    )


def test_staff_send_a_listing_back_with_a_reason(client, login, outbox, centre_world):
    group, centre = centre_world["group"], centre_world["centre"]
    login(centre_world["owner"])
    _ask_listing(client, group)
    login(centre_world["staff"])
    url = f"/centres/{centre.id}/listings/{group.id}/return"
    empty = client.post(url, data={"back-reason": ""})
    assert empty.status_code == 400
    assert "Ce champ est obligatoire." in text_of(empty)
    reason = "Merci d'indiquer un rythme de rencontres régulier."
    assert client.post(url, data={"back-reason": reason}).status_code == 302
    db.session.refresh(group)
    assert group.listed is False
    assert reason in outbox[-1].get_content()
    login(centre_world["owner"])
    settings = text_of(client.get(f"/groups/{group.id}/settings"))
    assert "Centre Vaud a renvoyé la demande" in settings
    assert reason in settings
    # Asking again starts a new request.
    _ask_listing(client, group)
    request = db.session.scalar(select(ListingRequest))
    assert (request.status, request.reason) == ("pending", "")


def test_unticking_the_box_withdraws_the_request_and_leaves_the_directory_at_once(
    client, login, centre_world
):
    group = centre_world["group"]
    login(centre_world["owner"])
    _ask_listing(client, group)
    client.post(f"/groups/{group.id}/settings", data=SETTINGS)
    assert db.session.scalar(select(ListingRequest)) is None
    group.listed = True
    db.session.commit()
    client.post(f"/groups/{group.id}/settings", data=SETTINGS)
    db.session.refresh(group)
    assert group.listed is False


def test_detaching_keeps_the_listing_and_drops_a_waiting_request_from_the_centre(
    client, login, centre_world
):
    group, centre = centre_world["group"], centre_world["centre"]
    login(centre_world["owner"])
    _ask_listing(client, group)
    group.centre_id = None  # detached (the centres pages do it)
    db.session.commit()
    login(centre_world["staff"])
    assert "Groupe deuil Lausanne" not in text_of(client.get(f"/centres/{centre.id}/listings"))
    assert client.get(f"/centres/{centre.id}/listings/{group.id}").status_code == 404


def test_two_staff_deciding_at_once_decide_once(app, client, login, centre_world, make_user):
    centre, group = centre_world["centre"], centre_world["group"]
    from facilitator.models import CentreStaff

    second = make_user("Second staff")
    db.session.add(CentreStaff(centre_id=centre.id, user_id=second.id))
    db.session.add(ListingRequest(group_id=group.id, centre_id=centre.id))
    db.session.commit()
    everything = ["self_led", "regular", "confidential", "non_profit"]
    place = f"/centres/{centre.id}/listings/{group.id}"
    responses = at_once(
        [
            (logged_in(app, centre_world["staff"]), place, {"review-criteria": everything}),
            (logged_in(app, second), f"{place}/return", {"back-reason": "Non."}),
        ]
    )
    assert sorted(statuses(responses)) in ([302, 404], [302, 409])
    assert db.session.scalar(select(ListingRequest.status)) in ("approved", "returned")
    assert db.session.scalar(select(func.count()).select_from(StaffAction)) == 1


# -- the centre's directory feed ---------------------------------------------


@pytest.fixture
def listed_world(centre_world, make_user, make_group, add_member, weekly_series):
    group = centre_world["group"]
    group.listed = True
    group.directory_title = "Deuil – Lausanne"
    group.town = "Lausanne"
    group.accepting_newcomers = True
    add_member(group, make_user("Secret member", email="secret@example.org"))
    weekly_series(group, location="Rue Secrète 3")
    unlisted = make_group(make_user("Dana"), name="Groupe non inscrit")
    unlisted.centre_id = centre_world["centre"].id
    elsewhere = make_group(make_user("Luca"), name="Gruppo Lugano", canton="TI")
    elsewhere.listed = True
    elsewhere.centre_id = centre_world["other_centre"].id
    db.session.commit()
    return centre_world


def test_the_centre_feed_lists_only_its_listed_groups_and_their_public_facts(client, listed_world):
    centre, group = listed_world["centre"], listed_world["group"]
    response = client.get(f"/directory/centres/{centre.id}.json")
    assert response.status_code == 200
    assert response.content_type == "application/json; charset=utf-8"
    data = json.loads(response.get_data(as_text=True))
    assert data["schema"] == 1
    assert data["centre"]["name"] == "Centre Vaud"
    assert [g["title"] for g in data["groups"]] == ["Deuil – Lausanne"]
    facts = data["groups"][0]
    assert set(facts) == {
        "id",
        "status",
        "title",
        "theme",
        "canton",
        "language",
        "town",
        "rhythms",
        "newcomers_welcome",
        "contact_url",
    }
    assert facts["id"] == group.id
    assert facts["status"] == "meeting"  # not "starting_soon": see test_founding
    assert facts["newcomers_welcome"] is True
    assert facts["rhythms"] and "mardi" in facts["rhythms"][0].lower()
    text = response.get_data(as_text=True)
    for secret in ("Camille", "camille@example.org", "secret@example.org", "Rue Secrète"):
        assert secret not in text
    assert "Groupe non inscrit" not in text
    assert "Gruppo Lugano" not in text


def test_the_centre_feed_answers_304_to_a_matching_etag_until_something_changes(
    client, listed_world
):
    centre, group = listed_world["centre"], listed_world["group"]
    url = f"/directory/centres/{centre.id}.json"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert "max-age" in first.headers["Cache-Control"]
    assert first.headers["Access-Control-Allow-Origin"] == "*"  # any website may read it
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["ETag"] == etag
    group.directory_title = "Deuil et séparation"
    group.version += 1
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "Deuil et séparation" in changed.get_data(as_text=True)
    # The language is part of the ETag: the Italian list is another one.
    italian = client.get(f"{url}?lang=it")
    assert italian.headers["ETag"] != changed.headers["ETag"]


def test_the_embed_page_may_be_framed_by_the_centre_website(client, listed_world):
    centre = listed_world["centre"]
    response = client.get(f"/directory/centres/{centre.id}/embed")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    page = text_of(response)
    assert "Deuil – Lausanne" in page
    assert "Gruppo Lugano" not in page
    assert "secret@example.org" not in page
    etag = response.headers["ETag"]
    assert client.get(response.request.url, headers={"If-None-Match": etag}).status_code == 304
    # Every other page still refuses to be framed.
    assert client.get("/groups").headers["X-Frame-Options"] == "DENY"


def test_staff_find_the_embed_code_for_their_website(client, login, centre_world):
    login(centre_world["staff"])
    page = text_of(client.get(f"/centres/{centre_world['centre'].id}/listings"))
    assert f"/directory/centres/{centre_world['centre'].id}/embed" in page
    assert "<iframe" in page


def test_hostile_values_in_the_staff_forms_never_break_a_page(client, login, centre_world):
    """The bad-input walk opens pages as a co-responsible; the staff pages
    are walked here, as staff of the centre, one field at a time."""
    from tests.test_bad_input import HOSTILE, FormReader

    centre, group = centre_world["centre"], centre_world["group"]
    referral = _referral(centre)
    db.session.add(ListingRequest(group_id=group.id, centre_id=centre.id))
    db.session.commit()
    login(centre_world["staff"])
    base = f"/centres/{centre.id}"
    pages = [
        f"{base}/requests/{referral.id}",
        f"{base}/requests/{referral.id}/forward?group={group.id}",
        f"{base}/listings/{group.id}",
    ]
    for path in pages:
        page = client.get(path)
        assert page.status_code == 200, path
        reader = FormReader()
        reader.feed(page.get_data(as_text=True))
        for form in reader.forms:
            action = form["action"] or path
            if action.endswith(("/logout", "/close", "/answered")) or "/forward" in action:
                continue  # no field of their own (the forward's group is tested above)
            for name in [n for n in form["fields"] if n != "csrf_token"]:
                for value in HOSTILE:
                    response = client.post(action, data={**form["fields"], name: value})
                    assert response.status_code < 500, (action, name, value[:20])
                    assert "<script>alert(1)" not in response.get_data(as_text=True)
    for value in ["x", "-1", "9" * 30, "<script>"]:
        response = client.get(f"{base}/requests/{referral.id}/forward?group={value}")
        assert response.status_code in (400, 404)
        assert client.get(f"{base}/requests?status={value}").status_code == 200


def test_two_coresponsibles_asking_at_once_make_one_request(
    app, centre_world, make_user, add_member
):
    """Parallel requests: both saves succeed, the centre gets one request."""
    group = centre_world["group"]
    second = make_user("Dominique")
    add_member(group, second, coresponsible=True)
    url, data = f"/groups/{group.id}/settings", {**SETTINGS, "listed": "y"}
    responses = at_once([(logged_in(app, u), url, data) for u in (centre_world["owner"], second)])
    assert statuses(responses) == [302, 302]
    assert db.session.scalar(select(func.count()).select_from(ListingRequest)) == 1
    assert db.session.scalar(select(ListingRequest.status)) == "pending"
