"""Planning regular meetings and changing them safely: the first meeting on
the chosen rhythm, a change from a date on that keeps the rhythm's phase and
the changes already made, and a confirmation before anything that removes
meetings or emails people."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from facilitator.domain import recurrence as rec
from facilitator.domain.recurrence import MONTHLY, WEEKLY, Rule
from facilitator.extensions import db
from facilitator.models import AuditEvent, Meeting, MeetingSeries, Membership, RoleAssignment
from facilitator.models.groups import MemberRole
from facilitator.services import clock, notifications, roles, schedule, unit
from tests.conftest import (
    DIGEST,
    PASSWORD,
    TEST_DATABASE_URL,
    at_once,
    confirmed,
    logged_in,
    statuses,
    text_of,
)
from tests.test_meetings import SERIES_FORM

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday morning in Lausanne
NB = "\xa0"
# the series form of tests/test_meetings.py, weekly, without its first date and its Save
FORM = {k: v for k, v in SERIES_FORM.items() if k not in ("start_date", "save")} | {"interval": "1"}


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def people(make_user, make_group, add_member):
    owner = make_user("Camille")
    group = make_group(owner, name="Proches aidants")
    ana = make_user("Ana", email="ana@example.org")
    giulia = make_user("Giulia", email="giulia@example.org", locale="it")
    mathis = make_user("Mathis", email="mathis@example.org", locale="de")
    memberships = {u.display_name: add_member(group, u) for u in (ana, giulia, mathis)}
    return {"owner": owner, "group": group, "members": memberships}


def series_of(group, start, rule, at=time(19)):
    return schedule.create_series(
        group,
        group.memberships[0].user,
        schedule.SeriesData(start_date=start, start_time=at, duration_minutes=120, rule=rule),
    )


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- pure rules -----------------------------------------------------------------


def test_a_change_from_a_thursday_keeps_the_fortnightly_wednesdays():
    wednesdays = Rule(WEEKLY, 2, ("WE",))
    assert rec.phase_first(wednesdays, date(2027, 1, 13), wednesdays, date(2027, 1, 21)) == (
        date(2027, 1, 27)
    )
    # A new weekday keeps the weeks too: the Thursday of the next meeting week.
    thursdays = Rule(WEEKLY, 2, ("TH",))
    assert rec.phase_first(wednesdays, date(2027, 1, 13), thursdays, date(2027, 1, 21)) == (
        date(2027, 1, 28)
    )


def test_a_new_interval_starts_its_count_at_the_chosen_date():
    weekly = Rule(WEEKLY, 1, ("TU",))
    every_four = Rule(WEEKLY, 4, ("TU",))
    assert rec.phase_first(weekly, date(2026, 1, 6), every_four, date(2026, 9, 1)) == (
        date(2026, 9, 1)
    )


def test_a_change_on_the_first_day_starts_there():
    rule = Rule(WEEKLY, 2, ("WE",))
    assert rec.phase_first(rule, date(2027, 1, 13), rule, date(2027, 1, 13)) == date(2027, 1, 13)


def test_every_other_month_keeps_its_months():
    rule = Rule(MONTHLY, 2, ("TU",), setpos=2)  # 2nd Tuesday, January, March, May…
    assert rec.phase_first(rule, date(2027, 1, 12), rule, date(2027, 2, 1)) == date(2027, 3, 9)


RULES = st.one_of(
    st.builds(
        lambda n, days: Rule(WEEKLY, n, tuple(sorted(days, key=rec.WEEKDAYS.index))),
        st.integers(1, 4),
        st.sets(st.sampled_from(rec.WEEKDAYS), min_size=1, max_size=3),
    ),
    st.builds(
        lambda n, pos, d: Rule(MONTHLY, n, (d,), setpos=pos),
        st.integers(1, 3),
        st.sampled_from(rec.SETPOS),
        st.sampled_from(rec.WEEKDAYS),
    ),
    st.builds(lambda n, d: Rule(MONTHLY, n, monthday=d), st.integers(1, 3), st.integers(1, 31)),
    st.builds(lambda n: Rule(rec.DAILY, n), st.integers(1, 10)),
)
DAYS = st.dates(date(2026, 1, 1), date(2030, 12, 31))


@settings(max_examples=150, deadline=None)
@given(RULES, DAYS, st.integers(0, 900))
def test_changing_nothing_from_a_date_on_gives_the_same_meetings(rule, start, offset):
    """The first date of the new series is the old series' own next meeting."""
    first = rec.first_date(rule, start)
    day = first + timedelta(days=offset)
    following = rec.dates(rule, first, day, rec.horizon(first))
    if following:
        assert rec.phase_first(rule, first, rule, day) == following[0]


