"""Everyday use on a 360x740 phone, in French, Italian and German, with and
without JavaScript: the next meeting first, menus that fit, tables that keep
their meaning."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.conftest import t

pytestmark = pytest.mark.browser
LANGUAGES = ["fr", "it", "de"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_home_page_starts_with_the_next_meeting_in_the_first_screen(
    live_app, demo, page, language
):
    base = live_app.config["LIVE_URL"]
    log_in(page, base, demo.logins[language])
    page.goto(base + "/")
    card = page.locator("#next-meeting")
    assert t(live_app, language, "Your next meeting") in card.inner_text()
    box = card.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 740, box
    # the date, the time and the way to the meeting are in it
    assert card.locator("time").count() == 1
    assert card.locator(".next-time").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_group_menu_fits_two_rows_and_opens_manage_without_javascript(
    live_app, demo, page, language
):
    base = live_app.config["LIVE_URL"]
    log_in(page, base, demo.logins[language])
    group = demo.group_of[language]
    page.goto(f"{base}/groups/{group.id}")
    tops = page.eval_on_selector_all(
        ".group-nav .tabs > li",
        "items => items.map(i => Math.round(i.getBoundingClientRect().top))",
    )
    assert len(set(tops)) <= 2, tops
    settings = page.get_by_role("link", name=t(live_app, language, "Settings"))
    assert not settings.is_visible()
    page.locator(".group-nav summary").click()
    assert settings.is_visible()
    settings.click()
    assert page.url.endswith(f"/groups/{group.id}/settings")


@pytest.mark.parametrize("language", LANGUAGES)
def test_table_cells_carry_their_label_on_a_phone(live_app, demo, page, language):
    base = live_app.config["LIVE_URL"]
    log_in(page, base, demo.logins[language])
    group = demo.group_of[language]
    page.goto(f"{base}/groups/{group.id}/attendance")
    labels = page.eval_on_selector_all(
        ".table td",
        """cells => cells.filter(c => c.textContent.trim())
             .map(c => getComputedStyle(c, '::before').content)""",
    )
    assert labels
    assert all(label not in ("none", "normal", '""') for label in labels), labels
    assert f'"{t(live_app, language, "Participants")}"' in labels
