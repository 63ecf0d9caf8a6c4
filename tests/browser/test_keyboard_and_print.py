"""Keyboard use (skip link, visible focus, a whole task without a mouse,
errors linked to their fields) and printing (meeting list, yearly report)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, PHONE, log_in, run_axe
from tests.conftest import t

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  // In Chromium a date or time field has one more stop: its own calendar
  // button, inside the browser's shadow tree (the field itself then loses
  // :focus). The stylesheet outlines that button too; it is not measurable here.
  const picker = (el.type === "date" || el.type === "time") && !el.matches(":focus");
  return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className, picker,
          text: (el.innerText || el.value || "").trim().slice(0, 60),
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
          top: r.top, left: r.left, w: r.width, h: r.height};
}"""


@pytest.fixture
def keyboard_page(browser):
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.parametrize("language", ["fr", "it", "de"])
def test_the_first_tab_reaches_a_visible_skip_link_that_moves_to_the_content(
    live_app, keyboard_page, language
):
    page = keyboard_page
    page.goto(f"{live_app.config['LIVE_URL']}/groups?lang={language}")
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["text"] == t(live_app, language, "Skip to content")
    assert focused["top"] >= 0 and focused["w"] >= 24 and focused["h"] >= 24  # on screen
    assert focused["outline"] != "none" and focused["width"] >= 2
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the page's content
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_every_focused_control_shows_a_visible_outline(live_app, demo, keyboard_page):
    page = keyboard_page
    base = live_app.config["LIVE_URL"]
    log_in(page, base, demo.logins["fr"])
    page.goto(f"{base}/groups/{demo.groups['fr'].id}/series/new")
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] == "body":  # past the last control (the form shows one rhythm's fields)
            break
        seen.append(focused)
        if not focused["picker"]:
            assert focused["outline"] != "none" and focused["width"] >= 2, focused
    # Tab reaches links, the radio and check boxes, fields and both buttons.
    assert {"a", "input", "select", "button"} <= {f["tag"] for f in seen}


@pytest.mark.parametrize("language", ["fr", "it"])
def test_a_member_logs_in_and_takes_a_role_with_the_keyboard_only(
    live_app, keyboard_page, language
):
    from tests.browser.conftest import PASSWORD
    from tests.browser.test_journeys import _group_with_a_member

    page = keyboard_page
    base = live_app.config["LIVE_URL"]
    email, group_id, _name = _group_with_a_member(live_app, language)
    page.goto(f"{base}/auth/login?lang={language}")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Enter")
    _tab_to(page, "#email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base}/"
    page.goto(f"{base}/groups/{group_id}/meetings")
    _tab_to(page, ".meeting-when a")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, "button", text=t(live_app, language, "I'll take it"))
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert page.get_by_role("button", name=t(live_app, language, "Give it back")).count() == 1


def _tab_to(page, selector, text=None, limit=80):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "([s, t]) => document.activeElement.matches(s)"
            " && (t === null || document.activeElement.innerText.trim() === t)",
            [selector, text],
        ):
            return
    pytest.fail(f"Tab never reached {selector} {text or ''}")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_form_errors_are_announced_and_linked_to_their_fields(live_app, demo, browser, javascript):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    base = live_app.config["LIVE_URL"]
    log_in(page, base, demo.logins["it"])
    page.goto(f"{base}/groups/{demo.groups['it'].id}/series/new")
    page.fill("#interval", "0")
    page.fill("#start_date", "")
    page.get_by_role("button", name=t(live_app, "it", "Save")).click()
    summary = page.locator(".error-summary[role=alert]")
    assert summary.is_visible()
    invalid = page.locator("[aria-invalid=true]")
    assert invalid.count() >= 2
    for index in range(invalid.count()):
        field = invalid.nth(index)
        described = field.get_attribute("aria-describedby").split()
        errors = [page.locator(f"#{ident}.error-text") for ident in described]
        assert any(e.count() == 1 and e.inner_text().strip() for e in errors), described
        # the summary links to the field
        assert summary.locator(f"a[href='#{field.get_attribute('id')}']").count() == 1
    assert (
        t(live_app, "it", "Choose between %(min)s and %(max)s.", min=1, max=99)
        in summary.inner_text()
    )
    context.close()


def test_the_page_checks_catch_real_problems(live_app, phone_contexts):
    """The accessibility tests would notice a problem: a field without a label,
    low-contrast text and an image from another site, added to a page on
    purpose, are all reported."""
    page = phone_contexts("fr", logged_in=False)
    page.goto(live_app.config["LIVE_URL"] + "/auth/login")
    page.evaluate("""() => {
        document.querySelector("main").insertAdjacentHTML("beforeend",
          '<input type="text" id="unlabelled"><p style="color:#bbb;background:#fff">Pâle</p>'
          + '<img alt="" src="https://example.org/tracker.png">');
    }""")
    found = " ".join(run_axe(page))
    assert "label" in found and "color-contrast" in found
    assert page.foreign_requests == ["https://example.org/tracker.png"]
    page.foreign_requests.clear()


@pytest.mark.parametrize(
    ("name", "path", "kept"),
    [
        ("meetings", "/groups/{g.id}/meetings", ".meetings"),
        ("attendance-report", "/groups/{g.id}/attendance/report", ".report .figures"),
    ],
)
def test_the_meeting_list_and_the_yearly_report_print_cleanly(
    live_app, demo, browser, name, path, kept
):
    context = browser.new_context(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
    page = context.new_page()
    base = live_app.config["LIVE_URL"]
    log_in(page, base, demo.logins["fr"])
    page.goto(base + path.format(g=demo.groups["fr"]))
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => [...document.querySelectorAll(
        '.site-header, .site-footer, .skip-link, .tabs, main form, main .actions')]
        .filter(el => getComputedStyle(el).display !== 'none').map(el => el.outerHTML.slice(0, 80))""")
    assert hidden == []  # menus, buttons and forms stay off paper
    assert page.locator(kept).first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    folder = ARTIFACTS / "print"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"fr-{name}.png"), full_page=True)
    pdf = page.pdf(path=str(folder / f"fr-{name}.pdf"), format="A4")
    assert pdf.startswith(b"%PDF")
    context.close()