@settings(max_examples=150, deadline=None)
@given(RULES, DAYS)
def test_the_days_offered_instead_are_the_closest_that_fit(rule, day):
    before, after = rec.nearest_fits(rule, day)
    assert rec.fits(rule, after) and after > day
    assert not any(rec.fits(rule, d) for d in _days_between(day, after))
    if before is not None:
        assert rec.fits(rule, before) and before < day
        assert not any(rec.fits(rule, d) for d in _days_between(before, day))


def _days_between(low, high):
    return [low + timedelta(days=n) for n in range(1, (high - low).days)]


# --- the series form ------------------------------------------------------------


def post_new(client, group, **changes):
    return client.post(f"/groups/{group.id}/series/new", data={**FORM, "save": "1", **changes})


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        (
            "fr",
            f"Mercredi 9 décembre 2026 n'est pas un mardi{NB}; choisissez par exemple "
            "mardi 8 décembre 2026 ou mardi 15 décembre 2026.",
        ),
        (
            "it",
            "Mercoledì 9 dicembre 2026 non è un martedì; scegli per esempio "
            "martedì 8 dicembre 2026 o martedì 15 dicembre 2026.",
        ),
        (
            "de",
            "Mittwoch, 9. Dezember 2026 ist kein Dienstag; wählen Sie zum Beispiel "
            "Dienstag, 8. Dezember 2026 oder Dienstag, 15. Dezember 2026.",
        ),
    ],
)
def test_a_first_meeting_off_the_weekday_is_refused_at_the_field(
    client, login, people, lang, message
):
    login(people["owner"])
    group = people["group"]
    client.get(f"/?lang={lang}")
    response = post_new(client, group, start_date="2026-12-09", interval="2")
    assert response.status_code == 400
    body = text_of(response)
    error = re.search(r'id="start_date-error">([^<]*)<', body)
    assert error and error.group(1) == message
    assert count(MeetingSeries) == 0


def test_the_days_offered_are_not_in_the_past(client, login, people):
    login(people["owner"])
    # Thursday 26 November: the Tuesday before is past, so the next two (today's first).
    body = text_of(post_new(client, people["group"], start_date="2026-11-26"))
    assert "choisissez par exemple mardi 1er décembre 2026 ou mardi 8 décembre 2026." in body


def test_sunday_is_feminine_in_italian(client, login, people):
    login(people["owner"])
    client.get("/?lang=it")
    body = text_of(post_new(client, people["group"], weekdays=["SU"], start_date="2026-12-09"))
    assert "Mercoledì 9 dicembre 2026 non è una domenica; scegli per esempio" in body


def test_a_first_meeting_that_is_not_the_second_tuesday_names_the_rhythm(client, login, people):
    login(people["owner"])
    response = post_new(
        client, people["group"], frequency="monthly_weekday", setpos="2", start_date="2026-12-15"
    )
    assert response.status_code == 400
    assert (
        f"Mardi 15 décembre 2026 ne correspond pas au rythme choisi (chaque mois, le deuxième "
        f"mardi, à 19:00){NB}; choisissez par exemple mardi 8 décembre 2026 ou "
        "mardi 12 janvier 2027."
    ) in text_of(response)


def test_the_preview_also_refuses_a_first_meeting_off_the_rhythm(client, login, people):
    login(people["owner"])
    data = {**FORM, "start_date": "2026-12-09", "preview": "1"}
    response = client.post(f"/groups/{people['group'].id}/series/new", data=data)
    assert response.status_code == 400
    assert 'id="start_date-error"' in text_of(response)


