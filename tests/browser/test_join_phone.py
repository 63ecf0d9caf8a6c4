"""Starting and joining a group on a 360x740 phone, in French, Italian and
German, with and without JavaScript: a create form of about two screens, the
welcome checklist after joining, and the calendar link with its Copy button
(JavaScript) or its read-only field (without)."""

from __future__ import annotations

import uuid
from datetime import time, timedelta
from urllib.parse import quote

import pytest

from facilitator.domain.recurrence import WEEKLY, Rule
from facilitator.extensions import db
from facilitator.models import Group, User
from facilitator.services import clock, feeds, invitations, schedule, unit
from facilitator.services import groups as group_service
from tests.browser.conftest import PASSWORD, PHONE, log_in, person, run_axe
from tests.conftest import t

pytestmark = pytest.mark.browser
LANGUAGES = ["fr", "it", "de"]
SCREEN = 740
GOOGLE = "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F"


def _group_with_meetings(app, language):
    """A group of its own (fortnightly Tuesdays) and an invitation to it."""
    owner_id, _email = person(app, language, "Owner")
    with app.app_context():
        owner = db.session.get(User, owner_id)
        group = group_service.create_group(
            owner,
            group_service.GroupData.starting(
                name=f"Entraide {uuid.uuid4().hex[:6]}",
                language=language,
                canton="VD",
                default_location="Salle B",
            ),
        )
        today = clock.today()
        schedule.create_series(
            group,
            owner,
            schedule.SeriesData(
                start_date=today + timedelta(days=(1 - today.weekday()) % 7 or 7),
                start_time=time(19),
                duration_minutes=120,
                rule=Rule(WEEKLY, interval=2, byday=("TU",)),
            ),
        )
        _invitation, token = invitations.create_invitation(group, owner, 7, None)
        unit.commit()  # the set-up is saved for the server (services never commit)
        return group.id, token, owner.email


def _in_view(page, selector):
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= SCREEN


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_create_form_fits_about_two_phone_screens(live_app, page, language):
    base = live_app.config["LIVE_URL"]
    log_in(page, base, person(live_app, language)[1], PASSWORD)
    page.goto(base + "/groups/new")
    header = page.evaluate("document.querySelector('.site-header').offsetHeight")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 2 * SCREEN + header, (height, header)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.fill("#name", "Proches aidants")
    page.fill("#default_location", "Salle B")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    # the group page opens on the "what next" steps, with the confirmation
    assert "#what-next" in page.url
    assert _in_view(page, "#what-next .feedback")
    steps = page.locator("#what-next")
    assert steps.get_by_role("link", name=t(live_app, language, "Plan the meetings")).is_visible()


