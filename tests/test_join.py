"""Starting and joining a group on a phone: a short create form, the "what
next" steps, the welcome checklist after joining, what an invitation says of
the meetings, the calendar link page, labelled table cells, My data in the
reader's language, and links printed with the port of `make run`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from facilitator.domain.recurrence import WEEKLY, Rule
from facilitator.extensions import db
from facilitator.i18n import locale_for
from facilitator.models import FeedToken, Group, Invitation, MeetingSeries, Membership, RoleOptIn
from facilitator.services import audit, clock, feeds, invitations, roles, schedule
from facilitator.services import groups as group_service
from tests.conftest import AGREED, PASSWORD, link_in, t, text_of

LANGUAGES = ["fr", "it", "de"]
ROOT = Path(__file__).resolve().parents[1]


def day(app, language, value, style="full"):
    from facilitator.formatting import day_text

    with app.test_request_context(), force_locale(locale_for(language)):
        return day_text(value, style)


def next_tuesday() -> date:
    today = clock.today()
    return today + timedelta(days=(1 - today.weekday()) % 7 or 7)


def plan(group, *, location="") -> MeetingSeries:
    """Fortnightly Tuesdays at 19:00 from next Tuesday on."""
    return schedule.create_series(
        group,
        group.memberships[0].user,
        schedule.SeriesData(
            start_date=next_tuesday(),
            start_time=time(19),
            duration_minutes=120,
            rule=Rule(WEEKLY, interval=2, byday=("TU",)),
            location=location,
        ),
    )


def cells_without_label(html: str) -> list[str]:
    """The <td> cells of the page's tables that carry no data-label."""
    return [cell for cell in re.findall(r"<td\b[^>]*>", html) if "data-label=" not in cell]


# --- Create a group -----------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_create_form_asks_only_what_is_needed_to_start(app, client, login, make_user, language):
    login(make_user(locale=language))
    page = client.get("/groups/new").get_data(as_text=True)
    fields = set(re.findall(r'<(?:input|select|textarea)[^>]* name="([^"]+)"', page))
    fields -= {"csrf_token"}
    assert fields == {"name", "language", "canton", "default_location"}
    # the person's language and a canton where it is spoken are chosen already
    assert re.search(
        rf'<option selected value="{language}">|<option value="{language}" selected', page
    )
    assert t(app, language, "Usual meeting place") in text_of(client.get("/groups/new"))


def test_a_new_group_keeps_the_usual_defaults_and_lands_on_what_next(client, login, make_user):
    user = make_user("Camille")
    login(user)
    response = client.post(
        "/groups/new",
        data={
            "name": "Proches aidants",
            "language": "fr",
            "canton": "VD",
            "default_location": "Salle B",
        },
    )
    assert response.status_code == 302
    group = db.session.scalar(select(Group))
    assert response.location == f"/groups/{group.id}#what-next"
    assert (group.theme, group.timezone, group.description) == ("other", "Europe/Zurich", "")
    assert (group.role_release_hours, group.several_roles_per_meeting) == (48, False)
    assert (group.listed, group.retention_months, group.feed_title_mode) == (False, None, "full")
    assert group.accepting_newcomers and group.feed_show_roles and not group.attendance_enabled
    assert group.default_location == "Salle B"
    assert db.session.scalar(select(Membership)).is_coresponsible
    page = text_of(client.get(response.location))
    block = page[page.index('id="what-next"') :]
    block = block[: block.index("</section>")]
    assert "Le groupe a été créé" in block  # the confirmation sits in the block
    for step in ("Plan the meetings", "Invite the members", "Choose the roles"):
        assert t(client.application, "fr", step) in block
    assert f"/groups/{group.id}/series/new" in block
    assert f"/groups/{group.id}/invitations" in block
    assert f"/groups/{group.id}/settings" in block


def test_the_create_form_rejects_a_missing_name_at_the_field(client, login, make_user):
    login(make_user())
    response = client.post("/groups/new", data={"name": " ", "language": "fr", "canton": "VD"})
    assert response.status_code == 400
    assert 'id="name-error"' in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(Group)) == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_what_next_goes_once_the_group_has_meetings_and_members(
    app, client, login, make_user, make_group, add_member, language
):
    owner = make_user(locale=language)
    group = make_group(owner, language=language)
    login(owner)
    assert 'id="what-next"' in text_of(client.get(f"/groups/{group.id}"))
    plan(group)
    page = text_of(client.get(f"/groups/{group.id}"))
    assert 'id="what-next"' in page  # still nobody to meet
    assert t(app, language, "done") in page
    add_member(group, make_user())
    assert 'id="what-next"' not in text_of(client.get(f"/groups/{group.id}"))


