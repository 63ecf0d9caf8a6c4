"""Polls: the group decides together, by secret or open ballot."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from facilitator import worker
from facilitator.blueprints.audit_text import audit_text
from facilitator.demo import DEMO_PASSWORD
from facilitator.extensions import db
from facilitator.models import (
    AuditEvent,
    Meeting,
    Poll,
    PollBallot,
    PollChoice,
    PollOpenVoter,
    PollOption,
)
from facilitator.services import clock, feeds, polls, privacy, unit
from facilitator.services.tokens import keyed_hash
from tests.conftest import (
    DIGEST,
    PASSWORD,
    TEST_DATABASE_URL,
    confirmed,
    count_queries,
    date_poll,
    text_of,
)
from tests.test_mail_privacy import lock_screen

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # a Thursday
QUESTION = "Quelle date pour notre pause estivale ?"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def scene(make_user, make_group, add_member, weekly_series):
    """Camille (co-responsible) and three members, Ana, Ben and Chloé, of a
    group that meets on Tuesdays."""
    camille = make_user("Camille")
    group = make_group(camille, name="Cercle Espoir Morges")
    weekly_series(group)
    people = {"camille": camille, "group": group}
    for name in ("Ana", "Ben", "Chloé"):
        people[name.lower()] = make_user(name)
        add_member(group, people[name.lower()])
    return people


def ask(scene, question=QUESTION, **fields) -> Poll:
    poll = polls.create(
        scene["group"], scene["camille"], date_poll(question, **fields), clock.now()
    )
    unit.commit()
    return poll


def as_user(app, user):
    """A client of its own, logged in as ``user`` (several people at once)."""
    client = app.test_client()
    assert (
        client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code
        == 302
    )
    return client


def url(poll, tail=""):
    return f"/groups/{poll.group_id}/polls/{poll.id}{tail}"


def vote(client, poll, *options):
    return client.post(url(poll, "/vote"), data={"choice": [str(o.id) for o in options]})


def form_of(question=QUESTION, **fields) -> dict:
    """What a co-responsible member types to ask for a date."""
    data = {
        "question": question,
        "options-0-day": "2027-03-02",
        "options-0-at": "19:00",
        "options-1-day": "2027-03-09",
        "options-1-at": "19:00",
        "answers": "several",
        "ballot": "secret",
        "results": "closed",
        "closes_on": "2026-12-10",
        "closes_time": "20:00",
    }
    data.update(fields)
    return {k: "" if v is None else v for k, v in data.items()}  # a browser sends empty fields


# --- asking ------------------------------------------------------------------------


def test_a_coresponsible_asks_the_group_to_choose_a_date(client, login, scene):
    login(scene["camille"])
    page = client.get(f"/groups/{scene['group'].id}/polls/new/dates")
    assert page.status_code == 200
    assert 'value="2026-12-10"' in text_of(page)  # a week from today
    response = client.post(f"/groups/{scene['group'].id}/polls/new/dates", data=form_of())
    assert response.status_code == 302
    poll = db.session.scalar(select(Poll))
    assert (poll.question, poll.kind, poll.multiple, poll.secret) == (QUESTION, "dates", True, True)
    assert [o.start for o in poll.options] == [datetime(2027, 3, 2, 19), datetime(2027, 3, 9, 19)]
    # 20:00 in Lausanne is 19:00 UTC in winter
    assert poll.closes_at == datetime(2026, 12, 10, 19, 0, tzinfo=UTC)
    page = text_of(client.get(response.headers["Location"]))
    assert QUESTION in page
    assert "mardi 2 mars 2027, 19:00" in page
    history = text_of(client.get(f"/groups/{scene['group'].id}/audit"))
    assert f"Camille a posé une question au groupe\xa0: «\xa0{QUESTION}\xa0»" in history


def test_the_group_page_leads_to_the_polls(client, login, scene):
    login(scene["ana"])
    page = text_of(client.get(f"/groups/{scene['group'].id}"))
    assert f'href="/groups/{scene["group"].id}/polls"' in page


def test_more_rows_keep_what_was_typed(client, login, scene):
    login(scene["camille"])
    response = client.post(
        f"/groups/{scene['group'].id}/polls/new/text",
        data={"question": "Quel thème ?", "options-0-label": "Le sommeil", "more": "1"},
    )
    assert response.status_code == 200
    page = text_of(response)
    assert 'value="Le sommeil"' in page
    assert 'id="options-5-label"' in page  # four rows and two more
    assert db.session.scalar(select(func.count()).select_from(Poll)) == 0


@pytest.mark.parametrize(
    ("kind", "fields", "field", "message"),
    [
        (
            "dates",
            {"options-0-day": None, "options-0-at": None},
            "options",
            "Proposez au moins deux options.",
        ),
        (
            "dates",
            {
                "options-0-day": None,
                "options-0-at": None,
                "options-1-day": None,
                "options-1-at": None,
            },
            "options",
            "Proposez au moins deux options.",
        ),
        ("dates", {"options-1-day": "2027-03-02"}, "options", "une seule fois"),
        ("dates", {"options-1-at": None}, "options", "un jour et une heure"),
        ("dates", {"options-1-day": "2026-11-30"}, "options", "date passée"),
        ("dates", {"closes_on": "2026-12-01"}, "closes_on", "une fin à venir"),
        ("dates", {"closes_on": "2028-01-10"}, "closes_on", "une année au plus"),
        ("dates", {"question": "x" * 10_000}, "question", "Utilisez au plus 200 caractères."),
        ("dates", {"question": "   "}, "question", "Ce champ est obligatoire."),
        ("dates", {"options-0-day": "2027-02-31"}, "options-0-day", "Saisissez une date réelle"),
        ("dates", {"ballot": "both"}, "ballot", "Choisissez une des options de la liste."),
        (
            "text",
            {"options-0-label": "Le sommeil", "options-1-label": " le  SOMMEIL "},
            "options",
            "une seule fois",
        ),
        ("text", {"options-0-label": "x" * 121, "options-1-label": "b"}, "options-0-label", "120"),
        (
            "periods",
            {
                "options-0-day": "2027-07-05",
                "options-0-last_day": "2027-07-01",
                "options-1-day": "2027-07-12",
                "options-1-last_day": "2027-08-08",
            },
            "options",
            "le dernier pas avant le premier",
        ),
    ],
)
def test_a_poll_that_cannot_be_asked_is_refused_at_the_field(
    client, login, scene, kind, fields, field, message
):
    login(scene["camille"])
    response = client.post(f"/groups/{scene['group'].id}/polls/new/{kind}", data=form_of(**fields))
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert f'href="#{field}"' in page  # the summary leads to the field
    assert db.session.scalar(select(func.count()).select_from(Poll)) == 0


def test_an_unknown_kind_of_poll_is_not_found(client, login, scene):
    login(scene["camille"])
    assert client.get(f"/groups/{scene['group'].id}/polls/new/colours").status_code == 404


def test_members_cannot_ask(client, login, scene):
    login(scene["ana"])
    response = client.post(f"/groups/{scene['group'].id}/polls/new/dates", data=form_of())
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Poll)) == 0


# --- answering ---------------------------------------------------------------------


def test_a_secret_answer_can_be_changed_and_taken_back(client, login, scene):
    poll = ask(scene, multiple=False)
    first, second = poll.options
    login(scene["ana"])
    response = vote(client, poll, first)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#vote")
    page = text_of(client.get(url(poll)))
    assert "Personne ne peut voir ce que vous avez choisi." in page
    assert re.search(rf'value="{first.id}" checked', page)
    vote(client, poll, second)  # Ana changes her mind
    assert db.session.scalars(select(PollChoice.option_id)).all() == [second.id]
    assert db.session.scalar(select(func.count()).select_from(PollBallot)) == 1
    client.post(url(poll, "/vote"), data={"withdraw": "1"})
    assert db.session.scalar(select(func.count()).select_from(PollBallot)) == 0
    assert db.session.scalar(select(func.count()).select_from(PollChoice)) == 0


def test_a_secret_ballot_is_kept_without_a_name(app, scene):
    """The database holds a keyed hash: the app, holding the key, recognises
    a member's ballot; the rows alone (or another key) name nobody."""
    poll = ask(scene)
    polls.vote(poll, scene["ana"], [poll.options[0].id], NOW)
    unit.commit()
    ballot = db.session.scalar(select(PollBallot))
    assert re.fullmatch(r"[0-9a-f]{64}", ballot.voter)
    assert db.session.scalar(select(func.count()).select_from(PollOpenVoter)) == 0
    assert ballot.voter == keyed_hash("poll", poll.id, scene["ana"].id)
    app.config["SECRET_KEY"], key = "another-key-" + "y" * 20, app.config["SECRET_KEY"]
    try:
        assert ballot.voter != keyed_hash("poll", poll.id, scene["ana"].id)
    finally:
        app.config["SECRET_KEY"] = key
    # Nor does it equal an attendance intention's hash of the same numbers.
    assert ballot.voter != keyed_hash(scene["ana"].id, poll.id)


