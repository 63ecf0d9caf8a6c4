"""Feed links as calendar clients and members use them."""

from __future__ import annotations

import re
import time as time_module
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine
from werkzeug.http import http_date

from facilitator.extensions import db
from facilitator.models import FeedToken
from facilitator.services import clock, feeds, schedule, unit
from facilitator.services.tokens import hash_token
from tests.conftest import text_of

NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def member(make_user, make_group, add_member, weekly_series):
    user = make_user("Noémie")
    lausanne = make_group(name="Fibromyalgie Lausanne")
    geneve = make_group(name="Deuil Genève", canton="GE")
    for group, weekday in ((lausanne, "TU"), (geneve, "TH")):
        add_member(group, user)
        weekly_series(group, weekday=weekday, location="Salle B")
    return user, lausanne, geneve


def summaries(response):
    cal = Calendar.from_ical(response.data)
    return {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}


def test_personal_feed_merges_all_my_groups(client, member):
    user, _lausanne, _geneve = member
    _feed, token = feeds.create(user, "phone")
    response = client.get(f"/feeds/{token}.ics")
    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, max-age=0"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["ETag"]
    assert response.headers["Last-Modified"]
    assert summaries(response) == {"Fibromyalgie Lausanne", "Deuil Genève"}
    assert "X-WR-CALNAME:Mes rencontres de groupes d'entraide" in response.get_data(as_text=True)


def test_matching_etag_gets_304_with_one_query_and_no_rendering(app, client, member, monkeypatch):
    user, *_ = member
    _feed, token = feeds.create(user, "phone")
    first = client.get(f"/feeds/{token}.ics")
    statements = []

    def count(*args):
        statements.append(args[2])

    # The fast path runs its one prepared statement on a raw driver
    # connection, which SQLAlchemy's events do not see: count it apart.
    prepared = feeds.PreparedResolve.__call__
    monkeypatch.setattr(
        feeds.PreparedResolve,
        "__call__",
        lambda self, token_hash: statements.append("prepared") or prepared(self, token_hash),
    )
    event.listen(Engine, "before_cursor_execute", count)  # every engine of the app
    try:
        again = client.get(f"/feeds/{token}.ics", headers={"If-None-Match": first.headers["ETag"]})
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Last-Modified"] == first.headers["Last-Modified"]
    assert again.headers["Cache-Control"] == "private, max-age=0"
    assert again.headers["Referrer-Policy"] == "no-referrer"
    assert statements == ["prepared"]


