"""Welcoming newcomers: members say they are willing to be a welcome contact,
a co-responsible member pairs a newcomer with one (or a willing member
offers), the newcomer sees their contact's name and both write to each other
in a conversation only they read; either ends it, or it ends by itself after
three months, and its messages go 30 days later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.models import Membership, OutboxMessage, WelcomeMessage, WelcomePairing
from facilitator.models.welcome import MESSAGE_MAX
from facilitator.services import clock, retention, schedule, welcome
from tests.conftest import PASSWORD, at_once, link_in, logged_in, statuses, t, text_of

NOW = datetime(2026, 9, 3, 10, 0, tzinfo=UTC)  # a Thursday
JOINED = datetime(2026, 9, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    """The clock, set to NOW; ``frozen_clock(when)`` moves it."""
    current = {"now": NOW}
    monkeypatch.setattr(clock, "now", lambda: current["now"])

    def move(when: datetime) -> None:
        current["now"] = when

    return move


@pytest.fixture
def group(app, make_user, make_group, add_member, weekly_series):
    """Camille founded the group (co-responsible); Ben has been a member for a
    year and is willing to welcome newcomers; Ana joined yesterday. The group
    meets on Tuesdays at 19:00 from 1 September 2026."""
    camille = make_user("Camille")
    g = make_group(camille)
    ben, ana, zoe = make_user("Ben"), make_user("Ana"), make_user("Zoé")
    ben_m = add_member(g, ben)
    ben_m.joined_at = NOW - timedelta(days=400)
    ben_m.welcome_willing = True
    ana_m = add_member(g, ana)
    ana_m.joined_at = JOINED
    zoe_m = add_member(g, zoe)
    zoe_m.joined_at = NOW - timedelta(days=200)
    weekly_series(g)
    db.session.commit()
    return {"group": g, "camille": camille, "ben": ben, "ana": ana, "zoe": zoe}


def _m(user, group) -> Membership:
    return db.session.scalar(Membership.select_for(user.id, group.id))


def _pair(client, group, newcomer, contact):
    return client.post(
        f"/groups/{group.id}/welcoming/newcomers/{_m(newcomer, group).id}",
        data={"contact": str(_m(contact, group).id)},
    )


def _paired(g, newcomer, contact) -> WelcomePairing:
    """Ana's pairing with ``contact``, made by ``contact`` themselves."""
    pairing = welcome.pair(g, _m(contact, g), _m(newcomer, g).id, _m(contact, g).id, NOW, str)
    db.session.commit()
    return pairing


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _thread(group, pairing) -> str:
    return f"/groups/{group.id}/welcoming/{pairing.id}"


# --- Willing members and pairing ------------------------------------------------


def test_a_member_says_they_are_willing_to_welcome_newcomers_and_can_stop(
    app, client, login, group
):
    g, zoe = group["group"], group["zoe"]
    login(zoe)
    page = client.get(f"/groups/{g.id}/welcoming")
    assert page.status_code == 200
    assert 'id="willing"' in page.get_data(as_text=True)
    assert "newcomers-title" not in page.get_data(as_text=True)  # not willing: no list
    saved = client.post(f"/groups/{g.id}/welcoming/willing", data={"willing_to_welcome": "y"})
    assert saved.status_code == 302 and saved.location.endswith("#willing")
    db.session.expire_all()
    assert _m(zoe, g).welcome_willing is True
    page = text_of(client.get(saved.location))
    assert t(app, "fr", "Thank you: you can now be a welcome contact for newcomers.") in page
    assert "Ana" in page  # the newcomer without a contact, now that she is willing
    client.post(f"/groups/{g.id}/welcoming/willing", data={})
    db.session.expire_all()
    assert _m(zoe, g).welcome_willing is False


def test_newcomers_are_those_who_joined_in_the_last_three_months_but_the_founder(group):
    g = group["group"]
    names = [m.user.display_name for m in welcome.newcomers_without_contact(g, NOW)]
    assert names == ["Ana"]  # Ben and Zoé joined long ago, Camille founded it


