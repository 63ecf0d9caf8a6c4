"""A visitor asks a self-help centre for a group and is referred, on a
360x740 phone, in French, Italian and German (and once without JavaScript):
the visitor writes to the centre from the directory (a forgotten field is
pointed out at the field), a staff member of the centre reads the request
and passes it on to a group after a confirmation, and a co-responsible
member of that group finds it in the group's Messages, marked as coming
from the centre. Then a co-responsible asks for the group to be listed and
staff approve it against the criteria. Each page passes axe-core and does
not scroll sideways."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.models import Centre, ContactMessage, Group, User
from facilitator.services import groups as group_service
from facilitator.services import unit
from tests.browser.conftest import PHONE, log_in, person, run_axe, staffed_centre
from tests.conftest import PASSWORD, group_data, t

pytestmark = pytest.mark.browser
RUNS = [("fr", True), ("it", True), ("de", True), ("fr", False)]
LOOKING_FOR = {
    "fr": "Je cherche un groupe sur le deuil, le soir, près de Lausanne.",
    "it": "Cerco un gruppo sul lutto, la sera, vicino a Lugano.",
    "de": "Ich suche eine Gruppe zum Thema Trauer, am Abend, in der Nähe von Bern.",
}


@pytest.fixture(autouse=True)
def _demo_first(demo):
    """The demo data is loaded before this module adds groups of its own."""


def _centre(app, language):
    """A centre with a staff member, and a group attached to it."""
    staff_id, staff_email = person(app, language, "Sacha")
    owner_id, owner_email = person(app, language, "Camille")
    centre_id = staffed_centre(app, language, staff_id)
    with app.app_context():
        centre = db.session.get(Centre, centre_id)
        group = group_service.create_group(
            db.session.get(User, owner_id),
            group_data(name=f"Deuil {uuid.uuid4().hex[:6]}", language=language),
        )
        group.centre_id = centre.id
        unit.commit()
        return centre.id, centre.name, group.id, group.name, staff_email, owner_email


def _phone(browser, language, scripts):
    context = browser.new_context(
        viewport=PHONE, java_script_enabled=scripts, bypass_csp=True, locale=language
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _check(page, scripts):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url
    if scripts:
        assert run_axe(page) == [], page.url


@pytest.mark.parametrize(
    ("language", "scripts"), RUNS, ids=[f"{lang}-{'js' if s else 'no-js'}" for lang, s in RUNS]
)
def test_a_visitor_asks_the_centre_and_is_referred_to_a_group(
    live_app, browser, language, scripts, monkeypatch
):
    base = live_app.config["LIVE_URL"]
    # Every run writes from the same address (the limit is the messages' to groups).
    monkeypatch.setitem(live_app.config, "CONTACT_LIMIT_PER_IP", "1000 per hour")
    centre_id, centre_name, group_id, group_name, staff_email, owner_email = _centre(
        live_app, language
    )
    # The visitor, from the directory.
    visitor = _phone(browser, language, scripts)
    visitor.goto(f"{base}/groups?lang={language}")
    write = t(live_app, language, "Write to %(name)s", name=centre_name)
    with visitor.expect_navigation():
        visitor.get_by_role("link", name=write).click()
    assert visitor.url.endswith(f"/directory/centres/{centre_id}/write")
    _check(visitor, scripts)
    visitor.fill("#sender_name", "Noé")
    visitor.fill("#sender_contact", "noe@example.org")
    visitor.check("#consent")
    send = t(live_app, language, "Send")
    with visitor.expect_navigation():
        visitor.locator("main form").get_by_role("button", name=send).click()
    # Forgotten: the request itself, said at its field.
    assert visitor.locator("#body-error").inner_text() == t(
        live_app, language, "This field is required."
    )
    assert visitor.get_attribute("#body", "aria-invalid") == "true"
    _check(visitor, scripts)
    visitor.fill("#body", LOOKING_FOR[language])
    with visitor.expect_navigation():
        visitor.locator("main form").get_by_role("button", name=send).click()
    thanks = t(
        live_app, language, "Thank you. The centre has received your request and will answer you."
    )
    assert thanks in visitor.locator("main").inner_text()
    visitor.context.close()

    # The centre's staff member passes it on to the group.
    staff = _phone(browser, language, scripts)
    log_in(staff, base, staff_email, PASSWORD)
    staff.goto(f"{base}/centres/{centre_id}/requests")
    _check(staff, scripts)
    with staff.expect_navigation():
        staff.get_by_role("link", name=LOOKING_FOR[language][:40]).click()
    _check(staff, scripts)
    staff.select_option("#group", str(group_id))
    with staff.expect_navigation():
        staff.get_by_role("button", name=t(live_app, language, "Pass it on…")).click()
    _check(staff, scripts)
    with staff.expect_navigation():
        staff.get_by_role("button", name=t(live_app, language, "Pass it on"), exact=True).click()
    feedback = staff.locator("#status .feedback").first
    assert feedback.inner_text() == t(
        live_app, language, "The request has been passed on to the group."
    )
    assert staff.url.endswith("#status")
    _check(staff, scripts)
    staff.context.close()

    # A co-responsible member finds it in the group's Messages.
    owner = _phone(browser, language, scripts)
    log_in(owner, base, owner_email, PASSWORD)
    owner.goto(f"{base}/groups/{group_id}/messages")
    main = owner.locator("main").inner_text()
    assert LOOKING_FOR[language] in main
    assert t(live_app, language, "Passed on by your self-help centre") in main
    assert "noe@example.org" in main
    _check(owner, scripts)
    owner.context.close()
    with live_app.app_context():
        message = db.session.scalar(
            select(ContactMessage).where(ContactMessage.group_id == group_id)
        )
        assert message.centre_id == centre_id
    assert group_name  # the group's name is the staff member's choice, not shown to the visitor


@pytest.mark.parametrize("language", ["fr", "it", "de"])
def test_a_coresponsible_asks_to_be_listed_and_staff_approve(live_app, browser, language):
    base = live_app.config["LIVE_URL"]
    centre_id, centre_name, group_id, _name, staff_email, owner_email = _centre(live_app, language)
    owner = _phone(browser, language, True)
    log_in(owner, base, owner_email, PASSWORD)
    owner.goto(f"{base}/groups/{group_id}/settings")
    owner.check("#listed")
    owner.fill("#town", "Lausanne")
    with owner.expect_navigation():
        owner.get_by_role("button", name=t(live_app, language, "Save")).click()
    owner.goto(f"{base}/groups/{group_id}/settings")
    assert centre_name in owner.locator("#listing-status").inner_text()
    assert owner.is_checked("#listed")
    _check(owner, True)

    staff = _phone(browser, language, True)
    log_in(staff, base, staff_email, PASSWORD)
    staff.goto(f"{base}/centres/{centre_id}/listings")
    _check(staff, True)
    with staff.expect_navigation():
        staff.locator("#listings a").first.click()
    _check(staff, True)
    for box in staff.locator("input[name='review-criteria']").all():
        box.check()
    with staff.expect_navigation():
        staff.get_by_role("button", name=t(live_app, language, "List the group")).click()
    assert staff.locator("#listings .feedback").inner_text() == t(
        live_app, language, "The group is now listed in the directory."
    )
    _check(staff, True)
    staff.goto(f"{base}/directory/centres/{centre_id}/embed")
    assert "Lausanne" in staff.locator("main").inner_text()
    _check(staff, True)
    with live_app.app_context():
        assert db.session.get(Group, group_id).listed is True
    owner.context.close()
    staff.context.close()
