"""Data rights: a copy of one's data, deleting an account, deleting a group."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import String, Text, select

from facilitator.extensions import db
from facilitator.models import ContactMessage, Group, RoleAssignment, User
from facilitator.services import clock, feeds, roles, schedule
from tests.conftest import PASSWORD, text_of

NOW = datetime(2026, 9, 10, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def setup(make_user, make_group, add_member, weekly_series):
    owner = make_user("Camille")
    group = make_group(owner, name="Proches aidants")
    series = weekly_series(group)
    ana = make_user("Ana", email="ana.secret@example.org")
    ana_m = add_member(group, ana)
    notes = db.session.scalars(roles.role_types(group)).all()[3]
    for day in ("20260908", "20260915"):  # one past, one to come
        roles.assign(
            group,
            owner,
            schedule.find(group, f"s{series.id}-{day}1900"),
            notes,
            0,
            ana_m,
            datetime(2026, 9, 1, tzinfo=UTC),
        )
    roles.add_unavailability(ana_m, date(2026, 10, 1), date(2026, 10, 8), "Voyage")
    return {"owner": owner, "group": group, "ana": ana, "series": series}


def test_my_data_as_json_and_html_without_secrets(client, login, setup):
    s = setup
    _feed, token = feeds.create(s["ana"], "téléphone")
    login(s["ana"])
    response = client.get("/account/data.json")
    assert response.content_type == "application/json; charset=utf-8"
    data = json.loads(response.data)
    assert data["account"]["email"] == "ana.secret@example.org"
    assert [m["group"] for m in data["memberships"]] == ["Proches aidants"]
    assert [r["role"] for r in data["roles_held"]] == ["Prise de notes", "Prise de notes"]
    assert data["absences"][0]["note"] == "Voyage"
    assert data["calendar_links"][0]["label"] == "téléphone"
    assert token not in response.get_data(as_text=True)
    assert "password" not in response.get_data(as_text=True)
    page = text_of(client.get("/account/data"))
    assert "Rôles tenus" in page
    assert "ana.secret@example.org" in page


def test_deleting_an_account_leaves_no_personal_data(client, login, setup):
    s = setup
    _feed, token = feeds.create(s["ana"], "phone")
    ana_id = s["ana"].id
    login(s["ana"])
    wrong = client.post("/account/delete", data={"password": "not the password"})
    assert wrong.status_code == 400
    assert "Le mot de passe actuel n'est pas correct." in text_of(wrong)
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    assert db.session.get(User, ana_id) is None
    assert client.get("/account/").status_code == 302  # logged out
    assert client.get(f"/feeds/{token}.ics").status_code == 404
    # The past role stays, held by "a former member"; the coming one reopened.
    remaining = db.session.scalars(select(RoleAssignment)).all()
    assert [(a.meeting.start.date(), a.membership_id) for a in remaining] == [
        (date(2026, 9, 8), None)
    ]
    # No table holds her email, name or note any more.
    for table in db.metadata.sorted_tables:
        text_columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        for row in db.session.execute(select(*text_columns)) if text_columns else []:
            for value in row:
                assert value is None or not any(
                    secret in str(value) for secret in ("ana.secret@example.org", "Ana", "Voyage")
                ), (table.name, value)


def test_the_coresponsibles_hear_when_a_member_deletes_her_account(client, login, setup, outbox):
    s = setup
    login(s["ana"])
    client.post("/account/delete", data={"password": PASSWORD})
    assert [m["To"] for m in outbox] == [s["owner"].email]
    assert outbox[0]["Subject"] == "Ana a quitté Proches aidants"
    body = outbox[0].get_content()
    # her coming role, open again
    assert "mardi 15 septembre 2026, 19:00\xa0: Prise de notes" in body
    assert "ana.secret@example.org" not in body
    login(s["owner"])
    history = text_of(client.get(f"/groups/{s['group'].id}/audit"))
    assert "Rôles à venir de nouveau libres (1), tenus jusqu'ici par un ancien membre." in history


def test_the_last_coresponsible_must_hand_over_first(client, login, setup):
    s = setup
    login(s["owner"])
    page = text_of(client.get("/account/delete"))
    assert "Transmettez d'abord la co-responsabilité dans\xa0: Proches aidants" in page
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 409
    assert db.session.get(User, s["owner"].id) is not None


def test_a_coresponsible_deletes_the_group_after_typing_its_name(client, login, setup):
    s = setup
    group_id = s["group"].id
    db.session.add(
        ContactMessage(
            group_id=group_id, sender_name="Léa", sender_contact="lea@example.org", body="Bonjour"
        )
    )
    db.session.commit()
    login(s["owner"])
    assert client.post(f"/groups/{group_id}/delete", data={"name": "wrong"}).status_code == 400
    assert db.session.get(Group, group_id) is not None  # a wrong name deletes nothing
    assert (
        client.post(f"/groups/{group_id}/delete", data={"name": "Proches aidants"}).status_code
        == 302
    )
    assert db.session.get(Group, group_id) is None
    assert db.session.scalar(select(RoleAssignment)) is None
    # Nothing of the group is left in any table (messages from visitors included).
    for table in db.metadata.sorted_tables:
        if "group_id" in table.columns:
            rows = db.session.execute(select(table).where(table.c.group_id == group_id)).all()
            assert rows == [], table.name
    assert db.session.get(User, s["ana"].id) is not None


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("fr", ["Qui voit quoi", "l'annuaire public", "au plus 180 jours"]),
        ("it", ["Chi vede cosa", "l'elenco pubblico", "al massimo 180 giorni"]),
        ("de", ["Wer was sieht", "öffentliche Verzeichnis", "höchstens 180 Tage"]),
    ],
)
def test_privacy_page_in_every_language_names_the_directory_and_its_messages(
    client, language, texts
):
    response = client.get(f"/privacy?lang={language}")
    assert response.status_code == 200
    for text in texts:
        assert text in text_of(response)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "une salle prêtée par le centre"),
        ("it", "una sala messa a disposizione dal centro"),
        ("de", "einem Raum trifft, den die Kontaktstelle zur Verfügung stellt"),
    ],
)
def test_privacy_page_says_what_a_centre_sees_of_a_group_in_its_room(client, language, text):
    assert text in text_of(client.get(f"/privacy?lang={language}"))


def test_purge_deletes_what_is_past_its_time_and_is_idempotent(app, setup):
    from datetime import timedelta

    from facilitator.models import AttendanceRecord, Invitation
    from facilitator.services import attendance, invitations

    s = setup
    g, owner = s["group"], s["owner"]
    old, _t = invitations.create_invitation(g, owner, days=1, max_uses=None)
    old.expires_at = NOW - timedelta(days=40)
    fresh, _t = invitations.create_invitation(g, owner, days=10, max_uses=None)
    g.attendance_enabled = True
    g.retention_months = 1
    db.session.commit()
    # An old meeting (three months ago) with a note and a headcount, and a recent one.
    early = schedule.create_one_off(
        g,
        owner,
        schedule.MeetingData(
            start=datetime(2026, 6, 2, 19), duration_minutes=60, note="Notes anciennes"
        ),
    )
    attendance.record(g, g.memberships[0], schedule.find(g, f"m{early.id}"), 6, 1, NOW)
    recent = schedule.find(g, f"s{s['series'].id}-202609081900")
    attendance.record(g, g.memberships[0], recent, 7, 0, NOW)
    # Visitors' messages: one from seven months ago, one from last month.
    db.session.add_all(
        [
            ContactMessage(
                group_id=g.id,
                sender_name="Old",
                sender_contact="old@example.org",
                body="Bonjour",
                created_at=NOW - timedelta(days=181),
            ),
            ContactMessage(
                group_id=g.id,
                sender_name="New",
                sender_contact="new@example.org",
                body="Bonjour",
                created_at=NOW - timedelta(days=30),
            ),
        ]
    )
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["purge"])
    assert (
        "Deleted: 1 old invitations, 1 directory messages, 0 requests to centres, 1 meeting notes "
        "and 1 attendance figures" in first.output
    )
    assert db.session.get(Invitation, fresh.id) is not None
    assert db.session.scalar(select(AttendanceRecord.participants)) == 7
    assert db.session.scalars(select(ContactMessage.sender_name)).all() == ["New"]
    again = runner.invoke(args=["purge"])
    assert (
        "Deleted: 0 old invitations, 0 directory messages, 0 requests to centres, 0 meeting notes "
        "and 0 attendance figures" in again.output
    )


def test_logs_and_error_pages_never_show_tokens_or_addresses(client, caplog, make_user):
    token = "Zx" * 22
    with caplog.at_level("DEBUG"):
        response = client.get(f"/feeds/{token}.ics")
        page = client.get(f"/invite/{token}")
        client.post(
            "/auth/login", data={"email": "someone@example.org", "password": "hunter2-secret!"}
        )
    assert response.status_code == 404
    for body in (response.get_data(as_text=True), page.get_data(as_text=True)):
        assert token not in body
    logged = caplog.text
    for secret in (token, "someone@example.org", "hunter2-secret!"):
        assert secret not in logged


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.mark.parametrize("logger", ["werkzeug", "gunicorn.access"])
def test_access_logs_keep_the_path_but_not_its_secret(app, logger, monkeypatch):
    token = "Zx" * 22
    log, lines = logging.getLogger(logger), Lines()
    monkeypatch.setattr(log, "disabled", False)  # the migration tests' fileConfig disables it
    monkeypatch.setattr(log, "level", logging.INFO)
    log.addHandler(lines)
    try:
        # the development server's format, then gunicorn's (atoms in a dict)
        log.info(
            '%s - - [%s] "%s" %s %s',
            "127.0.0.1",
            "now",
            f"GET /feeds/{token}.ics HTTP/1.1",
            200,
            "-",
        )
        log.info("%(r)s %(U)s", {"r": f"GET /invite/{token} HTTP/1.1", "U": f"/invite/{token}"})
        log.info(f"GET /auth/reset/{token}?next=/ HTTP/1.1")
        log.info(f"GET /auth/register?invitation={token}&lang=fr HTTP/1.1")
    finally:
        log.removeHandler(lines)
    text = "\n".join(lines.lines)
    assert token not in text
    assert "GET /feeds/[redacted].ics" in text
    assert "/invite/[redacted]" in text
    assert "/auth/reset/[redacted]?next=/" in text
    assert "/auth/register?invitation=[redacted]&lang=fr" in text
