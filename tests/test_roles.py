"""Roles at meetings: willingness, taking, releasing, assigning, absences."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from facilitator.extensions import db
from facilitator.models import Meeting, Membership, RoleAssignment, RoleType
from facilitator.services import attendance, clock, roles, schedule, unit
from facilitator.services import groups as group_service
from tests.conftest import PASSWORD, at_once, confirmed, logged_in, statuses, text_of

NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
KEY_DAY = date(2026, 9, 15)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def setup(make_user, make_group, add_member, weekly_series):
    owner = make_user("Camille")
    group = make_group(owner, name="Proches aidants")
    series = weekly_series(group)
    ana = make_user("Ana")
    ben = make_user("Ben")
    ana_m = add_member(group, ana)
    ben_m = add_member(group, ben)
    role_list = db.session.scalars(roles.role_types(group)).all()
    return {
        "owner": owner,
        "group": group,
        "series": series,
        "ana": ana,
        "ben": ben,
        "ana_m": ana_m,
        "ben_m": ben_m,
        "roles": {r.name: r for r in role_list},
        "key": f"s{series.id}-{KEY_DAY:%Y%m%d}1900",
    }


def willing(membership, *role_types):
    roles.set_opt_ins(membership, {r.id for r in role_types})


def take(client, s, role, slot=0, key=None):
    return client.post(
        f"/groups/{s['group'].id}/meetings/{key or s['key']}/roles/{role.id}/{slot}/take"
    )


def test_new_groups_get_the_usual_roles_in_their_language(make_group):
    fr = make_group(language="fr")
    it = make_group(language="it")
    names = lambda g: [r.name for r in db.session.scalars(roles.role_types(g))]  # noqa: E731
    assert names(fr) == [
        "Animation",
        "Gestion du temps",
        "Accueil",
        "Prise de notes",
        "Salle et clés",
    ]
    assert names(it) == [
        "Moderazione",
        "Gestione del tempo",
        "Accoglienza",
        "Appunti",
        "Sala e chiavi",
    ]


def test_a_willing_member_takes_an_open_role(client, login, setup):
    s = setup
    welcome = s["roles"]["Accueil"]
    willing(s["ana_m"], welcome)
    login(s["ana"])
    page = text_of(client.get(f"/groups/{s['group'].id}/meetings/{s['key']}"))
    assert "Je m'en charge" in page
    response = take(client, s, welcome)
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "Merci\xa0! Le rôle est à vous\xa0: Accueil." in page
    assert "Accueil</strong>:\n              \n                Ana" in page or "Ana" in page
    assignment = db.session.scalar(select(RoleAssignment))
    assert assignment.membership_id == s["ana_m"].id


def test_a_member_who_did_not_opt_in_takes_an_open_role_and_becomes_willing(client, login, setup):
    """Taking a role is the clearest way to say one is willing: no ticking first,
    and the fair fill counts the member for this role from now on."""
    s = setup
    facilitation = s["roles"]["Animation"]
    login(s["ana"])
    page = text_of(client.get(f"/groups/{s['group'].id}/meetings/{s['key']}"))
    assert f"/roles/{facilitation.id}/0/take" in page  # "I'll take it" without opting in
    response = take(client, s, facilitation)
    assert response.status_code == 302
    assert "Le rôle est à vous\xa0: Animation." in text_of(client.get(response.location))
    assert db.session.scalar(select(RoleAssignment.membership_id)) == s["ana_m"].id
    assert roles.opted_in(s["ana_m"]) == {facilitation.id}
    proposal = roles.autofill_proposal(s["group"], 2, NOW)
    assert [
        proposal.members[c.member].user.display_name
        for c in proposal.choices
        if c.slot.role == facilitation.id
    ] == ["Ana", "Ana"]


def test_a_retired_role_cannot_be_taken(client, login, setup):
    s = setup
    notes = s["roles"]["Prise de notes"]
    roles.set_active(s["group"], s["owner"], notes, False)
    login(s["ana"])
    assert take(client, s, notes).status_code == 404
    assert roles.opted_in(s["ana_m"]) == set()


def test_a_taken_slot_cannot_be_taken_again(app, client, login, setup):
    s = setup
    notes = s["roles"]["Prise de notes"]
    willing(s["ana_m"], notes)
    willing(s["ben_m"], notes)
    login(s["ana"])
    assert take(client, s, notes).status_code == 302
    other = app.test_client()
    other.post("/auth/login", data={"email": s["ben"].email, "password": PASSWORD})
    response = take(other, s, notes)
    assert response.status_code == 409
    assert "Quelqu'un vient de prendre ce rôle" in text_of(response)


def test_the_database_refuses_two_holders_for_one_slot(setup):
    s = setup
    occurrence = schedule.find(s["group"], s["key"])
    meeting = schedule.materialize(occurrence)
    role = s["roles"]["Prise de notes"]
    db.session.add(
        RoleAssignment(
            meeting_id=meeting.id, role_type_id=role.id, slot=0, membership_id=s["ana_m"].id
        )
    )
    db.session.add(
        RoleAssignment(
            meeting_id=meeting.id, role_type_id=role.id, slot=0, membership_id=s["ben_m"].id
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_one_role_per_member_per_meeting_unless_the_group_allows_more(client, login, setup):
    s = setup
    welcome, notes = s["roles"]["Accueil"], s["roles"]["Prise de notes"]
    willing(s["ana_m"], welcome, notes)
    login(s["ana"])
    assert take(client, s, welcome).status_code == 302
    refused = take(client, s, notes)
    assert refused.status_code == 409
    assert "déjà un rôle" in text_of(refused)
    s["group"].several_roles_per_meeting = True
    db.session.commit()
    assert take(client, s, notes).status_code == 302


def test_going_back_to_one_role_per_meeting_holds_for_roles_taken_meanwhile(client, login, setup):
    s = setup
    welcome, notes, room = (s["roles"][n] for n in ("Accueil", "Prise de notes", "Salle et clés"))
    willing(s["ana_m"], welcome, notes, room)
    s["group"].several_roles_per_meeting = True
    db.session.commit()
    login(s["ana"])
    assert take(client, s, welcome).status_code == 302
    assert take(client, s, notes).status_code == 302  # two roles, as the group allowed
    settings = replace(group_service.GroupData.of(s["group"]), several_roles_per_meeting=False)
    group_service.update_group(s["group"], s["owner"], settings)
    refused = take(client, s, room)
    assert refused.status_code == 409  # she keeps her two roles but gets no third
    assert "déjà un rôle" in text_of(refused)


def test_nobody_can_be_given_a_role_while_away(client, login, setup):
    s = setup
    room = s["roles"]["Salle et clés"]
    willing(s["ana_m"], room)
    roles.add_unavailability(s["ana_m"], date(2026, 9, 10), date(2026, 9, 20), "vacances")
    login(s["ana"])
    refused = take(client, s, room)
    assert refused.status_code == 409
    assert "Vous avez signalé une absence à cette date" in text_of(refused)
    client.post("/auth/logout")
    login(s["owner"])
    response = client.post(
        f"/groups/{s['group'].id}/meetings/{s['key']}/roles/{room.id}/0/assign",
        data={"membership_id": s["ana_m"].id},
    )
    assert response.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(RoleAssignment)) == 0


def test_release_before_the_cut_off_but_not_after(client, login, setup, monkeypatch):
    s = setup
    welcome = s["roles"]["Accueil"]
    willing(s["ana_m"], welcome)
    login(s["ana"])
    take(client, s, welcome)
    assignment = db.session.scalar(select(RoleAssignment))
    monkeypatch.setattr(
        clock, "now", lambda: datetime(2026, 9, 14, 18, 0, tzinfo=UTC)
    )  # 25 h before
    late = client.post(f"/groups/{s['group'].id}/assignments/{assignment.id}/release")
    assert late.status_code == 403
    assert "Demandez à un membre co-responsable" in text_of(late)
    monkeypatch.setattr(clock, "now", lambda: NOW)
    assert (
        client.post(f"/groups/{s['group'].id}/assignments/{assignment.id}/release").status_code
        == 302
    )
    assert db.session.scalar(select(func.count()).select_from(RoleAssignment)) == 0


def test_coresponsibles_assign_and_unassign_anyone(client, login, setup):
    s = setup
    facilitation = s["roles"]["Animation"]
    login(s["owner"])
    response = client.post(
        f"/groups/{s['group'].id}/meetings/{s['key']}/roles/{facilitation.id}/0/assign",
        data={"membership_id": s["ben_m"].id},
    )
    assert response.status_code == 302
    assert "Ben tient maintenant le rôle Animation." in text_of(client.get(response.location))
    assignment = db.session.scalar(select(RoleAssignment))
    assert (
        client.post(
            f"/groups/{s['group'].id}/assignments/{assignment.id}/unassign",
            data={"holder": str(s["ben_m"].id)},
        ).status_code
        == 302
    )
    history = text_of(client.get(f"/groups/{s['group'].id}/audit"))
    assert "a confié le rôle Animation à Ben" in history


def test_cancelling_keeps_the_roles_and_their_meeting(setup):
    s = setup
    occurrence = schedule.find(s["group"], s["key"])
    roles.assign(
        s["group"], s["owner"], occurrence, s["roles"]["Prise de notes"], 0, s["ben_m"], NOW
    )
    occurrence = schedule.find(s["group"], s["key"])
    schedule.cancel(s["group"], s["owner"], occurrence, "")
    schedule.restore(s["group"], s["owner"], schedule.find(s["group"], s["key"]))
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1
    assert db.session.scalar(select(func.count()).select_from(RoleAssignment)) == 1


def test_leaving_reopens_future_roles_and_keeps_the_past(client, login, setup, monkeypatch):
    s = setup
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 9, 5, 8, 0, tzinfo=UTC))
    notes = s["roles"]["Prise de notes"]
    past_key = f"s{s['series'].id}-202609011900"
    for key in (past_key, s["key"]):
        occurrence = schedule.find(s["group"], key)
        meeting = schedule.materialize(occurrence)
        db.session.add(
            RoleAssignment(
                meeting_id=meeting.id,
                role_type_id=notes.id,
                slot=0,
                membership_id=s["ben_m"].id,
                exclusive_holder=s["ben_m"].id,
            )
        )
    db.session.commit()
    login(s["ben"])
    client.post(f"/groups/{s['group'].id}/leave")
    remaining = db.session.scalars(select(RoleAssignment)).all()
    assert len(remaining) == 1
    assert remaining[0].membership_id is None  # shown as "a former member"
    assert remaining[0].meeting.start == datetime(2026, 9, 1, 19)
    client.post("/auth/logout")
    login(s["owner"])
    assert "Rôles à venir de nouveau libres (1), tenus jusqu'ici par Ben." in text_of(
        client.get(f"/groups/{s['group'].id}/audit")
    )


def test_the_coresponsibles_hear_who_left_and_which_roles_are_open_again(
    client, login, setup, add_member, make_user, outbox
):
    s = setup
    giulia = make_user("Giulia", email="giulia@example.org", locale="it")
    add_member(s["group"], giulia, coresponsible=True)
    notes = s["roles"]["Prise de notes"]
    meeting = schedule.materialize(schedule.find(s["group"], s["key"]))
    db.session.add(
        RoleAssignment(
            meeting_id=meeting.id,
            role_type_id=notes.id,
            slot=0,
            membership_id=s["ben_m"].id,
            exclusive_holder=s["ben_m"].id,
        )
    )
    db.session.commit()
    login(s["ben"])
    client.post(f"/groups/{s['group'].id}/leave")
    by_address = {m["To"]: m for m in outbox}
    assert set(by_address) == {s["owner"].email, "giulia@example.org"}  # not Ben himself
    french = by_address[s["owner"].email]
    assert french["Subject"] == "Ben a quitté Proches aidants"
    body = french.get_content()
    assert "mardi 15 septembre 2026, 19:00\xa0: Prise de notes" in body
    assert f"/groups/{s['group'].id}/roles/fill" in body
    assert s["ben"].email not in body
    assert by_address["giulia@example.org"]["Subject"] == "Ben ha lasciato Proches aidants"


def test_discreet_groups_and_members_get_no_group_name_in_email_subjects(
    client, login, setup, add_member, make_user, outbox
):
    s = setup
    discreet_reader = make_user("Giulia", email="giulia@example.org", locale="it")
    discreet_reader.feed_discreet = True  # her own choice, the group is not discreet
    add_member(s["group"], discreet_reader, coresponsible=True)
    login(s["ben"])
    client.post(f"/groups/{s['group'].id}/leave")
    subjects = {m["To"]: m["Subject"] for m in outbox}
    assert subjects == {
        s["owner"].email: "Ben a quitté Proches aidants",
        "giulia@example.org": "Ben ha lasciato il tuo gruppo",
    }
    outbox.clear()
    s["group"].feed_title_mode = "discreet"  # now the whole group
    db.session.commit()
    client.post("/auth/logout")
    login(s["ana"])
    client.post(f"/groups/{s['group'].id}/leave")
    assert {m["Subject"] for m in outbox} == {
        "Ana a quitté votre groupe",
        "Ana ha lasciato il tuo gruppo",
    }
    assert all("Proches aidants" in m.get_content() for m in outbox)  # the body may say it


def test_a_member_without_coming_roles_leaves_with_a_short_notice(client, login, setup, outbox):
    s = setup
    login(s["ana"])
    client.post(f"/groups/{s['group'].id}/leave")
    assert [m["To"] for m in outbox] == [s["owner"].email]
    assert "Ana a quitté le groupe Proches aidants." in outbox[0].get_content()
    assert "/roles/fill" not in outbox[0].get_content()  # nothing to fill


def test_role_types_are_added_renamed_reordered_and_retired(client, login, setup):
    s = setup
    login(s["owner"])
    gid = s["group"].id
    response = client.post(
        f"/groups/{gid}/roles/new",
        data={"name": "Café", "description": "Prépare le café", "slots": "2"},
    )
    assert response.status_code == 302
    cafe = db.session.scalar(select(RoleType).where(RoleType.name == "Café"))
    assert cafe.slots == 2
    client.post(f"/groups/{gid}/roles/{cafe.id}/up")
    order = [r.name for r in db.session.scalars(roles.role_types(s["group"]))]
    assert order[-2:] == ["Café", "Salle et clés"]
    client.post(f"/groups/{gid}/roles/{cafe.id}/retire")
    assert "Café" not in [r.name for r in db.session.scalars(roles.role_types(s["group"]))]
    bad = client.post(f"/groups/{gid}/roles/{cafe.id}/edit", data={"name": "", "slots": "9"})
    assert bad.status_code == 400
    assert "Ce champ est obligatoire." in text_of(bad)
    assert "Choisissez entre 1 et 5." in text_of(bad)


def test_members_cannot_manage_role_types(client, login, setup):
    s = setup
    login(s["ana"])
    assert (
        client.post(
            f"/groups/{s['group'].id}/roles/new", data={"name": "X", "slots": "1"}
        ).status_code
        == 403
    )


def test_willingness_and_absences_pages(client, login, setup):
    s = setup
    login(s["ana"])
    gid = s["group"].id
    welcome = s["roles"]["Accueil"]
    assert client.post(f"/groups/{gid}/roles", data={"roles": [str(welcome.id)]}).status_code == 302
    assert roles.opted_in(s["ana_m"]) == {welcome.id}
    bad = client.post(f"/groups/{gid}/away", data={"first": "2026-10-10", "last": "2026-10-01"})
    assert bad.status_code == 400
    assert "La date de fin est antérieure à la date de début." in text_of(bad)
    ok = client.post(
        f"/groups/{gid}/away", data={"first": "2026-10-01", "last": "2026-10-10", "note": "Voyage"}
    )
    assert ok.status_code == 302
    assert "Voyage" in text_of(client.get(f"/groups/{gid}/away"))


def test_two_members_racing_for_the_last_slot(app, setup):
    """Parallel requests: exactly one gets the slot, the other a clear refusal."""
    s = setup
    notes = s["roles"]["Prise de notes"]
    willing(s["ana_m"], notes)
    willing(s["ben_m"], notes)
    # The meeting row exists already, so both requests race on the slot itself.
    schedule.materialize(schedule.find(s["group"], s["key"]))
    db.session.commit()
    url = f"/groups/{s['group'].id}/meetings/{s['key']}/roles/{notes.id}/0/take"
    responses = at_once([(logged_in(app, user), url, {}) for user in (s["ana"], s["ben"])])
    assert sorted(statuses(responses)) == [302, 409]
    assert db.session.scalar(select(func.count()).select_from(RoleAssignment)) == 1


def test_fair_fill_proposes_rotates_and_applies(client, login, setup, make_user, add_member):
    s = setup
    welcome = s["roles"]["Accueil"]
    cem_m = add_member(s["group"], make_user("Cem"))
    for m in (s["ana_m"], s["ben_m"], cem_m):
        willing(m, welcome)
    # Ana welcomed newcomers twice this year, Ben once, Cem never: Cem first,
    # then Ben (once against Ana's twice), then Cem again (once, fewest).
    for who, day in (
        (s["ana_m"], "2026-03-03"),
        (s["ana_m"], "2026-04-07"),
        (s["ben_m"], "2026-05-05"),
    ):
        meeting = Meeting(
            group_id=s["group"].id,
            start=datetime.fromisoformat(day + "T19:00"),
            timezone="Europe/Zurich",
            duration_minutes=120,
            title="Avant",
        )
        db.session.add(meeting)
        db.session.flush()
        db.session.add(
            RoleAssignment(
                meeting_id=meeting.id,
                role_type_id=welcome.id,
                slot=0,
                membership_id=who.id,
                exclusive_holder=who.id,
            )
        )
    db.session.commit()
    proposal = roles.autofill_proposal(s["group"], 3, NOW)
    picks = [c for c in proposal.choices if c.slot.role == welcome.id]
    assert [proposal.members[c.member].user.display_name for c in picks] == ["Cem", "Ben", "Cem"]
    assert (picks[1].times, picks[1].last) == (1, date(2026, 5, 5))
    # Nobody opted into the other roles: they stay open, with the reason.
    others = [c for c in proposal.choices if c.slot.role != welcome.id]
    assert others
    assert {c.reason for c in others} == {"nobody_willing"}
    login(s["owner"])
    page = text_of(client.get(f"/groups/{s['group'].id}/roles/fill?count=3"))
    assert "Il n'y a encore aucune personne volontaire pour ce rôle." in page
    assert "L'a tenu 1 fois ces 12 derniers mois, la dernière fois le 5 mai 2026." in page
    form = {f"pick|{c.slot.meeting}|{c.slot.role}|{c.slot.index}": str(c.member) for c in picks}
    response = client.post(f"/groups/{s['group'].id}/roles/fill", data=form)
    assert response.status_code == 302
    assert "3 rôles ont été attribués." in text_of(client.get(response.location))
    assert db.session.scalar(select(func.count()).select_from(RoleAssignment)) == 6


def test_fairness_view_and_my_roles(client, login, setup, monkeypatch):
    s = setup
    notes = s["roles"]["Prise de notes"]
    for key in (f"s{s['series'].id}-202609081900", s["key"]):
        roles.assign(
            s["group"], s["owner"], schedule.find(s["group"], key), notes, 0, s["ana_m"], NOW
        )
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 9, 10, 8, 0, tzinfo=UTC))
    login(s["ana"])
    page = text_of(client.get(f"/groups/{s['group'].id}/roles/fairness"))
    assert "Qui a fait quoi cette année" in page
    assert "Prise de notes, 15 sept. 2026" in page
    dashboard = text_of(client.get("/"))
    card = dashboard.split('id="next-meeting"')[1].split("</section>")[0]
    assert "mardi 15 septembre 2026" in card
    assert "Votre rôle\xa0: Prise de notes" in card


def test_the_home_page_lists_roles_beyond_its_next_meetings_once(client, login, setup):
    s = setup
    later = f"s{s['series'].id}-202612011900"  # the 14th meeting from now
    roles.assign(
        s["group"],
        s["owner"],
        schedule.find(s["group"], later),
        s["roles"]["Prise de notes"],
        0,
        s["ana_m"],
        NOW,
    )
    login(s["ana"])
    dashboard = text_of(client.get("/"))
    assert dashboard.count("Prise de notes dans Proches aidants") == 1
    assert "Mes rôles plus tard" in dashboard
    assert "Votre rôle\xa0: Prise de notes" not in dashboard


def test_meeting_lists_mark_my_role_on_its_meeting_only(client, login, setup):
    s = setup
    roles.assign(
        s["group"],
        s["owner"],
        schedule.find(s["group"], s["key"]),
        s["roles"]["Prise de notes"],
        0,
        s["ana_m"],
        NOW,
    )
    login(s["ana"])
    for path in ("/", f"/groups/{s['group'].id}/meetings"):
        cards = text_of(client.get(path)).split('<li class="meeting')
        marked = [card for card in cards if "Votre rôle\xa0: Prise de notes" in card]
        assert len(marked) == 1, path
        assert "mardi 15 septembre 2026" in marked[0], path
    client.post("/auth/logout")
    login(s["ben"])  # he holds nothing: nothing is marked for him
    assert "Votre rôle\xa0:" not in text_of(client.get(f"/groups/{s['group'].id}/meetings"))


def test_feeds_show_roles(client, setup):
    from icalendar import Calendar

    from facilitator.services import feeds

    s = setup
    roles.assign(
        s["group"],
        s["owner"],
        schedule.find(s["group"], s["key"]),
        s["roles"]["Prise de notes"],
        0,
        s["ana_m"],
        NOW,
    )
    _f, personal = feeds.create(s["ana"], "phone")
    _f, group_feed = feeds.create(s["ben"], "phone", group=s["group"])
    mine = Calendar.from_ical(client.get(f"/feeds/{personal}.ics").data)
    marked = [e for e in mine.walk("VEVENT") if "RECURRENCE-ID" in e]
    assert str(marked[0]["SUMMARY"]) == "Proches aidants (Prise de notes)"
    assert "Votre rôle\xa0: Prise de notes" in str(marked[0]["DESCRIPTION"])
    theirs = Calendar.from_ical(client.get(f"/feeds/{group_feed}.ics").data)
    listed = [e for e in theirs.walk("VEVENT") if "RECURRENCE-ID" in e]
    assert "Rôles\xa0: Prise de notes\xa0: Ana" in str(listed[0]["DESCRIPTION"])
    assert str(listed[0]["SUMMARY"]) == "Proches aidants"
    s["group"].feed_show_roles = False
    s["group"].version += 1
    db.session.commit()
    hidden = Calendar.from_ical(client.get(f"/feeds/{group_feed}.ics").data)
    assert "Ana" not in str([e.get("DESCRIPTION") for e in hidden.walk("VEVENT")])


def test_a_role_at_the_first_meeting_of_a_series_is_not_shown_at_the_others(client, setup):
    """The series' own event stands for every meeting without an exception:
    the roles of its first meeting must not spread to all the others."""
    import recurring_ical_events
    from icalendar import Calendar

    from facilitator.services import feeds

    s = setup
    first = f"s{s['series'].id}-202609011900"
    roles.assign(
        s["group"],
        s["owner"],
        schedule.find(s["group"], first),
        s["roles"]["Prise de notes"],
        0,
        s["ana_m"],
        NOW,
    )
    _f, personal = feeds.create(s["ana"], "phone")
    _f, group_feed = feeds.create(s["ben"], "phone", group=s["group"])
    for token, role_text in (
        (personal, "Votre rôle\xa0: Prise de notes"),
        (group_feed, "Prise de notes\xa0: Ana"),
    ):
        calendar = Calendar.from_ical(client.get(f"/feeds/{token}.ics").data)
        events = recurring_ical_events.of(calendar).between(date(2026, 9, 1), date(2026, 9, 16))
        described = {e["DTSTART"].dt.date(): str(e["DESCRIPTION"]) for e in events}
        assert sorted(described) == [date(2026, 9, 1), date(2026, 9, 8), date(2026, 9, 15)]
        assert role_text in described[date(2026, 9, 1)]
        assert f"/meetings/{first}" in described[date(2026, 9, 1)]
        for day in (date(2026, 9, 8), date(2026, 9, 15)):
            assert role_text not in described[day], (token, day)
            assert described[day].endswith(f"/groups/{s['group'].id}/meetings")


def test_reminders_are_sent_once_in_the_holders_language(app, setup, outbox, monkeypatch):
    s = setup
    s["ben"].locale = "it"
    db.session.commit()
    roles.assign(
        s["group"],
        s["owner"],
        schedule.find(s["group"], s["key"]),
        s["roles"]["Prise de notes"],
        0,
        s["ben_m"],
        NOW,
    )
    runner = app.test_cli_runner()
    monkeypatch.setattr(
        clock, "now", lambda: datetime(2026, 9, 10, 8, 0, tzinfo=UTC)
    )  # 5 days before
    assert "Reminders queued: 0." in runner.invoke(args=["send-reminders"]).output
    monkeypatch.setattr(
        clock, "now", lambda: datetime(2026, 9, 14, 8, 0, tzinfo=UTC)
    )  # 1.5 days before
    result = runner.invoke(args=["send-reminders"])
    assert "Reminders queued: 1. Emails sent: 1," in result.output
    assert outbox[-1]["To"] == s["ben"].email
    assert outbox[-1]["Subject"].startswith(
        "Promemoria: il tuo ruolo all'incontro di martedì 15 settembre 2026"
    )
    body = outbox[-1].get_content()
    assert "svolgi il ruolo Prise de notes" in body
    assert "Quando: martedì 15 settembre 2026, 19:00–21:00" in body
    assert f"/groups/{s['group'].id}/meetings/{s['key']}" in body
    assert "Reminders queued: 0." in runner.invoke(args=["send-reminders"]).output  # once only


def test_a_reminder_waits_out_a_mail_outage_and_leaves_once_when_it_is_over(
    app, setup, outbox, monkeypatch
):
    import smtplib

    from facilitator.models import OutboxMessage
    from facilitator.models._common import utcnow

    s = setup
    roles.assign(
        s["group"],
        s["owner"],
        schedule.find(s["group"], s["key"]),
        s["roles"]["Prise de notes"],
        0,
        s["ben_m"],
        NOW,
    )
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 9, 14, 8, 0, tzinfo=UTC))
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")

    def down(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, "down")

    monkeypatch.setattr(smtplib, "SMTP", down)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 1  # cron and systemd report it
    assert "Reminders queued: 1. Emails sent: 0, to try again later: 1" in result.output
    # Marked reminded with its email waiting: the next run queues no second one.
    assert db.session.scalar(select(RoleAssignment.reminded_at)) is not None
    assert "Reminders queued: 0." in runner.invoke(args=["send-reminders"]).output
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "memory")  # the server is back
    report = unit.send_waiting(utcnow() + timedelta(hours=1))
    assert (report.sent, report.failed, report.retrying) == (1, 0, 0)
    assert [m["To"] for m in outbox] == [s["ben"].email]
    assert db.session.scalar(select(OutboxMessage.status)) == "sent"


def test_cancelling_tells_the_role_holders(client, login, setup, outbox):
    s = setup
    roles.assign(
        s["group"],
        s["owner"],
        schedule.find(s["group"], s["key"]),
        s["roles"]["Prise de notes"],
        0,
        s["ben_m"],
        NOW,
    )
    login(s["owner"])
    response = confirmed(
        client, f"/groups/{s['group'].id}/meetings/{s['key']}/cancel", {"reason": "Neige"}
    )
    assert "1 personne va être avertie par e-mail." in text_of(client.get(response.location))
    # Two weeks ahead: every calendar will have caught up, only the holder is written to.
    assert [m["To"] for m in outbox] == [s["ben"].email]
    assert "Vous teniez le rôle Prise de notes" in outbox[-1].get_content()
    assert "Neige" in outbox[-1].get_content()


def test_a_last_minute_cancellation_is_emailed_to_every_member(
    client, login, setup, outbox, add_member, make_user
):
    s = setup
    tonight = f"s{s['series'].id}-202609011900"  # NOW is 1 September, 10:00 in Lausanne
    roles.assign(
        s["group"],
        s["owner"],
        schedule.find(s["group"], tonight),
        s["roles"]["Prise de notes"],
        0,
        s["ben_m"],
        NOW,
    )
    # Camille, who cancels, holds a role too: she gets no email about her own act.
    owner_m = db.session.scalar(select(Membership).where(Membership.user_id == s["owner"].id))
    roles.assign(
        s["group"],
        s["owner"],
        schedule.find(s["group"], tonight),
        s["roles"]["Accueil"],
        0,
        owner_m,
        NOW,
    )
    add_member(s["group"], make_user("Giulia", email="giulia@example.org", locale="it"))
    login(s["owner"])
    response = confirmed(
        client, f"/groups/{s['group'].id}/meetings/{tonight}/cancel", {"reason": "Salle inondée"}
    )
    assert "3 personnes vont être averties par e-mail." in text_of(client.get(response.location))
    by_address = {m["To"]: m for m in outbox}
    assert set(by_address) == {s["ana"].email, s["ben"].email, "giulia@example.org"}  # not Camille
    assert "Vous teniez le rôle Prise de notes" in by_address[s["ben"].email].get_content()
    ana = by_address[s["ana"].email].get_content()
    assert "La rencontre de Proches aidants du mardi 1er septembre 2026 à 19:00 est annulée." in ana
    assert "Salle inondée" in ana
    giulia = by_address["giulia@example.org"]
    assert giulia["Subject"].startswith("Annullato: l'incontro di martedì 1º settembre 2026")
    assert "previsto martedì 1º settembre 2026 alle 19:00 è annullato" in giulia.get_content()


def test_a_pause_tells_the_holders_of_its_meetings_and_everyone_of_this_week(
    client, login, setup, outbox
):
    s = setup
    roles.assign(
        s["group"],
        s["owner"],
        schedule.find(s["group"], s["key"]),
        s["roles"]["Prise de notes"],
        0,
        s["ben_m"],
        NOW,
    )
    login(s["owner"])
    response = confirmed(
        client,
        f"/groups/{s['group'].id}/series/{s['series'].id}/pause",
        {"first": "2026-09-01", "last": "2026-09-22", "reason": "Travaux"},
    )
    page = text_of(client.get(response.location))
    assert "4 rencontres ont été annulées." in page
    # Tonight's (within the week): Ana and Ben; the 15th: Ben, who holds a role.
    # Three emails, to two people.
    assert "2 personnes vont être averties par e-mail." in page
    subjects = sorted((m["To"], m["Subject"]) for m in outbox)
    assert subjects == sorted(
        [
            (s["ana"].email, "Annulée\xa0: la rencontre du mardi 1er septembre 2026, 19:00"),
            (s["ben"].email, "Annulée\xa0: la rencontre du mardi 1er septembre 2026, 19:00"),
            (s["ben"].email, "Annulée\xa0: la rencontre du mardi 15 septembre 2026, 19:00"),
        ]
    )


def test_moving_a_meeting_into_the_coming_week_is_emailed_to_every_member(
    client, login, setup, outbox
):
    s = setup
    login(s["owner"])
    response = client.post(
        f"/groups/{s['group'].id}/meetings/{s['key']}/edit",
        data={
            "date": "2026-09-03",
            "start_time": "18:30",
            "end_time": "20:30",
            "location": "Salle 4",
            "note": "Exceptionnellement le jeudi",
        },
    )
    assert response.status_code == 302
    assert sorted(m["To"] for m in outbox) == sorted([s["ana"].email, s["ben"].email])
    body = outbox[0].get_content()
    assert "Une prochaine rencontre de Proches aidants a changé." in body
    assert "jeudi 3 septembre 2026, 18:30–20:30" in body
    assert "Au lieu du mardi 15 septembre 2026 à 19:00" in body
    assert "Salle 4" in body
    assert "Exceptionnellement le jeudi" in body


def test_hand_over_takes_effect_when_accepted(app, client, login, setup):
    s = setup
    occurrence = schedule.find(s["group"], s["key"])
    roles.assign(
        s["group"], s["owner"], occurrence, s["roles"]["Prise de notes"], 0, s["ana_m"], NOW
    )
    assignment = db.session.scalar(select(RoleAssignment))
    login(s["ana"])
    form = text_of(client.get(f"/groups/{s['group'].id}/assignments/{assignment.id}/swap"))
    assert "Ben" in form
    response = client.post(
        f"/groups/{s['group'].id}/assignments/{assignment.id}/swap",
        data={"member": str(s["ben_m"].id)},
    )
    assert response.status_code == 302
    db.session.refresh(assignment)
    assert assignment.membership_id == s["ana_m"].id  # still Ana's until Ben accepts
    ben = app.test_client()
    ben.post("/auth/login", data={"email": s["ben"].email, "password": PASSWORD})
    page = text_of(ben.get(f"/groups/{s['group'].id}/roles"))
    assert "Ana vous propose le rôle Prise de notes" in page
    from facilitator.models import SwapRequest

    swap_id = db.session.scalar(select(SwapRequest.id))
    assert ben.post(f"/groups/{s['group'].id}/swaps/{swap_id}/accept").status_code == 302
    db.session.refresh(assignment)
    assert assignment.membership_id == s["ben_m"].id
    assert db.session.scalar(select(func.count()).select_from(SwapRequest)) == 0


def test_swap_exchanges_two_roles_and_either_side_can_withdraw(setup):
    s = setup
    mine, theirs = _two_dates(s)
    withdrawn = roles.propose_swap(s["group"], s["ana_m"], mine, s["ben_m"], theirs, NOW)
    roles.cancel_swap(s["ben_m"], withdrawn)
    request = roles.propose_swap(s["group"], s["ana_m"], mine, s["ben_m"], theirs, NOW)
    roles.accept_swap(s["group"], s["ben_m"], request, NOW)
    db.session.refresh(mine)
    db.session.refresh(theirs)
    assert (mine.membership_id, theirs.membership_id) == (s["ben_m"].id, s["ana_m"].id)


def test_swap_is_refused_when_the_taker_is_away(setup):
    s = setup
    roles.assign(
        s["group"],
        s["owner"],
        schedule.find(s["group"], s["key"]),
        s["roles"]["Prise de notes"],
        0,
        s["ana_m"],
        NOW,
    )
    mine = db.session.scalar(select(RoleAssignment))
    request = roles.propose_swap(s["group"], s["ana_m"], mine, s["ben_m"], None, NOW)
    roles.add_unavailability(s["ben_m"], KEY_DAY, KEY_DAY, "")
    unit.commit()  # the earlier requests
    with pytest.raises(roles.Away):
        roles.accept_swap(s["group"], s["ben_m"], request, NOW)
    db.session.rollback()
    db.session.refresh(mine)
    assert mine.membership_id == s["ana_m"].id


# Feedback next to what was pressed: after an action the page lands on the
# message beside the button, with or without JavaScript.


def inside(page: str, element_id: str, end: str = "</li>") -> str:
    """The text of the element with this id (up to its end tag)."""
    return page.split(f'id="{element_id}"', 1)[1].split(end, 1)[0]


def top_of(page: str) -> str:
    """What the page shows before its own content (the general messages)."""
    return page.split('<main id="main"', 1)[1].split("<h1", 1)[0]


def test_taking_a_role_lands_on_its_slot_with_the_thanks_beside_it(client, login, setup):
    s = setup
    welcome = s["roles"]["Accueil"]
    willing(s["ana_m"], welcome)
    login(s["ana"])
    meeting = f"/groups/{s['group'].id}/meetings/{s['key']}"
    assert f'action="{meeting}/roles/{welcome.id}/0/take#slot-{welcome.id}-0"' in text_of(
        client.get(meeting)
    )
    response = take(client, s, welcome)
    assert response.location.endswith(f"{meeting}#slot-{welcome.id}-0")
    page = text_of(client.get(response.location))
    slot = inside(page, f"slot-{welcome.id}-0")
    assert "Merci\xa0! Le rôle est à vous\xa0: Accueil." in slot
    assert "Merci" not in top_of(page)
    # shown once: the next page has no message left
    assert "Merci" not in text_of(client.get(meeting))


def test_giving_a_role_back_says_so_beside_the_slot_now_open(client, login, setup):
    s = setup
    notes = s["roles"]["Prise de notes"]
    willing(s["ana_m"], notes)
    login(s["ana"])
    take(client, s, notes)
    page = text_of(client.get(f"/groups/{s['group'].id}/meetings/{s['key']}"))
    assignment_url = next(
        part.split('"', 1)[0]
        for part in page.split('action="')[1:]
        if "/release#" in part.split('"', 1)[0]
    )
    assert assignment_url.endswith(f"#slot-{notes.id}-0")
    response = client.post(assignment_url.split("#")[0])
    assert response.location.endswith(f"#slot-{notes.id}-0")
    slot = inside(text_of(client.get(response.location)), f"slot-{notes.id}-0")
    assert "Vous avez rendu le rôle" in slot
    assert "Je m'en charge" in slot


def test_a_refused_take_says_why_beside_the_slot(app, client, login, setup):
    s = setup
    notes = s["roles"]["Prise de notes"]
    willing(s["ana_m"], notes)
    willing(s["ben_m"], notes)
    login(s["ana"])
    take(client, s, notes)
    other = app.test_client()
    other.post("/auth/login", data={"email": s["ben"].email, "password": PASSWORD})
    refused = take(other, s, notes)
    assert refused.status_code == 409
    page = text_of(refused)
    assert "Quelqu'un vient de prendre ce rôle" in inside(page, f"slot-{notes.id}-0")
    assert "Quelqu'un vient" not in top_of(page)


def test_an_answer_lands_beside_the_coming_buttons(client, login, setup):
    s = setup
    s["group"].attendance_enabled = True
    db.session.commit()
    login(s["ana"])
    meeting = f"/groups/{s['group'].id}/meetings/{s['key']}"
    response = client.post(f"{meeting}/intention", data={"answer": "yes"})
    assert response.location.endswith(f"{meeting}#intention")
    page = text_of(client.get(response.location))
    assert "Votre réponse a été enregistrée" in inside(page, "intention", "</section>")
    assert attendance.intentions(s["ana"], _occurrence(s)).mine is True


def test_a_message_for_a_place_the_page_does_not_have_shows_at_the_top(app, client, login, setup):
    s = setup
    login(s["ana"])
    with client.session_transaction() as session:
        session["_flashes"] = [("success@nowhere", "Kept, not lost")]
    page = text_of(client.get(f"/groups/{s['group'].id}/meetings/{s['key']}"))
    assert "Kept, not lost" in top_of(page)


def test_a_cancelled_meeting_shows_no_open_slot_and_no_empty_attendance(client, login, setup):
    s = setup
    s["group"].attendance_enabled = True
    db.session.commit()
    schedule.cancel(s["group"], s["owner"], _occurrence(s), "Salle fermée")
    login(s["ana"])
    page = text_of(client.get(f"/groups/{s['group'].id}/meetings/{s['key']}"))
    assert "Annulée" in page or "annulée" in page
    assert 'id="roles"' not in page
    assert 'id="attendance"' not in page and 'id="intention"' not in page


def _occurrence(s):
    return schedule.find(s["group"], s["key"])


def test_the_meeting_page_says_my_role_there_before_the_list_of_roles(client, login, setup):
    s = setup
    welcome = s["roles"]["Accueil"]
    meeting = f"/groups/{s['group'].id}/meetings/{s['key']}"
    login(s["ana"])
    assert "Votre rôle" not in text_of(client.get(meeting))
    take(client, s, welcome)
    page = text_of(client.get(meeting))
    assert "Votre rôle\xa0: Accueil" in page.split('id="roles"')[0]


def test_the_meeting_page_links_to_roles_and_absences(client, login, setup):
    s = setup
    login(s["ana"])
    page = text_of(client.get(f"/groups/{s['group'].id}/meetings/{s['key']}"))
    roles_section = inside(page, "roles", "</section>")
    assert f'href="/groups/{s["group"].id}/roles"' in roles_section
    assert f'href="/groups/{s["group"].id}/away"' in roles_section


# Closed loops: every change to someone's role reaches them by email, in their
# language, starting with the greeting and naming the group.

GREETING = {"fr": "Bonjour Ben,", "it": "Buongiorno Ben,", "de": "Guten Tag Ben"}
LANGUAGES = ["fr", "it", "de"]


def opening(message) -> tuple[str, str]:
    """The greeting and the first paragraph of an email."""
    paragraphs = message.get_content().split("\n\n")
    return paragraphs[0].strip(), paragraphs[1]


def assign_url(s, role, slot=0, key=None):
    return f"/groups/{s['group'].id}/meetings/{key or s['key']}/roles/{role.id}/{slot}/assign"


GIVEN = {
    "fr": (
        "Un rôle vous a été confié dans Proches aidants",
        "Camille vous a confié un rôle dans le groupe Proches aidants\xa0:",
    ),
    "it": (
        "Ti è stato affidato un ruolo nel gruppo Proches aidants",
        "Camille ti ha affidato un ruolo nel gruppo Proches aidants:",
    ),
    "de": (
        "Sie haben in Proches aidants eine Rolle erhalten",
        "Camille hat Ihnen in der Gruppe Proches aidants eine Rolle gegeben:",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_role_given_by_a_coresponsible_is_emailed_to_its_holder(
    client, login, setup, outbox, language
):
    s = setup
    s["ben"].locale = language
    db.session.commit()
    login(s["owner"])
    response = client.post(
        assign_url(s, s["roles"]["Animation"]), data={"membership_id": s["ben_m"].id}
    )
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "1 personne va être avertie par e-mail." in page
    [message] = outbox
    assert message["To"] == s["ben"].email
    subject, first = GIVEN[language]
    assert message["Subject"] == subject
    greeting, paragraph = opening(message)
    assert greeting == GREETING[language]
    assert paragraph.startswith(first)
    body = message.get_content()
    assert "15" in body.split(first)[1] and "19:00: Animation" in body.replace("\xa0", "")
    assert f"https://facilitator.test/groups/{s['group'].id}/meetings/{s['key']}" in body


def test_giving_oneself_a_role_sends_no_email_and_discreet_groups_keep_their_name_out(
    client, login, setup, outbox
):
    s = setup
    owner_m = db.session.scalar(select(Membership).where(Membership.user_id == s["owner"].id))
    login(s["owner"])
    client.post(assign_url(s, s["roles"]["Animation"]), data={"membership_id": owner_m.id})
    assert outbox == []
    s["group"].feed_title_mode = "discreet"
    db.session.commit()
    client.post(assign_url(s, s["roles"]["Accueil"]), data={"membership_id": s["ben_m"].id})
    assert outbox[-1]["Subject"] == "Un rôle vous a été confié"
    assert "Proches aidants" in outbox[-1].get_content()  # the body may say it


def test_giving_a_held_slot_to_someone_else_tells_both(client, login, setup, outbox):
    s = setup
    notes = s["roles"]["Prise de notes"]
    roles.assign(s["group"], s["owner"], _occurrence(s), notes, 0, s["ana_m"], NOW)
    login(s["owner"])
    client.post(assign_url(s, notes), data={"membership_id": s["ben_m"].id})
    subjects = {m["To"]: m["Subject"] for m in outbox}
    assert subjects == {
        s["ben"].email: "Un rôle vous a été confié dans Proches aidants",
        s["ana"].email: "Proches aidants\xa0: votre rôle du mardi 15 septembre 2026, 19:00 "
        "est de nouveau libre",
    }


REMOVED = {
    "fr": (
        "Proches aidants\xa0: votre rôle du mardi 15 septembre 2026, 19:00 est de nouveau libre",
        "Dans le groupe Proches aidants, Camille a libéré le rôle Prise de notes que vous "
        "teniez à la rencontre du mardi 15 septembre 2026, 19:00.",
    ),
    "it": (
        "Proches aidants: il tuo ruolo all'incontro di martedì 15 settembre 2026, 19:00 è di "
        "nuovo libero",
        "Nel gruppo Proches aidants, Camille ha liberato il ruolo Prise de notes che svolgevi "
        "all'incontro di martedì 15 settembre 2026, 19:00.",
    ),
    "de": (
        "Proches aidants: Ihre Rolle am Dienstag, 15. September 2026, 19:00 ist wieder frei",
        "In der Gruppe Proches aidants hat Camille die Rolle Prise de notes wieder freigegeben",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_removing_a_role_holder_asks_first_then_tells_them(client, login, setup, outbox, language):
    s = setup
    s["ben"].locale = language
    db.session.commit()
    notes = s["roles"]["Prise de notes"]
    roles.assign(s["group"], s["owner"], _occurrence(s), notes, 0, s["ben_m"], NOW)
    assignment = db.session.scalar(select(RoleAssignment))
    login(s["owner"])
    meeting = text_of(client.get(f"/groups/{s['group'].id}/meetings/{s['key']}"))
    url = f"/groups/{s['group'].id}/assignments/{assignment.id}/unassign"
    assert f'href="{url}"' in meeting  # a link to the confirm page, not a button that acts
    confirm = text_of(client.get(url))
    assert "Libérer ce rôle\xa0?" in confirm
    for fact in (
        "Ben",
        "Prise de notes",
        "mardi 15 septembre 2026, 19:00",
        "Ben ne tiendra plus ce rôle et recevra un e-mail à ce sujet.",
    ):
        assert fact in confirm
    assert db.session.scalar(select(func.count()).select_from(RoleAssignment)) == 1
    assert outbox == []
    response = client.post(url, data={"holder": str(s["ben_m"].id)})
    assert response.location.endswith(f"/meetings/{s['key']}#slot-{notes.id}-0")
    slot = inside(text_of(client.get(response.location)), f"slot-{notes.id}-0")
    assert "Le rôle est de nouveau libre." in slot
    assert db.session.scalar(select(func.count()).select_from(RoleAssignment)) == 0
    [message] = outbox
    subject, first = REMOVED[language]
    assert (message["To"], message["Subject"]) == (s["ben"].email, subject)
    greeting, paragraph = opening(message)
    assert greeting == GREETING[language]
    assert paragraph.startswith(first)


def test_a_coresponsible_removing_their_own_role_gets_no_email(client, login, setup, outbox):
    s = setup
    owner_m = db.session.scalar(select(Membership).where(Membership.user_id == s["owner"].id))
    roles.assign(s["group"], s["owner"], _occurrence(s), s["roles"]["Accueil"], 0, owner_m, NOW)
    assignment = db.session.scalar(select(RoleAssignment))
    login(s["owner"])
    url = f"/groups/{s['group'].id}/assignments/{assignment.id}/unassign"
    confirm = text_of(client.get(url))
    assert "Le rôle sera libre\xa0: chacune et chacun pourra le prendre." in confirm
    assert "e-mail" not in confirm
    assert client.post(url, data={"holder": str(owner_m.id)}).status_code == 302
    assert outbox == []


def test_members_cannot_open_the_confirm_page_to_remove_a_holder(client, login, setup):
    s = setup
    roles.assign(s["group"], s["owner"], _occurrence(s), s["roles"]["Accueil"], 0, s["ben_m"], NOW)
    assignment = db.session.scalar(select(RoleAssignment))
    login(s["ana"])
    url = f"/groups/{s['group'].id}/assignments/{assignment.id}/unassign"
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403


REQUEST = {
    "fr": (
        "Ana vous demande si vous pouvez reprendre un rôle dans Proches aidants",
        "Dans le groupe Proches aidants, Ana vous demande si vous pouvez reprendre son rôle "
        "Prise de notes le mardi 15 septembre 2026, 19:00.",
    ),
    "it": (
        "Ana ti chiede se puoi subentrare in un ruolo nel gruppo Proches aidants",
        "Nel gruppo Proches aidants, Ana ti chiede se puoi subentrare nel suo ruolo Prise de "
        "notes il martedì 15 settembre 2026, 19:00.",
    ),
    "de": (
        "Ana fragt, ob Sie in Proches aidants eine Rolle übernehmen können",
        "In der Gruppe Proches aidants fragt Ana, ob Sie die Rolle Prise de notes am Dienstag, "
        "15. September 2026, 19:00 übernehmen können.",
    ),
}
ACCEPTED = {
    "fr": (
        "Ben a accepté votre demande dans Proches aidants",
        "Dans le groupe Proches aidants, Ben a accepté\xa0: cette personne tient désormais le "
        "rôle Prise de notes",
    ),
    "it": (
        "Ben ha accettato la tua richiesta nel gruppo Proches aidants",
        "Nel gruppo Proches aidants, Ben ha accettato: ora svolge il ruolo Prise de notes",
    ),
    "de": (
        "Ben hat Ihre Anfrage in Proches aidants angenommen",
        "In der Gruppe Proches aidants hat Ben angenommen: Die Person hat nun die Rolle "
        "Prise de notes",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_hand_over_is_emailed_with_a_link_to_accept_and_the_answer_comes_back(
    app, client, login, setup, outbox, language
):
    from tests.conftest import link_in

    s = setup
    s["ben"].locale = language
    s["ana"].locale = language
    db.session.commit()
    roles.assign(
        s["group"], s["owner"], _occurrence(s), s["roles"]["Prise de notes"], 0, s["ana_m"], NOW
    )
    assignment = db.session.scalar(select(RoleAssignment))
    login(s["ana"])
    response = client.post(
        f"/groups/{s['group'].id}/assignments/{assignment.id}/swap",
        data={"member": str(s["ben_m"].id)},
    )
    assert response.location.endswith(f"/groups/{s['group'].id}/roles#swaps")
    [request_mail] = outbox
    subject, first = REQUEST[language]
    assert (request_mail["To"], request_mail["Subject"]) == (s["ben"].email, subject)
    greeting, paragraph = opening(request_mail)
    assert greeting == GREETING[language]
    assert paragraph == first
    link = link_in(request_mail)
    assert link.startswith(f"/groups/{s['group'].id}/swaps/")
    ben = app.test_client()
    ben.post("/auth/login", data={"email": s["ben"].email, "password": PASSWORD})
    page = text_of(ben.get(link))
    accept = f'action="{link}/accept"'
    assert accept in page and f'action="{link}/cancel"' in page
    assert ben.post(f"{link}/accept").status_code == 302
    db.session.refresh(assignment)
    assert assignment.membership_id == s["ben_m"].id
    answer = outbox[-1]
    subject, first = ACCEPTED[language]
    assert (answer["To"], answer["Subject"]) == (s["ana"].email, subject)
    assert opening(answer)[1].startswith(first)
    gone = ben.get(link)  # answered: the link says so
    assert gone.status_code == 404
    if language == "fr":
        assert "Cette demande n'est plus ouverte" in text_of(gone)


DECLINED = {
    "fr": (
        "Ben a refusé votre demande dans Proches aidants",
        "Dans le groupe Proches aidants, Ben a refusé votre demande concernant le rôle Prise "
        "de notes le mardi 15 septembre 2026, 19:00. Le rôle reste à vous\xa0:",
    ),
    "it": (
        "Ben ha rifiutato la tua richiesta nel gruppo Proches aidants",
        "Nel gruppo Proches aidants, Ben ha rifiutato la tua richiesta per il ruolo Prise de "
        "notes il martedì 15 settembre 2026, 19:00. Il ruolo resta tuo:",
    ),
    "de": (
        "Ben hat Ihre Anfrage in Proches aidants abgelehnt",
        "In der Gruppe Proches aidants hat Ben Ihre Anfrage zur Rolle Prise de notes am "
        "Dienstag, 15. September 2026, 19:00 abgelehnt.",
    ),
}
SWAP = {
    "fr": (
        "Ana vous propose un échange de rôles dans Proches aidants",
        "Dans le groupe Proches aidants, Ana vous propose son rôle Prise de notes le mardi 15 "
        "septembre 2026, 19:00, en échange de votre rôle Accueil le mardi 22 septembre 2026, "
        "19:00.",
    ),
    "it": (
        "Ana ti propone uno scambio di ruoli nel gruppo Proches aidants",
        "Nel gruppo Proches aidants, Ana ti propone il suo ruolo Prise de notes il martedì 15 "
        "settembre 2026, 19:00, in cambio del tuo ruolo Accueil il martedì 22 settembre 2026, "
        "19:00.",
    ),
    "de": (
        "Ana schlägt Ihnen in Proches aidants einen Rollentausch vor",
        "In der Gruppe Proches aidants bietet Ihnen Ana die Rolle Prise de notes am Dienstag, "
        "15. September 2026, 19:00 an, im Tausch gegen Ihre Rolle Accueil am Dienstag, 22. "
        "September 2026, 19:00.",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_declined_swap_is_emailed_to_the_requester_and_a_withdrawal_to_nobody(
    app, client, login, setup, outbox, language
):
    s = setup
    s["ben"].locale = language
    s["ana"].locale = language
    db.session.commit()
    mine, theirs = _two_dates(s)
    login(s["ana"])
    swap_url = f"/groups/{s['group'].id}/assignments/{mine.id}/swap"
    assert client.post(swap_url, data={"role": str(theirs.id)}).status_code == 302
    subject, first = SWAP[language]
    assert (outbox[-1]["To"], outbox[-1]["Subject"]) == (s["ben"].email, subject)
    assert opening(outbox[-1])[1] == first
    from facilitator.models import SwapRequest

    swap_id = db.session.scalar(select(SwapRequest.id))
    ben = app.test_client()
    ben.post("/auth/login", data={"email": s["ben"].email, "password": PASSWORD})
    response = ben.post(f"/groups/{s['group'].id}/swaps/{swap_id}/cancel")
    assert response.location.endswith("#swaps")
    subject, first = DECLINED[language]
    assert (outbox[-1]["To"], outbox[-1]["Subject"]) == (s["ana"].email, subject)
    assert opening(outbox[-1])[1].startswith(first)
    if language == "fr":
        assert "Vous avez refusé\xa0; Ana va recevoir un e-mail." in text_of(
            ben.get(response.location)
        )
    # Ana asks again and withdraws: nobody is written to.
    client.post(swap_url, data={"role": str(theirs.id)})
    sent = len(outbox)
    swap_id = db.session.scalar(select(SwapRequest.id))
    client.post(f"/groups/{s['group'].id}/swaps/{swap_id}/cancel")
    assert len(outbox) == sent
    db.session.refresh(mine)
    assert mine.membership_id == s["ana_m"].id


def test_the_swap_page_offers_two_separate_choices(client, login, setup, make_user, add_member):
    s = setup
    cem_m = add_member(s["group"], make_user("Cem"))
    roles.add_unavailability(cem_m, KEY_DAY, KEY_DAY, "")  # Cem is away that day
    owner_m = db.session.scalar(select(Membership).where(Membership.user_id == s["owner"].id))
    same_day, other_day = s["key"], f"s{s['series'].id}-202609221900"
    notes, welcome = s["roles"]["Prise de notes"], s["roles"]["Accueil"]
    roles.assign(s["group"], s["owner"], _occurrence(s), notes, 0, s["ana_m"], NOW)
    roles.assign(
        s["group"], s["owner"], schedule.find(s["group"], same_day), welcome, 0, owner_m, NOW
    )
    roles.assign(
        s["group"], s["owner"], schedule.find(s["group"], other_day), welcome, 0, s["ben_m"], NOW
    )
    mine = db.session.scalar(select(RoleAssignment).where(RoleAssignment.role_type_id == notes.id))
    login(s["ana"])
    url = f"/groups/{s['group'].id}/assignments/{mine.id}/swap"
    page = text_of(client.get(url))
    hand_over = inside(page, "hand-over", "</section>")
    swap_with = inside(page, "swap-with", "</section>")
    assert 'name="member"' in hand_over and 'name="role"' not in hand_over
    assert 'name="role"' in swap_with and 'name="member"' not in swap_with
    assert ">Ben<" in hand_over
    # Not myself, nobody away, nobody who holds a role at that meeting already.
    assert "Ana" not in hand_over and "Cem" not in hand_over and "Camille" not in hand_over
    # Ben's role on another date only, "name: role on date" with French typography.
    assert "Ben\xa0: Accueil le 22 sept. 2026" in swap_with
    assert "15 sept." not in swap_with
    bad = client.post(url, data={"member": "abc"})
    assert bad.status_code == 400
    assert "Choisissez une des options de la liste." in inside(
        text_of(bad), "hand-over", "</section>"
    )
    unknown = client.post(url, data={"role": "999999"})
    assert unknown.status_code == 404
    assert "n'existe pas" in inside(text_of(unknown), "swap-with", "</section>")


def test_only_the_two_members_see_a_request_page(client, login, setup):
    s = setup
    roles.assign(s["group"], s["owner"], _occurrence(s), s["roles"]["Accueil"], 0, s["ana_m"], NOW)
    mine = db.session.scalar(select(RoleAssignment))
    request_ = roles.propose_swap(s["group"], s["ana_m"], mine, s["ben_m"], None, NOW)
    login(s["owner"])  # a co-responsible, but not a party to it
    assert client.get(f"/groups/{s['group'].id}/swaps/{request_.id}").status_code == 404
    client.post("/auth/logout")
    login(s["ana"])
    page = text_of(client.get(f"/groups/{s['group'].id}/swaps/{request_.id}"))
    assert "Vous avez proposé à Ben le rôle Accueil" in page
    assert "/accept" not in page and "/cancel" in page  # she can withdraw, not accept


# An absence over a meeting where the member holds a role.


def test_an_absence_over_a_held_role_warns_at_once_and_offers_give_back_and_hand_over(
    client, login, setup
):
    s = setup
    notes = s["roles"]["Prise de notes"]
    roles.assign(s["group"], s["owner"], _occurrence(s), notes, 0, s["ana_m"], NOW)
    assignment = db.session.scalar(select(RoleAssignment))
    login(s["ana"])
    away = f"/groups/{s['group'].id}/away"
    response = client.post(away, data={"first": "2026-09-14", "last": "2026-09-20"})
    assert response.status_code == 302
    assert response.location.endswith(f"{away}#roles-while-away")
    section = inside(text_of(client.get(response.location)), "roles-while-away", "</section>")
    assert "Vous tenez un rôle à l'une de ces dates\xa0: rendez-le ou cédez-le" in section
    assert "mardi 15 septembre 2026, 19:00\xa0: Prise de notes" in section
    release = f"/groups/{s['group'].id}/assignments/{assignment.id}/release"
    assert f'action="{release}"' in section and 'name="back" value="away"' in section
    assert f'href="/groups/{s["group"].id}/assignments/{assignment.id}/swap"' in section
    back = client.post(release, data={"back": "away"})
    assert back.location.endswith(f"{away}#roles-while-away")
    page = text_of(client.get(back.location))
    assert "Vous avez rendu le rôle" in inside(page, "roles-while-away", "</div>")
    assert db.session.scalar(select(func.count()).select_from(RoleAssignment)) == 0


def test_an_absence_without_roles_says_so_beside_the_list(client, login, setup):
    s = setup
    login(s["ana"])
    away = f"/groups/{s['group'].id}/away"
    response = client.post(away, data={"first": "2026-09-14", "last": "2026-09-20"})
    assert response.location.endswith(f"{away}#absences")
    section = inside(text_of(client.get(response.location)), "absences", "</section>")
    assert "Votre absence a été enregistrée" in section


def test_a_role_too_close_to_give_back_offers_only_the_hand_over(client, login, setup, monkeypatch):
    s = setup
    roles.assign(s["group"], s["owner"], _occurrence(s), s["roles"]["Accueil"], 0, s["ana_m"], NOW)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 9, 14, 18, 0, tzinfo=UTC))
    login(s["ana"])
    client.post(f"/groups/{s['group'].id}/away", data={"first": "2026-09-15", "last": "2026-09-15"})
    section = inside(
        text_of(client.get(f"/groups/{s['group'].id}/away")), "roles-while-away", "</section>"
    )
    assert "/release" not in section
    assert "/swap" in section
    assert "Demandez à un membre co-responsable" in section


# The fair fill: where it lands, and how it explains itself.


def test_the_fair_fill_lands_on_who_holds_what_and_emails_each_new_holder_once(
    client, login, setup, outbox
):
    s = setup
    welcome, notes = s["roles"]["Accueil"], s["roles"]["Prise de notes"]
    willing(s["ben_m"], welcome)
    s["ana"].locale = "it"
    db.session.commit()
    willing(s["ana_m"], notes)
    login(s["owner"])
    proposal = roles.autofill_proposal(s["group"], 2, NOW)
    form = {
        f"pick|{c.slot.meeting}|{c.slot.role}|{c.slot.index}": str(c.member)
        for c in proposal.choices
        if c.member
    }
    response = client.post(f"/groups/{s['group'].id}/roles/fill", data={**form, "count": "2"})
    assert response.location.endswith(f"/groups/{s['group'].id}/roles/filled?count=2")
    page = text_of(client.get(response.location))
    assert "4 rôles ont été attribués." in page
    assert "2 personnes vont être averties par e-mail." in page
    assert "Qui tient quel rôle" in page
    first = inside(page, f"meeting-s{s['series'].id}-202609011900", "</ul>")
    assert "Accueil\xa0: Ben" in first and "Prise de notes\xa0: Ana" in first
    # Nobody is willing to facilitate: the reason, and what would help.
    assert "Animation\xa0: libre" in first
    assert "Il n'y a encore aucune personne volontaire pour ce rôle." in first
    assert f'href="/groups/{s["group"].id}/roles#willing"' in first
    by_address = {m["To"]: m for m in outbox}
    assert len(outbox) == 2  # one email each, listing both meetings
    assert (
        by_address[s["ben"].email]["Subject"] == "2 rôles vous ont été confiés dans Proches aidants"
    )
    italian = by_address[s["ana"].email]
    assert italian["Subject"] == "Ti sono stati affidati 2 ruoli nel gruppo Proches aidants"
    greeting, paragraph = opening(italian)
    assert greeting == "Buongiorno Ana,"
    assert paragraph.startswith("Camille ti ha affidato 2 ruoli nel gruppo Proches aidants:")
    assert "martedì 1º settembre 2026, 19:00: Prise de notes" in paragraph
    assert "martedì 8 settembre 2026, 19:00: Prise de notes" in paragraph


def test_the_proposal_names_past_meetings_and_counts_coming_ones_apart(
    client, login, setup, monkeypatch
):
    s = setup
    welcome = s["roles"]["Accueil"]
    willing(s["ana_m"], welcome)
    # Ana welcomed on 1 September (past by the 10th) and holds it on the 22nd.
    for key in (f"s{s['series'].id}-202609011900", f"s{s['series'].id}-202609221900"):
        roles.assign(
            s["group"], s["owner"], schedule.find(s["group"], key), welcome, 0, s["ana_m"], NOW
        )
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 9, 10, 8, 0, tzinfo=UTC))
    login(s["owner"])
    page = text_of(client.get(f"/groups/{s['group'].id}/roles/fill?count=3"))
    hints = [part.split("</p>")[0] for part in page.split('class="hint"')[1:]]
    welcome_hints = [h for h in hints if "1er sept." in h]
    # 15th: held once (1 September), nothing coming before it; 29th: also the 22nd and the 15th.
    assert (
        "L'a tenu 1 fois ces 12 derniers mois, la dernière fois le 1er sept. 2026."
        in welcome_hints[0]
    )
    assert "Le tient déjà" not in welcome_hints[0]
    assert (
        "Le tient déjà lors de 2 rencontres à venir\xa0: 15 sept. 2026, 22 sept. 2026."
        in welcome_hints[1]
    )
    assert "22 sept. 2026." not in welcome_hints[1].split("Le tient déjà")[0]


def test_where_everyone_willing_is_busy_the_fill_links_to_the_setting(client, login, setup):
    s = setup
    willing(s["ana_m"], s["roles"]["Accueil"], s["roles"]["Prise de notes"])
    login(s["owner"])
    page = text_of(client.get(f"/groups/{s['group'].id}/roles/fill?count=1"))
    assert "Toutes les personnes volontaires ont déjà un rôle lors de cette rencontre." in page
    assert f'href="/groups/{s["group"].id}/settings#several_roles_per_meeting"' in page
    assert "Permettre plusieurs rôles par rencontre" in page


def test_the_fairness_view_labels_every_cell_with_its_role(client, login, setup):
    s = setup
    login(s["ana"])
    page = text_of(client.get(f"/groups/{s['group'].id}/roles/fairness"))
    cells = page.split("<tbody>")[1].split("</tbody>")[0].split("<td")[1:]
    assert cells
    labels = {cell.split('data-label="')[1].split('"')[0] for cell in cells if "data-label" in cell}
    assert all('data-label="' in cell for cell in cells)  # every cell says what it is
    assert {"Animation", "Accueil", "Prochain rôle"} <= labels


SWAPPED = {
    "fr": "Dans le groupe Proches aidants, Ben a accepté votre échange\xa0: cette personne tient "
    "désormais le rôle Prise de notes le mardi 15 septembre 2026, 19:00, et vous le rôle Accueil "
    "le mardi 22 septembre 2026, 19:00.",
    "it": "Nel gruppo Proches aidants, Ben ha accettato lo scambio: ora svolge il ruolo Prise de "
    "notes il martedì 15 settembre 2026, 19:00, e tu il ruolo Accueil il martedì 22 settembre "
    "2026, 19:00.",
    "de": "In der Gruppe Proches aidants hat Ben Ihren Tausch angenommen: Die Person hat nun die "
    "Rolle Prise de notes am Dienstag, 15. September 2026, 19:00, und Sie haben die Rolle Accueil "
    "am Dienstag, 22. September 2026, 19:00.",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_accepted_swap_tells_the_requester_which_role_is_now_theirs(
    app, client, login, setup, outbox, language
):
    s = setup
    s["ana"].locale = language
    db.session.commit()
    mine, theirs = _two_dates(s)
    request_ = roles.propose_swap(s["group"], s["ana_m"], mine, s["ben_m"], theirs, NOW)
    login(s["ben"])
    response = client.post(f"/groups/{s['group'].id}/swaps/{request_.id}/accept")
    assert "C'est fait\xa0: les rôles ont changé de mains." in text_of(
        client.get(response.location)
    )
    [answer] = outbox
    assert answer["To"] == s["ana"].email
    greeting, paragraph = opening(answer)
    assert greeting == GREETING[language].replace("Ben", "Ana")
    assert paragraph == SWAPPED[language]
    assert f"/groups/{s['group'].id}/meetings/{s['key']}" in answer.get_content()


def test_swap_emails_keep_a_discreet_groups_name_out_of_their_subjects(
    app, client, login, setup, outbox
):
    s = setup
    s["group"].feed_title_mode = "discreet"
    db.session.commit()
    roles.assign(s["group"], s["owner"], _occurrence(s), s["roles"]["Accueil"], 0, s["ana_m"], NOW)
    mine = db.session.scalar(select(RoleAssignment))
    login(s["ana"])
    client.post(
        f"/groups/{s['group'].id}/assignments/{mine.id}/swap", data={"member": str(s["ben_m"].id)}
    )
    from facilitator.models import SwapRequest

    swap_id = db.session.scalar(select(SwapRequest.id))
    ben = app.test_client()
    ben.post("/auth/login", data={"email": s["ben"].email, "password": PASSWORD})
    ben.post(f"/groups/{s['group'].id}/swaps/{swap_id}/cancel")
    assert [m["Subject"] for m in outbox] == [
        "Ana vous demande si vous pouvez reprendre un rôle",
        "Ben a refusé votre demande",
    ]
    assert all("Proches aidants" in m.get_content() for m in outbox)


@pytest.mark.parametrize("value", ["", "abc", "²", "-1", "1.5"])
def test_a_hand_over_to_no_valid_member_is_refused_beside_its_form(client, login, setup, value):
    s = setup
    roles.assign(s["group"], s["owner"], _occurrence(s), s["roles"]["Accueil"], 0, s["ana_m"], NOW)
    mine = db.session.scalar(select(RoleAssignment))
    login(s["ana"])
    response = client.post(
        f"/groups/{s['group'].id}/assignments/{mine.id}/swap", data={"member": value}
    )
    assert response.status_code == 400
    assert "Choisissez une des options" in inside(text_of(response), "hand-over", "</section>")


def test_alike_buttons_of_a_meeting_say_their_role_to_screen_readers(client, login, setup):
    s = setup
    login(s["ana"])
    page = text_of(client.get(f"/groups/{s['group'].id}/meetings/{s['key']}"))
    assert "aria-label=\"Je m'en charge (Animation)\">Je m'en charge</button>" in page
    assert "aria-label=\"Je m'en charge (Accueil)\">Je m'en charge</button>" in page


# Swaps and removals that stay safe (review of issue #17): nothing offered
# that would be refused later, one email per request, the right person removed.


def _two_dates(s):
    """Ana holds Prise de notes on the 15th, Ben Accueil on the 22nd."""
    other_key = f"s{s['series'].id}-202609221900"
    roles.assign(
        s["group"], s["owner"], _occurrence(s), s["roles"]["Prise de notes"], 0, s["ana_m"], NOW
    )
    roles.assign(
        s["group"],
        s["owner"],
        schedule.find(s["group"], other_key),
        s["roles"]["Accueil"],
        0,
        s["ben_m"],
        NOW,
    )
    mine, theirs = db.session.scalars(select(RoleAssignment).order_by(RoleAssignment.id)).all()
    return mine, theirs


def _swap_count():
    from facilitator.models import SwapRequest

    return db.session.scalar(select(func.count()).select_from(SwapRequest))


def test_the_hand_over_list_allows_a_second_role_where_the_group_allows_several(setup):
    s = setup
    owner_m = db.session.scalar(select(Membership).where(Membership.user_id == s["owner"].id))
    mine, _theirs = _two_dates(s)
    roles.assign(s["group"], s["owner"], _occurrence(s), s["roles"]["Accueil"], 0, owner_m, NOW)
    members, _ = roles.swap_options(s["group"], s["ana_m"], mine, NOW)
    assert [m.user.display_name for m in members] == ["Ben"]
    s["group"].several_roles_per_meeting = True
    db.session.commit()
    members, _ = roles.swap_options(s["group"], s["ana_m"], mine, NOW)
    assert [m.user.display_name for m in members] == ["Ben", "Camille"]


def test_the_swap_list_leaves_out_roles_one_side_could_not_take(setup, make_user, add_member):
    s = setup
    mine, theirs = _two_dates(s)
    assert roles.swap_options(s["group"], s["ana_m"], mine, NOW)[1] == [theirs]
    # Ana is away on the date of Ben's role: she could not take it.
    away = roles.add_unavailability(s["ana_m"], date(2026, 9, 22), date(2026, 9, 22), "")
    assert roles.swap_options(s["group"], s["ana_m"], mine, NOW)[1] == []
    roles.remove_unavailability(s["ana_m"], away.id)
    # Ben is away on the date of Ana's role: he could not take hers.
    roles.add_unavailability(s["ben_m"], KEY_DAY, KEY_DAY, "")
    assert roles.swap_options(s["group"], s["ana_m"], mine, NOW)[1] == []


def test_the_swap_list_leaves_out_a_meeting_where_i_hold_another_role(setup):
    s = setup
    mine, theirs = _two_dates(s)
    other = schedule.find(s["group"], f"s{s['series'].id}-202609221900")
    roles.assign(s["group"], s["owner"], other, s["roles"]["Animation"], 0, s["ana_m"], NOW)
    assert roles.swap_options(s["group"], s["ana_m"], mine, NOW)[1] == []
    with pytest.raises(roles.YouHaveARoleThere):
        roles.propose_swap(s["group"], s["ana_m"], mine, s["ben_m"], theirs, NOW)


@pytest.mark.parametrize("case", ["away", "holds_a_role"])
def test_a_hand_crafted_hand_over_that_would_be_refused_gets_a_409_beside_its_form_and_no_email(
    client, login, setup, outbox, make_user, add_member, case
):
    s = setup
    mine, _theirs = _two_dates(s)
    cem_m = add_member(s["group"], make_user("Cem"))
    if case == "away":
        roles.add_unavailability(cem_m, KEY_DAY, KEY_DAY, "")
        message = "Cette personne a indiqué être absente à cette date."
    else:
        roles.assign(s["group"], s["owner"], _occurrence(s), s["roles"]["Accueil"], 0, cem_m, NOW)
        message = "Cette personne a déjà un rôle lors de cette rencontre."
    login(s["ana"])
    url = f"/groups/{s['group'].id}/assignments/{mine.id}/swap"
    assert f'value="{cem_m.id}"' not in text_of(client.get(url))
    response = client.post(url, data={"member": str(cem_m.id)})
    assert response.status_code == 409
    assert message in inside(text_of(response), "hand-over", "</section>")
    assert outbox == [] and _swap_count() == 0


def test_a_hand_crafted_swap_for_a_date_i_am_away_gets_a_409_beside_its_form_and_no_email(
    client, login, setup, outbox
):
    s = setup
    mine, theirs = _two_dates(s)
    roles.add_unavailability(s["ana_m"], date(2026, 9, 22), date(2026, 9, 22), "")
    login(s["ana"])
    response = client.post(
        f"/groups/{s['group'].id}/assignments/{mine.id}/swap", data={"role": str(theirs.id)}
    )
    assert response.status_code == 409
    assert "Vous avez signalé une absence à cette date." in inside(
        text_of(response), "swap-with", "</section>"
    )
    assert outbox == [] and _swap_count() == 0


@pytest.mark.parametrize("kind", ["hand-over", "swap"])
def test_the_same_request_sent_twice_is_emailed_once(client, login, setup, outbox, kind):
    """A double tap: the second request finds the first one open and says so."""
    s = setup
    mine, theirs = _two_dates(s)
    login(s["ana"])
    url = f"/groups/{s['group'].id}/assignments/{mine.id}/swap"
    data = {"member": str(s["ben_m"].id)} if kind == "hand-over" else {"role": str(theirs.id)}
    assert client.post(url, data=data).status_code == 302
    again = client.post(url, data=data)
    assert again.status_code == 302 and again.location.endswith("#swaps")
    assert "Vous avez déjà envoyé cette demande à Ben." in inside(
        text_of(client.get(again.location)), "swaps", "</section>"
    )
    assert len(outbox) == 1 and _swap_count() == 1
    # Another offer to the same member is a new request.
    other = {"role": str(theirs.id)} if kind == "hand-over" else {"member": str(s["ben_m"].id)}
    assert client.post(url, data=other).status_code == 302
    assert len(outbox) == 2 and _swap_count() == 2


@pytest.mark.parametrize("kind", ["hand-over", "swap"])
def test_the_database_refuses_the_same_open_request_twice(setup, kind):
    from facilitator.models import SwapRequest

    s = setup
    mine, theirs = _two_dates(s)
    other_id = None if kind == "hand-over" else theirs.id
    for _ in range(2):
        db.session.add(
            SwapRequest(
                assignment_id=mine.id,
                other_assignment_id=other_id,
                from_membership_id=s["ana_m"].id,
                to_membership_id=s["ben_m"].id,
            )
        )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_two_identical_requests_at_the_same_moment_send_one_email(app, setup, outbox):
    """Parallel requests: exactly one is recorded and emailed."""
    s = setup
    mine, _theirs = _two_dates(s)
    url = f"/groups/{s['group'].id}/assignments/{mine.id}/swap"
    data = {"member": str(s["ben_m"].id)}
    responses = at_once([(logged_in(app, s["ana"]), url, data) for _ in range(2)])
    assert statuses(responses) == [302, 302]
    assert _swap_count() == 1
    assert len(outbox) == 1


def test_a_decline_whose_email_cannot_leave_yet_waits_in_the_outbox(
    app, client, login, setup, outbox, monkeypatch
):
    from facilitator.models import OutboxMessage
    from facilitator.services import mail

    s = setup
    mine, _theirs = _two_dates(s)
    request_ = roles.propose_swap(s["group"], s["ana_m"], mine, s["ben_m"], None, NOW)

    def down(*args, **kwargs):
        raise mail.SendFailure("SMTPConnectError 421")

    monkeypatch.setattr(mail, "send", down)
    login(s["ben"])
    response = client.post(f"/groups/{s['group'].id}/swaps/{request_.id}/cancel")
    page = text_of(client.get(response.location))  # no request left: at the top
    assert "Vous avez refusé\xa0; Ana va recevoir un e-mail." in page
    assert _swap_count() == 0
    [waiting] = db.session.scalars(select(OutboxMessage)).all()
    assert (waiting.status, waiting.person_id, waiting.attempts) == ("waiting", s["ana"].id, 1)
    assert outbox == []


def test_removing_a_holder_who_changed_meanwhile_asks_again_and_removes_nobody(
    app, client, login, setup, outbox
):
    s = setup
    roles.assign(s["group"], s["owner"], _occurrence(s), s["roles"]["Accueil"], 0, s["ben_m"], NOW)
    assignment = db.session.scalar(select(RoleAssignment))
    login(s["owner"])
    url = f"/groups/{s['group'].id}/assignments/{assignment.id}/unassign"
    confirm = text_of(client.get(url))
    assert f'name="holder" value="{s["ben_m"].id}"' in confirm
    # Meanwhile Ben hands the role over to Ana, who accepts.
    request_ = roles.propose_swap(s["group"], s["ben_m"], assignment, s["ana_m"], None, NOW)
    roles.accept_swap(s["group"], s["ana_m"], request_, NOW)
    response = client.post(url, data={"holder": str(s["ben_m"].id)})
    assert response.status_code == 409
    page = text_of(response)
    assert "Quelqu'un d'autre tient maintenant ce rôle" in inside(page, "unassign", "</form>")
    assert "<dd>Ana</dd>" in page  # the confirmation again, with the current holder
    assert f'name="holder" value="{s["ana_m"].id}"' in page
    db.session.refresh(assignment)
    assert assignment.membership_id == s["ana_m"].id
    assert outbox == []
    # A post without the holder it saw acts on nothing either.
    assert client.post(url).status_code == 409
    assert client.post(url, data={"holder": "abc"}).status_code == 409
    assert db.session.scalar(select(func.count()).select_from(RoleAssignment)) == 1


def test_taking_a_role_says_beside_the_slot_when_it_also_makes_me_willing(client, login, setup):
    s = setup
    welcome, notes = s["roles"]["Accueil"], s["roles"]["Prise de notes"]
    willing(s["ana_m"], notes)
    login(s["ana"])
    response = take(client, s, welcome)
    slot = inside(text_of(client.get(response.location)), f"slot-{welcome.id}-0")
    assert (
        "La répartition équitable vous proposera désormais aussi pour Accueil\xa0; vous "
        "pouvez changer cela sous Rôles."
    ) in slot
    other_key = f"s{s['series'].id}-202609221900"
    response = take(client, s, notes, key=other_key)
    slot = inside(text_of(client.get(response.location)), f"slot-{notes.id}-0")
    assert "Le rôle est à vous\xa0: Prise de notes." in slot
    assert "répartition équitable" not in slot  # already willing: nothing more to say


def test_taking_a_role_whose_willingness_was_recorded_meanwhile_is_no_error(setup, monkeypatch):
    """A concurrent take of the same role at another meeting recorded the
    willingness between the check and the insert: the take still succeeds."""
    from facilitator.models.roles import RoleOptIn

    s = setup
    welcome = s["roles"]["Accueil"]
    real = roles.opted_in

    def stale(membership):  # what the other request had not yet committed
        seen = real(membership)
        db.session.add(RoleOptIn(membership_id=membership.id, role_type_id=welcome.id))
        db.session.flush()
        return seen

    monkeypatch.setattr(roles.slots, "opted_in", stale)
    assert roles.take(s["group"], s["ana_m"], _occurrence(s), welcome, 0, NOW) is False
    monkeypatch.setattr(roles.slots, "opted_in", real)
    assert roles.opted_in(s["ana_m"]) == {welcome.id}
    assert db.session.scalar(select(RoleAssignment.membership_id)) == s["ana_m"].id


def test_one_member_taking_one_role_at_two_meetings_at_once(app, setup):
    """Parallel takes by one member: both slots are theirs, willing once."""
    from facilitator.models.roles import RoleOptIn

    s = setup
    welcome = s["roles"]["Accueil"]
    keys = [s["key"], f"s{s['series'].id}-202609221900"]
    for key in keys:
        schedule.materialize(schedule.find(s["group"], key))
    db.session.commit()
    urls = [f"/groups/{s['group'].id}/meetings/{key}/roles/{welcome.id}/0/take" for key in keys]
    responses = at_once([(logged_in(app, s["ana"]), url, {}) for url in urls])
    assert statuses(responses) == [302, 302]
    assert db.session.scalar(select(func.count()).select_from(RoleAssignment)) == 2
    assert db.session.scalar(select(func.count()).select_from(RoleOptIn)) == 1


def test_action_buttons_of_a_swap_and_of_roles_while_away_are_not_inside_a_paragraph(
    client, login, setup
):
    s = setup
    mine, _theirs = _two_dates(s)
    request_ = roles.propose_swap(s["group"], s["ana_m"], mine, s["ben_m"], None, NOW)
    roles.add_unavailability(s["ana_m"], KEY_DAY, KEY_DAY, "")
    login(s["ana"])
    gid = s["group"].id
    for url in (
        f"/groups/{gid}/swaps/{request_.id}",
        f"/groups/{gid}/away",
        f"/groups/{gid}/roles",
    ):
        page = text_of(client.get(url))
        assert '<div class="actions">' in page
        assert '<p class="actions">' not in page
