"""The year's figures on a 360x740 phone, in French, Italian and German,
with and without JavaScript: a co-responsible turns on sharing the yearly
figures with the centre (the confirmation beside the button); the centre's
staff open the statistics, where the group's figures and the hidden small
numbers show, and the printable report in the centre's language."""

from __future__ import annotations

import uuid
from datetime import date, time

import pytest

from facilitator.domain.recurrence import WEEKLY, Rule
from facilitator.extensions import db
from facilitator.models import Centre, Group, User
from facilitator.services import attendance, clock, schedule, unit
from facilitator.services import groups as group_service
from tests.browser.conftest import axe_ready_page, log_in, person, run_axe, staffed_centre
from tests.conftest import PASSWORD, t

pytestmark = pytest.mark.browser
SCREEN = 740


def _attached_group(owner: User, centre: Centre, language: str, share: bool) -> Group:
    """A group of the centre meeting every Tuesday of 2025, attendance on,
    with a headcount at its first two meetings."""
    group = group_service.create_group(
        owner,
        group_service.GroupData.starting(
            name=f"Entraide {uuid.uuid4().hex[:6]}",
            language=language,
            canton="VD",
            default_location="Salle B",
        ),
    )
    group.centre_id = centre.id
    group.attendance_enabled = True
    group.share_figures = share
    series = schedule.create_series(
        group,
        owner,
        schedule.SeriesData(
            start_date=date(2025, 1, 7),
            start_time=time(19),
            duration_minutes=120,
            rule=Rule(WEEKLY, byday=("TU",)),
        ),
    )
    membership = group.memberships[0]
    for day, count in ((date(2025, 1, 7), 7), (date(2025, 1, 14), 9)):
        occurrence = schedule.find(group, f"s{series.id}-{day:%Y%m%d}1900")
        attendance.record(group, membership, occurrence, count, 1, clock.now())
    return group


def _centre(app, language):
    """A centre working in ``language`` with a staff member; three groups
    that share already and the owner's group that does not yet."""
    owner_id, owner_email = person(app, language, "Owner")
    staff_id, staff_email = person(app, language, "Staff")
    others = [person(app, language, "Other")[0] for _ in range(3)]
    centre_id = staffed_centre(app, language, staff_id)
    with app.app_context():
        centre = db.session.get(Centre, centre_id)
        group = _attached_group(db.session.get(User, owner_id), centre, language, share=False)
        for other_id in others:
            _attached_group(db.session.get(User, other_id), centre, language, share=True)
        unit.commit()
        return centre.id, group.id, group.name, owner_email, staff_email


@pytest.fixture
def page(request, browser):
    """A phone page, with JavaScript or not (the parameter)."""
    with axe_ready_page(browser, request.param) as page:
        yield page


def _in_view(page, selector):
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= SCREEN


@pytest.mark.parametrize(
    ("language", "page"), [("fr", True), ("it", False), ("de", True)], indirect=["page"]
)
def test_a_coresponsible_shares_the_years_figures_and_staff_download_the_report(
    live_app, page, language, request
):
    base = live_app.config["LIVE_URL"]
    with_js = request.node.callspec.params["page"]
    centre_id, group_id, group_name, owner_email, staff_email = _centre(live_app, language)
    log_in(page, base, owner_email, PASSWORD)
    page.goto(f"{base}/groups/{group_id}/settings")
    with page.expect_navigation():
        page.get_by_role("link", name=t(live_app, language, "Sharing the yearly figures")).click()
    assert page.url.endswith(f"/groups/{group_id}/sharing/figures")
    what = t(live_app, language, "Never a name, never who came, never your notes.")
    assert what in page.locator("main").inner_text()
    page.check("#share-0")  # "Yes, share them"
    with page.expect_navigation():
        page.get_by_role("button", name=t(live_app, language, "Save")).click()
    assert page.url.endswith("#sharing")
    done = t(live_app, language, "Your yearly figures are shared with the centre.")
    assert page.locator("#sharing .feedback").inner_text() == done
    assert _in_view(page, "#sharing .feedback")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if with_js:
        assert run_axe(page) == [], page.url
    with live_app.app_context():
        assert db.session.get(Group, group_id).share_figures is True
    page.context.clear_cookies()

    log_in(page, base, staff_email, PASSWORD)
    page.goto(f"{base}/centres/{centre_id}/statistics")
    main = page.locator("main").inner_text()
    assert t(live_app, language, "Statistics for the yearly report") in main
    assert group_name in page.locator("#per-group").inner_text()
    assert page.locator("#questionnaire").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if with_js:
        assert run_axe(page) == [], page.url
    with page.expect_navigation():
        page.get_by_role("link", name=t(live_app, language, "Printable report")).click()
    assert "/statistics/report" in page.url
    heading = t(live_app, language, "Yearly report of the self-help groups")
    assert page.locator("h1").inner_text() == heading
    total = page.locator("#report-table tr.total td").all_inner_texts()
    assert total == ["4", str(4 * 52), str(4 * (7 + 9)), "8"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if with_js:
        assert run_axe(page) == [], page.url
    # A bad period is explained at its field.
    page.goto(f"{base}/centres/{centre_id}/statistics?year=1900")
    assert page.locator("#year-error").is_visible()