def test_results_are_hidden_until_the_poll_closes(app, client, login, scene):
    poll = ask(scene)
    vote(as_user(app, scene["ana"]), poll, poll.options[0])
    login(scene["camille"])  # even from the co-responsible member who asked
    page = text_of(client.get(url(poll)))
    assert "Les résultats sont affichés une fois le sondage fermé" in page
    assert "1 réponse" not in page.split('id="results"')[1]
    assert "Réponses jusqu'ici" in page  # only how many answered


def test_live_results_show_counts_while_open(app, client, login, scene):
    poll = ask(scene, live_results=True)
    vote(as_user(app, scene["ana"]), poll, poll.options[0])
    vote(as_user(app, scene["ben"]), poll, poll.options[0], poll.options[1])
    login(scene["chloé"])
    results = text_of(client.get(url(poll))).split('id="results"')[1]
    assert "2 réponses" in results and "1 réponse" in results
    assert "Ana" not in results  # secret: counts, never names


def test_an_open_ballot_names_who_chose_what(app, client, login, scene, make_user):
    poll = ask(scene, secret=False, live_results=True)
    vote(as_user(app, scene["ana"]), poll, poll.options[0])
    vote(as_user(app, scene["ben"]), poll, poll.options[1])
    login(scene["chloé"])
    results = text_of(client.get(url(poll))).split('id="results"')[1]
    first, second = results.split("mardi 9 mars 2027")
    assert "Ana" in first and "Ben" not in first
    assert "Ben" in second
    # A deleted account's ballot still counts, as "a former member".
    privacy.delete_account(scene["ben"], PASSWORD)
    unit.commit()
    results = text_of(client.get(url(poll))).split('id="results"')[1]
    assert "un ancien membre" in results.split("mardi 9 mars 2027")[1]