def test_a_co_responsible_pairs_a_newcomer_with_a_willing_member_who_is_told_by_email(
    app, client, login, group, outbox
):
    g, camille, ben, ana = group["group"], group["camille"], group["ben"], group["ana"]
    login(camille)
    page = text_of(client.get(f"/groups/{g.id}/welcoming"))
    assert "Ana" in page and "Ben" in page  # the newcomer and the willing member to choose
    response = _pair(client, g, ana, ben)
    assert response.status_code == 302 and response.location.endswith("#pairings")
    pairing = db.session.scalar(select(WelcomePairing))
    assert (pairing.newcomer_id, pairing.contact_id) == (_m(ana, g).id, _m(ben, g).id)
    assert pairing.ends_on == NOW.date() + timedelta(days=90)
    [message] = outbox
    assert message["To"] == ben.email
    assert message["Subject"] == t(
        app, "fr", "You are now the welcome contact of %(name)s", name="Ana"
    )
    body = message.get_content()
    assert g.name in body  # the group is not discreet
    # Ana's first meeting: the group's next one after she joined.
    assert "mardi 8 septembre 2026, 19:00" in body
    assert link_in(message) == _thread(g, pairing)
    assert ana.email not in body and camille.email not in body
    # Camille sees who welcomes whom.
    page = text_of(client.get(f"/groups/{g.id}/welcoming"))
    assert (
        t(
            app,
            "fr",
            "%(contact)s welcomes %(name)s until %(date)s.",
            contact="Ben",
            name="Ana",
            date="2 décembre 2026",
        )
        in page
    )


def test_the_email_of_a_discreet_group_never_names_it(app, client, login, group, outbox):
    g, camille, ben, ana = group["group"], group["camille"], group["ben"], group["ana"]
    g.feed_title_mode = "discreet"
    db.session.commit()
    login(camille)
    assert _pair(client, g, ana, ben).status_code == 302
    [message] = outbox
    assert g.name not in message["Subject"]
    assert g.name not in message.get_content()
    assert "Ana" in message.get_content()


def test_a_willing_member_offers_to_be_a_newcomers_contact_and_is_not_emailed(
    app, client, login, group, outbox
):
    g, ben, ana = group["group"], group["ben"], group["ana"]
    login(ben)
    page = text_of(client.get(f"/groups/{g.id}/welcoming"))
    assert t(app, "fr", "I'll be their contact") in page
    response = _pair(client, g, ana, ben)
    assert response.status_code == 302
    assert text_of(client.get(response.location)).count(
        t(app, "fr", "You are now the welcome contact of %(name)s.", name="Ana")
    )
    assert _count(WelcomePairing) == 1
    assert outbox == []


def test_a_member_who_is_not_willing_cannot_offer(client, login, group):
    g, zoe, ana = group["group"], group["zoe"], group["ana"]
    login(zoe)
    assert _pair(client, g, ana, zoe).status_code == 403
    assert _count(WelcomePairing) == 0


def test_a_willing_member_cannot_name_another_member(client, login, group, make_user):
    g, ben, ana, zoe = group["group"], group["ben"], group["ana"], group["zoe"]
    login(ben)
    response = _pair(client, g, ana, zoe)
    assert response.status_code == 400
    assert _count(WelcomePairing) == 0


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("themselves", "A newcomer cannot be their own welcome contact. Choose another member."),
        (
            "not willing",
            "This member has not said that they are willing to be a welcome contact.",
        ),
        ("not a member", "This person is not a member of the group."),
        ("no one", "This person is not a member of the group."),
    ],
)
def test_a_bad_contact_is_refused_at_the_newcomers_field_and_nothing_is_saved(
    app, client, login, group, make_user, make_group, case, message
):
    g, camille, ana, zoe = group["group"], group["camille"], group["ana"], group["zoe"]
    elsewhere = make_group(make_user("Other"), name="Autre groupe")
    contact = {
        "themselves": str(_m(ana, g).id),
        "not willing": str(_m(zoe, g).id),
        "not a member": str(elsewhere.memberships[0].id),
        "no one": "",
    }[case]
    login(camille)
    newcomer = _m(ana, g).id
    response = client.post(
        f"/groups/{g.id}/welcoming/newcomers/{newcomer}", data={"contact": contact}
    )
    assert response.status_code == 400
    assert f'id="contact-{newcomer}-error"' in response.get_data(as_text=True)
    assert t(app, "fr", message) in text_of(response)
    assert _count(WelcomePairing) == 0


