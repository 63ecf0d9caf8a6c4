"""Meetings in the browser's eyes: planning, exceptions, and what members see."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from facilitator.domain.recurrence import WEEKLY, Rule
from facilitator.extensions import db
from facilitator.models import Meeting, MeetingSeries
from facilitator.services import clock, schedule
from tests.conftest import confirmed, text_of

NOW = datetime(2026, 8, 20, 10, 0, tzinfo=UTC)
SERIES_FORM = {
    "frequency": "weekly",
    "interval": "2",
    "weekdays": ["TU"],
    "setpos": "1",
    "month_weekday": "TU",
    "start_date": "2026-09-01",
    "start_time": "19:00",
    "end_time": "21:00",
    "ends": "never",
    "location": "Salle B",
    "title": "",
    "note": "",
    "save": "1",
}


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def coresp(make_user, make_group, login):
    user = make_user("Camille")
    group = make_group(user, name="Proches aidants", canton="VD")
    login(user)
    return user, group


def post_series(client, group, **changes):
    return client.post(f"/groups/{group.id}/series/new", data={**SERIES_FORM, **changes})


def test_plan_a_fortnightly_series_and_see_it_on_the_group_page(client, coresp):
    _user, group = coresp
    response = post_series(client, group)
    assert response.status_code == 302
    page = text_of(client.get(f"/groups/{group.id}"))
    assert "mardi 1er septembre 2026, 19:00–21:00" in page
    assert "mardi 15 septembre 2026, 19:00–21:00" in page
    assert "Lieu\xa0: Salle B" in page
    listing = text_of(client.get(f"/groups/{group.id}/meetings"))
    assert "Toutes les 2 semaines le mardi à 19:00" in listing


@pytest.mark.parametrize(
    ("lang", "rhythm"),
    [
        ("fr", "Toutes les 2 semaines le mardi à 19:00"),
        ("it", "Ogni 2 settimane di martedì alle 19:00"),
        ("de", "Alle 2 Wochen am Dienstag um 19:00"),
    ],
)
def test_the_rhythm_reads_naturally_in_each_language(client, coresp, lang, rhythm):
    _user, group = coresp
    post_series(client, group)
    assert rhythm in text_of(client.get(f"/groups/{group.id}/meetings?lang={lang}"))


def test_preview_shows_the_dates_without_saving(client, coresp):
    _user, group = coresp
    data = {**SERIES_FORM, "preview": "1"}
    del data["save"]
    response = client.post(f"/groups/{group.id}/series/new", data=data)
    assert response.status_code == 200
    body = text_of(response)
    assert "mardi 1er septembre 2026, 19:00" in body
    assert "mardi 29 septembre 2026, 19:00" in body
    assert db.session.scalar(select(func.count()).select_from(MeetingSeries)) == 0


def test_preview_marks_public_holidays(client, coresp):
    _user, group = coresp
    data = {
        **SERIES_FORM,
        "weekdays": ["MO"],
        "interval": "1",
        "start_date": "2026-09-14",
        "preview": "1",
    }
    del data["save"]
    body = text_of(client.post(f"/groups/{group.id}/series/new", data=data))
    assert "jour férié\xa0: Lundi du Jeûne fédéral" in body


def test_saving_warns_about_public_holidays(client, coresp):
    _user, group = coresp
    response = post_series(client, group, weekdays=["MO"], interval="1", start_date="2026-09-14")
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "Certaines rencontres tombent sur un jour férié" in page
    assert "Lundi du Jeûne fédéral" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_time": "18:00"}, "end_time", "La rencontre doit se terminer après son début."),
        ({"end_time": "19:00"}, "end_time", "La rencontre doit se terminer après son début."),
        ({"start_date": "2026-02-31"}, "start_date", "Saisissez une date réelle"),
        ({"start_date": "1900-01-02"}, "start_date", "Choisissez une date entre 2000 et"),
        ({"start_time": "25:00"}, "start_time", "Saisissez une heure comme 19:00."),
        ({"location": "x" * 201}, "location", "Utilisez au plus 200 caractères."),
        ({"note": "x" * 1001}, "note", "Utilisez au plus 1000 caractères."),
        ({"ends": "until", "until": "2026-08-01"}, "until", "La date de fin est antérieure"),
        ({"ends": "until", "until": ""}, "until", "Ce champ est obligatoire."),
        ({"ends": "count", "count": "5000"}, "count", "Choisissez entre 1 et 1000."),
        ({"ends": "until", "until": "2039-01-01"}, "until", "Choisissez une date entre"),
        ({"frequency": "daily", "interval": "1"}, "ends", "plus de 1000 rencontres"),
        ({"frequency": "yearly"}, "frequency", "Choisissez une des options de la liste."),
        ({"weekdays": []}, "weekdays", "Choisissez au moins un jour de la semaine."),
        ({"frequency": "monthly_day", "monthday": "32"}, "monthday", "Choisissez entre 1 et 31."),
        ({"interval": "0"}, "interval", "Choisissez entre 1 et 99."),
    ],
)
def test_series_form_rejects_bad_input_at_the_field(client, coresp, changes, field, message):
    _user, group = coresp
    version = group.version
    response = post_series(client, group, **changes)
    assert response.status_code == 400
    body = text_of(response)
    assert message in body
    assert f'id="{field}-error"' in body
    assert db.session.scalar(select(func.count()).select_from(MeetingSeries)) == 0
    db.session.refresh(group)
    assert group.version == version


def test_monthly_on_the_second_tuesday(client, coresp):
    _user, group = coresp
    post_series(
        client,
        group,
        frequency="monthly_weekday",
        interval="1",
        setpos="2",
        month_weekday="TU",
        start_date="2026-09-08",
    )
    listing = text_of(client.get(f"/groups/{group.id}/meetings"))
    assert "Chaque mois, le deuxième mardi, à 19:00" in listing
    assert "mardi 8 septembre 2026" in listing
    assert "mardi 13 octobre 2026" in listing


def occurrence_key(group, day):
    found = schedule.occurrences([group.id], day, day)
    assert found, day
    return found[0].key


def test_cancel_with_a_reason_and_restore(client, coresp):
    _user, group = coresp
    post_series(client, group)
    key = occurrence_key(group, date(2026, 9, 15))
    response = confirmed(
        client, f"/groups/{group.id}/meetings/{key}/cancel", {"reason": "Salle fermée"}
    )
    assert response.status_code == 302
    listing = text_of(client.get(f"/groups/{group.id}"))
    assert "Annulée" in listing
    assert "Motif\xa0: Salle fermée" in listing
    client.post(f"/groups/{group.id}/meetings/{key}/restore")
    assert "Annulée" not in text_of(client.get(f"/groups/{group.id}"))
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_cancel_reason_over_its_limit_is_refused(client, coresp):
    _user, group = coresp
    post_series(client, group)
    key = occurrence_key(group, date(2026, 9, 15))
    response = client.post(f"/groups/{group.id}/meetings/{key}/cancel", data={"reason": "x" * 201})
    assert response.status_code == 400
    assert "Utilisez au plus 200 caractères." in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_move_one_meeting(client, coresp):
    _user, group = coresp
    post_series(client, group)
    key = occurrence_key(group, date(2026, 9, 15))
    form = text_of(client.get(f"/groups/{group.id}/meetings/{key}/edit"))
    assert 'value="2026-09-15"' in form
    response = client.post(
        f"/groups/{group.id}/meetings/{key}/edit",
        data={
            "date": "2026-09-17",
            "start_time": "18:30",
            "end_time": "20:30",
            "location": "Salle C",
            "title": "",
            "note": "Exceptionnellement jeudi",
        },
    )
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "jeudi 17 septembre 2026" in page
    assert "18:30–20:30" in page
    assert "Au lieu du mardi 15 septembre 2026 à 19:00" in page
    assert "Exceptionnellement jeudi" in page


def test_pause_the_summer(client, coresp):
    _user, group = coresp
    post_series(client, group, start_date="2026-06-02")
    series = db.session.scalar(select(MeetingSeries))
    response = confirmed(
        client,
        f"/groups/{group.id}/series/{series.id}/pause",
        {"first": "2026-09-01", "last": "2026-09-30", "reason": "Pause"},
    )
    assert response.status_code == 302
    assert "2 rencontres ont été annulées." in text_of(client.get(response.location))


def test_pause_with_end_before_start_is_refused(client, coresp):
    _user, group = coresp
    post_series(client, group)
    series = db.session.scalar(select(MeetingSeries))
    response = client.post(
        f"/groups/{group.id}/series/{series.id}/pause",
        data={"first": "2026-09-30", "last": "2026-09-01", "reason": ""},
    )
    assert response.status_code == 400
    assert "La fin de la pause est antérieure à son début." in text_of(response)


def test_change_from_a_date_on_reports_dropped_exceptions(client, coresp):
    _user, group = coresp
    post_series(client, group)
    series = db.session.scalar(select(MeetingSeries))
    key = occurrence_key(group, date(2026, 10, 13))
    confirmed(client, f"/groups/{group.id}/meetings/{key}/cancel", {"reason": "Vacances"})
    form = text_of(client.get(f"/groups/{group.id}/series/{series.id}/edit"))
    assert 'value="2026-09-01"' in form
    response = client.post(
        f"/groups/{group.id}/series/{series.id}/edit",
        data={**SERIES_FORM, "start_date": "2026-10-01", "weekdays": ["TH"], "interval": "1"},
    )
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "1 modification d'une seule rencontre ne correspond plus au nouveau rythme" in page
    assert "Chaque semaine le jeudi à 19:00" in page
    # History before the change is untouched.
    assert schedule.occurrences([group.id], date(2026, 9, 29), date(2026, 9, 29))[0].start == (
        datetime(2026, 9, 29, 19)
    )


def test_end_a_series(client, coresp):
    _user, group = coresp
    post_series(client, group)
    series = db.session.scalar(select(MeetingSeries))
    response = confirmed(
        client, f"/groups/{group.id}/series/{series.id}/end", {"day": "2026-10-01"}
    )
    assert response.status_code == 302
    db.session.refresh(series)
    assert series.until == date(2026, 9, 29)


def test_plan_and_delete_a_one_off_meeting(client, coresp):
    _user, group = coresp
    response = client.post(
        f"/groups/{group.id}/meetings/new",
        data={
            "date": "2026-12-08",
            "start_time": "12:00",
            "end_time": "14:00",
            "location": "Restaurant du Lac",
            "title": "Repas de fin d'année",
            "note": "",
        },
    )
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "Repas de fin d'année" in page
    assert "mardi 8 décembre 2026" in page
    key = response.location.rsplit("/", 1)[1]
    assert confirmed(client, f"/groups/{group.id}/meetings/{key}/delete").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_unknown_meeting_key_is_404(client, coresp):
    _user, group = coresp
    post_series(client, group)
    series = db.session.scalar(select(MeetingSeries))
    for key in (f"s{series.id}-202609021900", "nonsense", "m0"):
        assert client.get(f"/groups/{group.id}/meetings/{key}").status_code == 404


def test_dashboard_shows_the_next_meetings_of_all_groups_in_italian(
    client, make_user, make_group, add_member, login
):
    giulia = make_user("Giulia", locale="it")
    lugano = make_group(giulia, name="Lutto Lugano", language="it", canton="TI")
    other = make_group(make_user("Other"), name="Famiglie Bellinzona", canton="TI")
    add_member(other, giulia)
    for group in (lugano, other):
        schedule.create_series(
            group,
            giulia,
            schedule.SeriesData(
                start_date=date(2026, 9, 3),
                start_time=time(18, 30),
                duration_minutes=90,
                rule=Rule(WEEKLY, byday=("TH",)),
            ),
        )
    login(giulia)
    page = text_of(client.get("/"))
    assert "giovedì 3 settembre 2026, 18:30–20:00" in page
    assert "Lutto Lugano" in page
    assert "Famiglie Bellinzona" in page


def test_past_meetings_archive_is_paginated(client, coresp):
    _user, group = coresp
    post_series(client, group, start_date="2025-01-07", interval="1")
    first = text_of(client.get(f"/groups/{group.id}/meetings/past"))
    assert "mardi 18 août 2026" in first
    assert "Page 1 sur 5" in first
    last = text_of(client.get(f"/groups/{group.id}/meetings/past?page=5"))
    assert "mardi 7 janvier 2025" in last
    assert client.get(f"/groups/{group.id}/meetings/past?page=9").status_code == 404
