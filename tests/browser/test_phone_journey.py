"""The first evening of a new co-responsible, on a 360x740 phone, counted.

Register (with the email round trip) → create a group → plan fortnightly
Tuesday meetings → take the facilitation of the first one → subscribe in a
calendar: at most 12 page loads and 15 fields filled, in French, Italian and
German, with and without JavaScript.

A page load is a navigation of the main frame (following a link, submitting a
form and landing on the page after its redirect, opening the email's link); a
field is a form control whose value the person types or changes.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from icalendar import Calendar

from facilitator.services import clock
from tests.browser.conftest import fill_new_account, open_registration_link
from tests.conftest import t

MAX_PAGE_LOADS = 12
MAX_FIELDS = 15


class Person:
    """A phone in someone's hand: what they load, what they fill."""

    def __init__(self, page):
        self.page = page
        self.loads = []
        self.fields = []
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame):
        if frame == self.page.main_frame:
            self.loads.append(frame.url)

    def fill(self, selector, value):
        self.fields.append(selector)
        self.page.fill(selector, value)

    def choose(self, selector, value):
        self.fields.append(selector)
        self.page.select_option(selector, value)

    def tick(self, selector):
        self.fields.append(selector)
        self.page.check(selector)

    def press(self, name):
        """Press the button or follow the link with this visible name, wait for the page."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=name, exact=True).or_(
                self.page.get_by_role("link", name=name, exact=True)
            ).first.click()


def _next_tuesday_after(day: date) -> date:
    return day + timedelta(days=(1 - day.weekday()) % 7 or 7)


@pytest.mark.parametrize("language", ["fr", "it", "de"])
def test_register_create_plan_take_and_subscribe_in_at_most_twelve_page_loads(
    live_app, page, language
):
    base = live_app.config["LIVE_URL"]
    me = Person(page)
    tr = lambda message, **values: t(live_app, language, message, **values)  # noqa: E731

    # 1-2: the address, then "look in your inbox"
    page.goto(f"{base}/auth/register?lang={language}")
    # 3-4: the email's link, name and password, landing on the home page
    open_registration_link(page, live_app, f"first-{uuid.uuid4().hex[:8]}@example.org", me.fill)
    fill_new_account(page, "Chiara", me.fill)
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    # 5-6: create the group (its language and canton are already chosen)
    me.press(tr("Create a group"))
    name = f"Entraide {uuid.uuid4().hex[:6]}"
    me.fill("#name", name)
    me.fill("#default_location", "Sala 2, Via Canonica 5")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("h1").inner_text() == name

    # 7-8: fortnightly Tuesdays from the next Tuesday but one
    me.press(tr("Plan the meetings"))
    first = _next_tuesday_after(clock.today() + timedelta(days=7))
    me.fill("#interval", "2")
    me.tick("input[name=weekdays][value=TU]")
    me.fill("#start_date", first.isoformat())
    me.fill("#start_time", "18:30")
    me.fill("#end_time", "20:30")
    me.press(tr("Save"))
    assert urlsplit(page.url).fragment == "main"  # the top, where "planned" is said
    assert tr("The meetings have been planned.") in page.inner_text("main")

    # 9-10: the first meeting, and its facilitation taken
    with page.expect_navigation():
        page.locator(".meeting-when a").first.click()
    slot = page.locator("[id^=slot-]").filter(
        has_text=t(live_app, language, "Facilitation", "role")
    )
    with page.expect_navigation():
        slot.get_by_role("button").first.click()
    feedback = page.locator(".roles .feedback")
    assert feedback.count() == 1 and feedback.is_visible()

    # 11-12: the calendar link, with its default name
    me.press(tr("My calendar"))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    webcal = page.locator("input.copy, input[readonly]").first.input_value()
    assert webcal.startswith(("webcal://", "http://", "https://"))
    google = page.locator("a[href^='https://calendar.google.com/calendar/r?cid=']")
    cid = parse_qs(urlsplit(google.get_attribute("href")).query)["cid"][0]
    assert unquote(cid).startswith("webcal://")

    assert len(me.loads) <= MAX_PAGE_LOADS, me.loads
    assert len(me.fields) <= MAX_FIELDS, me.fields

    # and the calendar already holds the meeting, with the role, at 18:30 Zurich time
    feed = page.request.get(webcal.replace("webcal://", "http://"))
    body = feed.text()
    assert f"DTSTART;TZID=Europe/Zurich:{first:%Y%m%d}T183000" in body
    assert "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU" in body
    events = Calendar.from_ical(body).walk("VEVENT")
    role = t(live_app, language, "Facilitation", "role")
    assert any(role in str(e.get("SUMMARY", "")) + str(e.get("DESCRIPTION", "")) for e in events)
