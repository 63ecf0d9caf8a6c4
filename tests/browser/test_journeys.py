"""Journeys of real people in a real browser, in French and in Italian, each
with and without JavaScript (the `page` fixture)."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta

import pytest
import recurring_ical_events
from babel import Locale
from babel.dates import format_date
from icalendar import Calendar

from facilitator.domain import recurrence as rec
from facilitator.extensions import db
from facilitator.formatting import date_pattern
from facilitator.i18n import locale_for
from facilitator.models import Membership, User
from facilitator.models.groups import MemberRole
from facilitator.services import clock, invitations, roles, schedule, unit
from facilitator.services import groups as group_service
from tests.browser.conftest import (
    PASSWORD,
    fill_new_account,
    log_in,
    open_registration_link,
    person,
)
from tests.conftest import group_data, t

pytestmark = pytest.mark.browser


def _full_date(day: date, language: str) -> str:
    """A date as the app writes it in full ("mardi 5 janvier 2027")."""
    locale = Locale.parse(locale_for(language))
    return format_date(day, date_pattern(locale, "full", day.day), locale=locale)


@pytest.mark.parametrize(("language", "name"), [("fr", "Français"), ("it", "Italiano")])
def test_a_visitor_switches_language_and_the_choice_sticks(live_app, page, language, name):
    base = live_app.config["LIVE_URL"]
    page.goto(base + "/auth/login")  # in the browser's language (English here)
    page.click(f"a[hreflang={language}]")
    page.goto(base + "/auth/reset")
    assert page.locator("html").get_attribute("lang") == f"{language}-CH"
    current = page.locator("[aria-current=true]")
    assert current.inner_text() == language.upper()  # a phone shows the short code
    assert name in current.text_content()  # wider screens the language's name


@pytest.mark.parametrize(
    ("language", "join", "welcome"),
    [
        ("fr", "Créer un compte et rejoindre le groupe", "Bienvenue"),
        ("it", "Crea un account ed entra nel gruppo", "Ti diamo il benvenuto"),
    ],
)
def test_a_newcomer_registers_from_an_invitation_and_joins(live_app, page, language, join, welcome):
    base = live_app.config["LIVE_URL"]
    owner = person(live_app, language)[1]
    with live_app.app_context():
        founder = db.session.scalar(User.select_by_email(owner))
        group = group_service.create_group(
            founder,
            group_data(
                name=f"Gruppo {language}",
                description="",
                theme="grief",
                canton="TI",
                language=language,
                default_location="Sala 1",
            ),
        )
        _inv, token = invitations.create_invitation(group, founder, days=7, max_uses=None)
        group_name = group.name
        unit.commit()  # the set-up is saved for the server (services never commit)
    page.goto(f"{base}/invite/{token}")
    assert group_name in page.locator("h1").inner_text()
    page.click(f"text={join}")
    open_registration_link(page, live_app, f"new-{uuid.uuid4().hex[:8]}@example.org")
    fill_new_account(page, "Luca")
    page.check("#agree")  # the group's charter, shown above the box
    page.click("main form button[type=submit]")
    assert group_name in page.locator("h1").inner_text()
    assert welcome in page.locator(".flashes").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def _group_with_a_member(app, language):
    """A group meeting every Tuesday at 19:00, a co-responsible and a member who
    is willing to take every role. Returns (member email, group id, group name)."""
    founder_email, member_email = person(app, language)[1], person(app, language)[1]
    with app.app_context():
        founder = db.session.scalar(User.select_by_email(founder_email))
        member = db.session.scalar(User.select_by_email(member_email))
        group = group_service.create_group(
            founder,
            group_data(
                name=f"Groupe {uuid.uuid4().hex[:6]}",
                description="",
                theme="health",
                canton="VD",
                language=language,
                default_location="Salle 2",
            ),
        )
        membership = Membership(user=member, group=group, role=MemberRole.MEMBER)
        db.session.add(membership)
        db.session.commit()
        roles.set_opt_ins(membership, {r.id for r in db.session.scalars(roles.role_types(group))})
        schedule.create_series(
            group,
            founder,
            schedule.SeriesData(
                start_date=clock.today() + timedelta(days=1),
                start_time=time(19),
                duration_minutes=120,
                rule=rec.Rule(rec.WEEKLY, byday=("TU",)),
            ),
        )
        unit.commit()  # the set-up is saved for the server (services never commit)
        return member_email, group.id, group.name


@pytest.mark.parametrize("language", ["fr", "it"])
def test_a_coresponsible_creates_a_group_plans_fortnightly_meetings_and_cancels_one(
    live_app, page, language
):
    base = live_app.config["LIVE_URL"]
    log_in(page, base, person(live_app, language)[1], PASSWORD)
    page.goto(base + "/groups/new")
    name = f"Entraide {uuid.uuid4().hex[:6]}"
    page.fill("#name", name)
    page.fill("#default_location", "Salle B, Rue de l'Ale 1")
    page.click("main form button[type=submit]")
    assert page.locator("h1").inner_text() == name
    group_url = page.url.split("#")[0]  # the page opens on its "what next" steps

    first = date(clock.today().year + 1, 1, 5)  # a Tuesday far enough ahead
    page.goto(group_url + "/series/new")
    page.select_option("#frequency", "weekly")
    page.fill("#interval", "2")
    page.check("input[name=weekdays][value=TU]")
    page.fill("#start_date", first.isoformat())
    page.fill("#start_time", "19:00")
    page.fill("#end_time", "21:00")
    page.get_by_role("button", name=t(live_app, language, "Preview the dates")).click()
    preview = page.locator("#preview-title + ol li")
    assert _full_date(first, language) in preview.nth(0).inner_text()
    fortnight = _full_date(first + timedelta(days=14), language)
    assert fortnight in preview.nth(1).inner_text()
    page.get_by_role("button", name=t(live_app, language, "Save")).click()
    assert t(live_app, language, "The meetings have been planned.") in page.inner_text(".flashes")

    page.goto(group_url + "/meetings")
    page.locator(".meeting-when a").nth(1).click()  # the second meeting, two weeks later
    page.fill("#reason", "Salle indisponible")
    page.get_by_role("button", name=t(live_app, language, "Cancel this meeting")).click()
    # What will happen is shown first; nothing is cancelled until confirmed.
    assert page.locator("h1").inner_text() == t(live_app, language, "Cancel this meeting?")
    page.get_by_role("button", name=t(live_app, language, "Yes, cancel the meeting")).click()
    assert t(live_app, language, "The meeting has been cancelled.") in page.inner_text(".flashes")
    page.goto(group_url + "/meetings")
    meetings = page.locator(".meeting")
    assert t(live_app, language, "Cancelled") in meetings.nth(1).inner_text()
    assert "Salle indisponible" in meetings.nth(1).inner_text()
    assert t(live_app, language, "Cancelled") not in meetings.nth(0).inner_text()
    assert t(live_app, language, "Cancelled") not in meetings.nth(2).inner_text()


@pytest.mark.parametrize("language", ["fr", "it"])
def test_a_member_takes_a_role_and_marks_an_absence(live_app, page, language):
    base = live_app.config["LIVE_URL"]
    email, group_id, _name = _group_with_a_member(live_app, language)
    log_in(page, base, email, PASSWORD)
    page.goto(f"{base}/groups/{group_id}/meetings")
    page.locator(".meeting-when a").first.click()
    meeting_url = page.url
    page.get_by_role("button", name=t(live_app, language, "I'll take it")).first.click()
    thanks = t(live_app, language, "Thank you! The role is yours: %(role)s.", role="|").split("|")[
        0
    ]
    # the thanks shows beside the slot, in the visible screen, without scrolling
    feedback = page.locator(".roles .feedback")
    assert thanks in feedback.inner_text()
    box, screen = feedback.bounding_box(), page.viewport_size
    assert box["y"] >= 0 and box["y"] + box["height"] <= screen["height"]
    assert page.get_by_role("button", name=t(live_app, language, "Give it back")).count() == 1

    page.goto(f"{base}/groups/{group_id}/away")
    away = clock.today() + timedelta(days=20)
    page.fill("#first", away.isoformat())
    page.fill("#last", (away + timedelta(days=14)).isoformat())
    page.fill("#note", "Vacances")
    page.get_by_role("button", name=t(live_app, language, "Save")).click()
    flash = t(
        live_app,
        language,
        "Your absence has been saved. Nobody can give you a role on those dates.",
    )
    assert flash in page.inner_text("#absences")  # beside the list of absences
    page.goto(f"{base}/groups/{group_id}/meetings")
    links = page.locator(".meeting-when a")
    for index in range(links.count()):
        page.goto(f"{base}/groups/{group_id}/meetings")
        page.locator(".meeting-when a").nth(index).click()
        if t(live_app, language, "You have said you are away on this date.") in page.inner_text(
            "main"
        ):
            break
    else:
        pytest.fail("no meeting shows the absence")
    assert page.url != meeting_url
    assert page.get_by_role("button", name=t(live_app, language, "I'll take it")).count() == 0


@pytest.mark.parametrize("language", ["fr", "it"])
def test_a_member_creates_a_calendar_link_and_the_feed_parses(live_app, page, language):
    base = live_app.config["LIVE_URL"]
    email, _group_id, group_name = _group_with_a_member(live_app, language)
    log_in(page, base, email, PASSWORD)
    page.goto(base + "/account/calendar")
    page.fill("#link-label", "Téléphone")
    page.get_by_role("button", name=t(live_app, language, "Create the link")).click()
    link = page.input_value("#feed-link")
    assert link.startswith(base + "/feeds/") and link.endswith(".ics")
    assert page.locator("a[href^='webcal://']").count() == 1
    response = page.request.get(link)
    assert response.ok
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.body())
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    assert str(events[0]["SUMMARY"]) == group_name
    assert events[0]["RRULE"]["FREQ"] == ["WEEKLY"]
    assert events[0]["DTSTART"].dt.tzinfo is not None


def _start(event):
    return event["DTSTART"].dt


def test_a_member_in_lugano_sees_on_an_old_phone_that_she_welcomes_newcomers_after_the_switch_to_summer_time(
    live_app, browser
):
    """The product's promise, end to end: Italian, a 320 px phone without
    JavaScript, her next meeting and her role on the home page, and her
    calendar feed at the right local time after the March switch."""
    founder_email, member_email = person(live_app, "it")[1], person(live_app, "it")[1]
    first = date(2027, 4, 1)  # the first Thursday after summer time begins (28 March)
    with live_app.app_context():
        founder = db.session.scalar(User.select_by_email(founder_email))
        member = db.session.scalar(User.select_by_email(member_email))
        group = group_service.create_group(
            founder,
            group_data(
                name=f"Lutto Lugano {uuid.uuid4().hex[:4]}",
                description="",
                theme="grief",
                canton="TI",
                language="it",
                default_location="Casa del Quartiere, sala 1",
            ),
        )
        membership = Membership(user=member, group=group, role=MemberRole.MEMBER)
        db.session.add(membership)
        db.session.commit()
        series = schedule.create_series(
            group,
            founder,
            schedule.SeriesData(
                start_date=first,
                start_time=time(18, 30),
                duration_minutes=90,
                rule=rec.Rule(rec.WEEKLY, interval=2, byday=("TH",)),
            ),
        )
        welcome = next(
            r for r in db.session.scalars(roles.role_types(group)) if r.name == "Accoglienza"
        )
        occurrence = schedule.find(group, f"s{series.id}-{first:%Y%m%d}1830")
        roles.assign(group, founder, occurrence, welcome, 0, membership, clock.now())
        group_name = group.name
        unit.commit()  # the set-up is saved for the server (services never commit)
    context = browser.new_context(
        viewport={"width": 320, "height": 568}, java_script_enabled=False, locale="it-CH"
    )
    try:
        page = context.new_page()
        base = live_app.config["LIVE_URL"]
        log_in(page, base, member_email, PASSWORD)
        card = page.locator("#next-meeting")
        home = card.inner_text()
        assert "giovedì 1º aprile 2027" in home and "18:30" in home
        assert group_name in home
        assert t(live_app, "it", "Your role: %(roles)s", roles="Accoglienza") in home
        # her role that evening is said in the first screen, without scrolling
        role = card.locator(".meeting-role").bounding_box()
        assert role["y"] + role["height"] <= 568
        assert page.evaluate("document.documentElement.scrollWidth") <= 320

        page.goto(base + "/account/calendar")
        page.fill("#link-label", "telefono")
        page.get_by_role("button", name=t(live_app, "it", "Create the link")).click()
        feed = Calendar.from_ical(page.request.get(page.input_value("#feed-link")).body())
    finally:
        context.close()
    events = recurring_ical_events.of(feed).between(date(2027, 3, 1), date(2027, 4, 30))
    shown = sorted((e["DTSTART"].dt.isoformat(), str(e["SUMMARY"])) for e in events)
    assert shown == [  # fortnightly from 1 April, at 18:30 summer time (UTC+2)
        ("2027-04-01T18:30:00+02:00", f"{group_name} (Accoglienza)"),
        ("2027-04-15T18:30:00+02:00", group_name),
        ("2027-04-29T18:30:00+02:00", group_name),
    ]
    roles_said = ["Accoglienza" in str(e["DESCRIPTION"]) for e in sorted(events, key=_start)]
    assert roles_said == [True, False, False]  # her role only on the evening she holds it
