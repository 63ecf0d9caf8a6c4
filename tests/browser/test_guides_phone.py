"""A first-time facilitator on a 360 px phone, with and without JavaScript:
the note that it is their first time, the guide opened, and the card (with
the charter's key rules) printed on one page."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ARTIFACTS, PASSWORD, PHONE, log_in, run_axe
from tests.browser.test_roles_phone import _world
from tests.conftest import t

pytestmark = pytest.mark.browser
PAGE_OBJECTS = re.compile(rb"/Type\s*/Page(?!s)")


@pytest.fixture(autouse=True)
def _demo_first(demo):
    """The demo data is loaded before this module adds groups of its own."""


@pytest.mark.parametrize("language", ["fr", "it", "de"])
def test_a_first_time_facilitator_opens_the_guide_and_prints_the_card(live_app, page, language):
    base = live_app.config["LIVE_URL"]
    w = _world(live_app, language)  # Ana holds the first role (facilitation) at the first meeting
    log_in(page, base, w["emails"]["Ana"], PASSWORD)
    page.goto(f"{base}/groups/{w['group']}/meetings/{w['keys'][0]}")
    note = page.locator(".first-time")
    assert w["roles"][0] in note.inner_text()
    guide = page.locator("details.guide")
    assert not guide.locator(".checklist").first.is_visible()  # folded
    guide.locator("summary").click()
    assert guide.locator(".checklist li").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with page.expect_navigation():
        page.get_by_role(
            "link", name=t(live_app, language, "Facilitator's card (to print)")
        ).click()
    assert page.locator(".card-outline tr").count() == 4
    assert page.locator(".card-sheet bdi", has_text="Ana").count() == 1
    assert page.locator(".card-rules li").count() == 5  # the usual charter's key rules
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => [...document.querySelectorAll(
        '.site-header, .site-footer, .skip-link, .no-print')]
        .filter(el => getComputedStyle(el).display !== 'none').map(el => el.outerHTML.slice(0, 80))""")
    assert hidden == []
    folder = ARTIFACTS / "print"
    folder.mkdir(parents=True, exist_ok=True)
    for size in ("A5", "A4"):
        pdf = page.pdf(path=str(folder / f"{language}-card-{size}.pdf"), format=size)
        assert len(PAGE_OBJECTS.findall(pdf)) == 1, size  # one page


def test_the_guide_the_card_and_the_shape_forms_pass_axe_on_a_phone(live_app, browser):
    base = live_app.config["LIVE_URL"]
    w = _world(live_app, "fr")
    context = browser.new_context(viewport=PHONE, bypass_csp=True)  # for axe
    page = context.new_page()
    log_in(page, base, w["emails"]["Camille"], PASSWORD)
    meeting = f"{base}/groups/{w['group']}/meetings/{w['keys'][0]}"
    for path in (f"{meeting}/card", f"{meeting}/shape", f"{base}/groups/{w['group']}/outline"):
        page.goto(path)
        assert run_axe(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    context.clear_cookies()
    log_in(page, base, w["emails"]["Ana"], PASSWORD)
    page.goto(meeting)
    page.locator("details.guide summary").click()
    assert run_axe(page) == []
    context.close()