@pytest.mark.parametrize("language", LANGUAGES)
def test_joining_shows_the_welcome_checklist(live_app, page, language):
    base = live_app.config["LIVE_URL"]
    group_id, token, _owner = _group_with_meetings(live_app, language)
    log_in(page, base, person(live_app, language)[1], PASSWORD)
    page.goto(f"{base}/invite/{token}")
    # the invitation says when and where the group meets
    assert "Salle B" in page.locator("main").inner_text()
    page.check("#agree")  # the group's charter, read and agreed to
    with page.expect_navigation():
        page.get_by_role("button", name=t(live_app, language, "Join the group")).click()
    assert page.url.endswith(f"/groups/{group_id}/welcome")
    # the next meeting is in the first screen, with its date and time
    assert _in_view(page, "#next time")
    assert "19:00" in page.locator("#next").inner_text()
    # tick two roles: the confirmation shows beside the form, in view
    boxes = page.locator("#willing input[type=checkbox]")
    assert boxes.count() == 5
    boxes.nth(0).check()
    boxes.nth(2).check()
    with page.expect_navigation():
        page.get_by_role("button", name=t(live_app, language, "Save my roles")).click()
    assert page.url.endswith("/welcome#willing")
    message = t(live_app, language, "Your choice of roles has been saved.")
    assert page.locator("#willing .feedback").inner_text() == message
    assert _in_view(page, "#willing .feedback")
    assert page.locator("#willing input[type=checkbox]:checked").count() == 2
    # one tap creates the calendar link and shows it
    with page.expect_navigation():
        page.get_by_role("button", name=t(live_app, language, "Create my calendar link")).click()
    assert page.url.endswith("/account/calendar/new")
    assert page.input_value("#feed-link").endswith(".ics")
    assert page.get_attribute("#google-link", "href").startswith(GOOGLE)
    page.goto(f"{base}/account/calendar")
    assert t(live_app, language, "my phone") in page.locator("main table").inner_text()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_calendar_link_can_be_copied_or_selected(live_app, page, language, request):
    base = live_app.config["LIVE_URL"]
    log_in(page, base, person(live_app, language)[1], PASSWORD)
    page.goto(base + "/account/calendar")
    assert page.input_value("#link-label") == t(live_app, language, "my phone")
    with page.expect_navigation():
        page.click("form:has(#link-label) button[type=submit]")
    field = page.locator("#feed-link")
    url = field.input_value()
    assert field.get_attribute("readonly") is not None
    webcal = "webcal://" + url.split("://", 1)[1]
    google = page.get_attribute("#google-link", "href")
    assert google.startswith(GOOGLE)
    assert google == "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="")
    copy = page.get_by_role("button", name=t(live_app, language, "Copy"))
    if request.node.callspec.params["page"]:  # JavaScript on: a Copy button
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        assert copy.is_visible()
        copy.click()
        status = page.locator("#feed-link-status")
        status.filter(has_text=t(live_app, language, "Copied")).wait_for()
        assert status.get_attribute("role") == "status"
        assert page.evaluate("navigator.clipboard.readText()") == url
    else:  # without: no button that would do nothing, a field to select
        assert copy.count() == 0
        assert field.is_visible() and not field.is_editable()
    # reloading does not make another link: the page is shown once
    page.reload()
    assert page.url.endswith("/account/calendar")
    assert page.locator("main table tbody tr").count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_starting_group_and_a_newcomers_checklist_are_axe_clean(live_app, browser, language):
    """Pages the accessibility list cannot reach with the demo data: a group
    page with its "what next" steps, and the welcome checklist of a newcomer
    with its confirmation shown."""
    base = live_app.config["LIVE_URL"]
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    try:
        log_in(page, base, person(live_app, language)[1], PASSWORD)
        page.goto(base + "/groups/new")
        page.fill("#name", "Proches aidants")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert page.locator("#what-next").is_visible()
        assert run_axe(page) == [], page.url
        _group_id, token, _owner = _group_with_meetings(live_app, language)
        page.goto(f"{base}/invite/{token}")
        assert run_axe(page) == [], page.url
        page.check("#agree")
        with page.expect_navigation():
            page.get_by_role("button", name=t(live_app, language, "Join the group")).click()
        page.locator("#willing input[type=checkbox]").first.check()
        with page.expect_navigation():
            page.get_by_role("button", name=t(live_app, language, "Save my roles")).click()
        assert page.locator("#willing .feedback").is_visible()
        assert run_axe(page) == [], page.url
    finally:
        context.close()


LABELS = """cells => cells.filter(c => c.textContent.trim())
                  .map(c => getComputedStyle(c, '::before').content)"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_links_members_and_invitations_keep_their_headings_on_a_phone(live_app, page, language):
    base = live_app.config["LIVE_URL"]
    group_id, token, owner_email = _group_with_meetings(live_app, language)
    member_id, _email = person(live_app, language, "Ana")
    with live_app.app_context():
        group = db.session.get(Group, group_id)
        owner = group.memberships[0].user
        invitations.accept(token, db.session.get(User, member_id))
        feeds.create(owner, "Natel")
        feeds.create(owner, "Ordi", group=group)
        unit.commit()
    log_in(page, base, owner_email, PASSWORD)
    for path, heading in (
        ("/account/calendar", "Created"),
        (f"/groups/{group_id}/calendar", "Last used"),
        (f"/groups/{group_id}/members", "Member since"),
        (f"/groups/{group_id}/invitations", "Valid until"),
    ):
        page.goto(base + path)
        labels = page.eval_on_selector_all(".table td", LABELS)
        assert labels, path
        assert all(label not in ("none", "normal", '""') for label in labels), (path, labels)
        assert f'"{t(live_app, language, heading)}"' in labels, (path, labels)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
