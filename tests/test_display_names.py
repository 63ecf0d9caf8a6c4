"""Display names show as what they are: normalised, visible, without
direction controls, and isolated with <bdi> where pages show them within
text (issue #14, sessions and accounts)."""

from __future__ import annotations

import pytest

from facilitator.extensions import db
from facilitator.models import User
from facilitator.services import accounts, audit
from facilitator.services.errors import InvalidDisplayName
from tests.conftest import PASSWORD, link_in, t, text_of

INVISIBLE = "A name cannot contain invisible characters, such as zero-width spaces."
BIDI = "A name cannot contain characters that change the direction of the text."
NOTHING_VISIBLE = "A name needs at least one visible letter, digit or sign."

REFUSED = [
    ("\u200b\u200b", INVISIBLE),  # two zero-width spaces
    ("\ufeff", INVISIBLE),  # a byte order mark
    ("\u202eabc", BIDI),  # right-to-left override
    ("Race\u200b Coresp", INVISIBLE),  # imitating "Race Coresp"
    ("Ra\u200dce Coresp", INVISIBLE),  # a joiner between two Latin letters
    ("Ana\u2066", BIDI),  # an isolate that is never closed
    ("\u061cLina", BIDI),  # Arabic letter mark
    ("Léa\u200e", BIDI),  # left-to-right mark
    ("\u0301\u0301", NOTHING_VISIBLE),  # combining accents on nothing
    ("Ana\x9b", INVISIBLE),  # a C1 control character
]


def finish_registration(client, outbox, display_name, language="fr"):
    client.post("/auth/register", data={"email": "newcomer@example.org"})
    return client.post(
        link_in(outbox[-1]),
        data={
            "display_name": display_name,
            "password": PASSWORD,
            "confirm": PASSWORD,
            "language": language,
        },
        headers={"Accept-Language": language},
    )


@pytest.mark.parametrize(("name", "message"), REFUSED)
def test_registration_refuses_an_invisible_or_reordering_name(app, client, outbox, name, message):
    response = finish_registration(client, outbox, name)
    assert response.status_code == 400
    body = text_of(response)
    assert t(app, "fr", message) in body
    assert 'id="display_name-error"' in body and 'aria-invalid="true"' in body
    assert db.session.scalar(User.select_by_email("newcomer@example.org")) is None


@pytest.mark.parametrize(("name", "message"), REFUSED)
def test_my_account_refuses_an_invisible_or_reordering_name(
    app, client, login, make_user, name, message
):
    user = make_user("Race Coresp")
    login(user)
    response = client.post(
        "/account/", data={"display_name": name, "language": "it", "reminder_days": "2"}
    )
    assert response.status_code == 400
    assert t(app, "fr", message) in text_of(response)
    db.session.refresh(user)
    assert (user.display_name, user.locale) == ("Race Coresp", "fr")


@pytest.mark.parametrize("language", ["fr", "it", "de"])
def test_the_name_s_message_is_in_the_reader_s_language(app, client, outbox, language):
    response = finish_registration(client, outbox, "\u202eabc", language)
    assert response.status_code == 400
    assert t(app, language, BIDI) in text_of(response)


def test_a_decomposed_name_is_stored_composed(client, outbox, login, make_user):
    assert finish_registration(client, outbox, "E\u0301lodie").status_code == 302
    assert db.session.scalar(User.select_by_email("newcomer@example.org")).display_name == "Élodie"
    client.post("/auth/logout")
    user = make_user()
    login(user)
    client.post(
        "/account/", data={"display_name": "Zoe\u0308", "language": "fr", "reminder_days": "2"}
    )
    db.session.refresh(user)
    assert user.display_name == "Zoë"


@pytest.mark.parametrize(
    "name",
    [
        "نور",  # Arabic, right to left
        "مه\u200cسا",  # Persian: a zero-width non-joiner between two letters
        "👩\u200d🚀 Ana",  # an emoji sequence joined by a zero-width joiner
        "Zoë-Léa O'Neil",
        "❤\ufe0f Ana",  # a variation selector
    ],
)
def test_names_in_any_script_are_welcome(client, login, make_user, name):
    user = make_user()
    login(user)
    response = client.post(
        "/account/", data={"display_name": name, "language": "fr", "reminder_days": "2"}
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.display_name == name


def test_the_service_refuses_such_a_name_too(app, make_user):
    with pytest.raises(InvalidDisplayName) as raised:
        accounts.update_profile(make_user(), "\u202eabc", "fr")
    assert raised.value.field == "display_name"
    with pytest.raises(InvalidDisplayName):
        accounts.create_account("x@example.org", "\ufeff", PASSWORD, "fr")


def test_members_page_isolates_each_name(client, login, make_user, make_group, add_member):
    owner = make_user("Camille")
    group = make_group(owner)
    add_member(group, make_user("نور"))
    add_member(group, make_user("<b>Bold</b>"))
    login(owner)
    page = client.get(f"/groups/{group.id}/members").get_data(as_text=True)
    assert "<bdi>Camille</bdi>" in page
    assert "<bdi>نور</bdi>" in page
    assert "<bdi>&lt;b&gt;Bold&lt;/b&gt;</bdi>" in page  # escaped inside


def test_the_history_isolates_names_within_its_sentences(client, login, make_user, make_group):
    owner = make_user("نور")
    group = make_group(owner)
    audit.record(group, owner, "member_removed", subject=make_user("<i>Zoé</i>"))
    login(owner)
    page = client.get(f"/groups/{group.id}/audit").get_data(as_text=True)
    assert "<bdi>نور</bdi> a retiré <bdi>&lt;i&gt;Zoé&lt;/i&gt;</bdi> du groupe." in page
    data = client.get("/account/data").get_data(as_text=True)
    assert "<bdi>نور</bdi> a créé le groupe." in data
    export = client.get("/account/data.json").get_data(as_text=True)
    assert "bdi" not in export