def test_what_next_is_for_coresponsibles_only(client, login, make_user, make_group, add_member):
    group = make_group()
    member = make_user()
    add_member(group, member)
    login(member)
    assert 'id="what-next"' not in text_of(client.get(f"/groups/{group.id}"))


# --- The invitation page --------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_invitation_says_when_and_where_the_group_meets(app, client, make_group, language):
    from facilitator.blueprints.meetings.labels import rhythm

    group = make_group(language=language, default_location="Maison des associations, salle B")
    series = plan(group)
    _invitation, token = invitations.create_invitation(group, group.memberships[0].user, 7, None)
    page = text_of(client.get(f"/invite/{token}"))  # a visitor reads the group's language
    assert t(app, language, "When and where the group meets") in page
    with app.test_request_context(), force_locale(locale_for(language)):
        assert rhythm(series) in page  # "Every 2 weeks on Tuesday at 19:00"
    assert day(app, language, next_tuesday()) in page
    assert "Maison des associations, salle B" in page


def test_the_invitation_of_a_group_without_meetings_says_so(client, make_group):
    group = make_group(default_location="")
    _invitation, token = invitations.create_invitation(group, group.memberships[0].user, 7, None)
    page = text_of(client.get(f"/invite/{token}"))
    assert t(client.application, "fr", "No meeting is planned yet.") in page
    assert t(client.application, "fr", "When and where the group meets") in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_discreet_group_says_nothing_of_place_or_time_before_joining(
    app, client, make_group, language
):
    group = make_group(language=language, default_location="Rue Secrète 7")
    group.feed_title_mode = "discreet"
    db.session.commit()
    plan(group, location="Salle cachée")
    _invitation, token = invitations.create_invitation(group, group.memberships[0].user, 7, None)
    page = text_of(client.get(f"/invite/{token}"))
    assert t(app, language, "When and where the group meets") not in page
    assert "Rue Secrète" not in page and "Salle cachée" not in page
    assert "19:00" not in page and day(app, language, next_tuesday()) not in page
    assert invitations.preview(group, clock.now()) is None


def test_the_preview_leaves_out_cancelled_meetings(make_group):
    group = make_group()
    series = plan(group)
    first = schedule.upcoming([group.id], clock.now(), limit=1)[0]
    schedule.cancel(group, group.memberships[0].user, first, "")
    preview = invitations.preview(group, clock.now())
    assert preview.series == [series]
    assert first.start not in [o.start for o in preview.meetings]
    assert len(preview.meetings) == invitations.PREVIEW_MEETINGS


def test_the_preview_counts_the_day_where_the_group_meets(make_group):
    """At 00:30 in Zurich (23:30 UTC the day before), a series that ended
    "yesterday" in Zurich is over, though it is still that day in UTC."""
    group = make_group()
    series = plan(group)
    zurich_midnight = datetime.combine(series.start_date + timedelta(days=8), time(0, 30))
    now = zurich_midnight.replace(tzinfo=ZoneInfo("Europe/Zurich")).astimezone(UTC)
    series.until = now.date()  # the UTC date: yesterday in Zurich
    db.session.commit()
    assert invitations.preview(group, now).series == []


def test_an_invitation_token_leaves_the_session_at_the_next_page(client, login, make_group):
    group = make_group()
    owner = group.memberships[0].user
    other = make_group(owner)
    login(owner)
    client.post(f"/groups/{group.id}/invitations", data={"days": "14"})
    client.get(f"/groups/{other.id}/invitations")  # somewhere else first
    with client.session_transaction() as session:
        assert "new_invitation" not in session


def test_a_new_invitation_link_is_shown_once_and_a_reload_creates_no_other(
    client, login, make_group
):
    group = make_group()
    login(group.memberships[0].user)
    response = client.post(f"/groups/{group.id}/invitations", data={"days": "14"})
    assert response.status_code == 302
    assert response.location == f"/groups/{group.id}/invitations#new-link-title"
    page = text_of(client.get(response.location))
    assert re.search(r'id="new-link" class="copy" type="text" readonly value="[^"]+/invite/', page)
    assert 'data-copy-label="Copier"' in page
    again = text_of(client.get(response.location))
    assert 'id="new-link"' not in again
    count = select(func.count()).select_from(Invitation)
    assert db.session.scalar(count) == 1


# --- After joining: the welcome checklist ----------------------------------------


