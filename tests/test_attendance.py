"""Anonymous attendance: headcounts, intentions, and the yearly figures."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.models import (
    AttendanceRecord,
    Intention,
    PollBallot,
    PollChoice,
    ThemeSupport,
)
from facilitator.services import attendance, clock, schedule
from tests.conftest import PASSWORD, text_of

NOW = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def setup(make_user, make_group, add_member, weekly_series):
    owner = make_user("Camille")
    group = make_group(owner, name="Deuil Lausanne")
    group.attendance_enabled = True
    db.session.commit()
    series = weekly_series(group)
    ana = make_user("Ana")
    add_member(group, ana)
    return {"owner": owner, "group": group, "series": series, "ana": ana}


def key(s, day):
    return f"s{s['series'].id}-{day:%Y%m%d}1900"


def post_count(client, s, day, **data):
    return client.post(f"/groups/{s['group'].id}/meetings/{key(s, day)}/attendance", data=data)


def test_attendance_is_off_by_default_and_hidden(client, login, make_group, make_user):
    owner = make_user()
    group = make_group(owner)
    assert not group.attendance_enabled
    login(owner)
    assert client.get(f"/groups/{group.id}/attendance").status_code == 404


def test_a_coresponsible_records_and_corrects_a_headcount(client, login, setup):
    s = setup
    login(s["owner"])
    assert (
        post_count(client, s, date(2026, 9, 8), participants="7", newcomers="2").status_code == 302
    )
    assert (
        post_count(client, s, date(2026, 9, 8), participants="8", newcomers="2").status_code == 302
    )
    record = db.session.scalar(select(AttendanceRecord))
    assert (record.participants, record.newcomers) == (8, 2)
    history = text_of(client.get(f"/groups/{s['group'].id}/audit"))
    assert "Camille a corrigé le nombre de personnes présentes" in history


# The anonymous tables and the only tables their foreign keys may reach:
# attendance (headcounts, intentions), secret ballots (a ballot, its choices)
# and the support of proposed themes.
ANONYMOUS = {
    AttendanceRecord: {"meetings"},
    Intention: {"meetings"},
    PollBallot: {"polls"},
    PollChoice: {"poll_ballots", "poll_options"},
    ThemeSupport: {"theme_proposals"},
}
PERSONAL = {"user_id", "membership_id", "member_id", "name", "email"}


@pytest.mark.parametrize("model", ANONYMOUS, ids=lambda m: m.__tablename__)
def test_nothing_in_the_model_can_name_who_came_who_voted_or_who_supports(model):
    columns = {c.name for c in sa_inspect(model).columns}
    assert not columns & PERSONAL
    foreign = {fk.column.table.name for c in sa_inspect(model).columns for fk in c.foreign_keys}
    assert foreign == ANONYMOUS[model]
    if model in (PollBallot, PollChoice):  # no time to set beside a log or a last log-in
        assert columns == {"poll_id", "voter"} | ({"option_id"} if model is PollChoice else set())
    if model is ThemeSupport:  # no time either
        assert columns == {"proposal_id", "supporter"}
    # Nor do the tables they reach lead to a person, but through the group
    # (a meeting's, a poll's, a proposal's), the poll's author or the
    # proposal's author (never shown to others: tests/test_themes.py); a
    # meeting's room leads to its centre only.
    authors = {"polls": {"users"}, "theme_proposals": {"memberships"}}
    for table in foreign:
        reached = {fk.column.table.name for fk in db.metadata.tables[table].foreign_keys}
        assert reached <= {"groups", "meeting_series", "meetings", "polls", "rooms"} | authors.get(
            table, set()
        )
    assert {fk.column.table.name for fk in db.metadata.tables["rooms"].foreign_keys} == {"centres"}


def test_only_open_ballots_are_named_and_by_one_table():
    """Of the tables that point at a ballot, only ``poll_open_voters`` leads
    to a person, and it is written for open polls only (tests/test_polls.py)."""
    pointing = {
        table.name
        for table in db.metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column.table.name
        in {"poll_ballots", "intentions", "attendance_records", "theme_supports"}
    }
    assert pointing == {"poll_choices", "poll_open_voters"}
    named = {fk.column.table.name for fk in db.metadata.tables["poll_open_voters"].foreign_keys}
    assert named == {"poll_ballots", "users"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"participants": "-1"}, "Saisissez un nombre entier de 0 à 500."),
        ({"participants": "501"}, "Saisissez un nombre entier de 0 à 500."),
        ({"participants": "sept"}, "Saisissez un nombre entier de 0 à 500."),
        ({"participants": "3", "newcomers": "4"}, "ne peut pas dépasser"),
        ({"participants": ""}, "Ce champ est obligatoire."),
    ],
)
def test_bad_counts_are_refused(client, login, setup, data, message):
    s = setup
    login(s["owner"])
    response = post_count(client, s, date(2026, 9, 8), **data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert db.session.scalar(select(AttendanceRecord)) is None


def test_future_and_cancelled_meetings_cannot_be_counted(client, login, setup):
    s = setup
    login(s["owner"])
    future = post_count(client, s, date(2026, 10, 6), participants="5")
    assert future.status_code == 409
    assert "dès le début de la rencontre" in text_of(future)
    occurrence = schedule.find(s["group"], key(s, date(2026, 9, 15)))
    schedule.cancel(s["group"], s["owner"], occurrence, "")
    cancelled = post_count(client, s, date(2026, 9, 15), participants="5")
    assert cancelled.status_code == 409
    assert db.session.scalar(select(AttendanceRecord)) is None


def test_members_without_a_role_cannot_record(client, login, setup):
    s = setup
    login(s["ana"])
    assert post_count(client, s, date(2026, 9, 8), participants="5").status_code == 403


def test_intentions_are_counted_never_named(app, client, login, setup, make_user, add_member):
    s = setup
    ben = make_user("Ben")
    add_member(s["group"], ben)
    url = f"/groups/{s['group'].id}/meetings/{key(s, date(2026, 10, 6))}"
    login(s["ana"])
    client.post(url + "/intention", data={"answer": "yes"})
    other = app.test_client()
    other.post("/auth/login", data={"email": ben.email, "password": PASSWORD})
    other.post(url + "/intention", data={"answer": "no"})
    response = other.get(url)
    page = text_of(response)
    assert "1 membre prévoit de venir" in page
    assert "1 ne peut pas venir" in page
    assert "Ana" not in page.split('id="intention"')[1].split("</section>")[0]
    client.post(url + "/intention", data={"answer": "no"})  # Ana changes her mind
    assert "2 ne peuvent pas venir" in text_of(client.get(url))
    assert db.session.query(Intention).count() == 2


def test_yearly_figures_from_known_data(setup):
    s = setup
    g, owner = s["group"], s["owner"]
    membership = g.memberships[0]
    # September 2026: 1, 8, 15, 22, 29. 15 cancelled; counts 6, 9, (22 not recorded), 4.
    schedule.cancel(g, owner, schedule.find(g, key(s, date(2026, 9, 15))), "")
    for day, participants, newcomers in ((1, 6, 1), (8, 9, 3), (29, 4, None)):
        attendance.record(
            g,
            membership,
            schedule.find(g, key(s, date(2026, 9, day))),
            participants,
            newcomers,
            NOW,
        )
    result = attendance.stats(g, date(2026, 9, 1), date(2026, 10, 31), NOW)
    assert result.planned == 9  # 5 in September, 4 in October
    assert result.cancelled == 1
    assert result.held == 4  # 1, 8, 22, 29 (October still to come)
    assert result.recorded == 3
    assert result.not_recorded == 1
    assert result.participants_total == 19
    assert result.mean == 6.3  # 19 / 3
    assert result.median == 6
    assert (result.minimum, result.maximum) == (4, 9)
    assert result.newcomers_total == 4


def test_stats_page_csv_and_printable_report(client, login, setup):
    s = setup
    g = s["group"]
    attendance.record(g, g.memberships[0], schedule.find(g, key(s, date(2026, 9, 8))), 7, 2, NOW)
    login(s["ana"])  # any member sees the anonymous figures
    page = text_of(client.get(f"/groups/{g.id}/attendance?year=2026"))
    assert "Rencontres tenues" in page
    assert "<svg" in page
    assert "non relevé" in page
    csv_response = client.get(f"/groups/{g.id}/attendance.csv?year=2026")
    assert csv_response.content_type == "text/csv; charset=utf-8"
    lines = csv_response.get_data(as_text=True).splitlines()
    assert lines[0] == "Date,Statut,Personnes présentes,Nouvelles personnes"
    assert "2026-09-08 19:00,tenue,7,2" in lines
    report = text_of(client.get(f"/groups/{g.id}/attendance/report?year=2026"))
    assert "Rapport de fréquentation" in report
    assert "Le tableau ci-dessous" in page and "<table" in page
    assert "Le tableau ci-dessous" not in report and "<table" not in report  # one page, no table
    period = text_of(client.get(f"/groups/{g.id}/attendance?from=2026-09-01&to=2026-09-30"))
    assert "Du 1er septembre 2026 au 30 septembre 2026" in period
    assert client.get(f"/groups/{g.id}/attendance?year=1800").status_code == 400
    assert client.get(f"/groups/{g.id}/attendance?from=2026-10-01&to=2026-01-01").status_code == 400


def test_turning_off_keeps_or_deletes_the_figures(client, login, setup):
    s = setup
    g = s["group"]
    attendance.record(g, g.memberships[0], schedule.find(g, key(s, date(2026, 9, 8))), 7, 2, NOW)
    login(s["owner"])
    assert client.post(f"/groups/{g.id}/attendance/settings", data={}).status_code == 400
    client.post(f"/groups/{g.id}/attendance/settings", data={"figures": "keep"})
    db.session.refresh(g)
    assert not g.attendance_enabled
    assert db.session.scalar(select(AttendanceRecord)) is not None
    client.post(f"/groups/{g.id}/attendance/settings")  # on again
    client.post(f"/groups/{g.id}/attendance/settings", data={"figures": "delete"})
    assert db.session.scalar(select(AttendanceRecord)) is None


def test_the_home_page_card_asks_about_the_next_meeting_and_lands_on_the_answer(
    client, login, setup
):
    s = setup
    login(s["ana"])
    page = text_of(client.get("/"))
    card = page.split('id="next-meeting"')[1].split("</section>")[0]
    assert "Votre prochaine rencontre" in card
    assert "mardi 6 octobre 2026" in card  # the series' next Tuesday
    assert 'value="yes"' in card  # "I plan to come", one tap away
    response = client.post(
        f"/groups/{s['group'].id}/meetings/{key(s, date(2026, 10, 6))}/intention",
        data={"answer": "yes", "back": "home"},
    )
    assert response.location.endswith("/#next-meeting")
    page = text_of(client.get(response.location))
    card = page.split('id="next-meeting"')[1].split("</section>")[0]
    assert "Votre réponse a été enregistrée" in card
    assert 'aria-pressed="true"' in card
    occurrence = schedule.find(s["group"], key(s, date(2026, 10, 6)))
    assert attendance.intentions(s["ana"], occurrence).mine is True


def test_the_home_page_card_says_when_the_next_meeting_is_cancelled(client, login, setup):
    s = setup
    occurrence = schedule.find(s["group"], key(s, date(2026, 10, 6)))
    schedule.cancel(s["group"], s["owner"], occurrence, "Salle fermée")
    login(s["ana"])
    card = text_of(client.get("/")).split('id="next-meeting"')[1].split("</section>")[0]
    assert "Annulée" in card
    assert "Salle fermée" in card
    assert 'value="yes"' not in card  # nobody is asked to come to a cancelled meeting


def test_groups_without_attendance_ask_nothing_on_the_home_page(client, login, setup):
    s = setup
    s["group"].attendance_enabled = False
    db.session.commit()
    login(s["ana"])
    card = text_of(client.get("/")).split('id="next-meeting"')[1].split("</section>")[0]
    assert 'value="yes"' not in card


def test_the_chart_labels_each_bar_with_its_value_and_the_months(client, login, setup, monkeypatch):
    s = setup
    g = s["group"]
    later = datetime(2026, 10, 20, 8, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: later)
    for day, count in ((date(2026, 9, 8), 5), (date(2026, 9, 15), 7), (date(2026, 10, 6), 11)):
        attendance.record(g, g.memberships[0], schedule.find(g, key(s, day)), count, 0, later)
    login(s["ana"])
    svg = text_of(client.get(f"/groups/{g.id}/attendance?year=2026")).split("<svg")[1]
    svg = svg.split("</svg>")[0]
    values = [part.split(">")[1].split("<")[0] for part in svg.split('class="value"')[1:]]
    assert values == ["5", "7", "11"]
    assert ">sept.<" in svg and ">oct.<" in svg
    assert svg.count(">sept.<") == 1  # a month is named under its first bar only


def test_the_meeting_by_meeting_table_labels_every_cell_for_phones(client, login, setup):
    s = setup
    g = s["group"]
    attendance.record(g, g.memberships[0], schedule.find(g, key(s, date(2026, 9, 8))), 7, 2, NOW)
    login(s["ana"])
    table = text_of(client.get(f"/groups/{g.id}/attendance?year=2026")).split("<tbody>")[1]
    cells = table.split("</tbody>")[0].count("<td")
    assert cells > 0
    rows = table.count("<tr>")
    assert table.count('<td data-label="Statut">') == rows
    assert table.count('<td data-label="Personnes présentes">') == rows
    assert table.count("<td data-label=") == cells == 3 * rows