def test_one_answer_polls_take_one_option(client, login, scene):
    poll = ask(scene, multiple=False)
    login(scene["ana"])
    response = vote(client, poll, *poll.options)
    assert response.status_code == 400
    assert "Choisissez une des options de la liste." in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(PollBallot)) == 0


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ([], "Cochez au moins une option."),
        (["nine"], "Choisissez une des options de la liste."),
        (["9" * 30], "Choisissez une des options de la liste."),
    ],
)
def test_a_bad_answer_is_refused_at_the_field(client, login, scene, choice, message):
    poll = ask(scene)
    login(scene["ana"])
    vote(client, poll, poll.options[0])
    response = client.post(url(poll, "/vote"), data={"choice": choice})
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert 'aria-describedby="choice-error"' in page
    # Her earlier answer is untouched.
    assert db.session.scalars(select(PollChoice.option_id)).all() == [poll.options[0].id]


def test_an_answer_for_an_option_of_another_poll_is_refused(client, login, scene):
    poll, other = ask(scene), ask(scene)
    login(scene["ana"])
    response = vote(client, poll, other.options[0])
    assert response.status_code == 400
    assert "Choisissez une des options de la liste." in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(PollBallot)) == 0


def test_the_database_refuses_a_choice_of_another_polls_option(scene):
    poll, other = ask(scene), ask(scene)
    db.session.add(PollBallot(poll_id=poll.id, voter="a" * 64))
    db.session.flush()
    db.session.add(PollChoice(poll_id=poll.id, voter="a" * 64, option_id=other.options[0].id))
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
        db.session.flush()
    unit.rollback()


