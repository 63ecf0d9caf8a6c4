"""Theme proposals: members propose, others support (a count, never names),
the evening's people pick one for a meeting; a theme never leaves the app."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.models import AuditEvent, Meeting, ThemeProposal, ThemeSupport
from facilitator.models.themes import ProposalStatus
from facilitator.services import clock, feeds, notifications, privacy, roles, schedule, themes, unit
from tests.conftest import at_once, confirmed, logged_in, text_of
from tests.test_first_actions import needs_postgresql

NOW = datetime(2026, 8, 20, 10, 0, tzinfo=UTC)
THEME = "Parler du deuil à ses enfants"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def setup(make_user, make_group, add_member, weekly_series):
    """Camille (co-responsible), Ana (facilitates on 15 September), Ben and Chloé."""
    owner = make_user("Camille")
    group = make_group(owner, name="Proches aidants")
    series = weekly_series(group)
    ana, ben, chloe = make_user("Ana"), make_user("Ben"), make_user("Chloé")
    ana_m = add_member(group, ana)
    ben_m = add_member(group, ben)
    add_member(group, chloe)
    key = f"s{series.id}-202609151900"
    occurrence = schedule.find(group, key)
    roles.assign(group, owner, occurrence, roles.roles_of(group)[0], 0, ana_m, NOW)
    db.session.commit()
    return {
        "owner": owner,
        "group": group,
        "series": series,
        "ana": ana,
        "ana_m": ana_m,
        "ben": ben,
        "ben_m": ben_m,
        "chloe": chloe,
        "key": key,
        "url": f"/groups/{group.id}/themes",
        "meeting": f"/groups/{group.id}/meetings/{key}",
    }


def _proposals() -> list[ThemeProposal]:
    db.session.expire_all()
    return db.session.scalars(select(ThemeProposal).order_by(ThemeProposal.id)).all()


def _supports() -> int:
    return db.session.scalar(select(func.count()).select_from(ThemeSupport))


def _propose(client, s, text=THEME):
    return client.post(s["url"], data={"text": text})


def _support(client, s, proposal, on=True):
    return client.post(f"{s['url']}/{proposal.id}/support", data={"support": "1" if on else "0"})


def _proposed(client, login, s, text=THEME, by="ben") -> ThemeProposal:
    login(s[by])
    assert _propose(client, s, text).status_code == 302
    return next(p for p in _proposals() if p.text == text)


def _stored_meeting(s) -> Meeting | None:
    return schedule.find(s["group"], s["key"]).meeting


# --- proposing and supporting ------------------------------------------------------


def test_a_member_proposes_a_theme_and_nobody_sees_who(client, login, setup):
    s = setup
    login(s["ben"])
    response = _propose(client, s, "  Parler   du deuil à ses enfants ")
    assert response.status_code == 302
    (proposal,) = _proposals()
    assert response.headers["Location"].endswith(f"/themes#theme-{proposal.id}")
    assert proposal.text == THEME and proposal.proposed_by_id == s["ben_m"].id
    page = text_of(client.get(s["url"]))
    assert THEME in page and "Vous l'avez proposé" in page
    assert "Ben" not in page.split("Thèmes", 2)[-1]  # the member's own name is not shown either
    login(s["chloe"])
    page = text_of(client.get(s["url"]))
    assert THEME in page and "0 membre le soutient" in page
    assert "Ben" not in page and "Vous l'avez proposé" not in page


def test_support_is_counted_marked_as_mine_and_withdrawn(client, login, setup):
    s = setup
    proposal = _proposed(client, login, s)
    for user in ("ana", "chloe"):
        login(s[user])
        response = _support(client, s, proposal)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"#theme-{proposal.id}")
    page = client.get(s["url"])
    text = text_of(page)
    assert "2 membres le soutiennent" in text and "Vous le soutenez" in text
    assert "Votre soutien a été compté" in text  # next to the button pressed
    assert "Ana" not in text and "Chloé" not in text
    assert _support(client, s, proposal).status_code == 302  # the same press again: once
    assert _supports() == 2
    login(s["ben"])
    assert "Vous le soutenez" not in text_of(client.get(s["url"]))
    login(s["chloe"])
    _support(client, s, proposal, on=False)
    assert _supports() == 1
    assert "1 membre le soutient" in text_of(client.get(s["url"]))


def test_the_open_themes_come_most_supported_first(client, login, setup):
    s = setup
    first = _proposed(client, login, s, "Premier thème")
    second = _proposed(client, login, s, "Second thème")
    login(s["chloe"])
    _support(client, s, second)
    page = text_of(client.get(s["url"]))
    assert page.index("Second thème") < page.index("Premier thème")
    assert first.id != second.id


def test_the_support_table_names_nobody():
    columns = {c.name for c in ThemeSupport.__table__.columns}
    assert columns == {"proposal_id", "supporter"}  # no person, no time
    (fk,) = ThemeSupport.__table__.foreign_keys
    assert fk.column.table.name == "theme_proposals"


def test_the_proposer_withdraws_their_own_proposal_once_confirmed(client, login, setup):
    s = setup
    proposal = _proposed(client, login, s)
    login(s["chloe"])
    _support(client, s, proposal)
    withdraw = f"{s['url']}/{proposal.id}/withdraw"
    assert client.get(withdraw).status_code == 403  # not Chloé's
    assert client.post(withdraw, data={"confirm": "1"}).status_code == 403
    login(s["ben"])
    assert client.get(withdraw).status_code == 200
    assert client.post(withdraw).status_code == 200  # the confirmation page again
    assert len(_proposals()) == 1
    response = client.post(withdraw, data={"confirm": "1"})
    assert response.status_code == 302
    assert _proposals() == [] and _supports() == 0


# --- bad input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Ce champ est obligatoire."),
        ("   ", "Ce champ est obligatoire."),
        ("x" * 10_000, "Utilisez au plus 120 caractères."),
    ],
    ids=["empty", "spaces", "10000"],
)
def test_a_bad_theme_gets_a_message_at_the_field_and_nothing_changes(
    client, login, setup, text, message
):
    s = setup
    kept = _proposed(client, login, s, "Un thème déjà là")
    login(s["chloe"])
    response = _propose(client, s, text)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'id="text-error"' in body and message in text_of(response)
    assert [p.text for p in _proposals()] == [kept.text]


def test_the_same_theme_again_points_to_the_existing_one(client, login, setup):
    s = setup
    proposal = _proposed(client, login, s)
    login(s["chloe"])
    response = _propose(client, s, "parler DU deuil   à ses Enfants")
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Ce thème a déjà été proposé" in text_of(response)
    assert 'id="text-error"' in body and f'href="#theme-{proposal.id}"' in body
    assert len(_proposals()) == 1


def test_support_of_another_groups_proposal_is_not_found(
    client, login, setup, make_user, make_group
):
    s = setup
    other = make_group(make_user("Zoé"), name="Autre groupe")
    proposal = _proposed(client, login, s)
    login(s["chloe"])
    for path in ("support", "withdraw", "pick", "set-aside"):
        assert client.post(f"/groups/{other.id}/themes/{proposal.id}/{path}").status_code == 404
    login(other.memberships[0].user)
    for path in ("support", "withdraw", "pick", "set-aside"):
        assert client.post(f"/groups/{other.id}/themes/{proposal.id}/{path}").status_code == 404
    assert _supports() == 0


# --- picking -----------------------------------------------------------------------


def test_the_facilitator_of_the_evening_picks_a_theme_from_the_shape_page(client, login, setup):
    s = setup
    proposal = _proposed(client, login, s)
    login(s["ana"])
    shape = client.get(f"{s['meeting']}/shape")
    assert THEME in text_of(shape)
    response = client.post(
        f"{s['url']}/{proposal.id}/pick", data={"meeting": s["key"]}, follow_redirects=True
    )
    assert response.status_code == 200
    assert _stored_meeting(s).theme == THEME
    assert _proposals()[0].meeting_id == _stored_meeting(s).id
    assert THEME in text_of(client.get(f"{s['meeting']}/card"))
    page = text_of(client.get(s["url"]))
    assert "Choisis pour les prochaines rencontres" in page
    assert "Soutenir" not in page  # no longer open: nothing to support
    login(s["owner"])
    history = text_of(client.get(f"/groups/{s['group'].id}/audit"))
    assert f"Ana a choisi le thème proposé «\u00a0{THEME}\u00a0»" in history


def test_a_coresponsible_picks_among_the_next_meetings_from_the_themes_page(client, login, setup):
    s = setup
    proposal = _proposed(client, login, s)
    login(s["owner"])
    page = client.get(f"{s['url']}/{proposal.id}/pick")
    assert page.status_code == 200
    keys = re.findall(r'name="meeting"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    assert keys[0] == f"s{s['series'].id}-202609011900" and len(keys) == themes.NEXT_MEETINGS
    assert client.post(f"{s['url']}/{proposal.id}/pick", data={"meeting": keys[1]}).status_code == (
        302
    )
    assert schedule.find(s["group"], keys[1]).meeting.theme == THEME


def test_a_member_without_a_role_that_evening_cannot_pick(client, login, setup):
    s = setup
    proposal = _proposed(client, login, s)
    login(s["chloe"])
    assert client.get(f"{s['url']}/{proposal.id}/pick").status_code == 403
    response = client.post(f"{s['url']}/{proposal.id}/pick", data={"meeting": s["key"]})
    assert response.status_code == 403
    assert "Use for a meeting" not in text_of(client.get(s["url"]))
    assert "Utiliser pour une rencontre" not in text_of(client.get(s["url"]))
    assert _stored_meeting(s) is None or _stored_meeting(s).theme is None


@pytest.mark.parametrize("when", ["cancelled", "past", "unknown"])
def test_picking_for_a_cancelled_past_or_unknown_meeting_is_refused(
    client, login, setup, monkeypatch, when
):
    s = setup
    proposal = _proposed(client, login, s)
    login(s["owner"])
    key = s["key"]
    if when == "cancelled":
        confirmed(client, f"{s['meeting']}/cancel", {"reason": ""})
    elif when == "past":  # the evening of 15 September is over
        monkeypatch.setattr(clock, "now", lambda: datetime(2026, 9, 16, 8, tzinfo=UTC))
    else:
        key = f"s{s['series'].id}-202609161900"  # a Wednesday: no meeting then
    response = client.post(f"{s['url']}/{proposal.id}/pick", data={"meeting": key})
    assert response.status_code == (400 if when == "unknown" else 409)
    assert 'id="meeting-error"' in response.get_data(as_text=True)
    message = (
        "Choisissez une des options de la liste."
        if when == "unknown"
        else "Cette rencontre est annulée ou a déjà eu lieu"
    )
    assert message in text_of(response)
    assert _proposals()[0].meeting_id is None
    if when != "unknown":
        stored = _stored_meeting(s)
        assert stored is None or stored.theme is None


def test_clearing_the_meetings_theme_puts_the_proposal_back_among_the_open_ones(
    client, login, setup
):
    s = setup
    proposal = _proposed(client, login, s)
    login(s["chloe"])
    _support(client, s, proposal)
    login(s["ana"])
    client.post(f"{s['url']}/{proposal.id}/pick", data={"meeting": s["key"]})
    assert _proposals()[0].meeting_id is not None
    client.post(f"{s['meeting']}/shape", data={"theme": "", "outline": ""})
    (kept,) = _proposals()
    assert kept.meeting_id is None and kept.status == ProposalStatus.OPEN
    assert _supports() == 1
    assert "1 membre le soutient" in text_of(client.get(s["url"]))


def test_picking_another_theme_for_the_same_meeting_frees_the_first(client, login, setup):
    s = setup
    first = _proposed(client, login, s, "Premier thème")
    second = _proposed(client, login, s, "Second thème")
    login(s["ana"])
    for proposal in (first, second):
        client.post(f"{s['url']}/{proposal.id}/pick", data={"meeting": s["key"]})
    by_text = {p.text: p for p in _proposals()}
    assert by_text["Premier thème"].meeting_id is None
    assert by_text["Second thème"].meeting_id == _stored_meeting(s).id
    assert _stored_meeting(s).theme == "Second thème"


def test_a_theme_picked_for_a_meeting_that_is_cancelled_is_open_again(client, login, setup):
    s = setup
    proposal = _proposed(client, login, s)
    login(s["owner"])
    client.post(f"{s['url']}/{proposal.id}/pick", data={"meeting": s["key"]})
    confirmed(client, f"{s['meeting']}/cancel", {"reason": ""})
    page = text_of(client.get(s["url"]))
    assert "Soutenir" in page  # among the proposals again
    other = f"s{s['series'].id}-202609221900"
    assert client.post(f"{s['url']}/{proposal.id}/pick", data={"meeting": other}).status_code == (
        302
    )
    assert schedule.find(s["group"], other).meeting.theme == THEME


# --- setting aside -----------------------------------------------------------------


def test_a_coresponsible_sets_a_theme_aside_once_confirmed(client, login, setup):
    s = setup
    proposal = _proposed(client, login, s)
    login(s["chloe"])
    _support(client, s, proposal)
    set_aside = f"{s['url']}/{proposal.id}/set-aside"
    assert client.get(set_aside).status_code == 403
    login(s["owner"])
    assert client.get(set_aside).status_code == 200
    assert client.post(set_aside).status_code == 200  # the confirmation page again
    assert _proposals()[0].status == ProposalStatus.OPEN
    assert client.post(set_aside, data={"confirm": "1"}).status_code == 302
    assert _proposals()[0].status == ProposalStatus.SET_ASIDE
    login(s["chloe"])
    response = _support(client, s, proposal)
    assert response.status_code == 302  # refused beside the (gone) button: at the top
    assert _supports() == 1
    assert "n'est plus parmi les propositions" in text_of(client.get(s["url"]))
    login(s["owner"])
    history = text_of(client.get(f"/groups/{s['group'].id}/audit"))
    assert f"Camille a mis de côté le thème proposé «\u00a0{THEME}\u00a0»" in history


def test_a_theme_set_aside_can_be_proposed_afresh(client, login, setup):
    s = setup
    proposal = _proposed(client, login, s)
    login(s["chloe"])
    _support(client, s, proposal)
    login(s["owner"])
    client.post(f"{s['url']}/{proposal.id}/set-aside", data={"confirm": "1"})
    login(s["chloe"])
    assert _propose(client, s, THEME.upper()).status_code == 302
    (again,) = _proposals()
    assert again.status == ProposalStatus.OPEN and again.text == THEME.upper()
    assert _supports() == 0  # its old support does not count again


# --- privacy -----------------------------------------------------------------------


def test_a_picked_theme_never_reaches_a_feed_nor_an_email_subject_of_a_discreet_group(
    client, login, setup, outbox
):
    s = setup
    s["group"].feed_title_mode = "discreet"
    db.session.commit()
    proposal = _proposed(client, login, s)
    login(s["ana"])
    client.post(f"{s['url']}/{proposal.id}/pick", data={"meeting": s["key"]})
    assert _stored_meeting(s).theme == THEME
    # Calendars: personal and group feeds, a meeting's and a series' download.
    _f, personal = feeds.create(s["ana"], "phone")
    _f, group_feed = feeds.create(s["owner"], "phone", group=s["group"])
    unit.commit()
    calendars = [client.get(f"/feeds/{token}.ics") for token in (personal, group_feed)]
    calendars += [
        client.get(f"{s['meeting']}.ics"),
        client.get(f"/groups/{s['group'].id}/series/{s['series'].id}.ics"),
    ]
    for calendar in calendars:
        assert calendar.status_code == 200
        assert "deuil" not in calendar.get_data(as_text=True).lower()
    # Emails: the role reminders, then the meeting's cancellation.
    client.post("/auth/logout")
    notifications.send_reminders(datetime(2026, 9, 14, 8, tzinfo=UTC), lambda g, k: "https://x")
    unit.commit()
    reminders = len(outbox)
    assert reminders
    login(s["owner"])
    confirmed(client, f"{s['meeting']}/cancel", {"reason": ""})
    assert len(outbox) > reminders
    for message in outbox:
        assert "deuil" not in message["Subject"].lower()
        assert "deuil" not in message.get_content().lower()


def test_a_members_copy_of_their_data_holds_their_proposals_and_support(client, login, setup):
    s = setup
    proposal = _proposed(client, login, s)
    _proposed(client, login, s, "Un autre thème", by="chloe")
    login(s["ana"])
    _support(client, s, proposal)
    mine = themes.proposals_of(s["ana"])
    assert mine == [
        {
            "group": "Proches aidants",
            "theme": THEME,
            "proposed_by_you": False,
            "supported_by_you": True,
        }
    ]
    exported = privacy.export(s["ben"], str)
    assert [t["theme"] for t in exported["themes"]] == [THEME]


def test_a_proposer_who_deletes_their_account_leaves_the_theme_to_the_group(client, login, setup):
    s = setup
    _proposed(client, login, s)
    privacy.erase_account(s["ben"])
    unit.commit()
    (kept,) = _proposals()
    assert kept.proposed_by_id is None and kept.text == THEME
    login(s["chloe"])
    assert THEME in text_of(client.get(s["url"]))


# --- at the same moment (PostgreSQL) ---------------------------------------------


@needs_postgresql
def test_the_same_theme_proposed_by_several_members_at_once_is_kept_once(app, setup):
    s = setup
    members = [s["ana_m"], s["ben_m"], s["group"].memberships[0]]
    requests = [(logged_in(app, m.user), s["url"], {"text": THEME}) for m in members]
    statuses = sorted(r.status_code for r in at_once(requests))
    assert statuses == [302, 409, 409]
    assert len(_proposals()) == 1


@needs_postgresql
def test_support_pressed_at_once_by_several_members_and_twice_by_one_counts_each_once(
    app, client, login, setup
):
    s = setup
    proposal = _proposed(client, login, s)
    url = f"{s['url']}/{proposal.id}/support"
    requests = [(logged_in(app, m.user), url, {"support": "1"}) for m in (s["ana_m"], s["ben_m"])]
    requests += [(logged_in(app, s["ana_m"].user), url, {"support": "1"})]
    assert [r.status_code for r in at_once(requests)] == [302, 302, 302]
    assert _supports() == 2


@needs_postgresql
def test_one_proposal_picked_for_two_meetings_at_once_goes_to_one(app, client, login, setup):
    s = setup
    proposal = _proposed(client, login, s)
    owner = s["group"].memberships[0]
    url = f"{s['url']}/{proposal.id}/pick"
    other = f"s{s['series'].id}-202609221900"
    requests = [(logged_in(app, owner.user), url, {"meeting": key}) for key in (s["key"], other)]
    statuses = sorted(r.status_code for r in at_once(requests))
    assert statuses == [302, 409]
    themes_set = db.session.scalars(select(Meeting.theme).where(Meeting.theme.is_not(None))).all()
    assert themes_set == [THEME]
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "theme_picked")
        )
        == 1
    )


def test_a_theme_chosen_for_a_coming_meeting_is_refused_again_and_a_past_one_proposed_afresh(
    client, login, setup, monkeypatch
):
    s = setup
    proposal = _proposed(client, login, s)
    login(s["chloe"])
    _support(client, s, proposal)
    login(s["ana"])
    client.post(f"{s['url']}/{proposal.id}/pick", data={"meeting": s["key"]})
    login(s["chloe"])
    response = _propose(client, s, THEME)
    assert response.status_code == 409
    assert "Ce thème a déjà été choisi pour une prochaine rencontre." in text_of(response)
    # After the evening, it is in the history, and may be proposed again.
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 9, 16, 8, tzinfo=UTC))
    page = text_of(client.get(s["url"]))
    assert "Déjà abordés" in page and "15 septembre 2026" in page.split("Déjà abordés")[1]
    assert _propose(client, s, THEME).status_code == 302
    (again,) = _proposals()
    assert again.meeting_id is None and _supports() == 0
    assert _stored_meeting(s).theme == THEME  # the meeting keeps its theme


def test_the_service_keeps_a_no_break_space_and_compares_themes_without_it(setup):
    s = setup
    text = "La fatigue\u00a0: en parler\u00a0?"
    proposal = themes.propose(s["group"], s["ben_m"], f"  {text} ", NOW)
    assert proposal.text == text
    with pytest.raises(themes.Duplicate):
        themes.propose(s["group"], s["ana_m"], "la fatigue : en parler ?", NOW)
