"""Statistics for a centre's yearly report: sharing a group's figures (its
co-responsibles), the staff's page, the CSV and the printable report, with
small numbers hidden."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from facilitator.extensions import db, limiter
from facilitator.models import AuditEvent, Group, StaffAction
from facilitator.services import attendance, centre_stats, clock, schedule
from tests.conftest import TEST_DATABASE_URL, at_once, logged_in, t, text_of

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # the last complete year is 2025
YEAR = date(2025, 1, 7)  # a Tuesday: weekly series from then on


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def _group(
    make_group,
    weekly_series,
    centre,
    *,
    theme="health",
    canton="VD",
    share=True,
    counts=((6, 1), (8, 0)),
    name=None,
):
    """An attached group meeting every Tuesday of 2025 on, with headcounts at
    its first meetings."""
    group = make_group(name=name or f"Groupe {theme} {canton}", theme=theme, canton=canton)
    group.centre_id = centre.id if centre else None
    group.attendance_enabled = True
    group.share_figures = share
    series = weekly_series(group, start=YEAR)
    membership = group.memberships[0]
    for week, (participants, newcomers) in enumerate(counts):
        day = date(2025, 1, 7 + 7 * week)
        occurrence = schedule.find(group, f"s{series.id}-{day:%Y%m%d}1900")
        attendance.record(group, membership, occurrence, participants, newcomers, NOW)
    db.session.commit()
    return group, series


@pytest.fixture
def region(app, make_group, make_centre, weekly_series, make_user):
    """Centre Vaud: three sharing health groups, one sharing grief group (its
    headcounts are small), one health group that does not share; a sharing
    group of another centre."""
    staff = make_user("Staff", locale="fr")
    centre = make_centre("Centre Vaud", staff=(staff,))
    other = make_centre("Centro Ticino", cantons=("TI",))
    health = [_group(make_group, weekly_series, centre, name=f"Santé {n}")[0] for n in range(3)]
    grief, _series = _group(
        make_group, weekly_series, centre, theme="grief", counts=((1, 0), (2, 0)), name="Deuil"
    )
    silent, _series = _group(make_group, weekly_series, centre, share=False, name="Discret")
    elsewhere, _series = _group(make_group, weekly_series, other, canton="TI", name="Altrove")
    first = health[0]
    cancelled = schedule.find(first, f"s{schedule.current_series(first, YEAR)[0].id}-202512301900")
    schedule.cancel(first, first.memberships[0].user, cancelled, "")
    db.session.commit()
    return {
        "centre": centre,
        "staff": staff,
        "health": health,
        "grief": grief,
        "silent": silent,
        "elsewhere": elsewhere,
    }


def test_the_figures_of_a_year_count_only_the_centres_sharing_groups(region):
    result = centre_stats.report(region["centre"], date(2025, 1, 1), date(2025, 12, 31), NOW)
    total = result.total
    assert total.groups == 5  # the one that does not share counts as a group
    assert total.sharing == 4
    assert total.held == 4 * 52 - 1 and total.cancelled == 1
    assert total.participants == 3 * (6 + 8) + 1 + 2
    assert total.median == 6
    assert total.newcomers == 3
    assert [g.name for g in result.groups] == ["Deuil", "Santé 0", "Santé 1", "Santé 2"]
    assert result.not_sharing == 1
    assert not total.groups_hidden and not total.shared_hidden


def test_a_theme_of_one_group_is_hidden_and_so_is_the_row_that_would_give_it_away(region):
    result = centre_stats.report(region["centre"], date(2025, 1, 1), date(2025, 12, 31), NOW)
    themes = {cell.key: cell for cell in result.themes}
    assert themes["grief"].groups_hidden and themes["grief"].shared_hidden
    # total minus health would be the grief group: health is hidden as well
    assert themes["health"].groups_hidden and themes["health"].shared_hidden
    # all in Vaud: the canton's row is the total, made of enough groups
    (vaud,) = result.cantons
    assert vaud.key == "VD" and not vaud.groups_hidden and not vaud.shared_hidden


def test_a_median_below_3_per_meeting_is_hidden_even_for_a_sharing_group(region):
    result = centre_stats.report(region["centre"], date(2025, 1, 1), date(2025, 12, 31), NOW)
    grief = next(g for g in result.groups if g.name == "Deuil")
    assert grief.median == 1.5 and grief.median_hidden


def test_a_group_that_stops_sharing_or_turns_attendance_off_leaves_the_figures(region):
    region["health"][0].share_figures = False
    region["health"][1].attendance_enabled = False
    db.session.commit()
    result = centre_stats.report(region["centre"], date(2025, 1, 1), date(2025, 12, 31), NOW)
    assert result.total.sharing == 2
    assert result.total.shared_hidden  # two groups: fewer than 3
    assert result.total.groups == 5


def test_a_period_before_any_meeting_is_empty(region):
    result = centre_stats.report(region["centre"], date(2020, 1, 1), date(2020, 12, 31), NOW)
    assert result.total.groups == 0 and result.themes == [] and result.groups == []


def test_staff_see_the_last_complete_year_with_small_numbers_hidden(app, client, login, region):
    login(region["staff"])
    response = client.get(f"/centres/{region['centre'].id}/statistics")
    assert response.status_code == 200
    page = text_of(response)
    assert t(app, "fr", "fewer than 3") in page
    assert "Santé 0" in page and "Deuil" in page
    assert "Discret" not in page and "Altrove" not in page  # not sharing; another centre
    assert 'value="2025"' in page
    assert t(app, "fr", "Or a period of your own: its two dates replace the year.") in page


def test_where_no_group_shares_the_meetings_and_people_are_not_known_not_zero(
    app, client, login, region
):
    for group in [*region["health"], region["grief"]]:
        group.share_figures = False
    db.session.commit()
    result = centre_stats.report(region["centre"], date(2025, 1, 1), date(2025, 12, 31), NOW)
    assert result.total.groups == 5 and result.total.sharing == 0 and result.total.unknown
    login(region["staff"])
    base = f"/centres/{region['centre'].id}/statistics"
    unknown = t(app, "fr", "not known")
    for path in ("?year=2025", "/report?year=2025"):
        total_row = text_of(client.get(base + path)).split('class="total"')[1].split("</tr>")[0]
        assert total_row.count(unknown) >= 3, path  # meetings, participants, newcomers
    rows = list(csv.reader(io.StringIO(client.get(f"{base}.csv?year=2025").get_data(as_text=True))))
    total = next(r for r in rows if r[1] == t(app, "fr", "Total"))
    assert total[2:] == ["5", "0", unknown, unknown, unknown, "", unknown]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("year=1900", "year", "Choose a year between %(first)s and %(last)s."),
        (
            "start=2025-06-01&end=2025-01-01",
            "end",
            "The end of the period cannot be before its start.",
        ),
        ("start=2010-01-01&end=2025-12-31", "end", "A period covers at most %(num)d years."),
        ("start=2025-01-01", "end", "This field is required."),
        ("year=deux", "year", "Enter a whole number."),
    ],
)
def test_a_bad_period_is_explained_at_its_field(app, client, login, region, query, field, message):
    login(region["staff"])
    for path in ("statistics", "statistics.csv", "statistics/report"):
        response = client.get(f"/centres/{region['centre'].id}/{path}?{query}")
        assert response.status_code == 400
        page = text_of(response)
        expected = t(app, "fr", message, first=2000, last=2026, num=10)
        assert f'id="{field}-error">{expected}' in page
    assert db.session.scalar(select(func.count()).select_from(StaffAction)) == 0


def test_the_csv_and_the_report_are_in_the_centres_language_and_are_staff_actions(
    app, client, login, region
):
    region["centre"].languages = ["it", "fr"]
    db.session.commit()
    login(region["staff"])
    base = f"/centres/{region['centre'].id}/statistics"
    response = client.get(f"{base}.csv?year=2025")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][7] == t(app, "it", "Participants per meeting (median)")
    total = [r for r in rows if r[1] == t(app, "it", "Total")]
    assert len(total) == 2  # by theme and by canton
    assert total[0][2:] == ["5", "4", str(4 * 52 - 1), "1", "45", "6", "3"]
    assert t(app, "it", "fewer than 3") in {cell for row in rows for cell in row}
    assert not any("Santé" in cell or "Deuil" in cell for row in rows for cell in row)
    report = client.get(f"{base}/report?year=2025")
    assert report.status_code == 200
    page = text_of(report)
    assert t(app, "it", "Yearly report of the self-help groups") in page
    assert t(app, "it", "National questionnaire") in page
    assert "Santé 0" not in page  # aggregate only
    # Only the report is in the centre's language: the page around it is the reader's.
    assert '<article class="report" lang="it-CH">' in report.get_data(as_text=True)
    assert t(app, "fr", "Back to the statistics") in page
    actions = db.session.scalars(select(StaffAction.action).order_by(StaffAction.id)).all()
    assert actions == ["statistics_csv", "statistics_report"]


def test_a_coresponsible_turns_sharing_on_and_the_group_history_says_so(
    app, client, login, make_group, make_centre, make_user
):
    owner = make_user("Camille")
    group = make_group(owner)
    centre = make_centre("Centre Vaud")
    group.centre_id = centre.id
    group.attendance_enabled = True
    db.session.commit()
    assert group.share_figures is False  # off by default
    login(owner)
    page = text_of(client.get(f"/groups/{group.id}/sharing/figures"))
    assert t(app, "fr", "Your yearly figures are not shared.") in page
    response = client.post(f"/groups/{group.id}/sharing/figures", data={"share": "on"})
    assert response.status_code == 302 and response.location.endswith("#sharing")
    db.session.expire_all()
    assert db.session.get(Group, group.id).share_figures is True
    history = text_of(client.get(f"/groups/{group.id}/audit"))
    assert (
        t(
            app,
            "fr",
            "%(actor)s started sharing the yearly figures with %(centre)s.",
            actor="Camille",
            centre="Centre Vaud",
        )
        in history
    )
    client.post(f"/groups/{group.id}/sharing/figures", data={"share": "off"})
    db.session.expire_all()
    assert db.session.get(Group, group.id).share_figures is False
    # saving the same choice twice writes one line
    client.post(f"/groups/{group.id}/sharing/figures", data={"share": "off"})
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("figures_%"))
    ).all()
    assert actions == ["figures_shared", "figures_unshared"]


@pytest.mark.parametrize(("attached", "attendance_on"), [(False, True), (True, False)])
def test_sharing_needs_a_centre_and_attendance(
    app, client, login, make_group, make_centre, make_user, attached, attendance_on
):
    owner = make_user("Camille")
    group = make_group(owner)
    if attached:
        group.centre_id = make_centre("Centre Vaud").id
    group.attendance_enabled = attendance_on
    db.session.commit()
    login(owner)
    response = client.post(f"/groups/{group.id}/sharing/figures", data={"share": "on"})
    assert response.status_code == 409
    message = (
        "Attendance is off: there are no figures to share."
        if attached
        else "The group is not attached to a self-help centre: there is no one to share with."
    )
    assert t(app, "fr", message) in text_of(response)
    db.session.expire_all()
    assert db.session.get(Group, group.id).share_figures is False


def test_an_unknown_choice_is_refused_at_the_field(app, client, login, make_group, make_user):
    owner = make_user("Camille")
    group = make_group(owner)
    login(owner)
    response = client.post(f"/groups/{group.id}/sharing/figures", data={"share": "maybe"})
    assert response.status_code == 400
    assert 'id="share-error"' in response.get_data(as_text=True)


def test_the_settings_page_links_to_sharing_only_for_an_attached_group(
    app, client, login, make_group, make_centre, make_user
):
    owner = make_user("Camille")
    group = make_group(owner)
    login(owner)
    assert "sharing/figures" not in client.get(f"/groups/{group.id}/settings").get_data(True)
    group.centre_id = make_centre("Centre Vaud").id
    db.session.commit()
    assert "sharing/figures" in client.get(f"/groups/{group.id}/settings").get_data(True)


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="parallel writes need PostgreSQL")
def test_two_coresponsibles_turning_sharing_on_at_once_make_one_change(
    app, make_group, make_centre, make_user, add_member, monkeypatch
):
    monkeypatch.setattr(limiter, "enabled", False)
    owner = make_user("Camille")
    group = make_group(owner)
    group.centre_id = make_centre("Centre Vaud").id
    group.attendance_enabled = True
    members = [add_member(group, make_user(f"Co {n}"), coresponsible=True) for n in range(4)]
    db.session.commit()
    url = f"/groups/{group.id}/sharing/figures"
    responses = at_once([(logged_in(app, m.user), url, {"share": "on"}) for m in members])
    assert [r.status_code for r in responses] == [302] * 4
    assert db.session.get(Group, group.id).share_figures is True
    shared = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "figures_shared")
    )
    assert shared == 1


def test_the_meetings_counted_are_those_of_the_groups_own_figures(app, region, make_group):
    """Moved into and out of the period, cancelled, one-off, still to come:
    the centre counts each group's meetings as its own attendance page does."""
    group = region["health"][1]
    owner = group.memberships[0].user
    (series,) = schedule.current_series(group, YEAR)
    # moved out of the period (30 Dec 2025 to 2 Jan 2026) and into it (from 6 Jan 2026)
    out = schedule.find(group, f"s{series.id}-202512301900")
    schedule.change(
        group,
        owner,
        out,
        schedule.MeetingData(start=datetime(2026, 1, 2, 19), duration_minutes=120),
    )
    into = schedule.find(group, f"s{series.id}-202601061900")
    schedule.change(
        group,
        owner,
        into,
        schedule.MeetingData(start=datetime(2025, 12, 31, 19), duration_minutes=120),
    )
    schedule.create_one_off(
        group, owner, schedule.MeetingData(start=datetime(2025, 6, 1, 10), duration_minutes=60)
    )
    db.session.commit()
    for first, last in ((date(2025, 1, 1), date(2025, 12, 31)), (date(2025, 6, 1), NOW.date())):
        result = centre_stats.report(region["centre"], first, last, NOW)
        for figures in result.groups:
            own = attendance.stats(db.session.get(Group, figures.group_id), first, last, NOW)
            assert (figures.held, figures.cancelled, figures.recorded) == (
                own.held,
                own.cancelled,
                own.recorded,
            ), (figures.name, first, last)
            assert figures.participants_total == own.participants_total


@pytest.mark.parametrize(
    "values", [[], [4], [1, 9], [3, 3, 5], [7, 2, 2, 10, 5], [6, 8, 6, 8, 1, 2, 6, 8]]
)
def test_the_median_of_a_histogram_is_the_median_of_its_values(values):
    import statistics
    from collections import Counter

    expected = statistics.median(values) if values else None
    assert centre_stats.median(Counter(values)) == expected