@pytest.mark.parametrize("how", ["at its end", "closed early"])
def test_a_closed_poll_refuses_answers(client, login, scene, monkeypatch, how):
    poll = ask(scene)
    polls.vote(poll, scene["ana"], [poll.options[0].id], NOW)
    if how == "closed early":
        polls.close(scene["group"], poll, scene["camille"], NOW)
    else:
        monkeypatch.setattr(clock, "now", lambda: poll.closes_at)
    unit.commit()
    login(scene["ana"])
    for data in ({"choice": [str(poll.options[1].id)]}, {"withdraw": "1"}):
        response = client.post(url(poll, "/vote"), data=data)
        assert response.status_code == 409
        assert "Ce sondage est fermé" in text_of(response)
    assert db.session.scalars(select(PollChoice.option_id)).all() == [poll.options[0].id]
    page = text_of(client.get(url(poll)))
    assert 'name="choice"' not in page
    assert "Vous avez choisi\xa0: mardi 2 mars 2027, 19:00" in page


# --- closing, the history ----------------------------------------------------------


def test_closing_early_is_confirmed_first(client, login, scene):
    poll = ask(scene)
    login(scene["camille"])
    page = client.get(url(poll, "/close"))
    assert page.status_code == 200
    assert "Fermer le sondage maintenant\xa0?" in text_of(page)
    assert client.post(url(poll, "/close")).status_code == 200  # no "confirm": nothing yet
    assert db.session.get(Poll, poll.id).closed_at is None
    response = confirmed(client, url(poll, "/close"))
    assert response.status_code == 302
    assert db.session.get(Poll, poll.id).closed_at == NOW
    again = client.post(url(poll, "/close"), data={"confirm": "1"})
    assert again.status_code == 409
    assert "déjà fermé" in text_of(again)
    history = text_of(client.get(f"/groups/{scene['group'].id}/audit"))
    assert f"Camille a fermé le sondage «\xa0{QUESTION}\xa0» avant sa fin." in history


def test_a_closed_polls_result_stays_in_the_groups_history(app, client, login, scene):
    poll = ask(scene)
    for name in ("ana", "ben"):
        vote(as_user(app, scene[name]), poll, poll.options[1])
    vote(as_user(app, scene["chloé"]), poll, poll.options[0])
    polls.close(scene["group"], poll, scene["camille"], NOW)
    ask(scene)  # a second one, still open
    unit.commit()
    login(scene["chloé"])
    page = text_of(client.get(f"/groups/{scene['group'].id}/polls"))
    opened, decided = page.split("Sondages fermés")
    assert QUESTION in opened and QUESTION in decided
    assert "Choisie le plus souvent (2 réponses)\xa0: mardi 9 mars 2027, 19:00" in decided
    results = text_of(client.get(url(poll))).split('id="results"')[1]
    assert "Choisie le plus souvent (2 réponses)" in results


def _ended_events() -> list[AuditEvent]:
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "poll_ended").order_by(AuditEvent.id)
    ).all()