def test_pairing_someone_who_is_not_a_member_of_the_group_is_not_found(
    client, login, group, make_user, make_group
):
    g, camille = group["group"], group["camille"]
    elsewhere = make_group(make_user("Other"), name="Autre groupe")
    login(camille)
    response = client.post(
        f"/groups/{g.id}/welcoming/newcomers/{elsewhere.memberships[0].id}",
        data={"contact": str(_m(camille, g).id)},
    )
    assert response.status_code == 404
    assert _count(WelcomePairing) == 0


def test_a_member_of_long_standing_gets_no_welcome_contact(app, client, login, group):
    g, camille, zoe = group["group"], group["camille"], group["zoe"]
    login(camille)
    response = _pair(client, g, zoe, camille)
    assert response.status_code == 400
    assert t(
        app, "fr", "Only a member who joined in the last three months can get a welcome contact."
    ) in text_of(response)


def test_a_newcomer_who_has_a_contact_gets_no_second_one(app, client, login, group):
    g, camille, ben, ana = group["group"], group["camille"], group["ben"], group["ana"]
    _paired(g, ana, ben)
    login(camille)
    response = _pair(client, g, ana, camille)
    assert response.status_code == 409
    assert t(app, "fr", "This newcomer already has a welcome contact.") in text_of(response)
    assert _count(WelcomePairing) == 1


def test_two_people_pairing_one_newcomer_at_the_same_moment_make_one_pairing(app, group):
    g, camille, ben, ana = group["group"], group["camille"], group["ben"], group["ana"]
    newcomer = _m(ana, g).id
    contacts = {camille: _m(camille, g).id, ben: _m(ben, g).id}
    url = f"/groups/{g.id}/welcoming/newcomers/{newcomer}"
    responses = at_once(
        [
            (logged_in(app, user), url, {"contact": str(contact)})
            for user, contact in contacts.items()
        ]
    )
    assert sorted(statuses(responses)) == [302, 409]
    assert _count(WelcomePairing) == 1


# --- What each of them sees --------------------------------------------------------


def test_the_newcomer_sees_their_contacts_name_on_the_group_page_and_the_welcome_page(
    app, client, login, group
):
    g, ben, ana = group["group"], group["ben"], group["ana"]
    login(ana)
    welcome_page = text_of(client.get(f"/groups/{g.id}/welcome"))
    assert (
        t(
            app,
            "fr",
            "A member who knows the group may become your welcome contact for your first "
            "meetings: you will see their name here and can write to them in the app.",
        )
        in welcome_page
    )
    pairing = _paired(g, ana, ben)
    for path in (f"/groups/{g.id}", f"/groups/{g.id}/welcome"):
        response = client.get(path)
        page = text_of(response)
        assert t(app, "fr", "Your welcome contact: %(name)s", name="Ben") in page
        assert f'href="{_thread(g, pairing)}"' in response.get_data(as_text=True)
        assert t(app, "fr", "Write to them") in page
        assert ben.email not in page


def test_the_contact_sees_the_newcomers_first_meeting_after_they_joined(app, client, login, group):
    g, ben, ana = group["group"], group["ben"], group["ana"]
    pairing = _paired(g, ana, ben)
    # The first Tuesday after she joined is cancelled: her first meeting is the next.
    schedule.cancel(g, group["camille"], schedule.find(g, _key(g, "20260908")), "")
    db.session.commit()
    login(ben)
    group_page = text_of(client.get(f"/groups/{g.id}"))
    assert t(app, "fr", "You welcome %(name)s", name="Ana") in group_page
    for path in (f"/groups/{g.id}/welcoming", _thread(g, pairing)):
        page = text_of(client.get(path))
        assert "mardi 15 septembre 2026, 19:00" in page, path


def _key(g, day: str) -> str:
    series = schedule.current_series(g, NOW.date())[0]
    return f"s{series.id}-{day}1900"


def test_the_contact_sees_no_first_meeting_when_none_is_planned(
    app, client, login, make_user, make_group, add_member
):
    owner, ana = make_user("Owner"), make_user("Ana")
    g = make_group(owner)
    add_member(g, ana).joined_at = JOINED
    db.session.commit()
    pairing = _paired(g, ana, owner)
    login(owner)
    assert t(app, "fr", "No meeting is planned yet.") in text_of(
        client.get(f"/groups/{g.id}/welcoming")
    )
    assert client.get(_thread(g, pairing)).status_code == 200


