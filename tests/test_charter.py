"""The group's charter: a new group starts from the usual rules in its
language, members agree to it when they join and after each change in
substance, co-responsible members change it, see its versions and who has
not read it, and review it once a year."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.models import (
    AuditEvent,
    Charter,
    CharterAcknowledgement,
    CharterVersion,
    Invitation,
    Membership,
    User,
)
from facilitator.models.charter import TEXT_MAX
from facilitator.services import charter, clock, invitations, jobs, unit
from facilitator.worker import run_round
from tests.conftest import AGREED, PASSWORD, link_in, t, text_of

LANGUAGES = ["fr", "it", "de"]
HEADINGS = {"fr": "Confidentialité", "it": "Riservatezza", "de": "Vertraulichkeit"}
RULE = "**Pour notre groupe**\n\n- Nous commençons à 19 h précises."


def _membership(user, group) -> Membership:
    return db.session.scalar(Membership.select_for(user.id, group.id))


def _versions(group) -> int:
    return db.session.scalar(
        select(func.count()).select_from(CharterVersion).where(CharterVersion.group_id == group.id)
    )


def _agreed(user, group) -> int | None:
    row = db.session.get(CharterAcknowledgement, _membership(user, group).id)
    return row.number if row else None


@pytest.fixture
def group_of_three(make_user, make_group, add_member):
    """Camille (co-responsible), Ana and Ben, in a French-speaking group."""
    camille = make_user("Camille")
    group = make_group(camille)
    ana, ben = make_user("Ana"), make_user("Ben")
    add_member(group, ana)
    add_member(group, ben)
    return group, camille, ana, ben


def _change(client, group, text, *, must_reread, base=None):
    data = {"text": text, "base": str(base if base is not None else _current(group))}
    if must_reread:
        data["must_reread"] = "y"
    return client.post(f"/groups/{group.id}/charter/edit", data=data)


def _current(group) -> int:
    db.session.expire_all()
    return db.session.get(Charter, group.id).current_number


# --- A new group, in its language ---------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_new_group_starts_with_the_usual_charter_in_its_language(
    app, client, login, make_user, make_group, language
):
    owner = make_user("Owner", locale="fr")
    group = make_group(owner, language=language)
    login(owner)
    page = text_of(client.get(f"/groups/{group.id}/charter"))
    # the rules in the group's language, whatever the reader's language
    assert HEADINGS[language] in page
    assert f'lang="{language}-CH"' in page
    assert "<strong>" in client.get(f"/groups/{group.id}/charter").get_data(as_text=True)
    assert t(
        app, "fr", "The usual rules of a self-help group, as the group started with them."
    ) in (page)
    # nobody is asked to confirm the template: no banner, no count
    assert t(app, "fr", "Nobody is asked to confirm this version.") in page
    group_page = text_of(client.get(f"/groups/{group.id}"))
    assert "charter-notice" not in group_page
    assert "n'ont pas encore lu" not in group_page


def test_the_template_covers_the_usual_rules_of_self_help_groups(app):
    with app.test_request_context():
        text = charter.template_text("fr")
    for rule in (
        "Ce qui se dit dans le groupe reste dans le groupe.",
        "Qui vient au groupe reste aussi dans le groupe",
        "«\u00a0je\u00a0»",
        "sans interrompre",
        "pas de conseils, sauf si quelqu'un en demande",
        "à l'heure",
        "nous le disons à l'avance",
        "par consensus",
    ):
        assert rule in text
    assert len(text) < TEXT_MAX


# --- Joining: the invitation shows the charter, joining agrees to it ----------


def test_the_invitation_shows_the_charter_in_the_groups_language(
    app, client, make_user, make_group
):
    owner = make_user("Giulia", locale="it")
    group = make_group(owner, name="Gruppo lutto Lugano", language="it", canton="TI")
    _invitation, token = invitations.create_invitation(group, owner, 7, None)
    unit.commit()
    page = text_of(client.get(f"/invite/{token}", headers={"Accept-Language": "de"}))
    assert t(app, "it", "The group's charter") in page
    assert "Quello che si dice nel gruppo resta nel gruppo." in page
    assert t(app, "it", "You will be asked to agree to the charter when you join.") in page


def test_joining_without_ticking_the_box_is_refused_at_the_field_and_nothing_is_saved(
    app, client, login, make_user, make_group, outbox
):
    owner = make_user("Owner")
    group = make_group(owner)
    _invitation, token = invitations.create_invitation(group, owner, 7, None)
    newcomer = make_user("Luca")
    login(newcomer)
    response = client.post(f"/invite/{token}", data={"version": "1"})
    assert response.status_code == 400
    page = text_of(response)
    message = t(app, "fr", "Tick the box to say that you have read the charter and agree to it.")
    assert f'<p class="error-text" id="agree-error">{message}</p>' in page
    assert 'aria-invalid="true"' in page
    assert _membership(newcomer, group) is None
    assert db.session.scalar(select(Invitation.uses)) == 0
    assert outbox == []


def test_joining_records_the_agreement_to_the_current_version(client, login, make_user, make_group):
    owner = make_user("Owner")
    group = make_group(owner)
    _invitation, token = invitations.create_invitation(group, owner, 7, None)
    newcomer = make_user("Luca")
    login(newcomer)
    response = client.post(f"/invite/{token}", data=AGREED)
    assert response.location == f"/groups/{group.id}/welcome"
    assert _agreed(newcomer, group) == 1
    page = text_of(client.get(f"/groups/{group.id}/charter"))
    assert "Vous l'avez acceptée le" in page


def test_a_change_in_substance_while_a_newcomer_reads_asks_them_to_read_it_again(
    app, client, login, make_user, make_group
):
    owner = make_user("Owner")
    group = make_group(owner)
    _invitation, token = invitations.create_invitation(group, owner, 7, None)
    charter.revise(group, owner, RULE, must_reread=True, base=1)
    newcomer = make_user("Luca")
    login(newcomer)
    response = client.post(f"/invite/{token}", data=AGREED)  # shown version 1
    assert response.status_code == 409
    page = text_of(response)
    assert (
        t(
            app,
            "fr",
            "The charter has just been changed. Please read the new version, "
            "then tick the box again.",
        )
        in page
    )
    assert "Nous commençons à 19 h précises." in page  # the new version is shown
    assert 'name="version" type="hidden" value="2"' in page
    assert _membership(newcomer, group) is None
    assert client.post(f"/invite/{token}", data={"agree": "y", "version": "2"}).status_code == 302
    assert _agreed(newcomer, group) == 2


def test_a_small_change_while_a_newcomer_reads_needs_no_new_reading(
    client, login, make_user, make_group
):
    owner = make_user("Owner")
    group = make_group(owner)
    _invitation, token = invitations.create_invitation(group, owner, 7, None)
    charter.revise(group, owner, RULE, must_reread=False, base=1)
    newcomer = make_user("Luca")
    login(newcomer)
    assert client.post(f"/invite/{token}", data=AGREED).status_code == 302
    assert _agreed(newcomer, group) == 2  # the current version


def _registration_link(app, outbox, token) -> str:
    visitor = app.test_client()
    visitor.post("/auth/register", data={"email": "nuova@example.org", "invitation": token})
    return visitor, link_in(outbox[-1])


def test_registering_from_an_invitation_shows_the_charter_and_asks_to_agree(
    app, outbox, make_user, make_group
):
    owner = make_user("Giulia", locale="it")
    group = make_group(owner, language="it", canton="TI")
    _invitation, token = invitations.create_invitation(group, owner, 7, None)
    unit.commit()
    visitor, finish = _registration_link(app, outbox, token)
    page = text_of(visitor.get(finish))
    assert "Quello che si dice nel gruppo resta nel gruppo." in page
    assert t(app, "it", "I have read the charter and agree to it") in page
    account = {"display_name": "Nuova", "password": PASSWORD, "confirm": PASSWORD}
    refused = visitor.post(finish, data={**account, "language": "it", "version": "1"})
    assert refused.status_code == 400
    message = t(app, "it", "Tick the box to say that you have read the charter and agree to it.")
    assert message in text_of(refused)
    assert db.session.scalar(User.select_by_email("nuova@example.org")) is None  # nothing saved
    joined = visitor.post(finish, data={**account, "language": "it", **AGREED})
    assert joined.location == f"/groups/{group.id}/welcome"
    user = db.session.scalar(User.select_by_email("nuova@example.org"))
    assert _agreed(user, group) == 1


def test_registering_while_the_charter_changed_in_substance_saves_nothing(
    app, outbox, make_user, make_group
):
    owner = make_user("Owner")
    group = make_group(owner)
    _invitation, token = invitations.create_invitation(group, owner, 7, None)
    unit.commit()
    visitor, finish = _registration_link(app, outbox, token)
    charter.revise(group, owner, RULE, must_reread=True, base=1)
    account = {"display_name": "Nuova", "password": PASSWORD, "confirm": PASSWORD}
    response = visitor.post(finish, data={**account, "language": "fr", **AGREED})
    assert response.status_code == 409
    assert "Nous commençons à 19 h précises." in text_of(response)
    assert db.session.scalar(User.select_by_email("nuova@example.org")) is None


# --- Changing it ----------------------------------------------------------------


def test_a_change_in_substance_asks_every_member_but_its_author_to_read_it_again(
    app, client, login, group_of_three
):
    group, camille, ana, _ben = group_of_three
    login(camille)
    response = _change(client, group, RULE, must_reread=True)
    assert response.location == f"/groups/{group.id}/charter#charter"
    assert _agreed(camille, group) == 2  # the author has read it
    page = text_of(client.get(f"/groups/{group.id}"))
    assert "2 membres n'ont pas encore lu la version actuelle." in page
    assert "charter-notice" not in page
    # the co-responsible member sees who
    charter_page = text_of(client.get(f"/groups/{group.id}/charter"))
    assert "Seuls les membres co-responsables voient qui\u00a0: Ana, Ben" in charter_page
    raw = client.get(f"/groups/{group.id}/charter").get_data(as_text=True)
    assert "<bdi>Ana</bdi>, <bdi>Ben</bdi>" in raw  # names isolated in the sentence
    # a member sees the count and a calm banner, on the group page and at home
    login(ana)
    page = text_of(client.get(f"/groups/{group.id}"))
    assert 'id="charter-notice"' in page
    assert "2 membres n'ont pas encore lu la version actuelle." in page
    home = text_of(client.get("/"))
    assert "La charte de Groupe de parole Lausanne a changé sur le fond." in home
    assert f"/groups/{group.id}/charter#agreement" in home
    charter_page = text_of(client.get(f"/groups/{group.id}/charter"))
    assert "Ben" not in charter_page  # members never see who
    assert "Nous commençons à 19 h précises." in charter_page


def test_a_member_agrees_and_the_banner_and_the_count_go(app, client, login, group_of_three):
    group, camille, ana, _ben = group_of_three
    charter.revise(group, camille, RULE, must_reread=True, base=1)
    login(ana)
    refused = client.post(f"/groups/{group.id}/charter/agree", data={"version": "2"})
    assert refused.status_code == 400
    assert _agreed(ana, group) is None
    response = client.post(f"/groups/{group.id}/charter/agree", data={"agree": "y", "version": "2"})
    assert response.location == f"/groups/{group.id}/charter#agreement"
    page = text_of(client.get(response.location))
    assert t(app, "fr", "Thank you. You have read the charter and agree to it.") in page
    assert _agreed(ana, group) == 2
    group_page = text_of(client.get(f"/groups/{group.id}"))
    assert 'id="charter-notice"' not in group_page
    assert "1 membre n'a pas encore lu la version actuelle." in group_page
    assert "a changé sur le fond" not in text_of(client.get("/"))


def test_agreeing_twice_records_one_agreement(client, login, group_of_three):
    group, camille, ana, _ben = group_of_three
    charter.revise(group, camille, RULE, must_reread=True, base=1)
    login(ana)
    for _ in range(2):
        client.post(f"/groups/{group.id}/charter/agree", data={"agree": "y", "version": "2"})
    rows = db.session.scalars(
        select(CharterAcknowledgement).where(
            CharterAcknowledgement.membership_id == _membership(ana, group).id
        )
    ).all()
    assert [r.number for r in rows] == [2]


def test_agreeing_to_a_version_older_than_the_one_to_read_is_refused(
    app, client, login, group_of_three
):
    group, camille, ana, _ben = group_of_three
    charter.revise(group, camille, RULE, must_reread=True, base=1)
    login(ana)
    for shown in ("1", "", "x" * 30, "99"):
        response = client.post(
            f"/groups/{group.id}/charter/agree", data={"agree": "y", "version": shown}
        )
        assert response.status_code == 409, shown
    assert _agreed(ana, group) is None


def test_a_small_change_asks_nobody_to_read_it_again(client, login, group_of_three):
    group, camille, ana, _ben = group_of_three
    login(camille)
    response = _change(client, group, RULE, must_reread=False)
    assert response.status_code == 302
    assert _current(group) == 2
    assert db.session.get(Charter, group.id).required_number == 0
    login(ana)
    assert 'id="charter-notice"' not in text_of(client.get(f"/groups/{group.id}"))
    assert "Nous commençons à 19 h précises." in text_of(client.get(f"/groups/{group.id}/charter"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write the charter: it cannot be empty."),
        ("  \r\n \n ", "Write the charter: it cannot be empty."),
        ("x" * (TEXT_MAX + 1), "Use at most %(max)d characters."),
    ],
)
def test_an_empty_or_too_long_charter_is_refused_at_the_field_and_nothing_is_saved(
    app, client, login, group_of_three, text, message
):
    group, camille, _ana, _ben = group_of_three
    login(camille)
    response = _change(client, group, text, must_reread=True)
    assert response.status_code == 400
    page = text_of(response)
    expected = t(app, "fr", message, max=TEXT_MAX)
    assert f'<p class="error-text" id="text-error">{expected}</p>' in page
    assert _versions(group) == 1
    assert db.session.get(Charter, group.id).required_number == 0


def test_the_longest_charter_counts_line_ends_as_one_character(client, login, group_of_three):
    """Browsers send a textarea's line ends as CRLF: 5,000 characters typed
    are 5,000 characters kept."""
    group, camille, _ana, _ben = group_of_three
    login(camille)
    text = ("x" * 99 + "\r\n") * (TEXT_MAX // 100)
    assert len(text) > TEXT_MAX
    assert _change(client, group, text, must_reread=False).status_code == 302
    assert len(charter.current_version(group).text) <= TEXT_MAX


def test_saving_the_same_text_makes_no_new_version(app, client, login, group_of_three):
    group, camille, _ana, _ben = group_of_three
    login(camille)
    same = charter.current_version(group).text
    response = _change(client, group, same.replace("\n", "\r\n"), must_reread=False)
    assert response.status_code == 302
    assert t(app, "fr", "Nothing has changed: the charter stays as it was.") in text_of(
        client.get(response.location)
    )
    assert _versions(group) == 1


def test_a_version_saved_meanwhile_is_never_overwritten(app, client, login, group_of_three):
    group, camille, _ana, _ben = group_of_three
    login(camille)
    assert _change(client, group, "- Première règle", must_reread=False, base=1).status_code == 302
    response = _change(client, group, "- Ma version", must_reread=True, base=1)
    assert response.status_code == 409
    page = text_of(response)
    assert "- Ma version" in page  # what was typed is still in the field
    assert "Première règle" in page  # the current version, to compare
    assert 'name="base" type="hidden" value="2"' in page
    assert _versions(group) == 2
    assert _change(client, group, "- Ma version", must_reread=True, base=2).status_code == 302
    assert _current(group) == 3


def test_the_charter_is_shown_safely_with_its_simple_formatting(client, login, group_of_three):
    group, camille, _ana, _ben = group_of_three
    charter.revise(
        group,
        camille,
        "<script>alert(1)</script> & **gras**\n\n- un\n- deux\n\n[lien](javascript:alert(1))"
        "\n<img src=x onerror=alert(1)>\n# pas un titre",
        must_reread=False,
        base=1,
    )
    login(camille)
    html = client.get(f"/groups/{group.id}/charter").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; <strong>gras</strong>" in html
    assert "<ul>\n<li>un</li>\n<li>deux</li>\n</ul>" in html
    assert 'href="javascript:' not in html
    assert "<img" not in html
    assert "<h1>pas un titre" not in html


def test_members_cannot_change_the_charter(client, login, group_of_three):
    group, _camille, ana, _ben = group_of_three
    login(ana)
    assert _change(client, group, RULE, must_reread=True, base=1).status_code == 403
    assert _versions(group) == 1


# --- Versions, history -----------------------------------------------------------


def test_every_version_is_kept_with_its_date_and_author(client, login, group_of_three):
    group, camille, _ana, _ben = group_of_three
    login(camille)
    _change(client, group, RULE, must_reread=True)
    _change(client, group, RULE + "\n- Et du thé.", must_reread=False)
    page = text_of(client.get(f"/groups/{group.id}/charter/versions"))
    assert page.index("Version 3") < page.index("Version 2") < page.index("Version 1")
    assert "le modèle habituel" in page
    assert page.count("Camille") == 2  # the author of versions 2 and 3
    assert "relecture demandée aux membres" in page
    first = db.session.scalar(
        select(CharterVersion).where(
            CharterVersion.group_id == group.id, CharterVersion.number == 1
        )
    )
    old = text_of(client.get(f"/groups/{group.id}/charter/versions/{first.id}"))
    assert HEADINGS["fr"] in old and "Et du thé." not in old


def test_the_author_of_a_version_becomes_a_former_member_when_their_account_goes(
    app, client, login, group_of_three
):
    group, camille, ana, _ben = group_of_three
    db.session.get(Membership, _membership(ana, group).id).role = "coresponsible"
    unit.commit()
    login(ana)
    _change(client, group, RULE, must_reread=True)
    client.post("/account/delete", data={"password": PASSWORD})
    login(camille)
    page = text_of(client.get(f"/groups/{group.id}/charter/versions"))
    assert t(app, "fr", "a former member") in page
    assert "Ana" not in page


def test_changes_to_the_charter_appear_in_the_groups_history(client, login, group_of_three):
    group, camille, _ana, _ben = group_of_three
    login(camille)
    _change(client, group, RULE, must_reread=True)
    _change(client, group, RULE + "\n- Et du thé.", must_reread=False)
    history = text_of(client.get(f"/groups/{group.id}/audit"))
    assert "Camille a modifié la charte (version 2) et demandé aux membres de la relire." in history
    assert "Camille a apporté de petites modifications à la charte (version 3)." in history


# --- The yearly review -------------------------------------------------------------


def _due(group, day: date) -> None:
    db.session.get(Charter, group.id).review_on = day
    unit.commit()


def test_the_review_is_a_year_after_the_start_then_after_each_change_in_substance(
    client, login, make_user, make_group, monkeypatch
):
    monkeypatch.setattr(clock, "now", lambda: datetime(2028, 2, 29, 10, tzinfo=UTC))
    owner = make_user("Owner")
    group = make_group(owner)
    assert db.session.get(Charter, group.id).review_on == date(2029, 2, 28)
    monkeypatch.setattr(clock, "now", lambda: datetime(2029, 1, 10, 10, tzinfo=UTC))
    login(owner)
    _change(client, group, RULE, must_reread=False)
    assert db.session.get(Charter, group.id).review_on == date(2029, 2, 28)
    _change(client, group, RULE + "\n- Et du thé.", must_reread=True)
    assert db.session.get(Charter, group.id).review_on == date(2030, 1, 10)


def test_when_the_review_is_due_co_responsibles_see_a_reminder_and_members_do_not(
    app, client, login, group_of_three
):
    group, camille, ana, _ben = group_of_three
    _due(group, clock.today() - timedelta(days=1))
    login(camille)
    page = text_of(client.get(f"/groups/{group.id}"))
    assert t(app, "fr", "It is time to review the charter together.") in page
    assert "C'est le moment de relire la charte ensemble (prévu le" in text_of(
        client.get(f"/groups/{group.id}/charter")
    )
    login(ana)
    assert "relire la charte ensemble" not in text_of(client.get(f"/groups/{group.id}"))


def test_the_group_keeps_its_charter_after_reviewing_it(app, client, login, group_of_three):
    group, camille, _ana, _ben = group_of_three
    _due(group, clock.today())
    login(camille)
    response = client.post(f"/groups/{group.id}/charter/reviewed")
    assert response.location == f"/groups/{group.id}/charter#review"
    next_year = charter.a_year_after(clock.today())
    assert db.session.get(Charter, group.id).review_on == next_year
    assert "La charte reste telle quelle." in text_of(client.get(response.location))
    assert "relire la charte ensemble" not in text_of(client.get(f"/groups/{group.id}"))
    assert _versions(group) == 1
    assert "Camille a relu la charte et l'a gardée telle quelle" in text_of(
        client.get(f"/groups/{group.id}/audit")
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "This field is required."),
        ("2026-02-31", "Enter a real date, for example 2026-09-15."),
        ("1900-01-01", "Choose a date between %(first)s and %(last)s."),
    ],
)
def test_a_bad_review_date_is_refused_at_the_field(
    app, client, login, group_of_three, value, message
):
    group, camille, _ana, _ben = group_of_three
    before = db.session.get(Charter, group.id).review_on
    login(camille)
    response = client.post(f"/groups/{group.id}/charter/review", data={"review_on": value})
    assert response.status_code == 400
    assert 'id="review_on-error"' in text_of(response)
    assert _review_on(group) == before


def _review_on(group) -> date:
    db.session.expire_all()
    return db.session.get(Charter, group.id).review_on


def test_a_review_date_in_the_past_is_refused_and_a_coming_one_is_kept(
    app, client, login, group_of_three
):
    group, camille, _ana, _ben = group_of_three
    before = _review_on(group)
    login(camille)
    past = (clock.today() - timedelta(days=1)).isoformat()
    response = client.post(f"/groups/{group.id}/charter/review", data={"review_on": past})
    assert response.status_code == 400
    assert t(app, "fr", "Choose a date from today on.") in text_of(response)
    assert _review_on(group) == before
    coming = clock.today() + timedelta(days=60)
    response = client.post(
        f"/groups/{group.id}/charter/review", data={"review_on": coming.isoformat()}
    )
    assert response.status_code == 302
    assert _review_on(group) == coming
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "charter_review_set"))
        is not None
    )


def test_the_worker_emails_the_co_responsibles_once_when_the_review_is_due(
    app, outbox, make_user, make_group, add_member, monkeypatch
):
    camille = make_user("Camille")
    group = make_group(camille, name="Fibromyalgie Lausanne")
    add_member(group, make_user("Ana"))
    add_member(group, make_user("Marco", locale="it"), coresponsible=True)
    quiet = make_group(make_user("Other"), name="Pas encore")
    _due(group, date(2027, 3, 5))
    _due(quiet, date(2027, 6, 1))
    monkeypatch.setattr(clock, "now", lambda: datetime(2027, 3, 5, 6, tzinfo=UTC))
    run_round()
    assert sorted((m["To"], m["Subject"]) for m in outbox) == sorted(
        [
            (camille.email, "C'est le moment de relire la charte de Fibromyalgie Lausanne"),
            (
                db.session.scalar(select(User.email).where(User.display_name == "Marco")),
                "È il momento di rivedere le regole di Fibromyalgie Lausanne",
            ),
        ]
    )
    body = outbox[0].get_content()
    assert f"/groups/{group.id}/charter" in body
    assert "Ana" not in body  # who has not read it never leaves the group's pages
    # Once per review date: the next day, nothing more.
    monkeypatch.setattr(clock, "now", lambda: datetime(2027, 3, 6, 7, tzinfo=UTC))
    run_round()
    assert len(outbox) == 2
    # A new date, due again: told again.
    _due(group, date(2027, 3, 8))
    monkeypatch.setattr(clock, "now", lambda: datetime(2027, 3, 8, 8, tzinfo=UTC))
    run_round()
    assert len(outbox) == 4


def test_the_review_email_of_a_discreet_group_keeps_its_name_out_of_the_first_lines(
    app, outbox, make_user, make_group
):
    camille = make_user("Camille")
    group = make_group(camille, name="Fibromyalgie Lausanne")
    group.feed_title_mode = "discreet"
    _due(group, date(2027, 3, 5))
    with app.test_request_context():
        charter.remind_reviews(datetime(2027, 3, 5, 6, tzinfo=UTC), lambda g: "https://x.test/c")
    unit.commit()
    [message] = outbox
    assert message["Subject"] == "C'est le moment de relire la charte de votre groupe"
    first_lines = message.get_content().split("https://x.test/c")[0]
    assert "Fibromyalgie" not in first_lines


def test_the_review_job_runs_once_a_day(app, make_user, make_group, monkeypatch):
    now = datetime(2027, 3, 5, 6, tzinfo=UTC)
    assert jobs.claim("charter_reviews", timedelta(hours=24), now)
    unit.commit()
    assert run_round(now + timedelta(hours=1)).charter_reviews is None
    assert run_round(now + timedelta(hours=25)).charter_reviews == 0


# --- Privacy ----------------------------------------------------------------------------


def test_my_data_says_which_version_of_the_charter_I_agreed_to(client, login, group_of_three):
    group, camille, ana, _ben = group_of_three
    charter.revise(group, camille, RULE, must_reread=True, base=1)
    charter.acknowledge(_membership(ana, group), 2)
    login(ana)
    data = client.get("/account/data.json").get_json()
    [membership] = data["memberships"]
    assert membership["charter_agreed"]["version"] == 2
    assert "Charte acceptée" in text_of(client.get("/account/data"))


def test_outsiders_see_nothing_of_a_groups_charter(client, login, group_of_three, make_user):
    group, _camille, _ana, _ben = group_of_three
    login(make_user("Outsider"))
    for path in ("", "/versions", "/edit"):
        assert client.get(f"/groups/{group.id}/charter{path}").status_code == 404