def test_a_poll_reaching_its_end_date_is_written_once_in_the_groups_history(
    app, client, login, scene, monkeypatch
):
    ended = ask(scene)
    later = ask(scene, "Et la sortie d'été ?", closes_on=date(2026, 12, 20))
    early = ask(scene, "Un thème pour janvier ?")
    polls.close(scene["group"], early, scene["camille"], NOW)
    polls.vote(ended, scene["ana"], [ended.options[1].id], NOW)
    unit.commit()
    assert worker.run_round(NOW).polls_ended == 0  # nothing has reached its end yet
    after = ended.closes_at + timedelta(minutes=3)
    monkeypatch.setattr(clock, "now", lambda: after)
    assert worker.run_round(after).polls_ended == 1
    assert worker.run_round(after + timedelta(minutes=15)).polls_ended == 0  # once only
    (event,) = _ended_events()
    assert event.created_at == ended.closes_at and event.actor_id is None  # dated at its end
    assert event.details == {"poll": ended.id, "question": QUESTION}
    assert db.session.get(Poll, later.id).closed_at is None
    login(scene["camille"])
    history = text_of(client.get(f"/groups/{scene['group'].id}/audit"))
    assert f"Le sondage «\xa0{QUESTION}\xa0» s'est fermé à sa date de fin." in history
    assert history.count(QUESTION) == 2  # asked, then ended
    assert history.count("Un thème pour janvier ?") == 2  # asked, closed early: no end
    client.post("/auth/logout")
    login(scene["ben"])
    result = text_of(client.get(url(ended))).split('id="results"')[1]
    assert "Choisie le plus souvent (1 réponse)" in result  # results as before the entry
    page = text_of(client.get(f"/groups/{scene['group'].id}/polls"))
    assert QUESTION in page.split("Sondages fermés")[1]


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fr", "Le sondage «\xa0Q\xa0» s'est fermé à sa date de fin."),
        ("it", "Il sondaggio «Q» si è chiuso alla sua scadenza."),
        ("de", "Die Umfrage «Q» wurde an ihrem Enddatum geschlossen."),
    ],
)
def test_the_end_of_a_poll_is_told_in_the_readers_language(app, language, sentence):
    event = AuditEvent(action="poll_ended", details={"poll": 1, "question": "Q"})
    with app.test_request_context(), force_locale(language):
        assert audit_text(event) == sentence


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="parallel workers need PostgreSQL")
@pytest.mark.parametrize("how", ["record_ended", "run_round"])
def test_workers_at_once_write_each_polls_end_once(app, scene, how):
    asked = [ask(scene, f"Question {n} ?") for n in range(3)]
    after = max(p.closes_at for p in asked) + timedelta(minutes=1)
    db.session.remove()
    barrier = threading.Barrier(4)

    def one_worker(_):
        with app.app_context():
            barrier.wait()
            if how == "run_round":
                return worker.run_round(after).polls_ended or 0
            written = polls.record_ended(after)
            unit.commit()
            return written

    with ThreadPoolExecutor(4) as pool:
        counts = list(pool.map(one_worker, range(4)))
    assert sum(counts) == 3
    assert sorted(e.details["poll"] for e in _ended_events()) == sorted(p.id for p in asked)


# --- reminding ---------------------------------------------------------------------


def test_one_reminder_goes_to_those_who_have_not_answered(app, client, login, scene, outbox):
    poll = ask(scene)
    vote(as_user(app, scene["ana"]), poll, poll.options[0])
    login(scene["camille"])
    page = text_of(client.get(url(poll, "/remind")))
    assert "2 membres recevront un e-mail" in page  # Ben and Chloé; not Camille herself
    assert "Ana" not in page and "Ben" not in page
    response = confirmed(client, url(poll, "/remind"))
    assert response.status_code == 302
    assert sorted(m["To"] for m in outbox) == sorted([scene["ben"].email, scene["chloé"].email])
    for message in outbox:
        assert message["Subject"] == "Un sondage de Cercle Espoir Morges attend votre réponse"
        body = message.get_content()
        assert QUESTION in body
        assert "Ana" not in body and "Camille" not in body
        assert "2 mars" not in body  # nothing of the options, nor of any answer
    assert "2 personnes vont être averties par e-mail." in text_of(client.get(url(poll)))
    # Once per poll.
    again = client.post(url(poll, "/remind"), data={"confirm": "1"})
    assert again.status_code == 409
    assert "ont déjà reçu un rappel" in text_of(again)
    assert len(outbox) == 2


