"""Health signals on a 360x740 phone, with and without JavaScript: the
centre's staff filter their list on the groups with signals (keyboard only);
a co-responsible reads "How the group is doing" in the settings and stops
sharing the signals (the confirmation beside the button); the staff's list
then says "not shared". Axe-clean."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_ready_page, log_in, run_axe
from tests.browser.test_centre_stats_phone import _centre
from tests.conftest import PASSWORD, t

pytestmark = pytest.mark.browser


@pytest.fixture
def page(request, browser):
    """A phone page, with JavaScript or not (the test's parameter)."""
    with axe_ready_page(browser, request.param) as page:
        yield page


def _row(page, name):
    return page.locator("tbody tr", has_text=name)


@pytest.mark.parametrize(("language", "page"), [("fr", True), ("de", False)], indirect=["page"])
def test_staff_filter_on_signals_and_a_group_stops_sharing_them(live_app, page, language, request):
    base = live_app.config["LIVE_URL"]
    with_js = request.node.callspec.params["page"]
    centre_id, group_id, group_name, owner_email, staff_email = _centre(live_app, language)
    groups = f"{base}/centres/{centre_id}/groups"

    log_in(page, base, staff_email, PASSWORD)
    page.goto(groups)
    # The default roles of a group that met every week: open in the next meetings.
    signals_label = t(live_app, language, "Signals")
    cell = _row(page, group_name).locator(f'td[data-label="{signals_label}"]')
    assert cell.locator("li.signal-open_roles").count() == 1
    assert cell.locator("[aria-hidden=true]").count() >= 1  # the symbol, beside words
    page.focus("details.filters summary")  # the folded filters, opened by keyboard
    page.keyboard.press("Enter")
    page.focus("#signals")
    page.keyboard.press("Space")
    assert page.is_checked("#signals")
    with page.expect_navigation():
        page.focus("main form button[type=submit]")
        page.keyboard.press("Enter")
    assert "signals=1" in page.url
    assert _row(page, group_name).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if with_js:
        assert run_axe(page) == [], page.url
    page.context.clear_cookies()

    log_in(page, base, owner_email, PASSWORD)
    page.goto(f"{base}/groups/{group_id}/settings")
    box = page.locator("#health")
    assert t(live_app, language, "How the group is doing") in box.inner_text()
    assert box.locator("li.signal-open_roles a").count() == 1  # what to do
    if with_js:
        assert run_axe(page) == [], page.url
    with page.expect_navigation():
        box.get_by_role("link", name=t(live_app, language, "Sharing the health signals")).click()
    assert page.url.endswith(f"/groups/{group_id}/sharing/signals")
    page.check("#share-1")  # "No, do not share them"
    with page.expect_navigation():
        page.get_by_role("button", name=t(live_app, language, "Save")).click()
    assert page.url.endswith("#sharing")
    done = t(live_app, language, "The signals are no longer shared with the centre.")
    assert page.locator("#sharing .feedback").inner_text() == done
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if with_js:
        assert run_axe(page) == [], page.url
    page.context.clear_cookies()

    log_in(page, base, staff_email, PASSWORD)
    page.goto(groups)
    assert t(live_app, language, "not shared") in _row(page, group_name).inner_text()
    page.goto(f"{groups}?signals=1")
    assert _row(page, group_name).count() == 0
