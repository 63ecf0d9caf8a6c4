"""Rooms on a 360 px phone, in French: the centre's staff add a room, a
co-responsible of another group attached to the centre picks the room the
Lausanne group uses at the same time, is warned of the clash (dates only,
never the other group), saves anyway, and the staff see the clash on the
room's page. Every page axe-clean, nothing scrolls sideways."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from facilitator.demo import DEMO_STAFF_EMAIL
from facilitator.extensions import db
from facilitator.models import Group, MeetingSeries
from facilitator.services import clock, unit
from facilitator.services import groups as group_service
from tests.browser.conftest import PASSWORD, PHONE, log_in, new_user
from tests.browser.test_accessibility import check_shown_page
from tests.conftest import group_data

pytestmark = pytest.mark.browser
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _phone(browser):
    context = browser.new_context(viewport=PHONE, bypass_csp=True, locale="fr")
    page = context.new_page()
    page.foreign_requests = []
    return page


def test_staff_add_a_room_and_a_coresponsible_is_warned_of_a_clash(browser, live_app, demo):
    base = live_app.config["LIVE_URL"]
    with live_app.app_context():
        lausanne = db.session.get(Group, demo.groups["fr"].id)
        centre_id = lausanne.centre_id
        used = db.session.scalar(
            select(MeetingSeries).where(
                MeetingSeries.group_id == lausanne.id, MeetingSeries.room_id.is_not(None)
            )
        )
        weekday, at = used.byday.split(",")[0], used.start_time
        room_id = used.room_id
        first = clock.today() + timedelta(days=7)
        first += timedelta(days=(WEEKDAYS.index(weekday) - first.weekday()) % 7)
        user = new_user("Noémie", "fr")
        email = user.email
        db.session.commit()
        group = group_service.create_group(
            user, group_data(name=f"Proches {uuid.uuid4().hex[:6]}", description="")
        )
        group.centre_id = centre_id
        group_id = group.id
        unit.commit()  # saved for the server (services never commit)

    staff = _phone(browser)
    coresponsible = _phone(browser)
    try:
        log_in(staff, base, DEMO_STAFF_EMAIL)
        staff.goto(f"{base}/centres/{centre_id}/rooms")
        check_shown_page(staff, "fr-rooms")
        with staff.expect_navigation():
            staff.click("text=Ajouter une salle")
        check_shown_page(staff, "fr-room-form")
        staff.fill("#name", "Salle 7")
        staff.fill("#address", "Rue de Bourg 7, Lausanne")
        staff.fill("#capacity", "10")
        with staff.expect_navigation():
            staff.click("main form button[type=submit]")
        assert "La salle Salle 7 a été ajoutée." in staff.content()

        log_in(coresponsible, base, email, PASSWORD)
        coresponsible.goto(f"{base}/groups/{group_id}/series/new")
        assert "Salle 7, Rue de Bourg 7, Lausanne" in coresponsible.content()
        coresponsible.fill("#interval", "1")
        coresponsible.check(f"input[name=weekdays][value={weekday}]")
        coresponsible.fill("#start_date", first.isoformat())
        coresponsible.fill("#start_time", at.strftime("%H:%M"))
        end = (at.hour + 2) % 24
        coresponsible.fill("#end_time", f"{end:02d}:{at.minute:02d}")
        coresponsible.select_option("#room", str(room_id))
        with coresponsible.expect_navigation():
            coresponsible.click("button[name=save]")
        shown = coresponsible.content()
        assert "La salle est déjà utilisée par un autre groupe" in shown
        assert "Fibromyalgie" not in shown and "Camille" not in shown
        check_shown_page(coresponsible, "fr-series-room-clash")
        coresponsible.check("#room_anyway")
        with coresponsible.expect_navigation():
            coresponsible.click("button[name=save]")
        assert "/meetings" in coresponsible.url

        staff.goto(f"{base}/centres/{centre_id}/rooms/{room_id}")
        assert "Conflit" in staff.content()
        check_shown_page(staff, "fr-room-clashes")
    finally:
        staff.context.close()
        coresponsible.context.close()