# --- The conversation ---------------------------------------------------------------


def test_the_two_write_to_each_other_newest_last_and_the_other_gets_a_notice_without_text(
    app, client, login, group, outbox
):
    g, ben, ana = group["group"], group["ben"], group["ana"]
    pairing = _paired(g, ana, ben)
    login(ana)
    sent = client.post(_thread(g, pairing), data={"body": "Bonjour Ben, je viens mardi."})
    assert sent.status_code == 302 and sent.location.endswith("#write")
    assert t(app, "fr", "Your message has been sent.") in text_of(client.get(sent.location))
    [notice] = outbox
    assert notice["To"] == ben.email
    assert notice["Subject"] == t(app, "fr", "You have a new message in facilitator")
    body = notice.get_content()
    assert "je viens mardi" not in body
    assert g.name not in body and ana.email not in body
    assert link_in(notice) == _thread(g, pairing)
    # Ben has one new message, shown on the group page, then reads and answers.
    login(ben)
    assert t(app, "fr", "%(num)d new message", num=1) in text_of(client.get(f"/groups/{g.id}"))
    page = text_of(client.get(_thread(g, pairing)))
    assert "Bonjour Ben, je viens mardi." in page
    assert t(app, "fr", "%(num)d new message", num=1) not in text_of(client.get(f"/groups/{g.id}"))
    client.post(_thread(g, pairing), data={"body": "Parfait, à mardi !"})
    assert [m["To"] for m in outbox] == [ben.email, ana.email]
    login(ana)
    page = text_of(client.get(_thread(g, pairing)))
    assert page.index("je viens mardi") < page.index("Parfait, à mardi !")


def test_at_most_one_notice_an_hour_per_conversation(client, login, group, outbox, frozen_clock):
    g, ben, ana = group["group"], group["ben"], group["ana"]
    pairing = _paired(g, ana, ben)
    login(ana)
    for minutes, text in ((0, "Un"), (20, "Deux"), (59, "Trois"), (61, "Quatre")):
        frozen_clock(NOW + timedelta(minutes=minutes))
        assert client.post(_thread(g, pairing), data={"body": text}).status_code == 302
    assert len(outbox) == 2
    assert _count(WelcomeMessage) == 4


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write a message: it cannot be empty."),
        ("  \r\n ", "Write a message: it cannot be empty."),
        ("x" * (MESSAGE_MAX + 1), "Use at most %(max)d characters."),
    ],
)
def test_an_empty_or_too_long_message_is_refused_at_the_field_and_nothing_is_saved(
    app, client, login, group, outbox, body, message
):
    g, ben, ana = group["group"], group["ben"], group["ana"]
    pairing = _paired(g, ana, ben)
    login(ana)
    response = client.post(_thread(g, pairing), data={"body": body})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="body-error"' in page
    assert t(app, "fr", message, max=MESSAGE_MAX) in text_of(response)
    if body.strip():
        assert body in page  # the text stays in the field
    assert _count(WelcomeMessage) == 0
    assert outbox == []


