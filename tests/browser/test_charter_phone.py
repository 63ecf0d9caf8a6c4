"""The group's charter on a 360x740 phone, in French, Italian and German,
with and without JavaScript: a newcomer reads it on the invitation, creates
an account and agrees to it while joining (a forgotten box is pointed out
at the field); a member asked to read a changed charter follows the banner
and agrees, the confirmation beside the button."""

from __future__ import annotations

import uuid

import pytest

from facilitator.extensions import db
from facilitator.models import CharterAcknowledgement, Group, Membership, User
from facilitator.services import charter, invitations, unit
from facilitator.services import groups as group_service
from tests.browser.conftest import (
    PASSWORD,
    axe_ready_page,
    fill_new_account,
    log_in,
    open_registration_link,
    person,
    run_axe,
)
from tests.conftest import t

pytestmark = pytest.mark.browser
LANGUAGES = ["fr", "it", "de"]
SCREEN = 740
# A rule of the template, as the newcomer reads it in the group's language.
RULE = {
    "fr": "Ce qui se dit dans le groupe reste dans le groupe.",
    "it": "Quello che si dice nel gruppo resta nel gruppo.",
    "de": "Was in der Gruppe gesagt wird, bleibt in der Gruppe.",
}
OWN_RULE = "- Wir beginnen pünktlich um 19 Uhr."


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def page(request, browser):
    """A phone-sized page, with and without JavaScript, where axe-core may be
    added (bypass_csp: our pages have no inline script to let through)."""
    with axe_ready_page(browser, request.param) as page:
        yield page


def _group(app, language):
    """A group of its own, started with the usual charter, and an invitation."""
    owner_id, owner_email = person(app, language, "Owner")
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
        _invitation, token = invitations.create_invitation(group, owner, 7, None)
        unit.commit()  # the set-up is saved for the server (services never commit)
        return group.id, token, owner_email


def _in_view(page, selector):
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= SCREEN


def _agreed(app, email, group_id):
    with app.app_context():
        user = db.session.scalar(User.select_by_email(email))
        membership = db.session.scalar(Membership.select_for(user.id, group_id))
        row = db.session.get(CharterAcknowledgement, membership.id)
        return row.number if row else None


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_newcomer_reads_and_accepts_the_charter_while_joining(live_app, page, language, request):
    base = live_app.config["LIVE_URL"]
    with_js = request.node.callspec.params["page"]
    group_id, token, _owner = _group(live_app, language)
    # The invitation shows the charter, in the group's language.
    page.goto(f"{base}/invite/{token}")
    section = page.locator(".invitation-charter")
    assert t(live_app, language, "The group's charter") in section.locator("h2").inner_text()
    assert RULE[language] in section.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if with_js:
        assert run_axe(page) == [], page.url
    with page.expect_navigation():
        page.get_by_role("link", name=t(live_app, language, "Create an account and join")).click()
    email = f"new-{uuid.uuid4().hex[:8]}@example.org"
    open_registration_link(page, live_app, email)
    # The last step shows the charter again, with the box to tick.
    assert RULE[language] in page.locator(".invitation-charter").inner_text()
    fill_new_account(page, "Luca")
    create = t(live_app, language, "Create my account and join")
    with page.expect_navigation():
        page.get_by_role("button", name=create).click()
    # Forgotten: said at the box, and in the summary at the top; nothing saved.
    message = t(
        live_app, language, "Tick the box to say that you have read the charter and agree to it."
    )
    assert page.locator("#agree-error").inner_text().endswith(message)
    assert page.get_attribute("#agree", "aria-invalid") == "true"
    assert page.locator(".error-summary a[href='#agree']").is_visible()
    with live_app.app_context():
        assert db.session.scalar(User.select_by_email(email)) is None
    if with_js:
        assert run_axe(page) == [], page.url
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.check("#agree")
    with page.expect_navigation():
        page.get_by_role("button", name=create).click()
    assert page.url.endswith(f"/groups/{group_id}/welcome")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert _agreed(live_app, email, group_id) == 1
    # Their agreement shows on the charter's page.
    page.goto(f"{base}/groups/{group_id}/charter")
    assert page.locator("#agreement").is_visible()
    assert page.locator("#agree").count() == 0  # no box: nothing left to do


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_member_follows_the_banner_and_agrees_to_the_changed_charter(
    live_app, page, language, request
):
    base = live_app.config["LIVE_URL"]
    group_id, token, owner_email = _group(live_app, language)
    member_id, member_email = person(live_app, language, "Ana")
    with live_app.app_context():
        group = db.session.get(Group, group_id)
        member = db.session.get(User, member_id)
        invitations.accept(token, member)
        owner = db.session.scalar(User.select_by_email(owner_email))
        text = charter.template_text(language) + "\n" + OWN_RULE
        charter.revise(group, owner, text, must_reread=True, base=1)
        unit.commit()
    log_in(page, base, member_email, PASSWORD)
    page.goto(f"{base}/groups/{group_id}")
    banner = page.locator("#charter-notice")
    assert _in_view(page, "#charter-notice")  # in the first screen
    with page.expect_navigation():
        banner.get_by_role("link").click()
    assert page.url.endswith("/charter#agreement")
    assert "Wir beginnen pünktlich um 19 Uhr." in page.locator("#charter").inner_text()
    page.check("#agree")
    with page.expect_navigation():
        page.get_by_role("button", name=t(live_app, language, "Confirm")).click()
    feedback = page.locator("#agreement .feedback")
    thanks = t(live_app, language, "Thank you. You have read the charter and agree to it.")
    assert feedback.inner_text() == thanks
    assert _in_view(page, "#agreement .feedback")
    assert _agreed(live_app, member_email, group_id) == 2
    if request.node.callspec.params["page"]:
        assert run_axe(page) == [], page.url
    page.goto(f"{base}/groups/{group_id}")
    assert page.locator("#charter-notice").count() == 0
