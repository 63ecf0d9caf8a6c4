"""Themes on a 360x740 phone, in French, Italian and German, with and without
JavaScript: a member proposes a theme, another supports it (the feedback
beside the button pressed, no names), and the facilitator of the evening
picks it on the meeting's shape page and finds it on the printable card."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_ready_page, log_in
from tests.browser.test_polls_phone import _checked
from tests.browser.test_roles_phone import _world
from tests.conftest import PASSWORD, t

pytestmark = pytest.mark.browser
LANGUAGES = ["fr", "it", "de"]
THEME = {
    "fr": "Parler de sa maladie au travail",
    "it": "Parlare della malattia al lavoro",
    "de": "Über die Krankheit am Arbeitsplatz sprechen",
}


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def page(request, browser):
    """A phone-sized page, with and without JavaScript (axe-core needs it)."""
    with axe_ready_page(browser, request.param) as page:
        yield page


def _as(page, base, email):
    page.context.clear_cookies()
    log_in(page, base, email, PASSWORD)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_theme_is_proposed_supported_picked_and_printed_on_the_card(live_app, page, language):
    base = live_app.config["LIVE_URL"]
    w = _world(live_app, language)  # Ana facilitates the first meeting
    themes_url = f"{base}/groups/{w['group']}/themes"
    theme = THEME[language]

    # Ben proposes a theme; the page says so beside it, without his name.
    _as(page, base, w["emails"]["Ben"])
    page.goto(themes_url)
    _checked(page)
    page.fill("#text", theme)
    with page.expect_navigation():
        page.get_by_role("button", name=t(live_app, language, "Propose"), exact=True).click()
    assert "#theme-" in page.url
    item = page.locator("li.theme", has_text=theme)
    assert t(live_app, language, "You proposed it") in item.inner_text()
    assert t(
        live_app, language, "Your theme has been proposed. Your name is not shown with it."
    ) in (item.inner_text())
    _checked(page)

    # Camille supports it: the count rises, her support is marked, nobody is named.
    _as(page, base, w["emails"]["Camille"])
    page.goto(themes_url)
    item = page.locator("li.theme", has_text=theme)
    assert "Ben" not in page.locator("main").inner_text()
    with page.expect_navigation():
        item.get_by_role("button", name=t(live_app, language, "Support"), exact=True).click()
    item = page.locator("li.theme", has_text=theme)
    text = item.inner_text()
    assert t(live_app, language, "You support this") in text
    assert t(
        live_app, language, "Your support has been counted. Nobody sees who supports what."
    ) in (text)
    assert "1 " in item.locator(".theme-support").inner_text()
    _checked(page)

    # Ana, the facilitator of the evening, picks it on the meeting's shape page.
    _as(page, base, w["emails"]["Ana"])
    meeting = f"{base}/groups/{w['group']}/meetings/{w['keys'][0]}"
    page.goto(f"{meeting}/shape")
    _checked(page)
    proposed = page.locator("#proposed-themes li", has_text=theme)
    with page.expect_navigation():
        proposed.get_by_role("button", name=t(live_app, language, "Use this theme")).click()
    assert page.url.split("#")[0] == meeting
    assert page.locator(".meeting-theme").inner_text() == theme
    _checked(page)
    page.goto(f"{meeting}/card")
    assert theme in page.locator(".card-theme").inner_text()
    _checked(page)

    # On the themes page it is now chosen for that meeting, no longer to support.
    page.goto(themes_url)
    assert page.locator("#coming-themes li", has_text=theme).count() == 1
    assert page.locator("#open-themes li", has_text=theme).count() == 0