@pytest.mark.parametrize(
    ("step", "before", "now"),
    [
        ("/close", "1 membre a répondu", "2 membres ont répondu"),
        ("/remind", "2 membres recevront", "1 membre recevra"),
    ],
)
def test_a_confirmation_of_what_is_no_longer_true_shows_the_page_again(
    app, client, login, scene, outbox, step, before, now
):
    poll = ask(scene)
    vote(as_user(app, scene["ana"]), poll, poll.options[0])
    login(scene["camille"])
    shown = client.get(url(poll, step))
    assert before in text_of(shown)
    digest = DIGEST.search(shown.get_data(as_text=True)).group(1)
    vote(as_user(app, scene["ben"]), poll, poll.options[1])  # meanwhile
    late = client.post(url(poll, step), data={"confirm": "1", "digest": digest})
    assert late.status_code == 409
    assert now in text_of(late) and "quelque chose a changé" in text_of(late)
    db.session.expire_all()
    assert db.session.get(Poll, poll.id).closed_at is None and outbox == []
    assert confirmed(client, url(poll, step)).status_code == 302


def test_nobody_is_reminded_when_everybody_answered(app, client, login, scene, outbox):
    poll = ask(scene)
    for name in ("ana", "ben", "chloé"):
        vote(as_user(app, scene[name]), poll, poll.options[0])
    login(scene["camille"])
    assert "Tout le monde a répondu" in text_of(client.get(url(poll, "/remind")))
    client.post(url(poll, "/remind"), data={"confirm": "1"})
    assert outbox == []
    assert db.session.get(Poll, poll.id).reminded_at is None  # still there for a newcomer


def test_a_closed_poll_cannot_be_reminded(client, login, scene, outbox):
    poll = ask(scene)
    polls.close(scene["group"], poll, scene["camille"], NOW)
    unit.commit()
    login(scene["camille"])
    assert client.get(url(poll, "/remind")).status_code == 409
    assert client.post(url(poll, "/remind"), data={"confirm": "1"}).status_code == 409
    assert outbox == []


@pytest.mark.parametrize("lang", ["fr", "it", "de"])
def test_a_discreet_groups_reminder_keeps_the_group_and_question_off_the_lock_screen(
    scene, outbox, lang
):
    group = scene["group"]
    group.feed_title_mode = "discreet"
    scene["ben"].locale = lang
    poll = ask(scene)
    polls.vote(poll, scene["ana"], [poll.options[0].id], NOW)
    polls.vote(poll, scene["chloé"], [poll.options[0].id], NOW)
    polls.remind(group, poll, scene["camille"], NOW, "https://facilitator.test/p")
    unit.commit()
    (message,) = outbox
    assert message["To"] == scene["ben"].email
    assert group.name not in lock_screen(message)
    assert QUESTION not in message.get_content()  # a discreet group's question stays in the app
    assert group.name in message.get_content()  # at the end, beside the link


# --- the winner becomes a meeting or a pause -------------------------------------


def closed_with_votes(scene, **fields) -> Poll:
    poll = ask(scene, **fields)
    polls.vote(poll, scene["ana"], [poll.options[1].id], NOW)
    polls.vote(poll, scene["ben"], [o.id for o in poll.options], NOW)
    polls.close(scene["group"], poll, scene["camille"], NOW)
    unit.commit()
    return poll