def test_a_first_meeting_on_the_rhythm_starts_the_series_there(client, login, people):
    login(people["owner"])
    response = post_new(client, people["group"], start_date="2026-12-08", interval="2")
    assert response.status_code == 302
    series = db.session.scalar(select(MeetingSeries))
    assert series.start_date == date(2026, 12, 8)
    assert rec.dates(series.rule, series.start_date, date(2026, 12, 8), date(2026, 12, 31)) == [
        date(2026, 12, 8),
        date(2026, 12, 22),
    ]


def test_the_form_groups_the_fields_of_each_rhythm_and_previews_above_save(client, login, people):
    login(people["owner"])
    group = people["group"]
    page = text_of(client.get(f"/groups/{group.id}/series/new"))
    assert 'src="/static/show-when.js"' in page
    for values, field in (
        ("weekly", 'name="weekdays"'),
        ("monthly_weekday", 'name="setpos"'),
        ("monthly_day", 'name="monthday"'),
    ):
        block = re.search(
            rf'<fieldset class="rhythm-fields" data-show-when="frequency" '
            rf'data-show-values="{values}">(.*?)</fieldset>\s*(?=<fieldset)',
            page,
            re.S,
        )
        assert block and field in block.group(1), values
    data = {**FORM, "start_date": "2026-12-08", "preview": "1"}
    body = text_of(client.post(f"/groups/{group.id}/series/new", data=data))
    preview, save = body.index('id="preview"'), body.index('name="save"')
    assert body.rindex("</form>") > save > preview > body.index('name="location"')


# --- change from a date on -----------------------------------------------------------


@pytest.fixture
def fortnightly(people):
    """Fortnightly Wednesdays from 13 January 2027, a cancellation on
    10 February, Ana facilitating on 27 January, a move on 24 February."""
    group = people["group"]
    series = series_of(group, date(2027, 1, 13), Rule(WEEKLY, 2, ("WE",)))
    owner = people["owner"]
    find = lambda day: schedule.find(group, f"s{series.id}-{day:%Y%m%d}1900")  # noqa: E731
    schedule.cancel(group, owner, find(date(2027, 2, 10)), "Salle fermée")
    role = db.session.scalars(roles.role_types(group)).first()
    roles.assign(group, owner, find(date(2027, 1, 27)), role, 0, people["members"]["Ana"], NOW)
    schedule.change(
        group,
        owner,
        find(date(2027, 2, 24)),
        schedule.MeetingData(
            start=datetime(2027, 2, 25, 19), duration_minutes=120, location="Salle C"
        ),
    )
    return series


def edit(client, group, series, **changes):
    data = {**FORM, "interval": "2", "weekdays": ["WE"], "start_date": "2027-01-21", **changes}
    return client.post(f"/groups/{group.id}/series/{series.id}/edit", data=data)


def test_a_change_from_a_thursday_goes_on_in_the_same_weeks_and_keeps_what_was_done(
    client, login, people, fortnightly
):
    login(people["owner"])
    group = people["group"]
    response = edit(client, group, fortnightly, save="1", start_time="18:30", end_time="20:30")
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "la prochaine rencontre a lieu le mercredi 27 janvier 2027" in page
    assert "3 modifications de rencontres isolées" in page
    new = db.session.scalar(select(MeetingSeries).where(MeetingSeries.previous_id.is_not(None)))
    assert new.start_date == date(2027, 1, 27)
    winter = schedule.occurrences([group.id], date(2027, 1, 1), date(2027, 2, 28))
    assert [(o.start, o.cancelled) for o in winter] == [
        (datetime(2027, 1, 13, 19), False),  # before the change, as it was
        (datetime(2027, 1, 27, 18, 30), False),
        (datetime(2027, 2, 10, 18, 30), True),  # the cancellation carried over
        (datetime(2027, 2, 25, 19), False),  # the move carried over (its own time)
    ]
    assert winter[3].location == "Salle C"
    holder = db.session.scalar(select(RoleAssignment))
    assert holder.meeting.series_id == new.id  # Ana still facilitates on the 27th