def test_the_longest_message_counts_line_ends_as_one_character(client, login, group):
    g, ben, ana = group["group"], group["ben"], group["ana"]
    pairing = _paired(g, ana, ben)
    login(ana)
    body = "x\r\n" * (MESSAGE_MAX // 2 - 1) + "xx"  # more than the maximum as sent
    assert len(body) > MESSAGE_MAX
    assert client.post(_thread(g, pairing), data={"body": body}).status_code == 302
    assert len(db.session.scalar(select(WelcomeMessage.body))) == MESSAGE_MAX


def test_a_message_is_shown_as_text_never_as_html(client, login, group):
    g, ben, ana = group["group"], group["ben"], group["ana"]
    pairing = _paired(g, ana, ben)
    login(ana)
    client.post(_thread(g, pairing), data={"body": "<script>alert(1)</script>"})
    page = client.get(_thread(g, pairing)).get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_only_the_two_read_the_conversation(client, login, group, make_user, add_member):
    g, camille, ben, ana, zoe = (group[k] for k in ("group", "camille", "ben", "ana", "zoe"))
    pairing = _paired(g, ana, ben)
    outsider = make_user("Outsider")
    for user in (camille, zoe, outsider):
        login(user)
        assert client.get(_thread(g, pairing)).status_code == 404
        assert client.post(_thread(g, pairing), data={"body": "Coucou"}).status_code == 404
        assert client.get(f"{_thread(g, pairing)}/end").status_code == 404
        assert client.post(f"{_thread(g, pairing)}/end").status_code == 404
    assert _count(WelcomeMessage) == 0
    assert db.session.get(WelcomePairing, pairing.id).ended_at is None
    # Nor through another group of theirs.
    other = group_of(camille, make_user, add_member, ana)
    login(ana)
    assert client.get(f"/groups/{other}/welcoming/{pairing.id}").status_code == 404


def group_of(owner, make_user, add_member, member) -> int:
    from facilitator.services import groups as group_service
    from tests.conftest import group_data

    g = group_service.create_group(owner, group_data(name="Autre"))
    add_member(g, member)
    return g.id


# --- Ending ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["newcomer", "contact"])
def test_either_ends_it_after_a_confirmation_and_the_other_sees_it_in_the_app(
    app, client, login, group, outbox, who
):
    g, ben, ana = group["group"], group["ben"], group["ana"]
    pairing = _paired(g, ana, ben)
    me, other = (ana, ben) if who == "newcomer" else (ben, ana)
    login(me)
    confirm = client.get(f"{_thread(g, pairing)}/end")
    assert confirm.status_code == 200
    assert db.session.get(WelcomePairing, pairing.id).ended_at is None  # nothing yet
    ended = client.post(f"{_thread(g, pairing)}/end")
    assert ended.status_code == 302
    db.session.expire_all()
    stored = db.session.get(WelcomePairing, pairing.id)
    assert stored.ended_by == who and stored.open_for is None
    assert outbox == []  # told in the app, not by email
    # Writing to it is refused at the field, for both of them.
    refused = client.post(_thread(g, pairing), data={"body": "Encore un mot"})
    assert refused.status_code == 409
    assert t(app, "fr", "This welcome pairing has ended: no more messages can be sent.") in (
        text_of(refused)
    )
    assert 'id="body-error"' in refused.get_data(as_text=True)
    login(other)
    name = me.display_name
    notice = t(app, "fr", "Your welcome pairing with %(name)s has ended.", name=name)
    assert notice in text_of(client.get(f"/groups/{g.id}"))
    page = text_of(client.get(_thread(g, pairing)))
    assert t(app, "fr", "%(name)s ended this welcome pairing.", name=name) in page
    assert t(app, "fr", "The conversation is deleted on %(date)s.", date="3 octobre 2026") in page
    assert 'name="body"' not in page
    # Opened once: the group page no longer says it.
    assert notice not in text_of(client.get(f"/groups/{g.id}"))
    assert _count(WelcomeMessage) == 0


def test_a_newcomer_whose_contact_stopped_needs_a_contact_again_one_who_stopped_does_not(
    group,
):
    g, ben, ana = group["group"], group["ben"], group["ana"]
    pairing = _paired(g, ana, ben)
    view = welcome.pairing_of(g, _m(ben, g), pairing.id)
    welcome.end(view, NOW)
    assert [m.user for m in welcome.newcomers_without_contact(g, NOW)] == [ana]
    again = _paired(g, ana, ben)
    welcome.end(welcome.pairing_of(g, _m(ana, g), again.id), NOW)
    assert welcome.newcomers_without_contact(g, NOW) == []


def test_a_pairing_ends_by_itself_after_three_months_and_its_messages_go_30_days_later(
    app, client, login, group, frozen_clock
):
    g, ben, ana = group["group"], group["ben"], group["ana"]
    pairing = _paired(g, ana, ben)
    path = _thread(g, pairing)
    login(ana)
    client.post(path, data={"body": "Merci pour tout"})
    # On its last day it no longer takes messages, even before the purge runs.
    last = NOW + timedelta(days=90)
    frozen_clock(last)
    assert client.post(_thread(g, pairing), data={"body": "Encore"}).status_code == 409
    assert retention.purge(last).welcome_ended == 1
    db.session.commit()
    page = text_of(client.get(_thread(g, pairing)))
    assert t(app, "fr", "This welcome pairing has come to its end after three months.") in page
    assert "Merci pour tout" in page
    assert retention.purge(last + timedelta(days=29)).welcome_messages == 0
    report = retention.purge(last + timedelta(days=31))
    assert (report.welcome_ended, report.welcome_messages) == (0, 1)
    db.session.commit()
    assert _count(WelcomePairing) == 0
    assert client.get(path).status_code == 404


def test_the_groups_retention_period_deletes_older_welcome_messages(group):
    g, ben, ana = group["group"], group["ben"], group["ana"]
    pairing = _paired(g, ana, ben)
    g.retention_months = 1
    db.session.add_all(
        [
            WelcomeMessage(
                pairing_id=pairing.id, from_newcomer=True, body="Ancien", created_at=NOW
            ),
            WelcomeMessage(
                pairing_id=pairing.id,
                from_newcomer=False,
                body="Récent",
                created_at=NOW + timedelta(days=40),
            ),
        ]
    )
    db.session.commit()
    assert retention.purge(NOW + timedelta(days=45)).welcome_messages == 1
    db.session.commit()
    assert db.session.scalars(select(WelcomeMessage.body)).all() == ["Récent"]


# --- Accounts and privacy -----------------------------------------------------------


def test_my_data_holds_my_own_messages_and_not_the_others(client, login, group):
    g, ben, ana = group["group"], group["ben"], group["ana"]
    pairing = _paired(g, ana, ben)
    login(ana)
    client.post(_thread(g, pairing), data={"body": "Question d'Ana"})
    login(ben)
    client.post(_thread(g, pairing), data={"body": "Réponse de Ben"})
    data = client.get("/account/data.json").get_json()
    assert [m["text"] for m in data["welcome_messages"]] == ["Réponse de Ben"]
    assert data["welcome_messages"][0]["group"] == g.name
    assert data["memberships"][0]["willing_to_welcome"] is True
    page = text_of(client.get("/account/data"))
    assert "Réponse de Ben" in page and "Question d'Ana" not in page


def test_deleting_an_account_removes_its_pairings_and_messages(client, login, group):
    g, ben, ana = group["group"], group["ben"], group["ana"]
    pairing = _paired(g, ana, ben)
    login(ana)
    client.post(_thread(g, pairing), data={"body": "Bonjour"})
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    assert _count(WelcomeMessage) == 0
    assert _count(WelcomePairing) == 0


def test_leaving_the_group_ends_the_pairing_and_removes_its_messages(client, login, group):
    g, ben, ana = group["group"], group["ben"], group["ana"]
    pairing = _paired(g, ana, ben)
    login(ben)
    client.post(_thread(g, pairing), data={"body": "Bienvenue"})
    assert client.post(f"/groups/{g.id}/leave").status_code == 302
    assert _count(WelcomePairing) == 0
    assert _count(WelcomeMessage) == 0
    assert _count(OutboxMessage) >= 1  # the notice to Ana, which held no text


@pytest.mark.parametrize("lang", ["fr", "it", "de"])
@pytest.mark.parametrize("discreet", [False, True], ids=["named", "discreet"])
def test_the_welcome_emails_in_each_language_name_the_group_only_where_it_is_not_discreet(
    app, client, login, group, outbox, lang, discreet
):
    g, camille, ben, ana = group["group"], group["camille"], group["ben"], group["ana"]
    g.feed_title_mode = "discreet" if discreet else "full"
    ben.locale = ana.locale = lang
    db.session.commit()
    login(camille)
    assert _pair(client, g, ana, ben).status_code == 302
    pairing = db.session.scalar(select(WelcomePairing))
    login(ben)
    client.post(_thread(g, pairing), data={"body": "Bienvenue, Ana"})
    paired, notice = outbox
    assert paired["Subject"] == t(
        app, lang, "You are now the welcome contact of %(name)s", name="Ana"
    )
    assert (g.name in paired.get_content()) is not discreet
    assert notice["Subject"] == t(app, lang, "You have a new message in facilitator")
    assert g.name not in notice.get_content() and "Bienvenue" not in notice.get_content()
    for message in outbox:
        assert "%(" not in message.get_content()
        assert message.get_content().startswith(t(app, lang, "Hello %(name)s,", name="")[:5])
