"""The meeting's shape: the usual outline, a meeting's theme and outline, and
the facilitator's printable card."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from facilitator.extensions import db
from facilitator.models import Meeting
from facilitator.services import charter, feeds, notifications, roles, schedule, unit
from tests.conftest import EVENING_NOW, t, text_of

NOW = EVENING_NOW
THEME = "Parler du deuil à ses enfants"


@pytest.fixture
def setup(evening, make_user, add_member):
    """The shared evening, where Ana holds its first role and Ben is a member."""
    s = evening
    s["ben"] = make_user("Ben")
    add_member(s["group"], s["ben"])
    occurrence = schedule.find(s["group"], s["key"])
    roles.assign(s["group"], s["owner"], occurrence, s["role"], 0, s["ana_m"], NOW)
    db.session.commit()
    return s


def _stored(s) -> Meeting | None:
    return schedule.find(s["group"], s["key"]).meeting


def test_the_card_lays_out_the_usual_outline_with_clock_times_roles_and_next_dates(
    client, login, setup
):
    s = setup
    login(s["ana"])
    page = client.get(f"{s['base']}/card")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    text = text_of(page)
    assert "19:00–19:15</th><td>Tour de table d'ouverture" in text
    assert "19:15–20:30</th><td>Le thème de la soirée" in text
    assert "20:30–20:40</th><td>Pause" in text
    assert "20:40–21:00</th><td>Tour de table de clôture et prochaines dates" in text
    assert "<bdi>Ana</bdi>" in body  # the roles of the evening, names isolated
    dates = text.split("Prochaines dates")[1]
    assert "22 septembre 2026" in dates and "6 octobre 2026" in dates
    assert "13 octobre 2026" not in dates  # three dates only
    assert "<script" not in body


def test_the_card_shows_the_charters_key_rules_in_the_groups_language(app, client, login, setup):
    s = setup
    login(s["ana"])
    text = text_of(client.get(f"{s['base']}/card"))
    rules = text.split(t(app, "fr", "Key rules of our charter"))[1].split("Prochaines dates")[0]
    assert "<li>Ce qui se dit dans le groupe reste dans le groupe.</li>" in rules
    assert "sans interrompre" in rules and "pas de conseils" in rules
    assert rules.count("<li>") == 5
    assert "à l'heure" not in text  # the other rules stay on the charter's page
    assert t(app, "fr", "Change the charter") not in text


def test_a_charter_marking_no_rule_gives_its_parts_and_co_responsibles_learn_how_to_mark_them(
    app, client, login, setup
):
    s = setup
    unmarked = charter.template_text("fr").replace("- **", "- ").replace(".**", ".")
    charter.revise(s["group"], s["owner"], unmarked, must_reread=False, base=1)
    db.session.commit()
    login(s["owner"])
    text = text_of(client.get(f"{s['base']}/card"))
    parts = text.split(t(app, "fr", "Our charter"))[1].split("Prochaines dates")[0]
    assert "<li>Confidentialité</li>" in parts and parts.count("<li>") == 4
    assert t(app, "fr", "Change the charter") in text
    own = "**Nos règles**\n\n- **Pas de <b>téléphone</b> pendant la rencontre.** Merci."
    charter.revise(s["group"], s["owner"], own, must_reread=True, base=2)
    db.session.commit()
    body = client.get(f"{s['base']}/card").get_data(as_text=True)
    assert "<li>Pas de &lt;b&gt;téléphone&lt;/b&gt; pendant la rencontre.</li>" in body
    assert "Confidentialité" not in body and "Nos règles" not in body
    assert t(app, "fr", "Change the charter") not in body


def test_a_role_holder_sets_the_theme_and_members_see_it_on_the_meeting_page(client, login, setup):
    s = setup
    login(s["ana"])
    response = client.post(
        f"{s['base']}/shape", data={"theme": THEME, "outline": "10 Accueil\nÉchange"}
    )
    assert response.status_code == 302
    assert _stored(s).theme == THEME and _stored(s).outline == "10 Accueil\nÉchange"
    card = text_of(client.get(f"{s['base']}/card"))
    assert THEME in card and "19:10–21:00</th><td>Échange" in card
    client.post("/auth/logout")
    login(s["ben"])
    assert THEME in text_of(client.get(s["base"]))


def test_the_usual_outline_given_back_or_emptied_follows_the_group_again(client, login, setup):
    s = setup
    login(s["owner"])
    form = client.get(f"{s['base']}/shape")
    assert "Tour de table d'ouverture" in text_of(form)
    client.post(f"{s['base']}/shape", data={"theme": "", "outline": ""})
    assert _stored(s).outline is None and _stored(s).theme is None
    assert client.post(f"/groups/{s['group'].id}/outline", data={"outline": "30 Ronde\nSuite"})
    db.session.refresh(s["group"])
    assert s["group"].outline == "30 Ronde\nSuite"
    assert "19:30–21:00</th><td>Suite" in text_of(client.get(f"{s['base']}/card"))


def test_a_member_without_a_role_here_neither_prints_the_card_nor_sets_the_theme(
    client, login, setup
):
    s = setup
    login(s["ben"])
    assert client.get(f"{s['base']}/card").status_code == 403
    assert client.post(f"{s['base']}/shape", data={"theme": "x"}).status_code == 403
    assert "Fiche d'animation" not in text_of(client.get(s["base"]))
    assert _stored(s).theme is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"theme": "x" * 10_000, "outline": ""}, "theme", "Utilisez au plus 120 caractères."),
        ({"theme": "ok", "outline": "999 Tour"}, "outline", "Ligne 1\u202f: les minutes"),
        (
            {"theme": "ok", "outline": "\n".join(f"5 P{i}" for i in range(13))},
            "outline",
            "Utilisez au plus 12 parties.",
        ),
        ({"theme": "ok", "outline": "x" * 10_000}, "outline", "Utilisez au plus 1000 caractères."),
    ],
)
def test_bad_input_gets_a_message_at_the_field_and_nothing_changes(
    client, login, setup, data, field, message
):
    s = setup
    login(s["ana"])
    response = client.post(f"{s['base']}/shape", data=data)
    assert response.status_code == 400
    page = text_of(response)
    assert f'id="{field}-error"' in page
    assert message in page.split(f'id="{field}-error"')[1]
    assert _stored(s).theme is None


def test_a_bad_usual_outline_is_refused_at_the_field(client, login, setup):
    s = setup
    login(s["owner"])
    response = client.post(f"/groups/{s['group'].id}/outline", data={"outline": "0 Rien"})
    assert response.status_code == 400 and 'id="outline-error"' in text_of(response)
    db.session.refresh(s["group"])
    assert s["group"].outline == ""


def test_a_theme_never_reaches_a_calendar_feed_nor_a_reminder(client, login, setup, outbox):
    s = setup
    login(s["ana"])
    client.post(f"{s['base']}/shape", data={"theme": THEME, "outline": ""})
    _f, personal = feeds.create(s["ana"], "phone")
    _f, group_feed = feeds.create(s["owner"], "phone", group=s["group"])
    unit.commit()
    for token in (personal, group_feed):
        feed = client.get(f"/feeds/{token}.ics")
        assert feed.status_code == 200
        assert "deuil" not in feed.get_data(as_text=True)
    notifications.send_reminders(datetime(2026, 9, 14, 8, tzinfo=UTC), lambda g, k: "https://x")
    unit.commit()
    assert outbox and all("deuil" not in m["Subject"] for m in outbox)
    assert all("deuil" not in m.get_content() for m in outbox)


LINK = "https://meet.jit.si/ProchesAidantsLausanne"


def test_the_groups_usual_online_link_shows_to_members_on_each_meeting_page(client, login, setup):
    s = setup
    login(s["owner"])
    response = client.post(
        f"/groups/{s['group'].id}/outline", data={"outline": "", "online_link": LINK}
    )
    assert response.status_code == 302
    client.post("/auth/logout")
    login(s["ben"])
    body = client.get(s["base"]).get_data(as_text=True)
    assert f'<a href="{LINK}" rel="noopener noreferrer">' in body


def test_a_meeting_has_its_own_link_or_none_this_time(client, login, setup):
    s = setup
    s["group"].online_link = LINK
    db.session.commit()
    login(s["ana"])
    own = "https://us02web.zoom.us/j/123?pwd=abc"
    client.post(f"{s['base']}/shape", data={"theme": "", "outline": "", "online_link": own})
    assert _stored(s).online_link == own
    assert own in text_of(client.get(s["base"])) and LINK not in text_of(client.get(s["base"]))
    client.post(f"{s['base']}/shape", data={"theme": "", "outline": "", "online_link": ""})
    assert _stored(s).online_link == ""
    assert "meet.jit.si" not in text_of(client.get(s["base"]))
    client.post(f"{s['base']}/shape", data={"theme": "", "outline": "", "online_link": LINK})
    assert _stored(s) is None or _stored(s).online_link is None  # the group's again


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("http://meet.jit.si/x", "Le lien doit commencer par https://"),
        ("javascript:alert(1)", "Le lien doit commencer par https://"),
        ("https://user:pw@meet.jit.si/x", "Saisissez un lien qui commence par https://"),
        ("https://" + "a" * 400 + ".ch", "Utilisez au plus 300 caractères."),
    ],
)
def test_a_bad_link_is_refused_at_the_field_and_nothing_changes(
    client, login, setup, link, message
):
    s = setup
    login(s["owner"])
    for url, data in (
        (f"{s['base']}/shape", {"theme": "ok", "outline": "", "online_link": link}),
        (f"/groups/{s['group'].id}/outline", {"outline": "", "online_link": link}),
    ):
        response = client.post(url, data=data)
        assert response.status_code == 400
        page = text_of(response)
        assert message in page.split('id="online_link-error"')[1]
    db.session.refresh(s["group"])
    assert s["group"].online_link == "" and _stored(s).theme is None


def test_the_service_refuses_a_bad_link_too(setup):
    from facilitator.services import meeting_shape

    s = setup
    with pytest.raises(meeting_shape.BadLink):
        meeting_shape.set_group_defaults(s["group"], s["owner"], "", "http://x.ch")


def test_an_online_link_never_reaches_a_feed_an_email_or_an_outsider(
    client, login, setup, outbox, make_user
):
    s = setup
    s["group"].online_link = LINK
    s["group"].feed_title_mode = "discreet"
    db.session.commit()
    _f, personal = feeds.create(s["ana"], "phone")
    _f, group_feed = feeds.create(s["owner"], "phone", group=s["group"])
    unit.commit()
    for token in (personal, group_feed):
        assert "jit.si" not in client.get(f"/feeds/{token}.ics").get_data(as_text=True)
    login(s["ana"])
    ics = client.get(f"{s['base']}.ics")
    assert ics.status_code == 200 and "jit.si" not in ics.get_data(as_text=True)
    client.post("/auth/logout")
    notifications.send_reminders(datetime(2026, 9, 14, 8, tzinfo=UTC), lambda g, k: "https://x")
    unit.commit()
    assert outbox and all("jit.si" not in m.as_string() for m in outbox)
    login(make_user("Outsider"))
    assert client.get(s["base"]).status_code == 404
    client.post("/auth/logout")
    assert "jit.si" not in client.get(s["base"]).get_data(as_text=True)