def test_the_change_preview_shows_the_dates_before_and_after(client, login, people, fortnightly):
    login(people["owner"])
    response = edit(client, people["group"], fortnightly, preview="1")
    assert response.status_code == 200
    body = text_of(response)
    preview = body[body.index('id="preview"') : body.index('name="save"')]
    before = preview.index("Les dernières rencontres avant le changement")
    after = preview.index("À partir du changement")
    assert before < preview.index("mercredi 13 janvier 2027, 19:00") < after
    assert after < preview.index("mercredi 27 janvier 2027, 19:00")
    assert "mercredi 3 février 2027" not in preview
    assert "3 modifications de rencontres isolées" in preview
    assert count(MeetingSeries) == 1  # nothing saved


def test_changes_that_the_new_rhythm_has_no_date_for_are_named(client, login, people, fortnightly):
    login(people["owner"])
    body = text_of(edit(client, people["group"], fortnightly, preview="1", weekdays=["TH"]))
    assert "ne peuvent pas être conservées" in body
    assert "mercredi 27 janvier 2027 (1 rôle pris)" in body
    assert "mercredi 10 février 2027 (annulée)" in body
    assert "mercredi 24 février 2027 (déplacée et autres détails modifiés)" in body
    response = edit(client, people["group"], fortnightly, save="1", weekdays=["TH"])
    page = text_of(client.get(response.location))
    assert "mercredi 10 février 2027 (annulée)" in page
    assert count(RoleAssignment) == 0


# --- confirm before cancelling, pausing, ending, deleting -----------------------------


@pytest.fixture
def weekly(people):
    """Weekly Tuesdays from 1 December 2026; Giulia holds a role on the 15th."""
    group = people["group"]
    series = series_of(group, date(2026, 12, 1), Rule(WEEKLY, 1, ("TU",)))
    role = db.session.scalars(roles.role_types(group)).first()
    roles.assign(
        group,
        people["owner"],
        schedule.find(group, key(series, 15)),
        role,
        0,
        people["members"]["Giulia"],
        NOW,
    )
    return series


def key(series, day, month=12, year=2026):
    return f"s{series.id}-{year}{month:02d}{day:02d}1900"


def test_cancelling_shows_what_will_happen_and_changes_nothing_until_confirmed(
    client, login, people, weekly, outbox
):
    login(people["owner"])
    url = f"/groups/{people['group'].id}/meetings/{key(weekly, 1)}/cancel"
    response = client.post(url, data={"reason": "Neige"})
    assert response.status_code == 200
    body = text_of(response)
    assert f"Annuler cette rencontre{NB}?" in body
    assert f"Annule 1 rencontre{NB}: mardi 1er décembre 2026, 19:00." in body
    # Tonight: every member but Camille, who cancels.
    assert "3 personnes seront averties par e-mail." in body
    assert 'name="reason" value="Neige"' in body
    assert "Oui, annuler la rencontre" in body and "Revenir sans rien changer" in body
    assert count(Meeting) == 1 and not outbox  # only Giulia's role on the 15th
    done = confirmed(client, url, {"reason": "Neige"})
    assert done.status_code == 302
    assert schedule.find(people["group"], key(weekly, 1)).cancelled
    assert len(outbox) == 3


def test_the_count_of_people_told_is_the_number_really_emailed(
    client, login, people, weekly, outbox
):
    login(people["owner"])
    url = f"/groups/{people['group'].id}/meetings/{key(weekly, 15)}/cancel"
    assert "1 personne sera avertie par e-mail." in text_of(client.post(url, data={}))
    confirmed(client, url, {})
    assert [m["To"] for m in outbox] == ["giulia@example.org"]


def test_a_confirmation_made_stale_by_someone_else_answers_409_with_the_new_summary(
    client, login, people, weekly, outbox
):
    login(people["owner"])
    group = people["group"]
    url = f"/groups/{group.id}/series/{weekly.id}/pause"
    data = {"first": "2026-12-14", "last": "2027-01-10", "reason": "Fêtes"}
    shown = client.post(url, data=data)
    assert "Annule 4 rencontres" in text_of(shown)
    digest = DIGEST.search(shown.get_data(as_text=True)).group(1)
    # Meanwhile another co-responsible cancels the 22nd.
    schedule.cancel(group, people["owner"], schedule.find(group, key(weekly, 22)), "Noël")
    response = client.post(url, data={**data, "confirm": "1", "digest": digest})
    assert response.status_code == 409
    body = text_of(response)
    assert "Entre-temps, quelque chose a changé" in body
    assert "Annule 3 rencontres" in body
    assert "1 rencontre de cette période était déjà annulée (22 décembre 2026)" in body
    assert not schedule.find(group, key(weekly, 29)).cancelled  # nothing done
    assert not outbox