@pytest.fixture
def invited(make_user, make_group):
    """A group with fortnightly meetings, an invitation, and a newcomer."""

    def make(language="fr"):
        group = make_group(language=language, default_location="Salle B")
        plan(group)
        _invitation, token = invitations.create_invitation(
            group, group.memberships[0].user, 7, None
        )
        return group, token, make_user("Newcomer", locale=language)

    return make


@pytest.mark.parametrize("language", LANGUAGES)
def test_joining_lands_on_the_welcome_checklist(app, client, login, invited, language):
    group, token, newcomer = invited(language)
    login(newcomer)
    response = client.post(f"/invite/{token}", data=AGREED)
    assert response.location == f"/groups/{group.id}/welcome"
    page = text_of(client.get(response.location))
    for text in (
        "Tick the roles you would take",
        "Add the meetings to your calendar",
        "The next meeting",
    ):
        assert t(app, language, text) in page
    # the next meeting: date, time and place
    assert day(app, language, next_tuesday()) in page
    assert "19:00" in page and "Salle B" in page
    # every role of the group is a checkbox, none ticked yet
    names = [r.name for r in db.session.scalars(roles.role_types(group))]
    assert len(names) == 5
    for name in names:
        assert name in page
    assert 'type="checkbox"' in page and "checked" not in page
    # one step to the calendar: a form that creates the personal link, named
    assert f'name="link-label" value="{t(app, language, "my phone")}"' in page


def test_joining_twice_goes_to_the_group_page(client, login, invited):
    group, token, newcomer = invited()
    login(newcomer)
    client.post(f"/invite/{token}", data=AGREED)
    assert client.post(f"/invite/{token}", data=AGREED).location == f"/groups/{group.id}"


def test_registering_from_an_invitation_lands_on_the_welcome_checklist(app, outbox, invited):
    group, token, _someone = invited("it")
    visitor = app.test_client()
    visitor.post("/auth/register", data={"email": "nuova@example.org", "invitation": token})
    finish = link_in(outbox[-1])
    response = visitor.post(
        finish,
        data={
            "display_name": "Nuova",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "language": "it",
            **AGREED,
        },
    )
    assert response.location == f"/groups/{group.id}/welcome"
    page = text_of(visitor.get(response.location))
    assert t(app, "it", "Tick the roles you would take") in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_ticking_roles_on_the_welcome_page_saves_them_beside_the_form(
    app, client, login, invited, language
):
    group, token, newcomer = invited(language)
    login(newcomer)
    client.post(f"/invite/{token}", data=AGREED)
    role_ids = [r.id for r in db.session.scalars(roles.role_types(group))][:2]
    response = client.post(f"/groups/{group.id}/welcome", data={"roles": role_ids})
    assert response.status_code == 302
    assert response.location == f"/groups/{group.id}/welcome#willing"
    membership = db.session.scalar(Membership.select_for(newcomer.id, group.id))
    assert roles.opted_in(membership) == set(role_ids)
    page = text_of(client.get(response.location))
    willing = page[page.index('id="willing"') :]
    assert t(app, language, "Your choice of roles has been saved.") in willing
    assert willing.count("checked") == 2


def test_an_unknown_role_on_the_welcome_page_is_refused_at_the_field(client, login, invited):
    group, token, newcomer = invited()
    login(newcomer)
    client.post(f"/invite/{token}", data=AGREED)
    response = client.post(f"/groups/{group.id}/welcome", data={"roles": ["999999", "abc"]})
    assert response.status_code == 400
    assert 'id="roles-error"' in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(RoleOptIn)) == 0


def test_the_welcome_calendar_step_creates_the_link_and_shows_it(client, login, invited):
    group, token, newcomer = invited()
    login(newcomer)
    client.post(f"/invite/{token}", data=AGREED)
    response = client.post("/account/calendar", data={"link-label": "mon téléphone"})
    assert response.location == "/account/calendar/new"
    assert ".ics" in text_of(client.get(response.location))
    link = db.session.scalar(select(FeedToken))
    assert (link.label, link.group_id, link.user_id) == ("mon téléphone", None, newcomer.id)
    # with a link for all groups, the step says there is nothing to do
    page = text_of(client.get(f"/groups/{group.id}/welcome"))
    assert 'name="link-label"' not in page
    assert "rien à faire" in page


def test_the_welcome_page_without_meetings_says_none_is_planned(
    client, login, make_user, make_group, add_member
):
    group = make_group()
    member = make_user()
    add_member(group, member)
    login(member)
    page = text_of(client.get(f"/groups/{group.id}/welcome"))
    assert (
        t(
            client.application,
            "fr",
            "No meeting is planned yet. You will see it here and on "
            "your home page as soon as it is.",
        )
        in page
    )


