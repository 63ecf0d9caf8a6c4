"""Every main page, logged out and logged in, in French, Italian and German,
on a 360x740 phone: axe-core finds no WCAG 2.1 A/AA violation, nothing scrolls
sideways, no control is smaller than 24x24 px and nothing is loaded from
another site. Screenshots of each page go
to tests/artifacts/screenshots/."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, PHONE, run_axe

pytestmark = pytest.mark.browser
LANGUAGES = ("fr", "it", "de")

PUBLIC_PAGES = {
    "welcome": "/",
    "login": "/auth/login",
    "register": "/auth/register",
    "reset": "/auth/reset",
    "directory": "/groups",
    "contact": "/groups/{g.id}/contact",
    "invitation": "/invite/{g.invite}",
    "privacy": "/privacy",
    "not-found": "/no-such-page",
}
MEMBER_PAGES = {
    "dashboard": "/",
    "group": "/groups/{g.id}",
    "meetings": "/groups/{g.id}/meetings",
    "meeting": "/groups/{g.id}/meetings/{g.key}",
    "past-meetings": "/groups/{g.id}/meetings/past",
    "roles": "/groups/{g.id}/roles",
    "fairness": "/groups/{g.id}/roles/fairness",
    "away": "/groups/{g.id}/away",
    "swap": "/groups/{g.id}/assignments/{held}/swap",
    "group-calendar": "/groups/{g.id}/calendar",
    "members": "/groups/{g.id}/members",
    "my-calendar": "/account/calendar",
    "account": "/account/",
    "password": "/account/password",
    "my-data": "/account/data",
    "delete-account": "/account/delete",
    "new-group": "/groups/new",
    "welcome-checklist": "/groups/{g.id}/welcome",
    "leave": "/groups/{g.id}/leave",
    "charter": "/groups/{g.id}/charter",
    "themes": "/groups/{g.id}/themes",
    "welcoming": "/groups/{g.id}/welcoming",
}
CORESPONSIBLE_PAGES = {
    "new-series": "/groups/{g.id}/series/new",
    "edit-series": "/groups/{g.id}/series/{g.series}/edit",
    "pause-series": "/groups/{g.id}/series/{g.series}/pause",
    "end-series": "/groups/{g.id}/series/{g.series}/end",
    "confirm-cancel": "/groups/{g.id}/meetings/{g.key}/cancel",
    "new-meeting": "/groups/{g.id}/meetings/new",
    "edit-meeting": "/groups/{g.id}/meetings/{g.key}/edit",
    "fill-roles": "/groups/{g.id}/roles/fill",
    "filled-roles": "/groups/{g.id}/roles/filled",
    "unassign-role": "/groups/{g.id}/assignments/{held}/unassign",
    "new-role": "/groups/{g.id}/roles/new",
    "edit-role": "/groups/{g.id}/roles/{g.role}/edit",
    "invitations": "/groups/{g.id}/invitations",
    "settings": "/groups/{g.id}/settings",
    "history": "/groups/{g.id}/audit",
    "remove-member": "/groups/{g.id}/members/{g.member}/remove",
    "messages": "/groups/{g.id}/messages",
    "delete-group": "/groups/{g.id}/delete",
    "attendance": "/groups/{g.id}/attendance",
    "attendance-settings": "/groups/{g.id}/attendance/settings",
    "attendance-report": "/groups/{g.id}/attendance/report",
    "charter-edit": "/groups/{g.id}/charter/edit",
    "charter-versions": "/groups/{g.id}/charter/versions",
    "charter-version": "/groups/{g.id}/charter/versions/{g.charter_version}",
    "theme-pick": "/groups/{g.id}/themes/{g.proposal}/pick",
    "theme-set-aside": "/groups/{g.id}/themes/{g.proposal}/set-aside",
    "centre": "/groups/{g.id}/centre",
    "detach-centre": "/groups/{g.id}/centre/detach",
    # The centre's statistics themselves: tests/browser/test_centre_stats_phone.py
    "figures-sharing": "/groups/{g.id}/sharing/figures",
}
LOGGED_IN = {**MEMBER_PAGES, **CORESPONSIBLE_PAGES}

# Targets smaller than 24x24 px, except links inside a sentence (WCAG 2.5.8's
# "inline" exception: their size is set by the line height of the text).
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex="0"]')]
  .filter(el => {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") return false;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 && r.height <= 1) return false;  // visually hidden until focused
    if (el.matches(".skip-link")) return false;  // measured when focused, in the keyboard test
    if (el.closest('[aria-hidden="true"]')) return false;  // the robots' honeypot, out of reach
    if (el.tagName === "A") {
      const block = el.closest("p, li, dd, td, th, figcaption, legend");
      if (block && block.textContent.trim() !== el.textContent.trim()) return false;
    }
    return r.width < 24 || r.height < 24;
  })
  .map(el => `${el.tagName.toLowerCase()} "${(el.textContent || el.name || el.id).trim().slice(0, 40)}" `
             + `${Math.round(el.getBoundingClientRect().width)}x${Math.round(el.getBoundingClientRect().height)}`)
"""


