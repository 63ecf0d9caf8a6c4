"""Roles on a 360x740 phone, in French, Italian and German, with and without
JavaScript: the swap page's two small forms, the warning of an absence over a
held role with its buttons in view, the view after a fair fill, and the
confirm step before a co-responsible opens someone's role again."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from facilitator.domain.recurrence import WEEKLY, Rule
from facilitator.extensions import db
from facilitator.models import Membership, RoleAssignment, SwapRequest, User
from facilitator.models.groups import MemberRole
from facilitator.services import clock, roles, schedule, unit
from facilitator.services import groups as group_service
from tests.browser.conftest import PASSWORD, PHONE, log_in, new_user, run_axe
from tests.conftest import group_data, t

pytestmark = pytest.mark.browser
LANGUAGES = ["fr", "it", "de"]
HEIGHT = PHONE["height"]
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@pytest.fixture(autouse=True)
def _demo_first(demo):
    """The demo data is loaded before this module adds groups of its own (the
    ``demo`` fixture expects to find only its own groups)."""


def _world(app, language):
    """A group of three in ``language`` meeting weekly from next week: Camille
    (co-responsible), Ana who holds the first role at the first meeting, Ben
    who holds the second role at the second."""
    with app.app_context():
        users = {name: new_user(name, language) for name in ("Camille", "Ana", "Ben")}
        emails = {name: user.email for name, user in users.items()}
        db.session.commit()
        group = group_service.create_group(
            users["Camille"],
            group_data(
                name=f"Groupe {uuid.uuid4().hex[:4]}",
                description="",
                theme="health",
                canton="VD",
                language=language,
                default_location="Salle B",
            ),
        )
        members = {}
        for name in ("Ana", "Ben"):
            members[name] = Membership(user=users[name], group=group, role=MemberRole.MEMBER)
            db.session.add(members[name])
        db.session.commit()
        first = clock.today() + timedelta(days=7)
        schedule.create_series(
            group,
            users["Camille"],
            schedule.SeriesData(
                start_date=first,
                start_time=time(19),
                duration_minutes=120,
                rule=Rule(WEEKLY, byday=(WEEKDAYS[first.weekday()],)),
            ),
        )
        coming = schedule.upcoming([group.id], clock.now(), limit=3)
        role_list = db.session.scalars(roles.role_types(group)).all()
        roles.assign(
            group, users["Camille"], coming[0], role_list[0], 0, members["Ana"], clock.now()
        )
        roles.assign(
            group, users["Camille"], coming[1], role_list[1], 0, members["Ben"], clock.now()
        )
        ana_role = db.session.scalar(
            select(RoleAssignment.id).where(RoleAssignment.membership_id == members["Ana"].id)
        )
        unit.commit()  # the set-up is saved for the server (services never commit)
        return {
            "emails": emails,
            "group": group.id,
            "keys": [o.key for o in coming],
            "days": [o.start.date() for o in coming],
            "roles": [r.name for r in role_list],
            "ana_role": ana_role,
        }


def in_view(locator) -> bool:
    """Inside the visible screen (the first one, before any scrolling, or the
    one the page landed on after an action)."""
    box = locator.bounding_box()  # relative to the viewport
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_swap_page_has_two_small_forms_and_the_request_lands_beside_its_answer(
    live_app, page, language
):
    base = live_app.config["LIVE_URL"]
    w = _world(live_app, language)
    log_in(page, base, w["emails"]["Ana"], PASSWORD)
    page.goto(f"{base}/groups/{w['group']}/assignments/{w['ana_role']}/swap")
    hand_over, swap_with = page.locator("#hand-over"), page.locator("#swap-with")
    assert hand_over.locator("select option").all_inner_texts() == ["Ben", "Camille"]
    assert in_view(hand_over.locator("select"))
    assert in_view(hand_over.get_by_role("button"))
    [offer] = swap_with.locator("select option").all_inner_texts()
    assert offer.startswith(
        t(live_app, language, "%(label)s: %(value)s", label="Ben", value=w["roles"][1])
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    hand_over.locator("select").select_option(label="Ben")
    with page.expect_navigation():
        hand_over.get_by_role("button").click()
    assert page.url.endswith(f"/groups/{w['group']}/roles#swaps")
    message = page.locator("#swaps ~ .feedback").first
    assert (
        t(
            live_app,
            language,
            "Your request has been sent to %(name)s. It takes effect when they accept.",
            name="Ben",
        )
        in message.inner_text()
    )
    assert in_view(message)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_absence_over_a_held_role_warns_with_its_buttons_in_view(live_app, page, language):
    base = live_app.config["LIVE_URL"]
    w = _world(live_app, language)
    log_in(page, base, w["emails"]["Ana"], PASSWORD)
    page.goto(f"{base}/groups/{w['group']}/away")
    day = w["days"][0].isoformat()
    page.fill("#first", day)
    page.fill("#last", day)
    with page.expect_navigation():
        page.click("form:has(#first) button[type=submit]")
    assert page.url.endswith("#roles-while-away")
    section = page.locator("#roles-while-away")
    warning = section.locator(".feedback")
    assert w["roles"][0] in section.inner_text()
    assert in_view(warning)
    give_back = section.get_by_role("button", name=t(live_app, language, "Give it back"))
    hand_over = section.get_by_role("link", name=t(live_app, language, "Hand over or swap"))
    assert in_view(give_back) and in_view(hand_over)
    with page.expect_navigation():
        give_back.click()
    done = page.locator("#roles-while-away .feedback")
    assert t(live_app, language, "You have given the role back. It is open again.") in (
        done.inner_text()
    )
    assert in_view(done)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_fair_fill_lands_on_who_holds_what(live_app, page, language):
    base = live_app.config["LIVE_URL"]
    w = _world(live_app, language)
    log_in(page, base, w["emails"]["Camille"], PASSWORD)
    page.goto(f"{base}/groups/{w['group']}/roles/fill?count=2")
    with page.expect_navigation():
        page.get_by_role("button", name=t(live_app, language, "Apply")).click()
    assert f"/groups/{w['group']}/roles/filled?count=2" in page.url
    assert page.locator("h1").inner_text() == t(live_app, language, "Who holds what")
    first = page.locator(".filled > li").first
    held = t(live_app, language, "%(label)s: %(value)s", label=w["roles"][0], value="Ana")
    assert held in first.inner_text()
    assert page.locator(".filled > li").count() == 2
    # Nobody said they were willing: the open roles say what would help.
    assert first.get_by_role("link", name=t(live_app, language, "Ask who is willing")).count()
    assert in_view(first.locator("h2"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("language", LANGUAGES)
def test_opening_a_role_again_asks_first_then_says_so_beside_the_slot(live_app, page, language):
    base = live_app.config["LIVE_URL"]
    w = _world(live_app, language)
    log_in(page, base, w["emails"]["Camille"], PASSWORD)
    page.goto(f"{base}/groups/{w['group']}/meetings/{w['keys'][0]}")
    with page.expect_navigation():
        page.locator(f'a[href$="/assignments/{w["ana_role"]}/unassign"]').click()
    assert page.locator("h1").inner_text() == t(live_app, language, "Open this role again?")
    facts = page.locator("main .card").inner_text()
    assert "Ana" in facts and w["roles"][0] in facts
    told = t(
        live_app,
        language,
        "%(name)s will no longer hold this role and will be told by email.",
        name="Ana",
    )
    assert told in facts
    confirm = page.get_by_role("button", name=t(live_app, language, "Open the role again"))
    assert in_view(confirm)
    with page.expect_navigation():
        confirm.click()
    assert "#slot-" in page.url
    message = page.locator("#roles .feedback").first
    assert t(live_app, language, "The role is open again.") in message.inner_text()
    assert in_view(message)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_of_a_swap_request_is_accessible_on_a_phone(live_app, browser, language):
    """Reached from an email, so not in the accessibility module's lists."""
    base = live_app.config["LIVE_URL"]
    w = _world(live_app, language)
    with live_app.app_context():
        mine = db.session.get(RoleAssignment, w["ana_role"])
        group = mine.meeting.group
        ana, ben = (
            db.session.scalar(select(Membership).join(User).where(User.email == w["emails"][name]))
            for name in ("Ana", "Ben")
        )
        request_ = roles.propose_swap(group, ana, mine, ben, None, clock.now())
        swap_id = request_.id
        unit.commit()
    context = browser.new_context(viewport=PHONE, bypass_csp=True, locale=language)
    try:
        page = context.new_page()
        log_in(page, base, w["emails"]["Ben"], PASSWORD)
        page.goto(f"{base}/groups/{w['group']}/swaps/{swap_id}")
        accept = page.get_by_role("button", name=t(live_app, language, "Accept"))
        assert in_view(accept)
        assert run_axe(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
    with live_app.app_context():
        assert db.session.get(SwapRequest, swap_id) is not None  # looking changes nothing


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_fairness_view_labels_every_cell_with_its_role_on_a_phone(live_app, page, language):
    base = live_app.config["LIVE_URL"]
    w = _world(live_app, language)
    log_in(page, base, w["emails"]["Ben"], PASSWORD)
    page.goto(f"{base}/groups/{w['group']}/roles/fairness")
    assert not page.locator(".table thead").is_visible()  # the headings are hidden on a phone
    labels = page.eval_on_selector_all(
        ".table td", "cells => cells.map(c => getComputedStyle(c, '::before').content)"
    )
    assert labels and all(label not in ("none", "normal", '""') for label in labels), labels
    for name in w["roles"]:
        assert f'"{name}"' in labels
    assert f'"{t(live_app, language, "Next role")}"' in labels
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