def test_the_date_chosen_becomes_a_meeting_in_one_step(client, login, scene):
    poll = closed_with_votes(scene)
    winner = poll.options[1]
    login(scene["camille"])
    page = text_of(client.get(url(poll)))
    action = url(poll, f"/options/{winner.id}/meeting")
    assert f'href="{action}"' in page
    assert f'href="{url(poll, f"/options/{poll.options[0].id}/meeting")}"' not in page
    form = text_of(client.get(action))
    assert "mardi 9 mars 2027, 19:00" in form
    assert 'value="21:00"' in form  # as long as the group's regular meetings
    response = client.post(action, data={"end_time": "21:00", "location": "Salle B"})
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting).where(Meeting.series_id.is_(None)))
    assert (meeting.start, meeting.duration_minutes, meeting.location) == (
        datetime(2027, 3, 9, 19),
        120,
        "Salle B",
    )
    assert not meeting.title  # the question stays out of calendars
    assert db.session.get(Poll, poll.id).meeting_id == meeting.id
    assert response.headers["Location"].endswith(f"/meetings/m{meeting.id}")
    # Once only: a second press plans nothing more.
    again = client.post(action, data={"end_time": "21:00", "location": "Salle B"})
    assert again.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert {"meeting_created", "poll_decided"} <= set(actions)


@pytest.mark.parametrize("discreet", [False, True])
def test_the_question_never_goes_into_a_calendar_feed(client, login, scene, discreet):
    scene["group"].feed_title_mode = "discreet" if discreet else "full"
    poll = closed_with_votes(scene)
    login(scene["camille"])
    client.post(
        url(poll, f"/options/{poll.options[1].id}/meeting"),
        data={"end_time": "21:00", "location": ""},
    )
    _link, token = feeds.create(scene["camille"], "phone", group=scene["group"])
    unit.commit()
    calendar = client.get(f"/feeds/{token}.ics").get_data(as_text=True)
    assert "20270309T190000" in calendar
    assert "pause estivale" not in calendar.replace("\r\n ", "")


def test_only_a_closed_polls_leading_date_becomes_a_meeting(client, login, scene):
    poll = ask(scene)
    login(scene["camille"])
    still_open = client.get(url(poll, f"/options/{poll.options[0].id}/meeting"))
    assert still_open.status_code == 409
    assert "encore ouvert" in text_of(still_open)
    polls.vote(poll, scene["ana"], [poll.options[1].id], NOW)
    polls.close(scene["group"], poll, scene["camille"], NOW)
    unit.commit()
    behind = client.post(
        url(poll, f"/options/{poll.options[0].id}/meeting"), data={"end_time": "21:00"}
    )
    assert behind.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_the_meetings_end_must_come_after_its_start(client, login, scene):
    poll = closed_with_votes(scene)
    login(scene["camille"])
    response = client.post(
        url(poll, f"/options/{poll.options[1].id}/meeting"), data={"end_time": "18:00"}
    )
    assert response.status_code == 400
    assert "La rencontre doit se terminer après son début." in text_of(response)
    assert db.session.get(Poll, poll.id).meeting_id is None


def test_the_period_chosen_leads_to_the_pause_form_filled_in(client, login, scene):
    poll = closed_with_votes(
        scene,
        kind="periods",
        options=[
            polls.OptionData(day=date(2027, 7, 5), last_day=date(2027, 8, 15)),
            polls.OptionData(day=date(2027, 7, 12), last_day=date(2027, 8, 22)),
        ],
    )
    login(scene["camille"])
    page = text_of(client.get(url(poll)))
    assert "lundi 12 juillet 2027 au dimanche 22 août 2027" in page
    link = re.search(r'href="(/groups/\d+/series/\d+/pause\?[^"]+)"', page).group(1)
    assert "first=2027-07-12" in link and "last=2027-08-22" in link
    form = text_of(client.get(link))
    assert 'value="2027-07-12"' in form and 'value="2027-08-22"' in form


# --- who sees what -----------------------------------------------------------------


def test_a_member_sees_no_co_responsible_actions(client, login, scene):
    poll = ask(scene)
    login(scene["ana"])
    page = text_of(client.get(url(poll)))
    assert url(poll, "/close") not in page and url(poll, "/remind") not in page
    assert client.get(url(poll, "/close")).status_code == 403


def test_a_poll_of_another_group_is_not_found(client, login, scene, make_group):
    poll = ask(scene)
    other = make_group(scene["camille"], name="Autre groupe")
    unit.commit()
    login(scene["camille"])
    assert client.get(f"/groups/{other.id}/polls/{poll.id}").status_code == 404


