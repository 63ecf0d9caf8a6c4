"""Planning regular meetings and cancelling one on a 360x740 phone, in French,
Italian and German, with and without JavaScript: only the chosen rhythm's
fields, a wrong first date explained at the field, the preview beside Save,
and a confirmation before a meeting is cancelled."""

from __future__ import annotations

import contextlib
import uuid
from datetime import date, time, timedelta

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from facilitator.domain import recurrence as rec
from facilitator.extensions import db
from facilitator.services import clock, schedule, unit
from facilitator.services import groups as group_service
from tests.browser.conftest import PASSWORD, log_in, new_user
from tests.browser.test_journeys import _full_date
from tests.conftest import group_data, t

pytestmark = pytest.mark.browser
LANGUAGES = ["fr", "it", "de"]
SCREEN = 740


def _coresponsible(app, language, with_series=False):
    """A co-responsible member of a new group; returns (email, group id, key
    of the group's next meeting or None)."""
    with app.app_context():
        user = new_user("Camille", language)
        email = user.email
        db.session.commit()
        group = group_service.create_group(
            user,
            group_data(
                name=f"Groupe {uuid.uuid4().hex[:6]}",
                description="",
                theme="health",
                canton="VD",
                language=language,
                default_location="Salle 2",
            ),
        )
        key = None
        if with_series:
            series = schedule.create_series(
                group,
                user,
                schedule.SeriesData(
                    start_date=clock.today() + timedelta(days=8),
                    start_time=time(19),
                    duration_minutes=120,
                    rule=rec.Rule(rec.WEEKLY, byday=("TU",)),
                ),
            )
            key = schedule.occurrences([group.id], series.start_date, series.start_date)[0].key
        unit.commit()  # the set-up is saved for the server (services never commit)
        return email, group.id, key


def _next(weekday: int, weeks_ahead: int = 3) -> date:
    """A day of this weekday (0 = Monday) a few weeks ahead."""
    day = clock.today() + timedelta(weeks=weeks_ahead)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _fill_tuesdays(page, first: date, interval: str = "1") -> None:
    """Fill the series form: Tuesdays from ``first``, 19:00 to 21:00."""
    page.fill("#interval", interval)
    page.check("input[name=weekdays][value=TU]")
    page.fill("#start_date", first.isoformat())
    page.fill("#start_time", "19:00")
    page.fill("#end_time", "21:00")


def _visible(page, selector) -> bool:
    return page.locator(selector).is_visible()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_form_shows_only_the_chosen_rhythms_fields(live_app, page, language, request):
    base = live_app.config["LIVE_URL"]
    email, group_id, _key = _coresponsible(live_app, language)
    log_in(page, base, email, PASSWORD)
    page.goto(f"{base}/groups/{group_id}/series/new")
    weekly = "fieldset[data-show-values=weekly]"
    by_weekday = "fieldset[data-show-values=monthly_weekday]"
    by_date = "fieldset[data-show-values=monthly_day]"
    if not request.node.callspec.params["page"]:  # no JavaScript: every fieldset shows
        assert _visible(page, by_weekday)
        assert _visible(page, weekly) and _visible(page, by_date)
        assert _visible(page, "#until") and _visible(page, "#count")
        return
    assert _visible(page, weekly) and not _visible(page, by_date)
    assert not _visible(page, "#until") and not _visible(page, "#count")
    page.select_option("#frequency", "monthly_weekday")
    assert _visible(page, by_weekday)
    assert not _visible(page, weekly) and not _visible(page, by_date)
    page.check("input[name=ends][value=count]")
    assert _visible(page, "#count") and not _visible(page, "#until")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_first_meeting_off_the_rhythm_is_explained_at_the_field(live_app, page, language):
    base = live_app.config["LIVE_URL"]
    email, group_id, _key = _coresponsible(live_app, language)
    log_in(page, base, email, PASSWORD)
    page.goto(f"{base}/groups/{group_id}/series/new")
    wednesday = _next(2)
    _fill_tuesdays(page, wednesday)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name=t(live_app, language, "Save")).click()
    assert answer.value.status == 400
    error = page.locator("#start_date-error").inner_text()
    wrong = _full_date(wednesday, language)
    assert error.startswith(wrong[:1].upper() + wrong[1:])
    assert _full_date(wednesday - timedelta(days=1), language) in error
    assert _full_date(wednesday + timedelta(days=6), language) in error
    assert page.get_attribute("#start_date", "aria-invalid") == "true"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_preview_is_in_view_right_above_save(live_app, page, language):
    base = live_app.config["LIVE_URL"]
    email, group_id, _key = _coresponsible(live_app, language)
    log_in(page, base, email, PASSWORD)
    page.goto(f"{base}/groups/{group_id}/series/new")
    tuesday = _next(1)
    _fill_tuesdays(page, tuesday, interval="2")
    page.get_by_role("button", name=t(live_app, language, "Preview the dates")).click()
    page.wait_for_selector("#preview")
    # The browser scrolls to the fragment once the page has loaded: on a busy
    # machine that comes a moment after the element exists.
    page.wait_for_load_state("load")
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            "() => document.querySelector('#preview').getBoundingClientRect().top < innerHeight",
            timeout=3000,
        )
    preview = page.locator("#preview")
    assert _full_date(tuesday + timedelta(days=14), language) in preview.inner_text()
    top = preview.bounding_box()["y"]  # relative to the viewport: the page landed on it
    save = page.get_by_role("button", name=t(live_app, language, "Save")).bounding_box()
    assert -1 <= top < SCREEN, top
    assert save["y"] + save["height"] - top <= SCREEN, (top, save)


@pytest.mark.parametrize("language", LANGUAGES)
def test_cancelling_a_meeting_asks_first_and_changes_nothing_until_confirmed(
    live_app, page, language
):
    base = live_app.config["LIVE_URL"]
    email, group_id, key = _coresponsible(live_app, language, with_series=True)
    log_in(page, base, email, PASSWORD)
    meeting_url = f"{base}/groups/{group_id}/meetings/{key}"
    page.goto(meeting_url)
    cancel = t(live_app, language, "Cancel this meeting")
    page.get_by_role("button", name=cancel).click()
    assert page.locator("h1").inner_text() == t(live_app, language, "Cancel this meeting?")
    summary = page.locator("#summary")
    assert summary.bounding_box()["y"] < SCREEN
    assert t(live_app, language, "Nobody will be told by email.") in summary.inner_text()
    confirm = page.get_by_role("button", name=t(live_app, language, "Yes, cancel the meeting"))
    box = confirm.bounding_box()
    assert box["y"] + box["height"] <= SCREEN  # the whole decision in the first screen
    page.get_by_role("link", name=t(live_app, language, "Back, change nothing")).click()
    assert page.url == meeting_url
    assert page.locator(".flash-error").count() == 0  # not cancelled
    page.get_by_role("button", name=cancel).click()
    page.get_by_role("button", name=t(live_app, language, "Yes, cancel the meeting")).click()
    assert t(live_app, language, "The meeting has been cancelled.") in page.inner_text(".flashes")
    assert t(live_app, language, "This meeting is cancelled.") in page.inner_text("main")
