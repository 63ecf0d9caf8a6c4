"""The read path: its caches (feeds' bytes, the group page's shared parts)
never hide a change, which is seen on the next load; the rate limiter runs
only on the routes it protects."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import event, select, update
from sqlalchemy.engine import Engine

from facilitator.extensions import db, limiter
from facilitator.models import Membership, User
from facilitator.services import accounts, calendar_feed, clock, feeds, roles, schedule
from facilitator.services import attendance as attendance_service
from facilitator.services import groups as group_service
from tests.conftest import TEST_DATABASE_URL, count_queries, group_data, t, text_of

NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def renders(monkeypatch):
    """How many times a calendar was really rendered (not served from the cache)."""
    count = []
    render = calendar_feed.render
    monkeypatch.setattr(calendar_feed, "render", lambda *a, **k: count.append(1) or render(*a, **k))
    return count


@pytest.fixture
def group_feed(make_user, make_group, add_member, weekly_series):
    """A member's link to the calendar of a Lausanne group meeting on Tuesdays."""
    owner = make_user("Camille")
    group = make_group(owner, name="Fibromyalgie Lausanne")
    member = make_user("Noémie")
    add_member(group, member)
    weekly_series(group, location="Salle B")
    _feed, token = feeds.create(member, "phone", group=group)
    return group, member, f"/feeds/{token}.ics"


def events(response) -> list:
    return list(Calendar.from_ical(response.data).walk("VEVENT"))


def first_tuesday(group):
    """The meeting of Tuesday 8 September 2026 (the second of the series)."""
    return schedule.occurrences([group.id], date(2026, 9, 8), date(2026, 9, 8))[0]


def first_key(group) -> str:
    """The key of the series' first meeting, Tuesday 1 September 2026."""
    return schedule.occurrences([group.id], date(2026, 9, 1), date(2026, 9, 1))[0].key


def test_a_full_get_is_served_from_the_cache_with_the_same_bytes_and_headers(
    client, group_feed, renders
):
    _group, _member, url = group_feed
    first = client.get(url)
    again = client.get(url)
    assert renders == [1]
    assert again.status_code == 200
    assert again.data == first.data
    assert sorted(again.headers.items()) == sorted(first.headers.items())


def test_a_cached_full_get_costs_the_one_query_of_the_fast_path(client, group_feed, monkeypatch):
    _group, _member, url = group_feed
    client.get(url)  # rendered, cached, and recorded as the link's last use
    statements = []
    prepared = feeds.PreparedResolve.__call__
    monkeypatch.setattr(
        feeds.PreparedResolve,
        "__call__",
        lambda self, token_hash: statements.append("prepared") or prepared(self, token_hash),
    )

    def count(*args):
        statements.append(args[2])

    event.listen(Engine, "before_cursor_execute", count)  # every engine of the app
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert statements == ["prepared"]


def test_a_role_taken_is_in_the_next_feed(client, group_feed, renders):
    group, member, url = group_feed
    client.get(url)
    membership = db.session.scalar(Membership.select_for(member.id, group.id))
    role = db.session.scalars(roles.role_types(group)).first()
    roles.take(group, membership, first_tuesday(group), role, 0, clock.now())
    assert "Noémie" in client.get(url).get_data(as_text=True)
    assert renders == [1, 1]


def test_a_cancelled_meeting_is_in_the_next_feed(client, group_feed):
    group, _member, url = group_feed
    client.get(url)
    schedule.cancel(group, group.memberships[0].user, first_tuesday(group), "")
    assert "EXDATE;TZID=Europe/Zurich:20260908T190000" in client.get(url).get_data(as_text=True)


def test_a_renamed_group_is_in_the_next_feed(client, group_feed):
    group, _member, url = group_feed
    client.get(url)
    owner = group.memberships[0].user
    group_service.update_group(group, owner, group_data(name="Fibromyalgie Renens"))
    assert "X-WR-CALNAME:Fibromyalgie Renens" in client.get(url).get_data(as_text=True)


def test_a_holder_who_changes_their_name_is_renamed_in_the_next_feed(client, group_feed):
    group, member, url = group_feed
    membership = db.session.scalar(Membership.select_for(member.id, group.id))
    role = db.session.scalars(roles.role_types(group)).first()
    roles.take(group, membership, first_tuesday(group), role, 0, clock.now())
    assert "Noémie" in client.get(url).get_data(as_text=True)
    accounts.update_profile(member, "Noé", member.locale)
    body = client.get(url).get_data(as_text=True)
    assert "Noé" in body
    assert "Noémie" not in body


def test_discreet_titles_of_the_group_are_in_the_next_feed(client, group_feed):
    group, _member, url = group_feed
    assert {str(e["SUMMARY"]) for e in events(client.get(url))} == {"Fibromyalgie Lausanne"}
    group.feed_title_mode = "discreet"
    group.version += 1
    db.session.commit()
    assert {str(e["SUMMARY"]) for e in events(client.get(url))} == {"Rencontre"}