def test_the_prepared_query_of_the_fast_path_reads_what_sqlalchemy_reads(app, member):
    user, lausanne, _geneve = member
    tokens = [feeds.create(user, "phone")[1], feeds.create(user, "tablet", group=lausanne)[1]]
    unit.commit()  # read below through another connection
    engine = create_engine(
        db.engine.url, isolation_level="AUTOCOMMIT", **app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    try:
        prepared = feeds.PreparedResolve(engine)
        for token_hash in [*map(hash_token, tokens), hash_token("unknown")]:
            through_sqlalchemy = feeds._fetch(token_hash)
            row = prepared(token_hash)
            assert (row and tuple(row)) == (through_sqlalchemy and tuple(through_sqlalchemy))
        assert row is None  # the unknown token
        assert prepared(hash_token(tokens[1])).group_id == lausanne.id
    finally:
        engine.dispose()


def test_if_modified_since_is_really_compared(client, member):
    user, _lausanne, _geneve = member
    _feed, token = feeds.create(user, "phone")
    first = client.get(f"/feeds/{token}.ics")
    modified = first.headers["Last-Modified"]
    assert (
        client.get(f"/feeds/{token}.ics", headers={"If-Modified-Since": modified}).status_code
        == 304
    )
    long_ago = "Mon, 01 Jan 2024 00:00:00 GMT"
    assert (
        client.get(f"/feeds/{token}.ics", headers={"If-Modified-Since": long_ago}).status_code
        == 200
    )


def test_an_if_modified_since_in_the_future_is_ignored(client, member):
    """RFC 9110: a date later than the server's clock is not a valid
    validator; answering 304 to it would freeze a calendar whose clock is
    wrong on an old copy."""
    user, _lausanne, _geneve = member
    _feed, token = feeds.create(user, "phone")
    unit.commit()
    client.get(f"/feeds/{token}.ics")
    future = http_date(datetime.now(UTC) + timedelta(days=30))
    answer = client.get(f"/feeds/{token}.ics", headers={"If-Modified-Since": future})
    assert answer.status_code == 200
    assert b"BEGIN:VCALENDAR" in answer.data


def test_a_change_gives_a_new_etag_and_the_new_calendar(client, member):
    user, lausanne, _geneve = member
    _feed, token = feeds.create(user, "phone")
    first = client.get(f"/feeds/{token}.ics")
    occurrence = schedule.occurrences([lausanne.id], date(2026, 9, 8), date(2026, 9, 8))[0]
    schedule.cancel(lausanne, lausanne.memberships[0].user, occurrence, "")
    after = client.get(f"/feeds/{token}.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != first.headers["ETag"]
    assert "EXDATE;TZID=Europe/Zurich:20260908T190000" in after.get_data(as_text=True)


def test_unknown_and_revoked_tokens_get_404(client, member):
    user, *_ = member
    feed, token = feeds.create(user, "phone")
    assert client.get("/feeds/not-a-token.ics").status_code == 404
    feeds.revoke(user, feed.id)
    assert client.get(f"/feeds/{token}.ics").status_code == 404


def test_only_the_hash_of_a_token_is_stored(member):
    user, *_ = member
    feed, token = feeds.create(user, "phone")
    assert feed.token_hash == feeds.hash_token(token)
    assert len(token) >= 43  # 256 random bits, url-safe


def test_leaving_a_group_removes_it_from_the_personal_feed(client, login, member):
    user, lausanne, _geneve = member
    _feed, token = feeds.create(user, "phone")
    first = client.get(f"/feeds/{token}.ics")
    login(user)
    client.post(f"/groups/{lausanne.id}/leave")
    client.post("/auth/logout")
    time_module.sleep(1.1)  # HTTP dates have whole seconds
    after = client.get(
        f"/feeds/{token}.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert after.status_code == 200
    assert summaries(after) == {"Deuil Genève"}


def test_group_feed_stops_for_a_removed_member(client, member):
    user, lausanne, _geneve = member
    _feed, token = feeds.create(user, "phone", group=lausanne)
    assert summaries(client.get(f"/feeds/{token}.ics")) == {"Fibromyalgie Lausanne"}
    from facilitator.models import Membership
    from facilitator.services import groups as group_service

    membership = db.session.scalar(Membership.select_for(user.id, lausanne.id))
    group_service.remove_member(lausanne, lausanne.memberships[0].user, membership)
    assert client.get(f"/feeds/{token}.ics").status_code == 404


def test_discreet_personal_feed_uses_neutral_titles(client, login, member):
    user, *_ = member
    _feed, token = feeds.create(user, "phone")
    login(user)
    client.post("/account/calendar", data={"prefs-discreet": "y", "prefs-submit": "1"})
    response = client.get(f"/feeds/{token}.ics")
    assert summaries(response) == {"Rencontre"}
    assert "Fibromyalgie" not in response.get_data(as_text=True).replace("\r\n ", "")


def test_group_can_choose_discreet_titles(client, login, make_user, make_group, weekly_series):
    owner = make_user("Giulia", locale="it")
    group = make_group(owner, name="Alcolisti anonimi Lugano", language="it", canton="TI")
    weekly_series(group, location="Salle B")
    login(owner)
    form = {
        "name": group.name,
        "description": "",
        "theme": "addiction",
        "canton": "TI",
        "language": "it",
        "timezone": "Europe/Zurich",
        "default_location": "",
        "discreet_feed": "y",
        "role_release_hours": "48",
    }
    assert client.post(f"/groups/{group.id}/settings", data=form).status_code == 302
    _feed, token = feeds.create(owner, "telefono", group=group)
    response = client.get(f"/feeds/{token}.ics")
    assert summaries(response) == {"Incontro"}
    assert "X-WR-CALNAME:Incontri" in response.get_data(as_text=True)


def test_create_a_link_shows_it_once_with_subscribe_help(client, login, member):
    user, lausanne, _geneve = member
    login(user)
    response = client.post(f"/groups/{lausanne.id}/calendar", data={"link-label": "Téléphone"})
    assert response.status_code == 302  # shown on the next page, so that a reload creates none
    body = text_of(client.get(response.location))
    https = re.search(r'value="(https://facilitator\.test/feeds/[^"]+\.ics)"', body).group(1)
    assert f'href="webcal://{https.split("://")[1]}"' in body
    assert "Google Agenda" in body
    assert "Thunderbird" in body
    assert "toutes les 8 à 24 heures" in body
    token = https.rsplit("/", 1)[1][: -len(".ics")]
    again = client.get(response.location, follow_redirects=True)  # a reload: shown only once
    assert token not in text_of(again)
    assert "Un lien d'agenda n'est affiché qu'une fois" in text_of(again)
    assert db.session.scalar(select(func.count()).select_from(FeedToken)) == 1
    listing = text_of(client.get(f"/groups/{lausanne.id}/calendar"))
    assert "Téléphone" in listing
    assert token not in listing
    assert "jamais" in listing  # not used yet
    client.get(f"/feeds/{token}.ics")
    assert "jamais" not in text_of(client.get(f"/groups/{lausanne.id}/calendar"))


@pytest.mark.parametrize(
    ("label", "message"), [("", "Ce champ est obligatoire."), ("x" * 61, "au plus 60 caractères")]
)
def test_link_name_is_validated(client, login, member, label, message):
    user, *_ = member
    login(user)
    response = client.post("/account/calendar", data={"link-label": label})
    assert response.status_code == 400
    assert message in text_of(response)
    assert db.session.scalar(select(FeedToken)) is None


def test_revoking_from_the_list(client, login, member):
    user, *_ = member
    feed, token = feeds.create(user, "old phone")
    login(user)
    response = client.post(
        f"/account/calendar/{feed.id}/revoke", data={"next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response.location == "/account/calendar"  # never to another site
    assert client.get(f"/feeds/{token}.ics").status_code == 404
    assert "old phone" not in text_of(client.get("/account/calendar"))


def test_meeting_and_series_downloads(client, login, member):
    user, lausanne, _geneve = member
    login(user)
    key = schedule.occurrences([lausanne.id], date(2026, 9, 8), date(2026, 9, 8))[0].key
    one = client.get(f"/groups/{lausanne.id}/meetings/{key}.ics")
    assert one.status_code == 200
    assert one.content_type == "text/calendar; charset=utf-8"
    assert "attachment" in one.headers["Content-Disposition"]
    event_ = next(iter(Calendar.from_ical(one.data).walk("VEVENT")))
    assert event_["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 9, 8, 19)
    series = schedule.occurrences([lausanne.id], date(2026, 9, 8), date(2026, 9, 8))[0].series
    many = client.get(f"/groups/{lausanne.id}/series/{series.id}.ics")
    assert "RRULE:FREQ=WEEKLY;BYDAY=TU" in many.get_data(as_text=True)
    assert client.get(f"/groups/{lausanne.id}/series/99999.ics").status_code == 404


def test_last_use_is_recorded_at_most_hourly(client, member, monkeypatch):
    user, *_ = member
    feed, token = feeds.create(user, "phone")
    client.get(f"/feeds/{token}.ics")
    db.session.refresh(feed)
    assert feed.last_used_at == NOW
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(minutes=10))
    client.get(f"/feeds/{token}.ics")
    db.session.refresh(feed)
    assert feed.last_used_at == NOW


def test_a_change_in_the_same_second_as_a_fetch_is_not_lost(client, member):
    """If-Modified-Since counts whole seconds: a change made in the second of
    a fetch must still reach a client that compares only dates."""
    user, lausanne, _geneve = member
    _feed, token = feeds.create(user, "phone")
    first = client.get(f"/feeds/{token}.ics")
    occurrence = schedule.occurrences([lausanne.id], date(2026, 9, 8), date(2026, 9, 8))[0]
    schedule.cancel(lausanne, lausanne.memberships[0].user, occurrence, "")
    time_module.sleep(1.1)
    after = client.get(
        f"/feeds/{token}.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert after.status_code == 200
    assert "EXDATE" in after.get_data(as_text=True)