# --- two co-responsible members confirming the same thing at the same moment ----------


def test_cancelling_a_meeting_already_cancelled_changes_nothing(people, weekly):
    group, owner = people["group"], people["owner"]
    first, second = (schedule.find(group, key(weekly, 15)) for _ in range(2))
    assert schedule.cancel(group, owner, first, "Neige") is True
    sequence = schedule.find(group, key(weekly, 15)).meeting.sequence
    # The second request still holds the meeting as it was before the first.
    assert not second.cancelled
    assert schedule.cancel(group, owner, second, "Grève") is False
    again = schedule.find(group, key(weekly, 15))
    assert (again.cancel_reason, again.meeting.sequence) == ("Neige", sequence)
    events = db.session.scalars(select(AuditEvent.action)).all()
    assert events.count("meeting_cancelled") == 1


def test_pausing_skips_what_was_cancelled_a_moment_ago(people, weekly, monkeypatch):
    group, owner = people["group"], people["owner"]
    first, last = date(2026, 12, 14), date(2026, 12, 31)
    stale = schedule.plan_pause(weekly, first, last)
    schedule.cancel(group, owner, schedule.find(group, key(weekly, 22)), "Noël")
    # Pause what the stale plan saw, as a request that read it earlier would.
    monkeypatch.setattr(schedule.changing, "plan_pause", lambda *args: stale)
    assert schedule.pause(group, owner, weekly, first, last, "") == [
        key(weekly, 15),
        key(weekly, 29),
    ]
    assert schedule.find(group, key(weekly, 22)).cancel_reason == "Noël"
    assert schedule.pause(group, owner, weekly, first, last, "") == []


def test_the_second_confirmation_of_a_cancellation_sends_no_email(
    app, client, login, people, weekly, outbox
):
    """One after the other: the second co-responsible's confirmation, shown
    before the first one acted, is answered "already cancelled", without email."""
    group = people["group"]
    ana = people["members"]["Ana"]
    ana.role = MemberRole.CORESPONSIBLE
    db.session.commit()
    url = f"/groups/{group.id}/meetings/{key(weekly, 15)}/cancel"
    other = app.test_client()
    other.post("/auth/login", data={"email": ana.user.email, "password": PASSWORD})
    digest = DIGEST.search(other.post(url, data={}).get_data(as_text=True)).group(1)
    login(people["owner"])
    assert confirmed(client, url, {}).status_code == 302
    assert [m["To"] for m in outbox] == ["giulia@example.org"]
    late = other.post(url, data={"confirm": "1", "digest": digest})
    assert late.status_code == 409
    assert "Cette rencontre est déjà annulée" in text_of(late)
    assert len(outbox) == 1