def test_the_welcome_service_skips_a_cancelled_next_meeting(make_user, make_group, add_member):
    group = make_group()
    plan(group)
    first, second = schedule.upcoming([group.id], clock.now(), limit=2)
    schedule.cancel(group, group.memberships[0].user, first, "")
    membership = add_member(group, make_user())
    welcome = group_service.welcome(membership, clock.now())
    assert welcome.next_meeting.start == second.start
    assert not welcome.has_personal_link and welcome.willing == set()
    assert len(welcome.role_types) == 5


# --- The calendar link page ---------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "name"),
    [("fr", "mon téléphone"), ("it", "il mio telefono"), ("de", "mein Telefon")],
)
def test_a_new_calendar_link_is_named_my_phone(
    client, login, make_user, make_group, add_member, language, name
):
    user = make_user(locale=language)
    group = make_group()
    add_member(group, user)
    login(user)
    for path in ("/account/calendar", f"/groups/{group.id}/calendar"):
        assert f'value="{name}"' in text_of(client.get(path))


def test_an_empty_link_name_is_still_refused(client, login, make_user):
    login(make_user())
    response = client.post("/account/calendar", data={"link-label": ""})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(FeedToken)) == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_subscribe_page_offers_copy_google_and_a_readonly_field(
    app, client, login, make_user, language
):
    login(make_user(locale=language))
    response = client.post("/account/calendar", data={"link-label": "Natel"})
    page = text_of(client.get(response.location))
    feed_url = re.search(r'id="feed-link" class="copy" type="text" readonly value="([^"]+)"', page)
    assert feed_url, page
    https = feed_url.group(1)
    webcal = "webcal://" + https.split("://", 1)[1]
    google = "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="")
    assert f'href="{google}"' in page
    assert google.startswith("https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F")
    assert f'data-copy-label="{t(app, language, "Copy")}"' in page
    assert f'data-copied="{t(app, language, "Copied")}"' in page
    assert 'id="feed-link-status"' in page and 'role="status"' in page
    assert "/static/copy.js" in page
    assert t(app, language, "Add to Google Calendar") in page


def test_reloading_the_new_link_page_creates_no_other_link(client, login, make_user):
    login(make_user())
    response = client.post("/account/calendar", data={"link-label": "Natel"})
    assert client.get(response.location).status_code == 200
    again = client.get(response.location)
    assert again.status_code == 302  # shown once, then back to the list
    assert db.session.scalar(select(func.count()).select_from(FeedToken)) == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_personal_and_a_group_link_warn_that_meetings_show_twice(
    app, client, login, make_user, make_group, add_member, language
):
    user = make_user(locale=language)
    group = make_group()
    add_member(group, user)
    login(user)
    general = t(
        app,
        language,
        "Choose one kind of link per calendar: the link for all your groups "
        "already includes every group, so adding a group's link as well would show each "
        "of its meetings twice.",
    )
    assert general in text_of(client.get("/account/calendar"))
    client.post("/account/calendar", data={"link-label": "Natel"})
    response = client.post(f"/groups/{group.id}/calendar", data={"link-label": "Natel"})
    warning = t(
        app,
        language,
        "You now have a link for all your groups and a link for a single "
        "group. Subscribe to only one of them in the same calendar: with both, each "
        "meeting of that group shows twice.",
    )
    assert warning in text_of(client.get(response.location))
    for path in ("/account/calendar", f"/groups/{group.id}/calendar"):
        page = text_of(client.get(path))
        assert general not in page
        assert 'id="twice"' in page
    assert feeds.link_kinds(user) == {"personal", "group"}


def test_link_kinds_forget_revoked_links(make_user):
    user = make_user()
    link, _token = feeds.create(user, "Natel")
    assert feeds.link_kinds(user) == {"personal"}
    feeds.revoke(user, link.id)
    assert feeds.link_kinds(user) == set()


# --- Tables on a phone ------------------------------------------------------------------


def test_every_cell_of_the_links_members_and_invitations_tables_is_labelled(
    client, login, make_group, add_member, make_user
):
    group = make_group()
    add_member(group, make_user("Ana"))
    owner = group.memberships[0].user
    invitations.create_invitation(group, owner, 7, 3)
    feeds.create(owner, "Natel")
    feeds.create(owner, "Ordi", group=group)
    login(owner)
    for path in (
        "/account/calendar",
        f"/groups/{group.id}/calendar",
        f"/groups/{group.id}/members",
        f"/groups/{group.id}/invitations",
    ):
        html = client.get(path).get_data(as_text=True)
        assert "<td" in html, path
        assert cells_without_label(html) == [], path


