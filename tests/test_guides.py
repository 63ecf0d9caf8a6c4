"""Roles that teach themselves: each role has a guide, the holder reads it on
the meeting's page and in the reminder."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from facilitator.extensions import db
from facilitator.models.roles import ROLE_GUIDE_MAX
from facilitator.services import notifications, roles, schedule
from tests.conftest import EVENING_DAY, EVENING_NOW, t, text_of

NOW, KEY_DAY = EVENING_NOW, EVENING_DAY


def _give(s, membership, key=None):
    occurrence = schedule.find(s["group"], key or s["key"])
    roles.assign(s["group"], s["owner"], occurrence, s["role"], 0, membership, NOW)
    db.session.commit()


@pytest.mark.parametrize("language", ["fr", "it", "de"])
def test_a_new_group_gets_the_five_roles_with_guides_in_its_language(
    app, make_user, make_group, language
):
    group = make_group(make_user(), language=language)
    guides = [r.guide for r in roles.roles_of(group)]
    assert len(guides) == 5 and all(guides)
    before = {"fr": "Avant la rencontre\u202f:\n", "it": "Prima dell'incontro:\n"}
    assert all(g.startswith(before.get(language, "Vor dem Treffen:\n")) for g in guides)
    assert roles.roles_of(group)[0].name == t(app, language, "Facilitation", "role")
    # Facilitation speaks of the rounds, notes of what not to write down.
    assert guides[0] != guides[3]


def test_the_holder_reads_the_guide_on_the_meeting_page_and_nobody_else_does(
    client, login, evening
):
    s = evening
    _give(s, s["ana_m"])
    login(s["ana"])
    page = text_of(client.get(f"/groups/{s['group'].id}/meetings/{s['key']}"))
    assert '<details class="guide"' in page
    assert "Ouvrir par un tour de table" in page
    assert '<p class="guide-part">Pendant la rencontre</p>' in page
    client.post("/auth/logout")
    login(s["owner"])
    page = text_of(client.get(f"/groups/{s['group'].id}/meetings/{s['key']}"))
    assert '<details class="guide"' not in page


def test_a_coresponsible_edits_the_guide_and_an_empty_one_means_no_guide(client, login, evening):
    s = evening
    login(s["owner"])
    url = f"/groups/{s['group'].id}/roles/{s['role'].id}/edit"
    form = {"name": s["role"].name, "description": "", "slots": "1"}
    response = client.post(url, data={**form, "guide": "Avant :\r\n- Apporter du thé\r\n"})
    assert response.status_code == 302
    db.session.refresh(s["role"])
    assert s["role"].guide == "Avant :\n- Apporter du thé"
    assert "Apporter du thé" in text_of(client.get(f"/groups/{s['group'].id}/roles"))
    assert client.post(url, data={**form, "guide": ""}).status_code == 302
    db.session.refresh(s["role"])
    assert s["role"].guide == ""
    _give(s, s["ana_m"])
    client.post("/auth/logout")
    login(s["ana"])
    page = text_of(client.get(f"/groups/{s['group'].id}/meetings/{s['key']}"))
    assert '<details class="guide"' not in page


def test_a_too_long_guide_gets_a_message_at_the_field_and_nothing_changes(client, login, evening):
    s = evening
    before = s["role"].guide
    login(s["owner"])
    response = client.post(
        f"/groups/{s['group'].id}/roles/{s['role'].id}/edit",
        data={"name": "Autre nom", "slots": "1", "guide": "x" * 10_000},
    )
    assert response.status_code == 400
    page = text_of(response)
    assert 'id="guide-error"' in page
    assert f"Utilisez au plus {ROLE_GUIDE_MAX}" in page.replace("\u202f", "").replace("'", "")
    db.session.refresh(s["role"])
    assert s["role"].guide == before and s["role"].name != "Autre nom"


def test_a_guide_is_shown_as_text_never_as_markup(client, login, evening):
    s = evening
    s["role"].guide = "- <script>alert(1)</script>"
    db.session.commit()
    _give(s, s["ana_m"])
    login(s["ana"])
    body = client.get(f"/groups/{s['group'].id}/meetings/{s['key']}").get_data(as_text=True)
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body


def test_the_reminder_carries_the_guide_in_plain_text(app, evening, outbox):
    s = evening
    _give(s, s["ana_m"])
    queued = notifications.send_reminders(
        datetime(2026, 9, 14, 8, 0, tzinfo=UTC), lambda group, key: "https://x.test/m"
    )
    from facilitator.services import unit

    unit.commit()
    assert queued == 1
    body = outbox[-1].get_content()
    assert "Votre guide pour ce rôle\u202f:" in body
    assert "- Ouvrir par un tour de table" in body
    assert "<" not in body.split("Votre guide")[1].split("https://")[0]
    assert "tour de table" not in outbox[-1]["Subject"]


FIRST_TIME = "C'est votre première fois comme Animation"


def test_a_first_time_holder_is_told_so_and_the_guide_is_there(client, login, evening):
    s = evening
    _give(s, s["ana_m"])
    login(s["ana"])
    page = text_of(client.get(f"/groups/{s['group'].id}/meetings/{s['key']}"))
    assert FIRST_TIME in page
    assert page.index(FIRST_TIME) < page.index('<details class="guide"')


def test_nobody_else_is_told_that_it_is_someones_first_time(client, login, evening):
    s = evening
    _give(s, s["ana_m"])
    login(s["owner"])
    page = text_of(client.get(f"/groups/{s['group'].id}/meetings/{s['key']}"))
    assert "première fois" not in page


def test_the_second_time_in_a_role_is_not_a_first_time(client, login, evening):
    s = evening
    earlier = s["key"].replace(KEY_DAY, "20260908")
    _give(s, s["ana_m"], earlier)
    _give(s, s["ana_m"])
    login(s["ana"])
    assert FIRST_TIME in text_of(client.get(f"/groups/{s['group'].id}/meetings/{earlier}"))
    page = text_of(client.get(f"/groups/{s['group'].id}/meetings/{s['key']}"))
    assert "première fois" not in page
    assert '<details class="guide"' in page  # the guide stays there


def test_a_cancelled_meeting_or_another_role_does_not_count_as_having_held_it(
    client, login, evening
):
    s = evening
    earlier = s["key"].replace(KEY_DAY, "20260908")
    _give(s, s["ana_m"], earlier)
    schedule.cancel(s["group"], s["owner"], schedule.find(s["group"], earlier), "")
    other_day = s["key"].replace(KEY_DAY, "20260901")
    roles.assign(
        s["group"],
        s["owner"],
        schedule.find(s["group"], other_day),
        roles.roles_of(s["group"])[1],
        0,
        s["ana_m"],
        NOW,
    )
    _give(s, s["ana_m"])
    login(s["ana"])
    assert FIRST_TIME in text_of(client.get(f"/groups/{s['group'].id}/meetings/{s['key']}"))


def test_the_reminder_says_when_it_is_the_first_time_and_only_then(app, evening, outbox):
    from facilitator.services import unit

    s = evening
    earlier = s["key"].replace(KEY_DAY, "20260908")
    _give(s, s["ana_m"], earlier)
    _give(s, s["ana_m"])
    link = lambda group, key: "https://x.test/m"  # noqa: E731
    notifications.send_reminders(datetime(2026, 9, 7, 8, 0, tzinfo=UTC), link)
    unit.commit()
    assert "première fois" in outbox[-1].get_content()
    notifications.send_reminders(datetime(2026, 9, 14, 8, 0, tzinfo=UTC), link)
    unit.commit()
    assert "première fois" not in outbox[-1].get_content()
    assert "Votre guide pour ce rôle" in outbox[-1].get_content()
