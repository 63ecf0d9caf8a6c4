"""Journeys of real people in a real browser, in French and in Italian."""

from __future__ import annotations

import re
import uuid

import pytest

from facilitator.extensions import db
from facilitator.models import User
from facilitator.services import groups as group_service
from facilitator.services import invitations

pytestmark = pytest.mark.browser
PASSWORD = "une phrase assez longue"


def _user(app, language):
    with app.app_context():
        user = User(email=f"{uuid.uuid4().hex[:10]}@example.org", display_name="Giulia",
                    locale=language)  # fmt: skip
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user.email


def _login(page, base, email):
    page.goto(base + "/auth/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")


@pytest.mark.parametrize(("language", "name"), [("fr", "Français"), ("it", "Italiano")])
def test_a_visitor_switches_language_and_the_choice_sticks(live_app, page, language, name):
    base = live_app.config["LIVE_URL"]
    page.goto(base + "/auth/login")  # in the browser's language (English here)
    page.click(f"a[hreflang={language}]")
    page.goto(base + "/auth/reset")
    assert page.locator("html").get_attribute("lang") == f"{language}-CH"
    assert page.locator("[aria-current=true]").inner_text() == name


@pytest.mark.parametrize(
    ("language", "join", "welcome"),
    [("fr", "Créer un compte et rejoindre le groupe", "Bienvenue"),
     ("it", "Crea un account ed entra nel gruppo", "Benvenuto/a")],
)  # fmt: skip
def test_a_newcomer_registers_from_an_invitation_and_joins(live_app, page, language, join, welcome):
    base = live_app.config["LIVE_URL"]
    owner = _user(live_app, language)
    with live_app.app_context():
        founder = db.session.scalar(User.select_by_email(owner))
        group = group_service.create_group(founder, group_service.GroupData(
            name=f"Gruppo {language}", description="", theme="grief", canton="TI",
            language=language, timezone="Europe/Zurich", default_location="Sala 1"))  # fmt: skip
        _inv, token = invitations.create_invitation(group, founder, days=7, max_uses=None)
        group_name = group.name
    page.goto(f"{base}/invite/{token}")
    assert group_name in page.locator("h1").inner_text()
    page.click(f"text={join}")
    email = f"new-{uuid.uuid4().hex[:8]}@example.org"
    page.fill("#email", email)
    page.click("main form button[type=submit]")
    outbox = live_app.extensions["mail_outbox"]
    message = next(m for m in reversed(outbox) if m["To"] == email)
    link = re.search(r"http://127\.0\.0\.1:\d+(/auth/register/\S+)", message.get_content()).group(1)
    page.goto(base + link)
    page.fill("#display_name", "Luca")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("main form button[type=submit]")
    assert group_name in page.locator("h1").inner_text()
    assert welcome in page.locator(".flashes").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