@pytest.mark.parametrize("what", ["cancel", "pause"])
def test_a_cancellation_made_between_the_check_and_the_change_sends_no_email(
    client, login, people, weekly, outbox, monkeypatch, what
):
    """The digest was still right when checked, but the other co-responsible
    cancelled in the instant before the change: nothing is sent twice."""
    group, owner = people["group"], people["owner"]
    real = schedule.cancel

    def first_someone_else(group, actor, occurrence, reason):
        real(group, owner, schedule.find(group, occurrence.key), "Avant")
        unit.commit()  # the other co-responsible's request
        return real(group, actor, occurrence, reason)

    real_pause = schedule.pause

    def pause_after_someone_else(group, actor, series, first, last, reason):
        for day in (15, 22):
            real(group, owner, schedule.find(group, key(weekly, day)), "Avant")
        unit.commit()  # the other co-responsible's request
        return real_pause(group, actor, series, first, last, reason)

    monkeypatch.setattr(schedule, "cancel", first_someone_else)
    monkeypatch.setattr(schedule, "pause", pause_after_someone_else)
    login(owner)
    if what == "cancel":
        url, data = f"/groups/{group.id}/meetings/{key(weekly, 15)}/cancel", {}
        expected = "Cette rencontre est déjà annulée"
    else:
        url = f"/groups/{group.id}/series/{weekly.id}/pause"
        data = {"first": "2026-12-14", "last": "2026-12-23", "reason": "Fêtes"}
        expected = "Ces rencontres étaient déjà annulées"
    response = confirmed(client, url, data)
    assert response.status_code == 409
    body = text_of(response)
    assert "Entre-temps, quelque chose a changé" in body and expected in body
    assert not outbox


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="parallel writes need PostgreSQL")
@pytest.mark.parametrize("day", [15, 1])  # a meeting stored already (a role), one not yet
def test_two_coresponsibles_racing_to_cancel_the_same_meeting(app, people, weekly, outbox, day):
    """Parallel requests: one cancels and emails, the other hears it is done."""
    group = people["group"]
    ana = people["members"]["Ana"]
    ana.role = MemberRole.CORESPONSIBLE
    db.session.commit()
    url = f"/groups/{group.id}/meetings/{key(weekly, day)}/cancel"
    posts = []
    for user in (people["owner"], ana.user):
        c = logged_in(app, user)
        digest = DIGEST.search(c.post(url, data={}).get_data(as_text=True)).group(1)
        posts.append((c, {"confirm": "1", "digest": digest}))
    responses = at_once([(c, url, data) for c, data in posts])
    assert sorted(statuses(responses)) == [302, 409]
    # One set of emails: Giulia for her role on the 15th; tonight (the 1st, within
    # the week) every member but the one who cancelled.
    assert len(outbox) == (1 if day == 15 else 3)
    db.session.expire_all()
    assert schedule.find(group, key(weekly, day)).cancelled
    events = db.session.scalars(select(AuditEvent.action)).all()
    assert events.count("meeting_cancelled") == 1


def test_a_pause_over_meetings_already_cancelled_says_nothing_changes(
    client, login, people, weekly
):
    login(people["owner"])
    group = people["group"]
    for day in (22, 29):
        schedule.cancel(group, people["owner"], schedule.find(group, key(weekly, day)), "")
    url = f"/groups/{group.id}/series/{weekly.id}/pause"
    body = text_of(client.post(url, data={"first": "2026-12-20", "last": "2027-01-03"}))
    assert f"Ces rencontres étaient déjà annulées{NB}; rien ne change." in body
    assert 'name="confirm"' not in body  # nothing to confirm, only the way back
    assert "0 rencontre" not in body


def test_a_pause_over_a_period_without_meetings_is_refused_at_the_field(
    client, login, people, weekly
):
    login(people["owner"])
    url = f"/groups/{people['group'].id}/series/{weekly.id}/pause"
    response = client.post(url, data={"first": "2026-12-02", "last": "2026-12-07"})
    assert response.status_code == 400
    assert "La série n'a aucune rencontre pendant cette période." in text_of(response)


def test_ending_a_series_lists_what_goes_and_asks_first(client, login, people, weekly):
    login(people["owner"])
    url = f"/groups/{people['group'].id}/series/{weekly.id}/end"
    body = text_of(client.post(url, data={"day": "2027-11-01"}))
    assert "Mettre fin aux rencontres régulières" in body
    assert "Supprime 479 rencontres" not in body  # no end date: bounded by 10 years
    assert re.search(r"Supprime \d+ rencontres\xa0: 2 novembre 2027 … ", body)
    assert "Aucun e-mail ne sera envoyé." in body
    assert "et " in body and "autres" in body  # the long list is cut
    db.session.refresh(weekly)
    assert weekly.until is None
    confirmed(client, url, {"day": "2027-11-01"})
    db.session.refresh(weekly)
    assert weekly.until == date(2027, 10, 26)


