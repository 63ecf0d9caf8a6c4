"""A group votes secretly on a 360x740 phone, in French, Italian and German,
with and without JavaScript: a co-responsible member asks which evening
before the summer break, three members answer, she closes the poll early
(after a confirmation) and turns the date chosen most often into a meeting.
Each poll page passes axe-core and does not scroll sideways."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from facilitator.domain.recurrence import WEEKLY, Rule
from facilitator.extensions import db
from facilitator.models import Meeting, Membership
from facilitator.models.groups import MemberRole
from facilitator.services import clock, schedule, unit
from facilitator.services import groups as group_service
from tests.browser.conftest import PASSWORD, PHONE, axe_ready_page, log_in, new_user, run_axe
from tests.browser.test_accessibility import SMALL_TARGETS
from tests.conftest import group_data, t

pytestmark = pytest.mark.browser
LANGUAGES = ["fr", "it", "de"]
NAMES = ("Camille", "Ana", "Ben", "Chloé")
QUESTION = {
    "fr": "Quel soir pour la dernière rencontre avant la pause d'été\u00a0?",
    "it": "Quale sera l'ultimo incontro prima della pausa estiva?",
    "de": "Welcher Abend für das letzte Treffen vor der Sommerpause?",
}


@pytest.fixture(autouse=True)
def _demo_first(demo):
    """The demo data is loaded before this module adds groups of its own."""


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def page(request, browser):
    """A phone-sized page, with and without JavaScript; axe-core is added to
    it, past the app's Content-Security-Policy."""
    with axe_ready_page(browser, request.param) as page:
        yield page


def _group(app, language):
    """Camille (co-responsible), Ana, Ben and Chloé, meeting on Tuesdays."""
    with app.app_context():
        users = {name: new_user(name, language) for name in NAMES}
        emails = {name: user.email for name, user in users.items()}
        db.session.commit()
        group = group_service.create_group(
            users["Camille"], group_data(name=f"Groupe {uuid.uuid4().hex[:4]}", language=language)
        )
        for name in NAMES[1:]:
            db.session.add(Membership(user=users[name], group=group, role=MemberRole.MEMBER))
        first = clock.today() + timedelta(days=7)
        schedule.create_series(
            group,
            users["Camille"],
            schedule.SeriesData(
                start_date=first,
                start_time=time(19),
                duration_minutes=120,
                rule=Rule(
                    WEEKLY, byday=(("MO", "TU", "WE", "TH", "FR", "SA", "SU")[first.weekday()],)
                ),
            ),
        )
        unit.commit()
        return group.id, emails


def _logout(page):
    with page.expect_navigation():
        page.click("header form button[type=submit]")


def _checked(page):
    """The page fits the phone, its controls are large enough to tap, and
    (where scripts run) it passes axe-core."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    assert page.evaluate(SMALL_TARGETS) == [], page.url
    if page.scripts:
        assert run_axe(page) == [], page.url


def _in_view(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_group_votes_secretly_and_the_evening_chosen_becomes_a_meeting(live_app, page, language):
    base = live_app.config["LIVE_URL"]
    group, emails = _group(live_app, language)
    today = clock.today()
    summer = date(today.year + 1, 7, 1)
    evenings = [summer - timedelta(days=9), summer - timedelta(days=2)]

    # Camille asks: two evenings, a secret ballot (the default), results once closed.
    log_in(page, base, emails["Camille"], PASSWORD)
    page.goto(f"{base}/groups/{group}/polls")
    _checked(page)
    with page.expect_navigation():
        page.click(f"a[href='/groups/{group}/polls/new/dates']")
    _checked(page)
    page.fill("#question", QUESTION[language])
    for row, day in enumerate(evenings):
        page.fill(f"#options-{row}-day", day.isoformat())
        page.fill(f"#options-{row}-at", "19:00")
    assert page.is_checked("#ballot-0")  # secret
    with page.expect_navigation():
        page.click("form.form button.button:not(.secondary):not(.visually-hidden)")
    poll_url = page.url.split("#")[0]
    assert QUESTION[language] in page.inner_text("h1")
    _checked(page)
    _logout(page)

    # Ana and Ben choose the second evening, Chloé both.
    for name, rows in (("Ana", [1]), ("Ben", [1]), ("Chloé", [0, 1])):
        log_in(page, base, emails[name], PASSWORD)
        page.goto(poll_url)
        choices = page.locator("#choice input")
        for row in rows:
            choices.nth(row).check()
        with page.expect_navigation():
            page.click("#vote form button[type=submit]")
        saved = page.locator("#vote .feedback")
        assert t(
            live_app, language, "Your answer has been saved. Nobody can see what you chose."
        ) in (saved.inner_text())
        assert _in_view(saved)  # the confirmation beside the button pressed
        if name == "Ana":
            _checked(page)
        # Nobody sees how the others chose before the poll closes.
        assert "Ana" not in page.inner_text("#results")
        _logout(page)

    # Camille closes it early: a confirmation first.
    log_in(page, base, emails["Camille"], PASSWORD)
    page.goto(poll_url)
    with page.expect_navigation():
        page.click(f"a[href='{poll_url.removeprefix(base)}/close']")
    _checked(page)
    with page.expect_navigation():
        page.click("button[name=confirm]")
    results = page.inner_text("#results")
    assert t(live_app, language, "chosen most often") in results
    _checked(page)

    # The evening chosen most often becomes a meeting.
    with page.expect_navigation():
        page.click("#manage a.button")
    _checked(page)
    assert page.input_value("#end_time") == "21:00"
    with page.expect_navigation():
        page.click("form.form button.button:not(.secondary)")
    assert "/meetings/m" in page.url
    with live_app.app_context():
        meeting = db.session.scalar(
            select(Meeting).where(Meeting.group_id == group, Meeting.series_id.is_(None))
        )
        assert meeting.start.date() == evenings[1] and meeting.start.time() == time(19)
        assert not meeting.title