def check_page(page, url, name, expected_status=200):
    response = page.goto(url)
    assert response.status == expected_status, url
    check_shown_page(page, name)


def check_shown_page(page, name):
    """The checks of this module on the page the browser shows now."""
    problems = {
        "axe": run_axe(page),
        "scrolls sideways": page.evaluate(
            "document.documentElement.scrollWidth > window.innerWidth"
        ),
        "small targets": page.evaluate(SMALL_TARGETS),
        "loaded from other sites": page.foreign_requests,
    }
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    assert problems == {
        "axe": [],
        "scrolls sideways": False,
        "small targets": [],
        "loaded from other sites": [],
    }, page.url


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_are_accessible_on_a_phone(live_app, demo, phone_contexts, language, name):
    page = phone_contexts(language, logged_in=False)
    group = demo.group_of[language]
    path = PUBLIC_PAGES[name].format(g=group)
    url = f"{live_app.config['LIVE_URL']}{path}{'&' if '?' in path else '?'}lang={language}"
    status = 404 if name == "not-found" else 200
    check_page(page, url, f"{language}-public-{name}", status)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", LOGGED_IN)
def test_member_pages_are_accessible_on_a_phone(live_app, demo, phone_contexts, language, name):
    page = phone_contexts(language, logged_in=True)
    path = LOGGED_IN[name].format(g=demo.group_of[language], held=demo.held[language])
    check_page(page, live_app.config["LIVE_URL"] + path, f"{language}-{name}")


def test_the_phone_size_is_the_one_of_the_issue(phone_contexts):
    assert phone_contexts("fr", logged_in=False).viewport_size == PHONE


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_of_a_new_calendar_link_is_accessible_on_a_phone(
    live_app, demo, phone_contexts, language
):
    """It is reached only by creating a link, so it is not in the lists above."""
    page = phone_contexts(language, logged_in=True)
    page.goto(live_app.config["LIVE_URL"] + "/account/calendar")
    page.fill("#link-label", "Natel")
    with page.expect_navigation():
        page.click("form:has(#link-label) button[type=submit]")
    assert page.url.endswith("/account/calendar/new")
    assert page.input_value("#feed-link").endswith(".ics")
    check_shown_page(page, f"{language}-new-calendar-link")


def test_the_welcome_conversation_is_accessible_on_a_phone(live_app, demo, phone_contexts):
    """Only its two people open it: Camille, the Lausanne newcomer's welcome
    contact in the demo, reads it in French, then the page that ends it."""
    from sqlalchemy import select

    from facilitator.extensions import db
    from facilitator.models import WelcomePairing

    group = demo.groups["fr"].id
    with live_app.app_context():
        pairing = db.session.scalar(
            select(WelcomePairing.id).where(WelcomePairing.group_id == group)
        )
    page = phone_contexts("fr", logged_in=True)
    base = f"{live_app.config['LIVE_URL']}/groups/{group}/welcoming/{pairing}"
    check_page(page, base, "fr-welcome-conversation")
    check_page(page, f"{base}/end", "fr-welcome-end")
