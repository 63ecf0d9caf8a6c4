"""The public directory and "contact this group"."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.models import ContactMessage
from tests.conftest import text_of

MESSAGE = {
    "sender_name": "Léa",
    "sender_contact": "lea@example.org",
    "body": "Bonjour, puis-je venir la prochaine fois ?",
}


@pytest.fixture
def listed_group(make_user, make_group, add_member):
    owner = make_user("Camille", email="camille@example.org")
    group = make_group(owner, name="Groupe Alcool Lausanne", theme="addiction", canton="VD")
    group.listed = True
    group.directory_title = "Groupe de soutien – Lausanne"
    group.town = "Lausanne"
    add_member(group, make_user("Secret member", email="member@example.org"))
    db.session.commit()
    return group


def test_unlisted_groups_stay_invisible(client, make_group):
    hidden = make_group(name="Groupe caché")
    page = text_of(client.get("/groups"))
    assert "Groupe caché" not in page
    assert client.get(f"/groups/{hidden.id}/contact").status_code == 404


def test_listed_groups_show_only_what_they_chose(client, listed_group):
    page = text_of(client.get("/groups"))
    assert "Groupe de soutien – Lausanne" in page
    assert "Alcool" not in page  # the name is replaced by the chosen title
    assert "Lausanne, Vaud" in page
    assert "Camille" not in page
    assert "Accueille de nouvelles personnes" in page


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("theme=addiction", True),
        ("theme=grief", False),
        ("canton=TI", False),
        ("language=fr", True),
        ("canton=XX", True),
    ],
)
def test_visitors_filter_by_theme_canton_and_language(client, listed_group, query, found):
    assert ("Groupe de soutien" in text_of(client.get(f"/groups?{query}"))) is found


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        ("fr", ["Thème", "Canton", "Langue du groupe", "Addiction", "Vaud", "Filtrer"]),
        ("it", ["Tema", "Cantone", "Lingua del gruppo", "Dipendenze", "Vaud", "Filtra"]),
        (
            "de",
            [
                "Thema",
                "Kanton",
                "Sprache der Gruppe",
                "Sucht",
                "Waadt",
                "Filtern",
                "Neue Mitglieder willkommen",
                "Lausanne, Waadt",
            ],
        ),
    ],
)
def test_the_directory_and_its_filters_speak_french_italian_and_german(
    client, listed_group, lang, labels
):
    page = text_of(client.get(f"/groups?lang={lang}&theme=addiction"))
    assert f'<html lang="{lang}-CH">' in page
    for label in labels:
        assert label in page
    assert "Groupe de soutien" in page


def test_contact_reaches_the_coresponsibles_by_email_and_in_the_app(
    client, outbox, login, listed_group
):
    response = client.post(f"/groups/{listed_group.id}/contact", data=MESSAGE)
    assert response.status_code == 302
    assert [m["To"] for m in outbox] == ["camille@example.org"]
    assert "lea@example.org" in outbox[0].get_content()
    assert db.session.scalar(select(ContactMessage.sender_name)) == "Léa"
    page = text_of(client.get(response.location))
    assert "member@example.org" not in page
    login(listed_group.memberships[0].user)
    assert "puis-je venir" in text_of(client.get(f"/groups/{listed_group.id}/messages"))


def test_a_coresponsible_deletes_an_answered_message(client, login, listed_group):
    client.post(f"/groups/{listed_group.id}/contact", data=MESSAGE)
    message_id = db.session.scalar(select(ContactMessage.id))
    login(listed_group.memberships[0].user)
    page = text_of(client.get(f"/groups/{listed_group.id}/messages"))
    assert "il est de toute façon supprimé 180 jours après son arrivée" in page
    response = client.post(f"/groups/{listed_group.id}/messages/{message_id}/delete")
    assert response.status_code == 302
    assert db.session.scalar(select(ContactMessage)) is None
    page = text_of(client.get(response.location))
    assert "Le message a été supprimé." in page
    assert "puis-je venir" not in page


def test_a_message_of_another_group_cannot_be_deleted(
    client, login, listed_group, make_user, make_group
):
    client.post(f"/groups/{listed_group.id}/contact", data=MESSAGE)
    message_id = db.session.scalar(select(ContactMessage.id))
    other = make_user("Other")
    other_group = make_group(other, name="Autre groupe")
    login(other)
    response = client.post(f"/groups/{other_group.id}/messages/{message_id}/delete")
    assert response.status_code == 404
    assert db.session.get(ContactMessage, message_id) is not None


def test_a_discreet_group_gets_directory_messages_without_its_name_in_the_subject(
    client, outbox, listed_group
):
    client.post(f"/groups/{listed_group.id}/contact", data=MESSAGE)
    assert outbox[-1]["Subject"] == "Message pour Groupe Alcool Lausanne depuis l'annuaire"
    listed_group.feed_title_mode = "discreet"
    db.session.commit()
    client.post(f"/groups/{listed_group.id}/contact", data=MESSAGE)
    assert outbox[-1]["Subject"] == "Un message pour votre groupe depuis l'annuaire"


def test_robots_filling_the_honeypot_send_nothing(client, outbox, listed_group):
    response = client.post(
        f"/groups/{listed_group.id}/contact", data={**MESSAGE, "website": "http://spam.example"}
    )
    assert response.status_code == 302
    assert outbox == []
    assert db.session.scalar(select(ContactMessage)) is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sender_name", "", "Ce champ est obligatoire."),
        ("body", "x" * 2001, "au plus 2000"),
        ("sender_contact", "", "Ce champ est obligatoire."),
    ],
)
def test_bad_messages_get_a_clear_answer(client, listed_group, field, value, message):
    response = client.post(f"/groups/{listed_group.id}/contact", data={**MESSAGE, field: value})
    assert response.status_code == 400
    assert message in text_of(response)


def test_contact_is_rate_limited(app, client, listed_group, monkeypatch):
    monkeypatch.setitem(app.config, "CONTACT_LIMIT_PER_IP", "2 per hour")
    statuses = [
        client.post(f"/groups/{listed_group.id}/contact", data=MESSAGE).status_code
        for _ in range(3)
    ]
    assert statuses == [302, 302, 429]