def test_deleting_a_one_off_meeting_asks_first(client, login, people):
    login(people["owner"])
    group = people["group"]
    meeting = schedule.create_one_off(
        group,
        people["owner"],
        schedule.MeetingData(start=datetime(2026, 12, 19, 12), duration_minutes=120, title="Repas"),
    )
    url = f"/groups/{group.id}/meetings/m{meeting.id}/delete"
    body = text_of(client.get(url))
    assert f"Supprimer cette rencontre{NB}?" in body
    assert "samedi 19 décembre 2026, 12:00" in body
    assert count(Meeting) == 1
    assert confirmed(client, url).status_code == 302
    assert count(Meeting) == 0


def test_a_cancel_link_opens_the_confirmation_with_its_reason(client, login, people, weekly):
    login(people["owner"])
    url = f"/groups/{people['group'].id}/meetings/{key(weekly, 8)}/cancel?reason=Gr%C3%A8ve"
    body = text_of(client.get(url))
    assert 'name="reason" value="Grève"' in body
    assert not schedule.find(people["group"], key(weekly, 8)).cancelled


def test_people_to_tell_counts_each_person_once(app, people, weekly):
    group = people["group"]
    found = schedule.occurrences([group.id], date(2026, 12, 1), date(2026, 12, 31))
    told = notifications.people_to_tell(group, found, NOW, people["owner"])
    # This week's meetings: all three members; the 15th: Giulia again.
    assert told == {m.user_id for m in people["members"].values()}


# --- the "moved" email ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "subject"),
    [
        (
            "fr",
            f"Déplacée{NB}: la rencontre du mardi 15 décembre 2026, 19:00 a désormais lieu le "
            "jeudi 17 décembre 2026, 18:30",
        ),
        (
            "it",
            "Spostato: l'incontro di martedì 15 dicembre 2026, 19:00 si terrà "
            "giovedì 17 dicembre 2026, 18:30",
        ),
        (
            "de",
            "Verschoben: Das Treffen vom Dienstag, 15. Dezember 2026, 19:00 findet neu am "
            "Donnerstag, 17. Dezember 2026, 18:30 statt",
        ),
    ],
)
def test_the_moved_email_names_the_old_and_the_new_date(
    client, login, people, weekly, outbox, lang, subject
):
    giulia = people["members"]["Giulia"].user
    giulia.locale = lang
    db.session.commit()
    login(people["owner"])
    response = client.post(
        f"/groups/{people['group'].id}/meetings/{key(weekly, 15)}/edit",
        data={
            "date": "2026-12-17",
            "start_time": "18:30",
            "end_time": "20:30",
            "location": "",
            "title": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert [m["Subject"] for m in outbox if m["To"] == giulia.email] == [subject]


def test_a_change_without_a_move_keeps_the_changed_subject(client, login, people, weekly, outbox):
    login(people["owner"])
    client.post(
        f"/groups/{people['group'].id}/meetings/{key(weekly, 15)}/edit",
        data={
            "date": "2026-12-15",
            "start_time": "19:00",
            "end_time": "21:00",
            "location": "Salle D",
            "title": "",
            "note": "",
        },
    )
    assert [m["Subject"] for m in outbox] == [
        "Modificato: l'incontro di martedì 15 dicembre 2026, 19:00"  # Giulia's language
    ]


def test_membership_fixture_is_sane(people):
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 4


def test_ending_a_series_says_which_roles_go_with_its_meetings(client, login, people, weekly):
    login(people["owner"])
    url = f"/groups/{people['group'].id}/series/{weekly.id}/end"
    body = text_of(client.post(url, data={"day": "2026-12-09"}))
    assert "Cela supprime aussi 1 rôle déjà pris." in body  # Giulia's, on the 15th
    assert "Cela supprime aussi" not in text_of(client.post(url, data={"day": "2026-12-16"}))


def test_the_way_back_from_a_confirmation_keeps_what_was_typed(client, login, people, weekly):
    login(people["owner"])
    url = f"/groups/{people['group'].id}/series/{weekly.id}/pause"
    data = {"first": "2026-12-14", "last": "2027-01-10", "reason": "Fêtes"}
    body = text_of(client.post(url, data=data))
    back = re.search(r'href="([^"]*)">Revenir sans rien changer', body).group(1)
    form = text_of(client.get(back.replace("&amp;", "&")))
    assert 'value="2026-12-14"' in form and 'value="Fêtes"' in form
