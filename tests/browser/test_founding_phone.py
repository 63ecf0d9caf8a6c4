"""A centre's staff member founds a group and hands it over, on a 360x740
phone, in French and German: the founding form points out a forgotten name
at the field, the staff page shows the hand-over link once (to copy), a new
person opens it, registers, agrees to the charter and lands on the group as
its co-responsible member; the staff page then says when it was handed over,
never to whom. The new staff pages pass axe-core and do not scroll sideways."""

from __future__ import annotations

import uuid

import pytest

from facilitator.extensions import db
from facilitator.models import Group, Membership
from facilitator.models.groups import MemberRole
from tests.browser.conftest import (
    PHONE,
    fill_new_account,
    log_in,
    open_registration_link,
    person,
    run_axe,
    staffed_centre,
)
from tests.conftest import PASSWORD, t

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _demo_first(demo):
    """The demo data is loaded before this module adds groups of its own."""


def _centre_with_staff(app, language) -> tuple[int, str]:
    """A centre with one staff member: its id and the staff member's email."""
    staff_id, email = person(app, language, "Sacha")
    return staffed_centre(app, language, staff_id), email


def _checked(page) -> None:
    assert run_axe(page) == [], page.url
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth"), page.url


@pytest.mark.parametrize("language", ["fr", "de"])
def test_a_staff_member_founds_a_group_and_hands_it_over(live_app, browser, language):
    base = live_app.config["LIVE_URL"]
    centre_id, staff_email = _centre_with_staff(live_app, language)
    name = f"Proches aidants {uuid.uuid4().hex[:6]}"
    staff = browser.new_context(viewport=PHONE, bypass_csp=True).new_page()
    newcomer = browser.new_context(viewport=PHONE, bypass_csp=True, locale=language).new_page()
    try:
        log_in(staff, base, staff_email, PASSWORD)
        staff.goto(f"{base}/centres/{centre_id}/groups")
        with staff.expect_navigation():
            staff.get_by_role("link", name=t(live_app, language, "Found a group")).first.click()
        _checked(staff)
        # A forgotten name is said at the field; what was typed stays.
        staff.fill("#town", "Morges")
        staff.select_option("#theme", "family")
        staff.check("#listed")
        with staff.expect_navigation():
            staff.click("main form button[type=submit]")
        assert staff.locator("#name-error").is_visible()
        assert staff.input_value("#town") == "Morges"
        _checked(staff)
        staff.fill("#name", name)
        with staff.expect_navigation():
            staff.click("main form button[type=submit]")
        assert "#handover" in staff.url
        assert staff.locator("#handover .feedback").is_visible()
        _checked(staff)
        with staff.expect_navigation():
            staff.get_by_role(
                "button", name=t(live_app, language, "Make the hand-over link")
            ).click()
        link = staff.input_value("#handover-link")
        assert "/invite/" in link
        _checked(staff)
        staff.reload()  # shown once
        assert staff.locator("#handover-link").count() == 0

        # The group's first member: registers from the link.
        newcomer.goto(link)
        _checked(newcomer)
        with newcomer.expect_navigation():
            newcomer.get_by_role(
                "link", name=t(live_app, language, "Create an account and take over the group")
            ).click()
        email = f"{uuid.uuid4().hex[:10]}@example.org"
        open_registration_link(newcomer, live_app, email)
        fill_new_account(newcomer, "Jeanne")
        newcomer.check("#agree")
        with newcomer.expect_navigation():
            newcomer.click("main form button[type=submit]")
        with live_app.app_context():
            group = db.session.query(Group).filter_by(name=name).one()
            roles = [m.role for m in db.session.query(Membership).filter_by(group_id=group.id)]
            group_id = group.id
        assert newcomer.url.endswith(f"/groups/{group_id}")
        assert roles == [MemberRole.CORESPONSIBLE]
        newcomer.goto(f"{base}/groups/{group_id}/settings")
        assert newcomer.get_by_role(
            "link", name=t(live_app, language, "Our group has started")
        ).is_visible()

        # The staff page: handed over, never to whom; nothing to edit.
        staff.goto(f"{base}/centres/{centre_id}/founding/{group_id}")
        assert "Jeanne" not in staff.content() and email not in staff.content()
        assert staff.locator("main form input#name").count() == 0
        _checked(staff)
    finally:
        staff.context.close()
        newcomer.context.close()


def test_the_handover_link_is_withdrawn_after_a_confirmation(live_app, browser):
    base = live_app.config["LIVE_URL"]
    centre_id, staff_email = _centre_with_staff(live_app, "fr")
    staff = browser.new_context(viewport=PHONE, bypass_csp=True).new_page()
    try:
        log_in(staff, base, staff_email, PASSWORD)
        staff.goto(f"{base}/centres/{centre_id}/found")
        staff.fill("#name", f"Deuil {uuid.uuid4().hex[:6]}")
        with staff.expect_navigation():
            staff.click("main form button[type=submit]")
        with staff.expect_navigation():
            staff.get_by_role("button", name=t(live_app, "fr", "Make the hand-over link")).click()
        link = staff.input_value("#handover-link")
        with staff.expect_navigation():
            staff.get_by_role("link", name=t(live_app, "fr", "Withdraw the link")).click()
        _checked(staff)
        with staff.expect_navigation():
            staff.get_by_role("button", name=t(live_app, "fr", "Yes, withdraw the link")).click()
        assert staff.locator("#handover .feedback").is_visible()
        staff.goto(link)
        assert (
            t(
                live_app,
                "fr",
                "This hand-over link has been withdrawn by the self-help centre. "
                "Ask the centre for a new link.",
            )
            in staff.locator("main").inner_text()
        )
    finally:
        staff.context.close()
