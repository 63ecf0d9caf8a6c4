"""A centre's staff on a 360 px phone, in French, Italian and German: the
staff list reads as labelled cards, filters without JavaScript, and the
instance administrators' trail; axe-clean like every page."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from facilitator.demo import DEMO_STAFF_EMAIL
from facilitator.extensions import db
from facilitator.models import User
from tests.browser.conftest import PHONE, log_in
from tests.browser.test_accessibility import check_shown_page

pytestmark = pytest.mark.browser


@pytest.fixture
def staff_page(browser, live_app, demo):
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.foreign_requests = []
    log_in(page, live_app.config["LIVE_URL"], DEMO_STAFF_EMAIL)
    yield page
    context.close()


@pytest.mark.parametrize("language", ["fr", "it", "de"])
def test_staff_see_and_filter_their_groups_on_a_phone(live_app, staff_page, language):
    base = live_app.config["LIVE_URL"]
    page = staff_page
    page.goto(f"{base}/centres/?lang={language}")
    assert "/groups" in page.url  # straight to the only centre
    check_shown_page(page, f"{language}-centre-groups")
    row = page.locator("tbody tr", has_text="Fibromyalgie")
    assert row.count() == 1
    assert "Camille" not in page.content()
    # Labelled cells: each fact says what it is on a phone.
    assert row.locator("td[data-label]").count() == 9
    # The filters are folded, the groups come first; a filter in use stays open.
    assert row.is_visible() and not page.locator("#status").is_visible()
    page.click("details.filters summary")
    page.select_option("#status", "dormant")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "status=dormant" in page.url
    assert page.locator("tbody tr").count() == 0
    assert page.locator("#status").is_visible()


def test_the_staff_action_trail_on_a_phone(live_app, staff_page):
    with live_app.app_context():
        db.session.execute(update(User).where(User.email == DEMO_STAFF_EMAIL).values(is_admin=True))
        db.session.commit()
    try:
        staff_page.goto(f"{live_app.config['LIVE_URL']}/admin/staff-actions?lang=fr")
        check_shown_page(staff_page, "fr-staff-actions")
        assert staff_page.locator("tbody tr").count() >= 2  # the demo's attachments
    finally:
        with live_app.app_context():
            db.session.execute(
                update(User).where(User.email == DEMO_STAFF_EMAIL).values(is_admin=False)
            )
            db.session.commit()
