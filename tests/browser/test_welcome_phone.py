"""Welcoming a newcomer on a 360x740 phone, in French, Italian and German,
with and without JavaScript: a newcomer joins from an invitation; the
co-responsible member, willing to welcome, pairs the newcomer with
themselves; the newcomer sees their contact's name, writes to them; the
contact reads it (with the newcomer's first meeting) and answers; the
newcomer ends it after a confirmation and the contact sees that it ended."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.models import Membership, User, WelcomePairing
from tests.browser.conftest import PHONE, axe_ready_page, log_in, person, run_axe
from tests.browser.test_accessibility import SMALL_TARGETS
from tests.browser.test_join_phone import _group_with_meetings
from tests.browser.test_polls_phone import _logout
from tests.conftest import PASSWORD, t

pytestmark = pytest.mark.browser
LANGUAGES = ["fr", "it", "de"]


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def page(request, browser):
    """A phone-sized page, with and without JavaScript, where axe-core may be
    added (bypass_csp: our pages have no inline script to let through)."""
    with axe_ready_page(browser, request.param) as page:
        yield page


def _checked(page):
    """The page fits the phone, its controls are large enough to tap, and
    (where scripts run) it passes axe-core."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    assert page.evaluate(SMALL_TARGETS) == [], page.url
    if page.scripts:
        assert run_axe(page) == [], page.url


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_newcomer_and_their_welcome_contact_write_to_each_other_then_end_it(
    live_app, page, language
):
    base = live_app.config["LIVE_URL"]
    group_id, token, owner_email = _group_with_meetings(live_app, language)
    _newcomer_id, newcomer_email = person(live_app, language, "Luca")

    def tr(message, **values):
        return t(live_app, language, message, **values)

    # The newcomer joins with the invitation (the charter's box ticked).
    log_in(page, base, newcomer_email, PASSWORD)
    page.goto(f"{base}/invite/{token}")
    page.check("#agree")
    with page.expect_navigation():
        page.get_by_role("button", name=tr("Join the group")).click()
    assert page.url.endswith(f"/groups/{group_id}/welcome")
    assert page.locator("#welcome-contacts").is_visible()  # "a member may become…"
    _logout(page)

    # The co-responsible member says they are willing, then pairs the newcomer with themselves.
    log_in(page, base, owner_email, PASSWORD)
    page.goto(f"{base}/groups/{group_id}")
    with page.expect_navigation():
        page.get_by_role("link", name=tr("Welcoming newcomers")).click()
    page.check("#willing_to_welcome")
    with page.expect_navigation():
        page.click("#willing button[type=submit]")
    assert page.locator("#willing .feedback").is_visible()
    _checked(page)
    newcomer = page.locator(".welcome-newcomers li", has_text="Luca")
    newcomer.locator("select").select_option(label=tr("Me"))
    with page.expect_navigation():
        newcomer.get_by_role("button", name=tr("Pair them")).click()
    assert "Luca" in page.locator("#pairings .feedback").inner_text()
    _logout(page)

    # The newcomer sees their contact's name and writes to them.
    log_in(page, base, newcomer_email, PASSWORD)
    page.goto(f"{base}/groups/{group_id}")
    contact = page.locator("#welcome-contacts")
    assert tr("Your welcome contact: %(name)s", name="Owner") in contact.inner_text()
    with page.expect_navigation():
        contact.get_by_role("link", name=tr("Write to them")).click()
    _checked(page)
    page.fill("#body", "Bonjour, je viendrai mardi.")
    with page.expect_navigation():
        page.get_by_role("button", name=tr("Send")).click()
    assert page.locator("#write .feedback").inner_text() == tr("Your message has been sent.")
    assert "Bonjour, je viendrai mardi." in page.locator(".thread li.mine").inner_text()
    _logout(page)

    # The contact reads it, with the newcomer's first meeting, and answers.
    log_in(page, base, owner_email, PASSWORD)
    page.goto(f"{base}/groups/{group_id}")
    assert tr("%(num)d new message", num=1) in page.locator("#welcome-contacts").inner_text()
    with page.expect_navigation():
        page.locator("#welcome-contacts").get_by_role("link", name=tr("Write to them")).click()
    assert "Bonjour, je viendrai mardi." in page.locator(".thread li.theirs").inner_text()
    assert tr("Their first meeting") in page.locator("main").inner_text()
    page.fill("#body", "Parfait, je t'attends à l'entrée.")
    with page.expect_navigation():
        page.get_by_role("button", name=tr("Send")).click()
    texts = page.locator(".thread li").all_inner_texts()
    assert "Parfait" in texts[-1]  # the newest last
    _logout(page)

    # The newcomer ends it, after the confirmation page.
    log_in(page, base, newcomer_email, PASSWORD)
    pairing_id = _pairing_of(live_app, newcomer_email, group_id)
    page.goto(f"{base}/groups/{group_id}/welcoming/{pairing_id}")
    with page.expect_navigation():
        page.get_by_role("link", name=tr("End the welcome pairing")).click()
    _checked(page)
    with page.expect_navigation():
        page.get_by_role("button", name=tr("End the welcome pairing")).click()
    assert tr("The welcome pairing with %(name)s has ended.", name="Owner") in (
        page.locator("#pairings .feedback").inner_text()
    )
    _logout(page)

    # The contact sees that it ended; the conversation can no longer be written to.
    log_in(page, base, owner_email, PASSWORD)
    page.goto(f"{base}/groups/{group_id}")
    ended = tr("Your welcome pairing with %(name)s has ended.", name="Luca")
    assert ended in page.locator("#welcome-contacts").inner_text()
    with page.expect_navigation():
        page.locator("#welcome-contacts").get_by_role("link").click()
    assert page.locator("#ended").is_visible()
    assert page.locator("#body").count() == 0
    _checked(page)


def _pairing_of(app, email, group_id) -> int:
    with app.app_context():
        user = db.session.scalar(User.select_by_email(email))
        membership = db.session.scalar(Membership.select_for(user.id, group_id))
        return db.session.scalar(
            select(WelcomePairing.id).where(WelcomePairing.newcomer_id == membership.id)
        )