# --- My data ------------------------------------------------------------------------------


@pytest.fixture
def lived_in(make_user, make_group, add_member):
    """Ana, member since 1 December, with a role held, an absence and a link."""
    group = make_group(name="Proches aidants")
    ana = make_user("Ana", locale="fr")
    membership = add_member(group, ana)
    membership.joined_at = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 1 Dec in Zurich
    ana.created_at = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    db.session.commit()
    series = plan(group)
    role = db.session.scalars(roles.role_types(group)).first()
    roles.set_opt_ins(membership, {role.id})
    first = schedule.upcoming([group.id], clock.now(), limit=1)[0]
    roles.assign(group, group.memberships[0].user, first, role, 0, membership, clock.now())
    roles.add_unavailability(membership, date(2027, 6, 1), date(2027, 6, 8), "Voyage")
    feeds.create(ana, "Natel")
    return ana, group, series, first


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_data_page_speaks_the_readers_language(app, client, login, lived_in, language):
    ana, _group, _series, first = lived_in
    ana.locale = language
    db.session.commit()
    login(ana)
    page = text_of(client.get("/account/data"))
    body = page[page.index("<main") :]
    # no raw timestamps, no English values
    assert not re.search(r"\d{4}-\d{2}-\d{2}", body), re.findall(r"\d{4}-\d{2}-\d{2}\S*", body)
    assert "coresponsible" not in body and ">member" not in body
    assert "None" not in body
    assert {"fr": "Français", "it": "Italiano", "de": "Deutsch"}[language] in body
    assert t(app, language, "Member") in body
    # dates in the reader's language: the first of December as its readers write it
    assert day(app, language, date(2026, 12, 1), "long") in body
    assert day(app, language, date(2027, 6, 1), "long") in body
    assert day(app, language, first.start, "long") in body
    # the "label: value" pattern (French: a no-break space before the colon)
    assert t(app, language, "%(label)s: %(value)s", label="Proches aidants", value="x")[:-1] in body


def test_my_data_json_keeps_stable_english_keys_and_iso_dates(client, login, lived_in):
    ana, _group, _series, first = lived_in
    login(ana)
    data = json.loads(client.get("/account/data.json").data)
    assert set(data) == {
        "account",
        "memberships",
        "roles_held",
        "absences",
        "calendar_links",
        "poll_answers",
        "themes",
        "welcome_messages",
        "history",
    }
    assert data["memberships"][0]["role"] == "member"
    assert data["memberships"][0]["joined_at"].startswith("2026-11-30T23:30:00")
    assert data["roles_held"][0]["date"] == first.start.isoformat()
    assert data["absences"][0] == {
        "group": "Proches aidants",
        "from": "2027-06-01",
        "to": "2027-06-08",
        "note": "Voyage",
    }
    assert data["account"]["last_login_at"]  # logged in just now


def test_a_series_start_in_the_history_has_no_midnight_time(client, login, make_group):
    group = make_group()
    plan(group)
    login(group.memberships[0].user)
    page = text_of(client.get(f"/groups/{group.id}/audit"))
    assert day(client.application, "fr", next_tuesday(), "medium") in page
    assert not re.search(r"\d{4},? 00:00", page)  # was "8 déc. 2026 00:00"
    event = db.session.scalars(audit.select_events(group.id)).first()
    assert "T" not in event.details["start"]


# --- make run PORT=… ------------------------------------------------------------------------


def test_demo_data_prints_links_with_the_configured_base_url(app):
    saved = app.config["BASE_URL"], app.config["SERVER_NAME"]
    # As in development: no SERVER_NAME, links are built from BASE_URL.
    app.config.update(BASE_URL="http://127.0.0.1:5123", SERVER_NAME=None)
    try:
        result = app.test_cli_runner().invoke(args=["demo-data"])
    finally:
        app.config["BASE_URL"], app.config["SERVER_NAME"] = saved
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:5123/auth/login" in result.output
    assert "http://127.0.0.1:5123/invite/" in result.output
    assert "5000" not in result.output


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_passes_its_port_to_the_app():
    dry = subprocess.run(
        ["make", "-n", "--always-make", "run", "PORT=5123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    flask_lines = [line for line in dry.stdout.splitlines() if "flask --app wsgi" in line]
    assert flask_lines, dry.stdout + dry.stderr
    assert all("BASE_URL=http://127.0.0.1:5123" in line for line in flask_lines)
    assert any("--port 5123" in line for line in flask_lines)