def test_my_discreet_setting_and_my_language_are_in_my_next_feed(
    client, make_user, make_group, add_member, weekly_series
):
    member = make_user("Noémie")
    group = make_group(name="Fibromyalgie Lausanne")
    add_member(group, member)
    weekly_series(group)
    _feed, token = feeds.create(member, "phone")
    url = f"/feeds/{token}.ics"
    assert "X-WR-CALNAME:Mes rencontres" in client.get(url).get_data(as_text=True)
    accounts.update_profile(member, member.display_name, "it")
    assert "X-WR-CALNAME:I miei incontri" in client.get(url).get_data(as_text=True)
    feeds.set_discreet(member, True)
    assert {str(e["SUMMARY"]) for e in events(client.get(url))} == {"Rencontre"}


def test_the_next_day_the_feed_is_rendered_again(client, group_feed, renders, monkeypatch):
    _group, _member, url = group_feed
    client.get(url)
    client.get(url)
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(days=1))
    client.get(url)
    assert renders == [1, 1]


def test_the_feed_links_follow_the_address_it_was_fetched_at(app, client, group_feed, monkeypatch):
    """Without SERVER_NAME the links take the address of the request."""
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    _group, _member, url = group_feed
    first = client.get(url, base_url="https://a.example.ch").get_data(as_text=True)
    other = client.get(url, base_url="https://b.example.ch").get_data(as_text=True)
    assert "https://a.example.ch/groups/" in first
    assert "https://b.example.ch/groups/" in other
    assert "a.example.ch" not in other


def test_a_feed_without_its_owner_in_the_group_is_not_served_from_the_cache(client, group_feed):
    group, member, url = group_feed
    assert client.get(url).status_code == 200
    db.session.delete(db.session.scalar(Membership.select_for(member.id, group.id)))
    db.session.commit()
    assert client.get(url).status_code == 404


# --- the group page's coming meetings ------------------------------------------


@pytest.fixture
def tuesdays(make_user, make_group, add_member, weekly_series):
    """A Lausanne group meeting on Tuesdays from 1 September 2026, 19:00-21:00,
    its co-responsible member and a member."""
    owner = make_user("Camille")
    group = make_group(owner, name="Fibromyalgie Lausanne")
    member = make_user("Noémie")
    add_member(group, member)
    weekly_series(group, location="Salle B")
    return group, owner, member


def test_the_group_page_serves_its_coming_meetings_from_the_cache(client, login, tuesdays):
    group, _owner, member = tuesdays
    login(member)
    first = count_queries(client, f"/groups/{group.id}")
    again = count_queries(client, f"/groups/{group.id}")
    assert again < first
    assert "8 septembre 2026" in text_of(client.get(f"/groups/{group.id}"))


def test_a_cancelled_or_moved_meeting_is_on_the_next_group_page(client, login, tuesdays):
    group, owner, member = tuesdays
    login(member)
    assert "Annulée" not in text_of(client.get(f"/groups/{group.id}"))
    schedule.cancel(group, owner, first_tuesday(group), "Salle fermée")
    page = text_of(client.get(f"/groups/{group.id}"))
    assert "Annulée" in page
    assert "Salle fermée" in page
    second = schedule.occurrences([group.id], date(2026, 9, 15), date(2026, 9, 15))[0]
    moved = schedule.MeetingData(start=datetime(2026, 9, 17, 18, 30), duration_minutes=120)
    schedule.change(group, owner, second, moved)
    assert "jeudi 17 septembre 2026" in text_of(client.get(f"/groups/{group.id}"))


def test_the_group_page_follows_the_readers_language(client, login, tuesdays):
    group, _owner, member = tuesdays
    login(member)
    assert "mardi 8 septembre 2026" in text_of(client.get(f"/groups/{group.id}"))
    assert "martedì 8 settembre 2026" in text_of(client.get(f"/groups/{group.id}?lang=it"))
    assert "Dienstag, 8. September 2026" in text_of(client.get(f"/groups/{group.id}?lang=de"))


def test_the_group_page_follows_the_readers_role(
    app, client, login, auth, make_user, make_group, add_member
):
    owner = make_user("Camille")
    group = make_group(owner)  # nothing planned yet
    member = make_user("Noémie")
    add_member(group, member)
    plan = t(app, "fr", "Plan regular meetings")
    login(owner)
    assert plan in text_of(client.get(f"/groups/{group.id}"))
    auth.logout()
    login(member)
    assert plan not in text_of(client.get(f"/groups/{group.id}"))


def test_a_meeting_that_is_over_leaves_the_group_page(client, login, tuesdays, monkeypatch):
    group, _owner, member = tuesdays
    login(member)
    assert "1er septembre 2026" in text_of(client.get(f"/groups/{group.id}"))
    # 21:30 in Lausanne, the same day: the meeting of 19:00-21:00 is over.
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 9, 1, 19, 30, tzinfo=UTC))
    assert "1er septembre 2026" not in text_of(client.get(f"/groups/{group.id}"))