def test_deleting_the_group_deletes_its_polls(scene):
    poll = ask(scene)
    polls.vote(poll, scene["ana"], [poll.options[0].id], NOW)
    privacy.delete_group(scene["group"])
    unit.commit()
    for model in (Poll, PollOption, PollBallot, PollChoice):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


def _ballot(poll: Poll, user, option: PollOption) -> None:
    """A ballot written straight into the tables (the poll may be closed)."""
    voter = polls.voter_of(poll, user)
    db.session.add(PollBallot(poll_id=poll.id, voter=voter))
    db.session.flush()
    db.session.add(PollChoice(poll_id=poll.id, voter=voter, option_id=option.id))
    if not poll.secret:
        db.session.add(PollOpenVoter(poll_id=poll.id, voter=voter, user_id=user.id))


@pytest.mark.parametrize(
    ("path", "statements"),
    [("/polls", 7), ("/polls/{closed}", 7), ("/polls/{live}", 7), ("/polls/{secret}", 6)],
)
def test_the_poll_pages_run_as_many_statements_for_many_answers_as_for_few(
    client, login, scene, make_user, add_member, path, statements
):
    closed = closed_with_votes(scene, secret=False)
    live = ask(scene, secret=False, live_results=True)
    secret = ask(scene)
    login(scene["camille"])
    path = f"/groups/{scene['group'].id}" + path.format(
        closed=closed.id, live=live.id, secret=secret.id
    )
    before = count_queries(client, path)
    for n in range(15):
        user = make_user(f"Membre {n}")
        add_member(scene["group"], user)
        for poll in (closed, live, secret):
            _ballot(poll, user, poll.options[n % 2])
    after = count_queries(client, path)
    assert (before, after) == (statements, statements)


def test_the_demo_has_an_open_secret_poll_for_camille_to_answer(app, client):
    assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
    poll = db.session.scalar(select(Poll))
    assert poll.secret and poll.is_open(NOW) and poll.kind == "dates"
    assert db.session.scalar(select(func.count()).select_from(PollBallot)) == 2
    assert db.session.scalar(select(func.count()).select_from(PollOpenVoter)) == 0
    client.post(
        "/auth/login", data={"email": "camille@demo.example.org", "password": DEMO_PASSWORD}
    )
    page = text_of(client.get(f"/groups/{poll.group_id}/polls"))
    assert "pause d'été" in page
    assert "En attente de votre réponse" in page


def test_a_question_keeps_its_no_break_spaces(client, login, scene):
    login(scene["camille"])
    client.post(
        f"/groups/{scene['group'].id}/polls/new/dates",
        data=form_of(question="Quand  faire\tla pause\xa0?\r\nBcc: x@example.org"),
    )
    poll = db.session.scalar(select(Poll))
    assert poll.question == "Quand faire la pause\xa0? Bcc: x@example.org"


def test_my_data_holds_my_own_answers_and_nobody_elses(client, login, scene):
    secret, named = ask(scene), ask(scene, secret=False, question="Quel thème ?")
    polls.vote(secret, scene["ana"], [secret.options[1].id], NOW)
    polls.vote(named, scene["ana"], [named.options[0].id], NOW)
    polls.vote(named, scene["ben"], [named.options[1].id], NOW)
    unit.commit()
    login(scene["ana"])
    answers = client.get("/account/data.json").get_json()["poll_answers"]
    assert answers == [
        {
            "group": "Cercle Espoir Morges",
            "question": QUESTION,
            "secret": True,
            "answer": ["2027-03-09T19:00:00"],
        },
        {
            "group": "Cercle Espoir Morges",
            "question": "Quel thème ?",
            "secret": False,
            "answer": ["2027-03-02T19:00:00"],
        },
    ]
    page = text_of(client.get("/account/data"))
    assert "Vote secret\xa0: mardi 9 mars 2027, 19:00" in page