def test_attendance_turned_on_and_a_new_member_are_on_the_next_group_page(
    app, client, login, tuesdays, make_user, add_member
):
    group, owner, member = tuesdays
    login(member)
    attendance = t(app, "fr", "Attendance")
    page = text_of(client.get(f"/groups/{group.id}"))
    assert attendance not in page
    assert "<dd>2</dd>" in page.replace(" ", "")
    attendance_service.enable(group, owner)
    assert attendance in text_of(client.get(f"/groups/{group.id}"))
    add_member(group, make_user("Ben"))
    assert "<dd>3</dd>" in text_of(client.get(f"/groups/{group.id}")).replace(" ", "")


def test_the_rate_limiter_has_no_hook_on_every_request(app):
    """Its limits are on the routes it protects (the log-in's limits are
    tested in test_accounts.py), not in a before_request hook."""
    assert all(
        getattr(hook, "__self__", None) is not limiter for hook in app.before_request_funcs[None]
    )


# --- the dashboard ---------------------------------------------------------------


def test_the_dashboard_serves_its_lists_from_the_cache(client, login, tuesdays):
    _group, _owner, member = tuesdays
    login(member)
    first = count_queries(client, "/")
    assert count_queries(client, "/") < first


def test_a_role_and_a_cancellation_are_on_the_next_dashboard(app, client, login, tuesdays):
    group, owner, member = tuesdays
    login(member)
    assert "Votre rôle" not in text_of(client.get("/"))
    membership = db.session.scalar(Membership.select_for(member.id, group.id))
    role = db.session.scalars(roles.role_types(group)).first()
    roles.take(group, membership, first_tuesday(group), role, 0, clock.now())
    assert t(app, "fr", "Your role: %(roles)s", roles=role.name) in text_of(client.get("/"))
    schedule.cancel(group, owner, first_tuesday(group), "Salle fermée")
    assert "Salle fermée" not in text_of(client.get("/"))  # the card shows 1 September
    schedule.cancel(group, owner, schedule.find(group, first_key(group)), "Grève")
    assert "Grève" in text_of(client.get("/"))


def test_a_new_group_and_another_language_are_on_the_next_dashboard(
    client, login, tuesdays, make_group, add_member
):
    _group, _owner, member = tuesdays
    login(member)
    assert "Proches aidants Morges" not in text_of(client.get("/"))
    add_member(make_group(name="Proches aidants Morges"), member)
    assert "Proches aidants Morges" in text_of(client.get("/"))
    assert "martedì 1º settembre 2026" in text_of(client.get("/?lang=it"))


def test_the_answer_to_are_you_coming_is_read_on_each_dashboard(app, client, login, tuesdays):
    group, owner, member = tuesdays
    attendance_service.enable(group, owner)
    login(member)
    coming = t(app, "fr", "I plan to come")
    assert 'aria-pressed="true"' not in client.get("/").get_data(as_text=True)
    occurrence = schedule.find(group, first_key(group))
    attendance_service.set_intention(group, member, occurrence, True, clock.now())
    page = client.get("/").get_data(as_text=True)
    assert f'aria-pressed="true">{coming}' in page.replace("&#39;", "'")


def test_a_meeting_that_is_over_leaves_the_dashboard(client, login, tuesdays, monkeypatch):
    _group, _owner, member = tuesdays
    login(member)
    assert "mardi 1er septembre 2026" in text_of(client.get("/"))
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 9, 1, 19, 30, tzinfo=UTC))
    assert "mardi 1er septembre 2026" not in text_of(client.get("/"))


# --- reads without transactions (PostgreSQL) ---------------------------------------

postgresql_only = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="SQLite's BEGIN costs no round trip: reads keep it"
)


def transaction_states():
    """After each statement: whether the connection is inside a transaction."""
    states = []

    def after(connection, *args):
        status = connection.connection.dbapi_connection.info.transaction_status
        states.append(status.name)

    return states, after


@postgresql_only
def test_a_page_that_only_reads_opens_no_transaction(client, login, tuesdays):
    group, _owner, member = tuesdays
    login(member)
    states, after = transaction_states()
    event.listen(db.engine, "after_cursor_execute", after)
    try:
        assert client.get(f"/groups/{group.id}").status_code == 200
    finally:
        event.remove(db.engine, "after_cursor_execute", after)
    assert states
    assert set(states) == {"IDLE"}  # no BEGIN was sent, so no ROLLBACK either


@postgresql_only
def test_writes_and_locks_still_run_in_one_transaction(app, make_user):
    user = make_user("Ana")
    db.session.execute(select(User).where(User.id == user.id)).one()  # a read
    db.session.execute(select(User).where(User.id == user.id).with_for_update()).one()
    status = db.session.connection().connection.dbapi_connection.info.transaction_status
    assert status.name == "INTRANS"  # the lock holds until the end of the transaction
    ben = User(email="ben@example.org", display_name="Ben", locale="fr", password_hash="x")
    db.session.add(ben)
    db.session.flush()
    db.session.execute(update(User).where(User.id == user.id).values(display_name="Anna"))
    db.session.rollback()
    assert db.session.scalar(select(User.display_name).where(User.id == user.id)) == "Ana"
    assert db.session.scalar(select(User).where(User.email == "ben@example.org")) is None
